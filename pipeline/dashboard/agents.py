"""Agents: one row per agent with the metrics, a small trend, and the aggression they absorbed.

The exposure columns are a wellbeing signal for the team lead (who needs a break, a debrief,
another queue for a while), not a ranking of blame: agents are listed by id, not by score.
"""

from __future__ import annotations

import streamlit as st

from . import charts, formatting, sidebar, snapshot

NAMED = 12
"""Agents named in the wellbeing warning; the table's flag column shows the rest."""
HEATMAP_AGENTS = 25

COLUMNS = {
    "agent_id": st.column_config.TextColumn("Agent", pinned=True),
    "team": st.column_config.TextColumn("Team"),
    "calls": st.column_config.NumberColumn("Calls"),
    "dosing_score": st.column_config.NumberColumn("Dosing score", format="%.2f"),
    "dosing_trend": st.column_config.LineChartColumn("Dosing trend", y_min=0, y_max=1, color="#1565c0"),
    "empathy_hit_rate": st.column_config.NumberColumn("Empathy hit rate", format="percent"),
    "missed_empathy": st.column_config.NumberColumn("Missed empathy"),
    "over_empathy": st.column_config.NumberColumn("Over-empathy"),
    "missing_boundary": st.column_config.NumberColumn("Missing boundary"),
    "dismissive": st.column_config.NumberColumn("Dismissive"),
    "deescalation_rate": st.column_config.NumberColumn("De-escalation rate", format="percent"),
    "aggression_turns": st.column_config.NumberColumn("Aggressive turns absorbed"),
    "calls_with_aggression": st.column_config.NumberColumn("Calls with aggression"),
    "rolling_4w_exposure_rate": st.column_config.NumberColumn(
        "4-week exposure", format="percent", help="Share of the agent's calls with aggression over the last 4 weeks"
    ),
    "high_weeks_4w": st.column_config.NumberColumn("High weeks (of 4)"),
    "sustained_high_exposure": st.column_config.CheckboxColumn(
        "Sustained exposure", help="High exposure in most of the last 4 weeks: a burnout risk to talk about"
    ),
}


def render() -> None:
    filters = sidebar.current()
    st.title("Agents")
    table = snapshot.load("agents", filters)
    if table.empty:
        st.info("No calls in this period: widen the dates or clear a filter in the sidebar.")
        return
    st.caption(
        f"Agents with calls in this period: {len(table)}. Exposure columns count every call the agent took in "
        "the weeks of the period (team and agent filters apply, queue and language do not: wellbeing is about "
        "the person)."
    )
    flagged = table[table["sustained_high_exposure"].fillna(False).astype(bool)]
    if flagged.empty:
        st.success("No agent shows sustained high aggression exposure in these weeks.")
    else:
        names = ", ".join(formatting.md(a) for a in flagged["agent_id"][:NAMED])
        more = f" and {len(flagged) - NAMED} more (column 'Sustained exposure')" if len(flagged) > NAMED else ""
        st.warning(
            f"Sustained high aggression exposure (burnout risk), {len(flagged)} of {len(table)} agents: {names}{more}. "
            "A wellbeing signal for the team lead, not a judgement of the agent."
        )
    st.dataframe(
        table[list(COLUMNS)],
        column_config=COLUMNS,
        hide_index=True,
        width="stretch",
        alt="One row per agent with the dosing metrics and aggression exposure",
    )
    weeks = snapshot.load("exposure_weeks", filters)
    if not weeks.empty:
        st.subheader("Aggression absorbed, week by week")
        # The agents who absorbed the most over the last 4 weeks first; a long list only shows the top.
        latest = weeks.sort_values("week").groupby("agent_id")["rolling_4w_exposure_rate"].last()
        order = latest.sort_values(ascending=False).index.tolist()
        shown = order[:HEATMAP_AGENTS]
        note = (
            f" The {HEATMAP_AGENTS} agents with the highest 4-week exposure of {len(order)}; filter a team or agent "
            "for the others."
            if len(order) > HEATMAP_AGENTS
            else ""
        )
        st.caption(
            "Numbers are calls with aggression; a red outline marks a week of sustained high exposure. "
            f"Highest 4-week exposure on top.{note}"
        )
        st.altair_chart(charts.exposure(weeks[weeks["agent_id"].isin(shown)], shown), width="stretch")
