"""Label corrections from people (the dashboard), written to the warehouse by the one writer.

A correction is first written as a small JSON file into the inbox beside the warehouse
(``<warehouse dir>/inbox/feedback/``), atomically, so it is never lost. :func:`apply_pending`
moves the inbox into the ``feedback`` table in one transaction and publishes a new snapshot;
the loader calls it at every run, and :func:`submit` tries it at once. When the nightly load
holds the warehouse, the correction waits in the inbox for the next writer: nothing ever opens
a second writer on the file. A file in the inbox that is not a valid correction (hand-written,
truncated, from another version) is moved to ``inbox/feedback/rejected/`` beside a
``.reason.txt`` naming the field and the rule, so it never blocks the others or a night's load.
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
import pandas as pd

from . import warehouse
from .labels import AGENT_MODES, AGENT_TAGS, CUSTOMER_STATES
from .publish import publish
from .transaction import transaction

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
    call_id: str,
    turn_index: int,
    field: str,
    value: str | list[str],
    who: str,
    old_value: Any = None,
    at: datetime | None = None,
) -> Correction:
    """Check a correction against the label set; tags may be given as a list."""
    if not isinstance(call_id, str) or not call_id:
        raise CorrectionError("field 'call_id': must be a non-empty text")
    if not isinstance(turn_index, int) or isinstance(turn_index, bool) or turn_index < 0:
        raise CorrectionError(f"field 'turn_index': {turn_index!r} is not a whole number >= 0")
    if not isinstance(who, str) or not who.strip():
        raise CorrectionError("field 'who': say who corrects the label")
    if field not in FIELDS:
        raise CorrectionError(f"field 'field': {field!r} is not one of {list(FIELDS)}")
    if field == "tags":
        try:
            tags = json.loads(value) if isinstance(value, str) else list(value)
        except (ValueError, TypeError):
            raise CorrectionError(f"field 'corrected_value': {value!r} is not a list of tags") from None
        if not isinstance(tags, list) or not all(isinstance(t, str) for t in tags):
            raise CorrectionError(f"field 'corrected_value': {value!r} is not a list of tags")
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
    if old is not None and not isinstance(old, str):
        raise CorrectionError(f"field 'old_value': {old!r} is not a label")
    when = at or datetime.now(UTC)
    if when.tzinfo is not None:
        when = when.astimezone(UTC).replace(tzinfo=None)
    stamp = when.isoformat(timespec="microseconds")
    return Correction(call_id, turn_index, field, text, old, who.strip(), stamp)


def read(file: Path) -> Correction:
    """One inbox file, checked like a new correction; CorrectionError names the field and the rule."""
    try:
        raw = json.loads(file.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise CorrectionError(f"not JSON ({exc})") from None
    if not isinstance(raw, dict):
        raise CorrectionError("not a JSON object")
    missing = [k for k in ("call_id", "turn_index", "field", "corrected_value", "who", "at") if k not in raw]
    if missing:
        raise CorrectionError(f"field '{missing[0]}': missing")
    try:
        at = datetime.fromisoformat(raw["at"])
    except (TypeError, ValueError):
        raise CorrectionError(f"field 'at': {raw['at']!r} is not an ISO time") from None
    return make(
        raw["call_id"], raw["turn_index"], raw["field"], raw["corrected_value"], raw["who"], raw.get("old_value"), at
    )


def rejected(warehouse_path: str | Path) -> Path:
    return inbox(warehouse_path) / "rejected"


def _reject(file: Path, reason: str, folder: Path) -> None:
    folder.mkdir(exist_ok=True)
    os.replace(file, folder / file.name)
    (folder / f"{file.name}.reason.txt").write_text(reason + "\n", encoding="utf-8")
    log.warning("%s: not a correction (%s); moved to %s", file, reason, folder)


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
    rows, done = [], []
    for file in sorted(inbox(warehouse_path).glob("*.json")):
        try:
            correction = read(file)
        except CorrectionError as exc:
            _reject(file, str(exc), rejected(warehouse_path))
            continue
        rows.append({"correction_id": file.stem, **asdict(correction)})
        done.append(file)
    if not rows:
        return 0
    frame = pd.DataFrame(rows)
    frame["at"] = pd.to_datetime(frame["at"])
    warehouse.apply_schema(con)
    con.register("correction_rows", frame)
    try:
        with transaction(con):
            con.execute("DELETE FROM feedback WHERE correction_id IN (SELECT correction_id FROM correction_rows)")
            con.execute(
                "INSERT INTO feedback (correction_id, call_id, turn_index, field, corrected_value, old_value, who, "
                '"at") SELECT correction_id, call_id, turn_index, field, corrected_value, old_value, who, "at" '
                "FROM correction_rows"
            )
    finally:
        con.unregister("correction_rows")
    for file in done:
        file.unlink()
    if publish_after:
        publish(con, warehouse_path)
    log.info("%d label correction(s) stored in %s", len(rows), warehouse_path)
    return len(rows)
