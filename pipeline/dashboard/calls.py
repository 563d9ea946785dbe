"""Calls: search and filter calls, and open one (``/calls?call=ID&turn=N`` shows the call page)."""

from __future__ import annotations

from typing import Any

import streamlit as st

from . import call_page, formatting, sidebar, snapshot
from .queries import OUTCOME_COLUMNS

LIMIT = 200
"""Calls listed at most (the newest); the count above the list says how many match."""
WITH = {
    None: "any call",
    "missed_empathy": "missed empathy",
    "over_empathy": "over-empathy",
    "missing_boundary": "a missing boundary",
    "dismissive": "a dismissive turn",
    "aggression": "an aggressive customer",
}
assert set(WITH) - {None, "aggression"} == set(OUTCOME_COLUMNS)

COLUMNS: dict[str, Any] = {
    "call_id": st.column_config.TextColumn("Call", pinned=True),
    "started_at": st.column_config.DatetimeColumn("Started (UTC)", format="YYYY-MM-DD HH:mm"),
    "agent_id": "Agent",
    "team": "Team",
    "queue": "Queue",
    "language": "Language",
    "duration_s": st.column_config.NumberColumn("Seconds", format="%.0f"),
    "n_turns": "Turns",
    "dosing_score": st.column_config.NumberColumn("Dosing score", format="%.2f"),
    "missed_empathy": "Missed empathy",
    "over_empathy": "Over-empathy",
    "missing_boundary": "Missing boundary",
    "dismissive": "Dismissive",
    "aggression_turns": "Aggressive turns",
    "deescalated": st.column_config.CheckboxColumn("De-escalated"),
}


def render() -> None:
    call_id = st.query_params.get("call")
    if call_id:
        call_page.render(call_id, _turn(st.query_params.get("turn")), back=_back)
        return
    filters = sidebar.current()
    st.title("Calls")
    search_col, with_col = st.columns([3, 1])
    search = search_col.text_input(
        "Search", key="q", bind="query-params", placeholder="part of a call id or of what was said"
    ).strip()
    outcome = with_col.selectbox("Calls with", list(WITH), format_func=lambda k: WITH[k], key="call_with")
    table = snapshot.load("calls", filters, search, outcome, LIMIT)
    matching = int(table["matching"].iloc[0]) if len(table) else 0
    shown = f"; the newest {LIMIT} are listed" if matching > LIMIT else ""
    st.caption(f"Matching: {formatting.counted(matching, 'call')}{shown}. Select a row to open the call.")
    generation = st.session_state.setdefault("_calls_generation", 0)
    event: Any = st.dataframe(
        table.drop(columns="matching"),
        column_config=COLUMNS,
        hide_index=True,
        width="stretch",
        on_select="rerun",
        selection_mode="single-row",
        key=f"calls_table_{generation}",
    )
    rows = event.selection.rows if event is not None else []
    if rows:
        _open(str(table["call_id"].iloc[rows[0]]))
    picked = st.selectbox(
        "Open a call",
        table["call_id"].tolist(),
        index=None,
        placeholder="choose or type a call id",
        key=f"calls_open_{generation}",
    )
    if picked:
        _open(picked)


def _open(call_id: str) -> None:
    # A new key next time, so the list does not reopen this call when the user comes back.
    st.session_state["_calls_generation"] = st.session_state.get("_calls_generation", 0) + 1
    st.query_params["call"] = call_id
    if "turn" in st.query_params:
        del st.query_params["turn"]
    st.rerun()


def _back() -> None:
    for key in ("call", "turn"):
        if key in st.query_params:
            del st.query_params[key]
    st.rerun()


def _turn(raw: str | None) -> int | None:
    try:
        return int(raw) if raw is not None else None
    except ValueError:
        return None
