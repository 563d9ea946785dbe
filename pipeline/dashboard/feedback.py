"""Label corrections on the call page, written through the one writer path (pipeline.corrections).

The dashboard never opens the warehouse for writing itself: :func:`pipeline.corrections.submit`
keeps the correction in the inbox beside the warehouse and stores it at once when the writer is
free ("stored", the snapshot is republished) or at the next run ("queued").
"""

from __future__ import annotations

import json
import math
from typing import Any

import duckdb
import pandas as pd
import streamlit as st

from .. import corrections
from ..labels import AGENT_MODES, AGENT_TAGS, CUSTOMER_STATES
from ..publish import PublishError
from . import formatting, snapshot

FIELDS = corrections.FIELDS
FIELD_LABELS = {"customer_state": "customer state", "agent_mode": "agent mode", "tags": "agent tags"}
RESULT_KEY = "_correction_result"


def latest(rows: pd.DataFrame) -> dict[tuple[int, str], dict[str, Any]]:
    """The newest correction per (turn, field)."""
    found: dict[tuple[int, str], dict[str, Any]] = {}
    for row in rows.to_dict("records"):  # oldest first: later rows win
        found[(int(row["turn_index"]), str(row["field"]))] = row
    return found


def shown(field: str, value: Any) -> str:
    """A stored value as people read it (tags are kept as a JSON list)."""
    if field == "tags":
        try:
            return ", ".join(json.loads(value)) or "no tags"
        except (TypeError, ValueError):
            return str(value)
    return str(value)


def form(call_id: str, turns: pd.DataFrame, fixes: dict[tuple[int, str], dict[str, Any]], turn: int | None) -> None:
    """The correction form: a turn, the label to correct, the right value, who corrects it."""
    st.subheader("Correct a label")
    result = st.session_state.pop(RESULT_KEY, None)
    if result:
        kind, message = result
        (st.success if kind == "stored" else st.info)(message)
    if turns.empty:
        return
    by_index = {int(r["turn_index"]): r for r in turns.to_dict("records")}
    options = list(by_index)
    chosen = st.selectbox(
        "Turn",
        options,
        index=options.index(turn) if turn in options else 0,
        format_func=lambda i: f"turn {i} · {by_index[i]['speaker']} · {_short(by_index[i]['text'])}",
        key=f"fix_turn_{call_id}",
    )
    row = by_index[int(chosen)]
    fields = ["customer_state"] if row["speaker"] == "customer" else ["agent_mode", "tags"]
    field = st.radio(
        "Label", fields, format_func=FIELD_LABELS.__getitem__, horizontal=True, key=f"fix_field_{call_id}_{chosen}"
    )
    current = _current(row, field, fixes)
    key = f"fix_value_{call_id}_{chosen}_{field}"
    value: Any
    if field == "tags":
        value = st.multiselect("Right tags", list(AGENT_TAGS), default=[t for t in current if t in AGENT_TAGS], key=key)
    else:
        allowed = list(CUSTOMER_STATES if field == "customer_state" else AGENT_MODES)
        value = st.selectbox("Right value", allowed, index=allowed.index(current) if current in allowed else 0, key=key)
    who = st.text_input("Your name", key="fix_who", placeholder="who corrects the label")
    if st.button("Submit correction", type="primary", key=f"fix_submit_{call_id}"):
        _submit(call_id, int(chosen), field, value, who, current)


def listing(rows: pd.DataFrame) -> None:
    """The corrections stored for this call, newest first."""
    if rows.empty:
        return
    st.markdown("**Corrections stored for this call**")
    lines = [
        f"- turn {int(r['turn_index'])} · {formatting.md(FIELD_LABELS.get(r['field'], r['field']))}: "
        f"{formatting.md(shown(r['field'], r['old_value']) if _present(r['old_value']) else '?')} → "
        f"{formatting.md(shown(r['field'], r['corrected_value']))} · by {formatting.md(r['who'])} · "
        f"{formatting.when(r['at'])}"
        for r in reversed(rows.to_dict("records"))
    ]
    st.markdown("\n".join(lines))


def _submit(call_id: str, turn: int, field: str, value: Any, who: str, current: Any) -> None:
    if _same(field, value, current):
        st.warning("That is the label it has already; nothing to correct.")
        return
    try:
        correction = corrections.make(call_id, turn, field, value, who, old_value=current)
        outcome = corrections.submit(snapshot.warehouse_path(), correction)
    except corrections.CorrectionError as exc:
        st.error(f"Not stored: {exc}")
        return
    except (OSError, duckdb.Error, PublishError) as exc:
        st.error(f"Not stored: the warehouse could not be written ({exc}).")
        return
    what = f"turn {turn}, {FIELD_LABELS[field]} → {shown(field, correction.corrected_value)}"
    if outcome == "stored":
        message = f"Correction stored ({what}); the classifier's next training run learns from it."
    else:
        message = (
            f"Correction queued ({what}): the nightly job is writing the warehouse now; it is stored at its next run."
        )
    st.session_state[RESULT_KEY] = (outcome, message)
    st.rerun()


def _current(row: dict[str, Any], field: str, fixes: dict[tuple[int, str], dict[str, Any]]) -> Any:
    """What the user sees now: the newest correction, else the model's label."""
    fix = fixes.get((int(row["turn_index"]), field))
    if fix:
        return json.loads(fix["corrected_value"]) if field == "tags" else fix["corrected_value"]
    if field == "tags":
        tags = row["tags"]
        return [] if tags is None or isinstance(tags, float) else [str(t) for t in tags]
    return row[field] if _present(row[field]) else None


def _same(field: str, value: Any, current: Any) -> bool:
    if field == "tags":
        return sorted(set(value)) == sorted(set(current or []))
    return bool(value == current)


def _present(value: Any) -> bool:
    return value is not None and not (isinstance(value, float) and math.isnan(value)) and value is not pd.NA


def _short(text: Any, width: int = 60) -> str:
    if not _present(text):
        return "(purged)"
    text = str(text)
    return text if len(text) <= width else text[: width - 1] + "…"
