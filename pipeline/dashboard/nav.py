"""The pages and their addresses: /overview, /agents, /calls (?call=ID&turn=N), /coaching, /quality."""

from __future__ import annotations

import streamlit as st

TITLES = {
    "overview": "Overview",
    "agents": "Agents",
    "calls": "Calls",
    "coaching": "Coaching queue",
    "quality": "Data quality",
}
ICONS = {
    "overview": ":material/dashboard:",
    "agents": ":material/support_agent:",
    "calls": ":material/call:",
    "coaching": ":material/school:",
    "quality": ":material/fact_check:",
}


def page(name: str) -> st.Page:
    """The page called ``name`` (a new object each time; Streamlit knows pages by their address)."""
    from . import agents, calls, coaching, overview, quality

    render = {
        "overview": overview.render,
        "agents": agents.render,
        "calls": calls.render,
        "coaching": coaching.render,
        "quality": quality.render,
    }[name]
    return st.Page(render, title=TITLES[name], icon=ICONS[name], url_path=name, default=name == "overview")


def pages() -> list[st.Page]:
    return [page(name) for name in TITLES]
