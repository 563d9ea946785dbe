"""Coaching queue: the moments most worth a coach's time, ranked by the warehouse's coaching_queue.

Each moment links to the call page at that turn (``/calls?call=ID&turn=N``).
"""

from __future__ import annotations

import streamlit as st

from ..labels import OUTCOMES
from . import call_page, formatting, nav, sidebar, snapshot

SIZES = (25, 50, 100)


def render() -> None:
    filters = sidebar.current()
    st.title("Coaching queue")
    st.caption(
        "Agent turns whose outcome was not appropriate, ranked by the warehouse: outcome weight x how heated the "
        "customer was x 1.25 when the call did not calm down; ties go to the newer call."
    )
    pick, size = st.columns([3, 1])
    outcomes = pick.multiselect(
        "Outcomes", [o for o in OUTCOMES if o != "appropriate"], key="coach_outcomes", placeholder="all"
    )
    limit = size.selectbox("Show", SIZES, key="coach_limit")
    moments = snapshot.load("coaching", filters, tuple(outcomes), int(limit))
    matching = int(moments["matching"].iloc[0]) if len(moments) else 0
    st.caption(f"Matching: {formatting.counted(matching, 'moment')}; the first {min(matching, int(limit))} are shown.")
    calls = nav.page("calls")
    for m in moments.to_dict("records"):
        with st.container(border=True):
            text, link = st.columns([5, 1])
            badge = call_page.OUTCOME_BADGES.get(m["outcome"], "blue")
            lines = [
                f"**#{int(m['rank'])}** :{badge}-badge[{formatting.md(m['outcome'])}] "
                f"agent {formatting.md(m['agent_id'])} · {formatting.md(m['team'])} · "
                f"{formatting.when(m['started_at'])} · call {formatting.md(m['call_id'])}, "
                f"turn {int(m['turn_index'])} at {formatting.clock(m['start_s'])}"
            ]
            if not formatting.missing(m["customer_text"]):
                state = formatting.md(m["customer_state"])
                lines.append(f"customer ({state}): {formatting.md(m['customer_text'])}")
            if not formatting.missing(m["agent_text"]):
                lines.append(f"agent: {formatting.md(m['agent_text'])}")
            lines.append(f":gray[{formatting.md(m['explanation'])}]")
            text.markdown("  \n".join(lines))  # one element per moment: cheap for the browser
            link.page_link(
                calls,
                label="Open at this turn",
                icon=":material/play_circle:",
                query_params={"call": str(m["call_id"]), "turn": str(int(m["turn_index"]))},
            )
