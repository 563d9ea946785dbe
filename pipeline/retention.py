"""Retention: delete transcript text and audio references older than the policy allows.

Labels, outcomes, explanations and every metric stay, so dashboards and trends keep working;
what goes is what could identify a customer: the turns' text and extra fields, and the path to
the recording. A purged call keeps its content hash, so a re-run of the same input skips it
instead of loading the text again (``run --force`` would).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import duckdb

from . import warehouse
from .ingest import AUDIO_SUFFIXES
from .publish import publish
from .transaction import transaction

RETENTION_ENV = "EMPATHY_DIAL_RETENTION_DAYS"
DEFAULT_RETENTION_DAYS = 90

_DUE = """
SELECT call_id FROM calls
WHERE purged_at IS NULL AND coalesce(started_at, loaded_at) < ?
"""


@dataclass(frozen=True)
class PurgeReport:
    cutoff: datetime
    calls: int
    turns: int
    recordings: int
    dry_run: bool = False


def retention_days(days: int | None = None) -> int:
    """The policy: ``days``, else ``$EMPATHY_DIAL_RETENTION_DAYS``, else 90."""
    value: int | str = days if days is not None else os.environ.get(RETENTION_ENV, DEFAULT_RETENTION_DAYS)
    try:
        number = int(value)
    except ValueError:
        raise ValueError(f"{RETENTION_ENV}: {value!r} is not a whole number of days") from None
    if number < 1:
        raise ValueError(f"retention: {number} days: must be at least 1 day")
    return number


def purge(path: str | Path, days: int | None = None, now: datetime | None = None, dry_run: bool = False) -> PurgeReport:
    """Purge calls that started more than ``days`` days before ``now`` (UTC), in one transaction."""
    now = now or datetime.now(UTC).replace(tzinfo=None)
    cutoff = now - timedelta(days=retention_days(days))
    audio = [f"%{suffix}" for suffix in AUDIO_SUFFIXES]
    con = warehouse.connect(path, wait_s=warehouse.lock_wait_s())
    try:
        warehouse.apply_schema(con)
        con.execute(f"CREATE TEMP TABLE due AS {_DUE}", [cutoff])
        row = con.execute(
            """
            SELECT
                (SELECT count(*) FROM due),
                (SELECT count(*) FROM turns WHERE call_id IN (SELECT call_id FROM due)),
                (SELECT count(*) FROM calls WHERE call_id IN (SELECT call_id FROM due)
                    AND list_bool_or([lower(source) LIKE p FOR p IN ?]))
            """,
            [audio],
        ).fetchone()
        calls, turns, recordings = row if row else (0, 0, 0)
        if not dry_run and calls:
            _apply(con, audio, now)
            publish(con, path)
    except duckdb.Error as exc:
        raise warehouse.WarehouseError(warehouse.explain(Path(path), exc, "purge")) from None
    finally:
        con.close()
    return PurgeReport(cutoff, calls, turns, recordings, dry_run)


def _apply(con: duckdb.DuckDBPyConnection, audio: list[str], now: datetime) -> None:
    with transaction(con):
        con.execute("UPDATE turns SET text = NULL, extra = NULL WHERE call_id IN (SELECT call_id FROM due)")
        con.execute(
            """
            UPDATE calls SET
                purged_at = ?,
                source = CASE WHEN list_bool_or([lower(source) LIKE p FOR p IN ?]) THEN NULL ELSE source END
            WHERE call_id IN (SELECT call_id FROM due)
            """,
            [now, audio],
        )
        warehouse.refresh_marts(con)  # the coaching queue quotes the text
