"""The warehouse schema in layers: versioned migrations, staging views, marts (``sql/``).

- ``sql/migrations/NNNN_name.sql`` change tables. Each runs once, in its own transaction, and is
  recorded in ``schema_version``; a warehouse of any earlier version upgrades in place.
- ``sql/staging/*.sql`` are views that only rename and cast the tables.
- ``sql/marts/*.sql`` are the views people query (call_metrics, agent_daily, ...).

Views hold no data, so they are replaced on every writer start. Every view file documents its
columns in a ``-- columns:`` block; :func:`documented_columns` reads it back (tests compare it
with the real view).
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
from dataclasses import dataclass
from pathlib import Path

import duckdb

from .transaction import transaction

log = logging.getLogger(__name__)

SQL_DIR_ENV = "EMPATHY_DIAL_SQL_DIR"
VIEW_LAYERS = ("staging", "marts")
_MIGRATION_NAME = re.compile(r"^(\d{4})_\w+\.sql$")
_COLUMN_DOC = re.compile(r"^--\s{2,}(\w+)\s+([A-Z][A-Z0-9_\[\]]*)\s+(.+)$")


class SchemaError(RuntimeError):
    """The ``sql/`` folder is missing or inconsistent; the message names the file."""


@dataclass(frozen=True)
class Column:
    name: str
    type: str
    description: str


def sql_dir() -> Path:
    """The ``sql/`` folder at the repository root (or ``$EMPATHY_DIAL_SQL_DIR``)."""
    configured = os.environ.get(SQL_DIR_ENV)
    path = Path(configured) if configured else Path(__file__).resolve().parent.parent / "sql"
    if not (path / "migrations").is_dir():
        raise SchemaError(f"schema folder {path}/migrations not found; set {SQL_DIR_ENV} to the project's sql/ folder")
    return path


def migrations() -> list[tuple[int, Path]]:
    """``(version, file)`` of every migration, in order; versions must be unique."""
    found: dict[int, Path] = {}
    for file in sorted((sql_dir() / "migrations").glob("*.sql")):
        match = _MIGRATION_NAME.match(file.name)
        if not match:
            raise SchemaError(f"{file}: file name: must be NNNN_name.sql (four-digit version)")
        version = int(match.group(1))
        if version in found:
            raise SchemaError(f"{file}: version {version}: already used by {found[version].name}")
        found[version] = file
    return sorted(found.items())


def view_files() -> list[Path]:
    """Staging views, then marts, each layer in file-name order (the order they depend on)."""
    return [file for layer in VIEW_LAYERS for file in sorted((sql_dir() / layer).glob("*.sql"))]


def current_version(con: duckdb.DuckDBPyConnection) -> int:
    _ensure_version_table(con)
    row = con.execute("SELECT coalesce(max(version), 0) FROM schema_version").fetchone()
    return int(row[0]) if row else 0


def migrate(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Run the migrations this warehouse has not had yet; returns their file names."""
    _ensure_version_table(con)
    done = dict(con.execute("SELECT version, sha256 FROM schema_version").fetchall())
    applied = []
    for version, file in migrations():
        text = file.read_text(encoding="utf-8")
        digest = hashlib.sha256(text.encode()).hexdigest()
        if version in done:
            if done[version] != digest:
                log.warning("%s changed after it was applied; migrations are never re-run, add a new one", file.name)
            continue
        try:
            with transaction(con):
                con.execute(text)
                con.execute(
                    "INSERT INTO schema_version VALUES (?, ?, ?, current_timestamp::TIMESTAMP)",
                    [version, file.name, digest],
                )
        except duckdb.Error as exc:
            raise SchemaError(f"{file}: migration {version} failed: {exc}") from exc
        log.info("warehouse schema upgraded to version %d (%s)", version, file.name)
        applied.append(file.name)
    return applied


def apply_views(con: duckdb.DuckDBPyConnection) -> list[str]:
    """(Re)create every staging view and mart; returns the file names."""
    names = []
    for file in view_files():
        try:
            con.execute(file.read_text(encoding="utf-8"))
        except duckdb.Error as exc:
            raise SchemaError(f"{file}: {exc}") from exc
        names.append(file.name)
    return names


def documented_columns(file: Path) -> list[Column]:
    """The ``-- columns:`` block of a view file: one ``--   name  TYPE  description`` per line."""
    lines = file.read_text(encoding="utf-8").splitlines()
    try:
        start = lines.index("-- columns:") + 1
    except ValueError:
        raise SchemaError(f"{file}: no '-- columns:' block documenting the view's columns") from None
    columns = []
    for line in lines[start:]:
        match = _COLUMN_DOC.match(line)
        if not match:
            break
        columns.append(Column(*match.groups()))
    return columns


def view_name(file: Path) -> str:
    """The view a file creates, from its ``-- view: name`` header."""
    for line in file.read_text(encoding="utf-8").splitlines():
        if line.startswith("-- view:"):
            return line.split(":", 1)[1].strip()
    raise SchemaError(f"{file}: no '-- view: name' header")


def _ensure_version_table(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(
        """
        CREATE TABLE IF NOT EXISTS schema_version (
            version    INTEGER PRIMARY KEY,
            name       VARCHAR NOT NULL,
            sha256     VARCHAR NOT NULL,
            applied_at TIMESTAMP NOT NULL
        )
        """
    )
