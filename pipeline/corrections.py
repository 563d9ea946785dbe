"""Label corrections from people (the dashboard), written to the warehouse by the one writer.

A correction is first written as a small JSON file into the inbox beside the warehouse
(``<warehouse dir>/inbox/feedback/``), atomically, so it is never lost. :func:`apply_pending`
moves the inbox into the ``feedback`` table in one transaction and publishes a new snapshot;
the loader calls it at every run, and :func:`submit` tries it at once. When the nightly load
holds the warehouse, the correction waits in the inbox for the next writer: nothing ever opens
a second writer on the file.
"""

from __future__ import annotations

import json
import logging
import os
import uuid
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb

from . import warehouse
from .labels import AGENT_MODES, AGENT_TAGS, CUSTOMER_STATES
from .publish import publish

log = logging.getLogger(__name__)

FIELDS = ("customer_state", "agent_mode", "tags")


class CorrectionError(ValueError):
    """A correction breaks a rule; the message names the field and the rule."""


@dataclass(frozen=True)
class Correction:
    call_id: str
    turn_index: int
    field: str
    corrected_value: str
    """A state, a mode, or a JSON list of tags."""
    old_value: str | None
    who: str
    at: str
    """ISO time, UTC."""


def inbox(warehouse_path: str | Path) -> Path:
    return Path(warehouse_path).parent / "inbox" / "feedback"


def make(
    call_id: str, turn_index: int, field: str, value: str | list[str], who: str, old_value: Any = None
) -> Correction:
    """Check a correction against the label set; tags may be given as a list."""
    if not call_id:
        raise CorrectionError("field 'call_id': must not be empty")
    if not who or not who.strip():
        raise CorrectionError("field 'who': say who corrects the label")
    if field not in FIELDS:
        raise CorrectionError(f"field 'field': {field!r} is not one of {list(FIELDS)}")
    if field == "tags":
        tags = json.loads(value) if isinstance(value, str) else list(value)
        unknown = [t for t in tags if t not in AGENT_TAGS]
        if unknown:
            raise CorrectionError(f"field 'tags': {unknown} not in the label set {list(AGENT_TAGS)}")
        text = json.dumps(sorted(set(tags)))
    else:
        allowed = CUSTOMER_STATES if field == "customer_state" else AGENT_MODES
        if value not in allowed:
            raise CorrectionError(f"field '{field}': {value!r} is not one of {list(allowed)}")
        text = str(value)
    old = json.dumps(list(old_value)) if isinstance(old_value, list | tuple) else old_value
    now = datetime.now(UTC).replace(tzinfo=None).isoformat(timespec="microseconds")
    return Correction(call_id, int(turn_index), field, text, old, who.strip(), now)


def submit(warehouse_path: str | Path, correction: Correction) -> str:
    """Keep the correction in the inbox, then try to write it now.

    Returns ``"stored"`` when it is in the warehouse and the snapshot is republished, or
    ``"queued"`` when the writer is busy (the next run stores it).
    """
    folder = inbox(warehouse_path)
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"{correction.at.replace(':', '')}-{uuid.uuid4().hex[:8]}.json"
    partial = target.with_suffix(".partial")
    partial.write_text(json.dumps(asdict(correction), ensure_ascii=False), encoding="utf-8")
    os.replace(partial, target)
    try:
        con = warehouse.connect(warehouse_path)
    except warehouse.WarehouseError as exc:
        log.info("warehouse busy, correction queued in %s: %s", folder, exc)
        return "queued"
    try:
        apply_pending(con, warehouse_path)
    finally:
        con.close()
    return "stored"


def apply_pending(con: duckdb.DuckDBPyConnection, warehouse_path: str | Path, publish_after: bool = True) -> int:
    """Move every correction waiting in the inbox into ``feedback`` (one transaction)."""
    files = sorted(inbox(warehouse_path).glob("*.json"))
    if not files:
        return 0
    rows, done = [], []
    for file in files:
        try:
            raw = json.loads(file.read_text(encoding="utf-8"))
            fields = ("call_id", "turn_index", "field", "corrected_value", "old_value", "who")
            rows.append([file.stem, *(raw[k] for k in fields), datetime.fromisoformat(raw["at"])])
            done.append(file)
        except (ValueError, KeyError) as exc:
            log.warning("%s: not a correction (%s); left in the inbox", file, exc)
    warehouse.apply_schema(con)
    con.execute("BEGIN TRANSACTION")
    try:
        con.execute("DELETE FROM feedback WHERE correction_id IN (SELECT unnest(?))", [[r[0] for r in rows]])
        con.executemany(
            "INSERT INTO feedback (correction_id, call_id, turn_index, field, corrected_value, old_value, who, "
            '"at") VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
            rows,
        )
        con.execute("COMMIT")
    except duckdb.Error:
        con.execute("ROLLBACK")
        raise
    for file in done:
        file.unlink()
    if publish_after:
        publish(con, warehouse_path)
    log.info("%d label correction(s) stored in %s", len(rows), warehouse_path)
    return len(rows)
