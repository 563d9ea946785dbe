"""Overview: the headline metrics of DOMAIN.md with their change, and the trends."""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from . import charts, formatting, sidebar, snapshot


@dataclass(frozen=True)
class Tile:
    key: str
    label: str
    kind: str
    """score (0..1), rate (a share), or count."""
    better: str
    """up, down, or off (neither: aggression is not the agent's doing)."""
    help: str


TILES = (
    Tile("calls", "Calls", "count", "off", "Calls in the period."),
    Tile("dosing_score", "Dosing score", "score", "up", "Appropriate agent turns / judged agent turns, 0..1."),
    Tile(
        "empathy_hit_rate",
        "Empathy hit rate",
        "rate",
        "up",
        "Share of the answers to frustrated customer turns that carried empathy.",
    ),
    Tile(
        "deescalation_rate",
        "De-escalation rate",
        "rate",
        "up",
        "Of the calls whose customer was ever frustrated or aggressive, the share that ended calmer than the peak.",
    ),
    Tile("aggression_episodes", "Aggression episodes", "count", "off", "Runs of aggressive customer turns."),
    Tile("missed_empathy", "Missed empathy", "count", "down", "Frustrated customer answered with a solution only."),
    Tile(
        "over_empathy",
        "Over-empathy",
        "count",
        "down",
        "Commiseration without direction, or towards a neutral customer.",
    ),
    Tile("missing_boundary", "Missing boundary", "count", "down", "No boundary by the second aggressive turn."),
    Tile("dismissive", "Dismissive", "count", "down", "Cold, blaming, defensive or sarcastic agent turns."),
    Tile("judged_turns", "Judged agent turns", "count", "off", "Agent turns the dosing policy judged."),
)
DELTA_COLORS = {"up": "normal", "down": "inverse", "off": "off"}


def render() -> None:
    filters = sidebar.current()
    st.title("Overview")
    now = snapshot.load("headline", filters)
    before_filters = filters.previous()
    before = snapshot.load("headline", before_filters)
    series = snapshot.load("trend", filters)
    if filters.start is not None:
        st.caption(
            f"{filters.start} to {filters.end}: {formatting.count(now['calls'])} calls. Changes are against "
            f"{before_filters.start} to {before_filters.end} ({formatting.count(before['calls'])} calls)."
        )
    for row in (TILES[:5], TILES[5:]):
        for column, tile in zip(st.columns(len(row)), row, strict=True):
            spark = series[tile.key].dropna().astype(float).tolist() if tile.key in series else None
            column.metric(
                tile.label,
                formatting.value(tile.kind, now[tile.key]),
                delta=formatting.delta(tile.kind, now[tile.key], before[tile.key]) if before["calls"] else None,
                delta_color=DELTA_COLORS[tile.better],  # type: ignore[arg-type]
                help=tile.help,
                border=True,
                chart_data=spark if spark and len(spark) > 1 else None,
                chart_type="line" if tile.kind != "count" else "bar",
            )
    if series.empty:
        st.info("No calls in this period: widen the dates or clear a filter in the sidebar.")
        return
    left, right = st.columns(2)
    left.altair_chart(charts.rates(series), width="stretch")
    right.altair_chart(charts.outcomes(series), width="stretch")
    teams = snapshot.load("by_team", filters)
    if len(teams) > 1:
        st.altair_chart(charts.teams(teams), width="stretch")
