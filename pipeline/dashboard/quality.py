"""Data quality: the last runs of the nightly job, quarantined inputs with reasons, the GX Data Docs."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import streamlit as st

from . import formatting, snapshot

QUARANTINE_LIMIT = 100
"""Quarantined inputs listed at most (newest first), as a table whose long reasons wrap."""

RUN_COLUMNS: dict[str, Any] = {
    "run_id": st.column_config.TextColumn("Run", pinned=True),
    "started_at": st.column_config.DatetimeColumn("Started (UTC)", format="YYYY-MM-DD HH:mm:ss"),
    "finished_at": st.column_config.DatetimeColumn("Finished (UTC)", format="YYYY-MM-DD HH:mm:ss"),
    "inputs": "Inputs",
    "loaded": "Loaded",
    "skipped": "Unchanged",
    "quarantined": "Quarantined",
    "gate_failures": "Gate failures",
    "exit_code": "Exit code",
    "published_at": st.column_config.DatetimeColumn("Published (UTC)", format="YYYY-MM-DD HH:mm:ss"),
    "data_docs": st.column_config.TextColumn("Data Docs"),
}
QUARANTINE_COLUMNS = {"stage": "Stage", "source": "Input", "reason": "Reason", "quarantined_at": "When (UTC)"}
EXIT_CODES = {0: "all loaded", 3: "some inputs quarantined", 1: "failed"}


def render() -> None:
    st.title("Data quality")
    st.caption("Runs and inputs are not calls: the sidebar's filters do not apply on this page.")
    runs = snapshot.load("runs", 20)
    if runs.empty:
        st.info("No run recorded yet.")
    else:
        last = runs.iloc[0]
        code = None if formatting.missing(last["exit_code"]) else int(last["exit_code"])
        badge = {0: "green", 3: "orange"}.get(code, "red") if code is not None else "gray"
        result = EXIT_CODES.get(code, f"exit code {code}") if code is not None else "unknown"
        st.markdown(
            f"Last run {formatting.md(last['run_id'])}, started {formatting.when(last['started_at'])} UTC: "
            f":{badge}-badge[{result}]"
        )
        figures = (
            ("Inputs", formatting.count(last["inputs"])),
            ("Loaded", formatting.count(last["loaded"])),
            ("Unchanged", formatting.count(last["skipped"])),
            ("Quarantined", formatting.count(last["quarantined"])),
            ("Gate failures", formatting.count(last["gate_failures"])),
        )
        for column, (label, value) in zip(st.columns(len(figures)), figures, strict=True):
            column.metric(label, value)
    _data_docs()
    st.subheader("Last runs")
    if not runs.empty:
        st.dataframe(runs[[c for c in RUN_COLUMNS if c in runs]], column_config=RUN_COLUMNS, hide_index=True)
    st.subheader("Quarantined inputs")
    quarantined = snapshot.load("quarantine", QUARANTINE_LIMIT)
    total = int(quarantined["matching"].iloc[0]) if len(quarantined) else 0
    if not total:
        st.success("No input is in quarantine.")
        return
    stages = snapshot.load("quarantine_by_stage")
    per_stage = ", ".join(
        f"{formatting.md(s)} {int(n)}" for s, n in zip(stages["stage"], stages["inputs"], strict=True)
    )
    shown = f"; the newest {QUARANTINE_LIMIT} are listed" if total > QUARANTINE_LIMIT else ""
    st.caption(f"In quarantine: {formatting.counted(total, 'input')} ({per_stage}){shown}.")
    table = quarantined.drop(columns="matching").rename(columns=QUARANTINE_COLUMNS)
    table["When (UTC)"] = table["When (UTC)"].map(formatting.when)
    st.table(table, hide_index=True)


def _data_docs() -> None:
    docs = snapshot.load("data_docs")
    if docs is None:
        st.info("No run has written Great Expectations Data Docs yet (the quality gate writes them at each run).")
        return
    path = Path(docs["data_docs"])
    when = formatting.when(docs["started_at"])
    st.markdown(
        f"**GX Data Docs** of run {formatting.md(docs['run_id'])} ({when} UTC): "
        f"[open index.html]({path.resolve().as_uri()})" + ("" if path.exists() else " (not found from here)")
    )
    st.caption("Browsers may refuse a file link from a web page: copy the path into the address bar.")
    st.code(str(path), language=None)
