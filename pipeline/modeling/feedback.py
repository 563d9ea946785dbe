"""Corrected labels from the warehouse ``feedback`` table, as training examples."""

from __future__ import annotations

import json
import logging
from pathlib import Path

from .. import warehouse
from ..labels import AGENT_TAGS, CUSTOMER_STATES, MODE_PRIORITY
from .corpus import Example

log = logging.getLogger(__name__)
_MODE_TAG = {mode: tag for tag, mode in MODE_PRIORITY}

LATEST_FEEDBACK = """
SELECT f.call_id, f.turn_index, f.field, f.corrected_value, t.text, t.speaker
FROM feedback f JOIN turns t USING (call_id, turn_index)
QUALIFY row_number() OVER (PARTITION BY f.call_id, f.turn_index, f.field ORDER BY f."at" DESC) = 1
ORDER BY f.call_id, f.turn_index
"""


def feedback_examples(path: Path) -> list[Example]:
    """Latest correction per turn and field; invalid values are logged and left out."""
    if not path.exists():
        return []
    con = warehouse.connect(path, read_only=True)
    try:
        if not warehouse.has_table(con, "feedback"):
            return []
        rows = con.execute(LATEST_FEEDBACK).fetchall()
    finally:
        con.close()
    examples = []
    for call_id, turn_index, field, value, text, speaker in rows:
        where = f"feedback {call_id}#{turn_index} {field}"
        family = f"feedback:{call_id}:{turn_index}"
        if field == "customer_state" and speaker == "customer" and value in CUSTOMER_STATES:
            examples.append(Example(f"{family}:{field}", "customer", text, customer_state=value, family=family))
        elif field in ("tags", "agent_mode") and speaker == "agent":
            tags = _tags(field, value)
            if tags is None:
                log.warning("%s: corrected value %r is not valid, left out", where, value)
                continue
            examples.append(Example(f"{family}:{field}", "agent", text, tags=tags, family=family))
        else:
            log.warning("%s: does not fit a %s turn, left out", where, speaker)
    return examples


def _tags(field: str, value: str) -> tuple[str, ...] | None:
    if field == "agent_mode":
        if value == "other":
            return ()
        return (_MODE_TAG[value],) if value in _MODE_TAG else None
    try:
        tags = json.loads(value)
    except json.JSONDecodeError:
        return None
    if not isinstance(tags, list) or any(t not in AGENT_TAGS for t in tags):
        return None
    return tuple(t for t in AGENT_TAGS if t in tags)
