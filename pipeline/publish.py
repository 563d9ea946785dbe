"""The read-only snapshot readers use, published atomically by the one writer.

DuckDB allows one writer per file, and a reader holding the writer's file open would block the
nightly load. So readers (the dashboard, Superset, Metabase, a notebook) open the *published*
snapshot, ``<warehouse>.published.duckdb`` beside the warehouse: after each commit the writer
checkpoints, copies its file to a temporary name in the same folder and renames it over the
snapshot. A rename is atomic, so a reader sees the previous night or the new one, never half
of one, and a reader that still holds the old snapshot keeps reading it undisturbed.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import duckdb

SUFFIX = ".published.duckdb"


class PublishError(RuntimeError):
    """The snapshot could not be written; the warehouse itself is unchanged."""


def published_path(warehouse: str | Path) -> Path:
    """``var/warehouse.duckdb`` -> ``var/warehouse.published.duckdb``."""
    warehouse = Path(warehouse)
    return warehouse.with_name(warehouse.stem + SUFFIX)


def publish(con: duckdb.DuckDBPyConnection, warehouse: str | Path) -> Path:
    """Checkpoint the writer's file and atomically replace the published snapshot with a copy."""
    warehouse = Path(warehouse)
    target = published_path(warehouse)
    partial = target.with_name(f".{target.name}.{os.getpid()}.partial")
    try:
        con.execute("CHECKPOINT")
        with open(warehouse, "rb") as src, open(partial, "wb") as dst:
            shutil.copyfileobj(src, dst, length=16 << 20)
            dst.flush()
            os.fsync(dst.fileno())
        os.chmod(partial, 0o444)
        os.replace(partial, target)
    except (OSError, duckdb.Error) as exc:
        partial.unlink(missing_ok=True)
        raise PublishError(
            f"cannot publish {target} from {warehouse}: {exc}; the warehouse itself is written, readers still "
            "see the previous snapshot until the next run or purge publishes again"
        ) from None
    return target


def reader_path(warehouse: str | Path) -> Path:
    """What a reader should open: the published snapshot, or the warehouse before one exists."""
    published = published_path(warehouse)
    return published if published.exists() else Path(warehouse)
