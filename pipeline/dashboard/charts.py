"""Charts read at a glance (Altair, which ships with Streamlit), with one colour per label."""

from __future__ import annotations

import altair as alt
import pandas as pd

OUTCOME_COLORS = {
    "appropriate": "#2e7d32",
    "missed_empathy": "#ef6c00",
    "over_empathy": "#7b1fa2",
    "missing_boundary": "#c62828",
    "dismissive": "#546e7a",
}
STATE_COLORS = {"neutral": "#78909c", "frustrated": "#ef6c00", "aggressive": "#c62828"}
STATE_ORDER = ["aggressive", "frustrated", "neutral"]
RATE_LABELS = {
    "dosing_score": "Dosing score",
    "empathy_hit_rate": "Empathy hit rate",
    "deescalation_rate": "De-escalation rate",
}
OUTCOME_LABELS = {
    "missed_empathy": "Missed empathy",
    "over_empathy": "Over-empathy",
    "missing_boundary": "Missing boundary",
    "dismissive": "Dismissive",
}


def rates(trend: pd.DataFrame) -> alt.Chart:
    """Dosing score, empathy hit rate and de-escalation rate per period, 0..1."""
    long = trend.melt(id_vars="period", value_vars=list(RATE_LABELS), var_name="metric", value_name="value")
    long["metric"] = long["metric"].map(RATE_LABELS)
    return (
        alt.Chart(long.dropna(subset=["value"]), title="Dosing, empathy and de-escalation")
        .mark_line(point=True)
        .encode(
            x=alt.X("period:T", title=None),
            y=alt.Y("value:Q", title="0 – 1", scale=alt.Scale(domain=[0, 1])),
            color=alt.Color(
                "metric:N",
                title=None,
                scale=alt.Scale(domain=list(RATE_LABELS.values()), range=["#1565c0", "#ef6c00", "#2e7d32"]),
                legend=alt.Legend(orient="bottom"),
            ),
            tooltip=[alt.Tooltip("period:T"), "metric:N", alt.Tooltip("value:Q", format=".2f")],
        )
        .properties(height=260)
    )


def outcomes(trend: pd.DataFrame) -> alt.Chart:
    """Counts of the outcomes that need attention per period, stacked."""
    long = trend.melt(id_vars="period", value_vars=list(OUTCOME_LABELS), var_name="outcome", value_name="turns")
    return (
        alt.Chart(long, title="Outcomes that need attention (agent turns)")
        .mark_bar()
        .encode(
            x=alt.X("yearmonthdate(period):O", title=None, axis=alt.Axis(format="%b %d", labelAngle=0)),
            y=alt.Y("turns:Q", title="agent turns", stack="zero"),
            color=alt.Color(
                "outcome:N",
                title=None,
                scale=alt.Scale(domain=list(OUTCOME_LABELS), range=[OUTCOME_COLORS[k] for k in OUTCOME_LABELS]),
                legend=alt.Legend(orient="bottom", columns=2, labelExpr=_label_expr(OUTCOME_LABELS)),
            ),
            tooltip=[alt.Tooltip("period:T"), "outcome:N", "turns:Q"],
        )
        .properties(height=260)
    )


def teams(by_team: pd.DataFrame) -> alt.Chart:
    """Dosing score per team, with the number of calls in the tooltip."""
    base = alt.Chart(by_team, title="Dosing score by team").encode(
        y=alt.Y("team:N", title=None, sort="ascending"),
        x=alt.X("dosing_score:Q", title="dosing score", scale=alt.Scale(domain=[0, 1])),
        tooltip=["team:N", alt.Tooltip("dosing_score:Q", format=".2f"), "calls:Q", "judged_turns:Q"],
    )
    bars = base.mark_bar(color="#1565c0")
    labels = base.mark_text(align="left", dx=4).encode(text=alt.Text("dosing_score:Q", format=".2f"))
    return (bars + labels).properties(height=alt.Step(30))


def exposure(weeks: pd.DataFrame, order: list[str] | None = None) -> alt.LayerChart:
    """Share of each agent's calls with aggression, week by week; sustained weeks outlined."""
    data = weeks.assign(sustained=weeks["sustained_high_exposure"].fillna(False).astype(bool))
    base = alt.Chart(data, title="Share of calls with aggression, per agent and week").encode(
        x=alt.X("yearmonthdate(week):O", title="week (Monday)", axis=alt.Axis(format="%b %d", labelAngle=0)),
        y=alt.Y("agent_id:N", title=None, sort=order or "ascending"),
        tooltip=[
            "agent_id:N",
            "team:N",
            alt.Tooltip("week:T"),
            "calls:Q",
            "calls_with_aggression:Q",
            "aggression_turns:Q",
            alt.Tooltip("exposure_rate:Q", format=".0%"),
            alt.Tooltip("rolling_4w_exposure_rate:Q", format=".0%", title="4-week rate"),
            "sustained:N",
        ],
    )
    cells = base.mark_rect().encode(
        color=alt.Color("exposure_rate:Q", title="share", scale=alt.Scale(scheme="oranges", domain=[0, 1])),
        stroke=alt.condition("datum.sustained", alt.value("#b71c1c"), alt.value(None)),
        strokeWidth=alt.condition("datum.sustained", alt.value(3), alt.value(0)),
    )
    text = base.mark_text(fontSize=11).encode(
        text=alt.Text("calls_with_aggression:Q"),
        color=alt.condition("datum.exposure_rate > 0.5", alt.value("white"), alt.value("#263238")),
    )
    return (cells + text).properties(height=alt.Step(26))


def customer_states(turns: pd.DataFrame) -> alt.LayerChart:
    """The customer's state over the call, with the agent turns that were not appropriate marked."""
    customer = turns[turns["speaker"] == "customer"][["turn_index", "start_s", "customer_state"]]
    agent = turns[(turns["speaker"] == "agent") & turns["outcome"].notna() & (turns["outcome"] != "appropriate")]
    agent = agent[["turn_index", "start_s", "outcome", "explanation"]]
    y = alt.Y("customer_state:N", title=None, sort=STATE_ORDER, scale=alt.Scale(domain=STATE_ORDER))
    line = (
        alt.Chart(customer)
        .mark_line(interpolate="step-after", color="#90a4ae")
        .encode(x=alt.X("start_s:Q", title="seconds into the call"), y=y, order=alt.Order("start_s:Q"))
    )
    points = (
        alt.Chart(customer)
        .mark_circle(size=90)
        .encode(
            x="start_s:Q",
            y=y,
            color=alt.Color(
                "customer_state:N",
                title="customer",
                scale=alt.Scale(domain=list(STATE_COLORS), range=list(STATE_COLORS.values())),
            ),
            tooltip=["turn_index:Q", "start_s:Q", "customer_state:N"],
        )
    )
    rules = (
        alt.Chart(agent)
        .mark_rule(strokeDash=[4, 3], strokeWidth=2)
        .encode(
            x="start_s:Q",
            color=alt.Color(
                "outcome:N",
                title="agent outcome",
                scale=alt.Scale(domain=list(OUTCOME_LABELS), range=[OUTCOME_COLORS[k] for k in OUTCOME_LABELS]),
            ),
            tooltip=["turn_index:Q", "start_s:Q", "outcome:N", "explanation:N"],
        )
    )
    return alt.layer(line, rules, points).resolve_scale(color="independent").properties(height=240)


def _label_expr(labels: dict[str, str]) -> str:
    cases = " : ".join(f"datum.label == '{key}' ? '{text}'" for key, text in labels.items())
    return f"{cases} : datum.label"
