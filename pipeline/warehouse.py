"""The DuckDB warehouse: schema from ``sql/``, whole-call replacing loads, run bookkeeping.

DuckDB has one writer per file. Every load goes through :func:`load_rows`, inside one
transaction, so a failed or interrupted load leaves the warehouse as it was. Readers open the
published snapshot (:mod:`pipeline.publish`), never this file.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import time
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

from . import schema
from .metrics import METRIC_COLUMNS
from .publish import published_path
from .records import CallAnalysis, Quarantined
from .transaction import transaction

log = logging.getLogger(__name__)

WAREHOUSE_ENV = "EMPATHY_DIAL_WAREHOUSE"
DEFAULT_WAREHOUSE = "var/warehouse.duckdb"
LOCK_WAIT_ENV = "EMPATHY_DIAL_LOCK_WAIT_S"
DEFAULT_LOCK_WAIT_S = 30.0
TABLES = ("calls", "turns", "call_facts", "quarantine")
RUN_COLUMNS = (
    "run_id",
    "started_at",
    "finished_at",
    "inputs",
    "loaded",
    "skipped",
    "quarantined",
    "exit_code",
    "gate_failures",
    "data_docs",
    "published_at",
)


class WarehouseError(RuntimeError):
    """The warehouse cannot be opened or written; the message says which file and why."""


def default_path() -> Path:
    return Path(os.environ.get(WAREHOUSE_ENV, DEFAULT_WAREHOUSE))


def connect(path: str | Path, read_only: bool = False, wait_s: float = 0.0) -> duckdb.DuckDBPyConnection:
    """Open the warehouse file; a missing file is created (unless ``read_only``).

    ``wait_s``: while another process holds the file (a label correction being stored, say),
    try again for up to this many seconds before giving up.
    """
    path = Path(path)
    deadline = time.monotonic() + wait_s
    while True:
        try:
            if not read_only:
                path.parent.mkdir(parents=True, exist_ok=True)
            return duckdb.connect(str(path), read_only=read_only)
        except (duckdb.Error, OSError) as exc:
            locked = "lock" in str(exc).lower()
            if locked and time.monotonic() < deadline:
                time.sleep(0.25)
                continue
            waited = f" (waited {wait_s:g} s for it)" if wait_s and locked else ""
            raise WarehouseError(explain(path, exc, "open") + waited) from None


def lock_wait_s() -> float:
    """How long a writer waits for a file another process holds: $EMPATHY_DIAL_LOCK_WAIT_S, default 30."""
    raw = os.environ.get(LOCK_WAIT_ENV, "")
    try:
        return float(raw) if raw.strip() else DEFAULT_LOCK_WAIT_S
    except ValueError:
        raise WarehouseError(f"{LOCK_WAIT_ENV}={raw!r}: must be a number of seconds") from None


def explain(path: Path, exc: BaseException, doing: str) -> str:
    """One clear line for the ways a write fails: locked file, read-only or full disk."""
    detail = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    lowered = detail.lower()
    if "lock" in lowered:
        return (
            f"cannot {doing} warehouse {path}: the file is locked by another process ({detail}). "
            "Only the nightly loader may open it; readers use the published snapshot "
            f"{published_path(path)}"
        )
    if "read-only file system" in lowered or "permission denied" in lowered:
        return f"cannot {doing} warehouse {path}: its folder is not writable ({detail})"
    if "no space left" in lowered or "disk is full" in lowered or "file too large" in lowered:
        return f"cannot {doing} warehouse {path}: the disk is full ({detail})"
    return f"cannot {doing} warehouse {path}: {detail}"


def apply_schema(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Upgrade the tables (pending migrations) and recreate the views; returns the migrations run.

    Safe to call on every writer start: a warehouse already at the newest version runs nothing.
    """
    try:
        applied = schema.migrate(con)
        schema.apply_views(con)
    except schema.SchemaError as exc:
        raise WarehouseError(str(exc)) from None
    return applied


def has_table(con: duckdb.DuckDBPyConnection, name: str) -> bool:
    """Whether ``name`` exists yet (a read-only reader may open a warehouse older than the schema)."""
    row = con.execute("SELECT count(*) FROM information_schema.tables WHERE table_name = ?", [name]).fetchone()
    return bool(row and row[0])


def loaded_hashes(con: duckdb.DuckDBPyConnection, model_version: str, policy_version: str) -> set[str]:
    """Content hashes already loaded with this model and policy: re-running them is a no-op."""
    rows = con.execute(
        "SELECT source_sha256 FROM calls WHERE model_version = ? AND policy_version = ?",
        [model_version, policy_version],
    ).fetchall()
    return {r[0] for r in rows}


def rows_for(
    analyses: Sequence[CallAnalysis], quarantined: Sequence[Quarantined], now: datetime
) -> dict[str, pd.DataFrame]:
    """Turn analysed calls and quarantine records into one data frame per table."""
    calls, turns, facts = [], [], []
    for a in analyses:
        c = a.call
        calls.append(
            {
                "call_id": c.call_id,
                "started_at": _utc(c.started_at),
                "agent_id": c.agent_id,
                "team": c.team,
                "queue": c.queue,
                "language": c.language,
                "duration_s": a.metrics["duration_s"],
                "source": a.source.path,
                "source_sha256": a.source.sha256,
                "model_version": a.model_version,
                "policy_version": a.policy_version,
                "loaded_at": now,
                "extra": json.dumps(c.extra, ensure_ascii=False, sort_keys=True),
            }
        )
        facts.append({"call_id": c.call_id, **{k: a.metrics[k] for k in METRIC_COLUMNS}})
        for lt in a.turns:
            label = lt.customer or lt.agent
            turns.append(
                {
                    "call_id": c.call_id,
                    "turn_index": lt.index,
                    "speaker": lt.turn.speaker,
                    "start_s": lt.turn.start,
                    "end_s": lt.turn.end,
                    "text": lt.turn.text,
                    "customer_state": lt.customer.state if lt.customer else None,
                    "agent_mode": lt.agent.mode if lt.agent else None,
                    "tags": list(lt.agent.tags) if lt.agent else None,
                    "proba": json.dumps(label.proba) if label else None,
                    "outcome": lt.judgement.outcome if lt.judgement else None,
                    "explanation": lt.judgement.explanation if lt.judgement else None,
                    "context_turn": lt.judgement.context_turn if lt.judgement else None,
                    "policy_rule": lt.judgement.rule if lt.judgement else None,
                    "extra": json.dumps(lt.turn.extra, ensure_ascii=False, sort_keys=True) if lt.turn.extra else None,
                }
            )
    quarantine = [
        {"source": q.source, "reason": q.reason, "stage": q.stage, "at": now, "source_sha256": q.sha256}
        for q in quarantined
    ]
    return {
        "calls": pd.DataFrame(calls),
        "turns": pd.DataFrame(turns),
        "call_facts": pd.DataFrame(facts),
        "quarantine": pd.DataFrame(quarantine),
    }


def load_rows(con: duckdb.DuckDBPyConnection, rows: dict[str, pd.DataFrame], run: dict[str, Any] | None = None) -> int:
    """Write one load in one transaction: each call replaced whole, quarantine upserted, the run recorded.

    A source that loads now leaves the quarantine. If anything fails, or the process dies, the
    transaction rolls back and the warehouse is exactly as before. Returns the calls written.
    """
    calls, quarantine = rows.get("calls"), rows.get("quarantine")
    try:
        with transaction(con):
            if calls is not None and not calls.empty:
                con.register("batch_calls", calls)
                for table in ("turns", "call_facts", "calls"):
                    con.execute(f"DELETE FROM {table} WHERE call_id IN (SELECT call_id FROM batch_calls)")
                con.execute("DELETE FROM quarantine WHERE source IN (SELECT source FROM batch_calls)")
                for table in ("calls", "call_facts", "turns"):
                    frame = rows.get(table)
                    if frame is not None and not frame.empty:
                        con.register(f"batch_{table}", frame)
                        con.execute(f"INSERT INTO {table} BY NAME SELECT * FROM batch_{table}")
            if quarantine is not None and not quarantine.empty:
                con.register("batch_quarantine", quarantine)
                con.execute("DELETE FROM quarantine WHERE source IN (SELECT source FROM batch_quarantine)")
                con.execute("INSERT INTO quarantine BY NAME SELECT * FROM batch_quarantine")
            if calls is not None and not calls.empty:
                refresh_marts(con)
            if run is not None:
                record_run(con, run)
    finally:
        for table in TABLES:
            with contextlib.suppress(duckdb.Error):
                con.unregister(f"batch_{table}")
    return 0 if calls is None else len(calls)


MATERIALISED = {"mart_coaching_queue": "coaching_moments"}
"""Marts kept as tables (the dashboard reads them often; computing them means ranking every turn)."""


def refresh_marts(con: duckdb.DuckDBPyConnection) -> None:
    """Rebuild the materialised marts from their live views (inside the caller's transaction)."""
    for table, view in MATERIALISED.items():
        con.execute(f"CREATE OR REPLACE TABLE {table} AS SELECT * FROM {view}")


def record_run(con: duckdb.DuckDBPyConnection, run: dict[str, Any]) -> None:
    """Insert or replace the bookkeeping row of one run."""
    columns = [c for c in RUN_COLUMNS if c in run]
    con.execute("DELETE FROM runs WHERE run_id = ?", [run["run_id"]])
    con.execute(
        f"INSERT INTO runs ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})", [run[c] for c in columns]
    )


def totals(con: duckdb.DuckDBPyConnection) -> dict[str, Any]:
    """Headline figures over the whole warehouse, for run summaries."""
    calls, turns, quarantined = con.execute(
        "SELECT (SELECT count(*) FROM calls), (SELECT count(*) FROM turns), (SELECT count(*) FROM quarantine)"
    ).fetchone() or (0, 0, 0)
    outcomes = dict(
        con.execute(
            "SELECT outcome, count(*) FROM turns WHERE outcome IS NOT NULL GROUP BY outcome ORDER BY outcome"
        ).fetchall()
    )
    judged = sum(outcomes.values())
    return {
        "calls": calls,
        "turns": turns,
        "quarantined": quarantined,
        "outcomes": outcomes,
        "dosing_score": round(outcomes.get("appropriate", 0) / judged, 4) if judged else None,
    }


def row_counts(con: duckdb.DuckDBPyConnection, tables: Iterable[str] = TABLES) -> dict[str, int]:
    counts = {}
    for table in tables:
        row = con.execute(f"SELECT count(*) FROM {table}").fetchone()
        counts[table] = row[0] if row else 0
    return counts


def _utc(timestamp: str | None) -> datetime | None:
    if timestamp is None:
        return None
    parsed = datetime.fromisoformat(timestamp.replace("Z", "+00:00"))
    if parsed.tzinfo is not None:
        parsed = parsed.astimezone(UTC).replace(tzinfo=None)
    return parsed
