"""The filters in the sidebar: dates, team, queue, agent, language, applied by every page.

Each widget is bound to a URL query parameter (``?team=billing&agent=a-014``), so the filters
stay set from page to page and a filtered view can be shared as a link.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import streamlit as st

from .filters import Filters

DEFAULT_DAYS = 7
"""The default period: the last week with calls ("how did we do this week")."""
STATE_KEY = "_filters"
KEYS = ("dates", "team", "queue", "agent", "language")


def render(options: dict[str, Any]) -> Filters:
    """Draw the filters and return the chosen values (also kept for the pages, see :func:`current`)."""
    bar = st.sidebar
    bar.header("Filters")
    first, last = options["first_day"], options["last_day"]
    if first is None or last is None:
        bar.caption("No calls loaded yet.")
        filters = Filters()
    else:
        default = (max(first, last - timedelta(days=DEFAULT_DAYS - 1)), last)
        picked = bar.date_input(
            "Dates",
            value=default,
            min_value=first,
            max_value=last,
            key="dates",
            bind="query-params",
            help="Calls by their UTC day, both days included. Changes are against the period of the same "
            "length just before.",
        )
        start, end = _range(picked, default)
        filters = Filters(
            start=start,
            end=end,
            teams=_pick(bar, "Team", options["teams"], "team"),
            queues=_pick(bar, "Queue", options["queues"], "queue"),
            agents=_pick(bar, "Agent", options["agents"], "agent"),
            languages=_pick(bar, "Language", options["languages"], "language"),
        )
        before = filters.previous()
        bar.caption(f"{filters.days} days, compared with {before.start} to {before.end}.")
        bar.button("Reset filters", on_click=_reset, args=(default,), width="stretch")
    st.session_state[STATE_KEY] = filters
    return filters


def current() -> Filters:
    """The filters of this render."""
    filters = st.session_state.get(STATE_KEY)
    return filters if isinstance(filters, Filters) else Filters()


def _pick(bar: Any, label: str, values: list[str], key: str) -> tuple[str, ...]:
    chosen = bar.multiselect(label, values, key=key, bind="query-params", placeholder="all")
    return tuple(chosen)


def _range(picked: Any, default: tuple[date, date]) -> tuple[date, date]:
    # While a range is being picked the widget holds one date: use it as a one-day period.
    if isinstance(picked, tuple | list):
        if len(picked) == 2:
            return picked[0], picked[1]
        if len(picked) == 1:
            return picked[0], picked[0]
        return default
    return (picked, picked) if isinstance(picked, date) else default


def _reset(default: tuple[date, date]) -> None:
    st.session_state["dates"] = default
    for key in KEYS[1:]:
        st.session_state[key] = []
