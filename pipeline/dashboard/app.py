"""The dashboard's entry script, run by Streamlit (start it with ``empathy-dial dashboard``)."""

from __future__ import annotations

import sys

import streamlit as st

from pipeline.dashboard import nav, sidebar, snapshot


def main(argv: list[str]) -> None:
    st.set_page_config(page_title="Empathy Dial", page_icon="🎚️", layout="wide")
    warehouse = snapshot.warehouse_from_args(argv)
    try:
        snapshot.current(warehouse)
    except FileNotFoundError:
        st.error(f"The warehouse {warehouse} has no published snapshot to read: run `empathy-dial run` first.")
        st.stop()
    page = st.navigation(nav.pages())
    sidebar.render(snapshot.load("options"))
    page.run()


main(sys.argv[1:])
