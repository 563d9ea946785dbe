"""Where the dashboard reads: the published snapshot, one read-only connection per query, cached.

The nightly writer atomically replaces the snapshot file, so nothing keeps a connection open: a
query opens the file read-only, answers and closes it. Answers are cached per snapshot version
(the file's inode, size and modification time), so a page re-rendered with the same filters
costs nothing, and the first render after a new night reads the new data.
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import streamlit as st

from ..publish import reader_path
from ..warehouse import default_path
from . import queries

STATE_KEY = "_snapshot"


@dataclass(frozen=True)
class Snapshot:
    """The file to read and its version (changes whenever the writer publishes a new one)."""

    warehouse: str
    path: str
    version: str


def warehouse_from_args(argv: list[str]) -> Path:
    """The ``--warehouse`` the launcher passed to the script (default: the usual warehouse)."""
    parser = argparse.ArgumentParser(add_help=False)
    parser.add_argument("--warehouse", type=Path, default=None)
    args, _ = parser.parse_known_args(argv)
    return args.warehouse or default_path()


def current(warehouse: Path) -> Snapshot:
    """The snapshot to read now; the app calls it once per page render and keeps it in the session."""
    path = reader_path(warehouse)
    stat = path.stat()
    version = f"{stat.st_ino}-{stat.st_size}-{stat.st_mtime_ns}"
    snap = Snapshot(str(warehouse), str(path), version)
    st.session_state[STATE_KEY] = snap
    return snap


def get() -> Snapshot:
    """The snapshot of this render (set by the app before any page runs)."""
    snap = st.session_state.get(STATE_KEY)
    if not isinstance(snap, Snapshot):
        raise RuntimeError("no snapshot chosen for this render: the app sets it before the page runs")
    return snap


def load(name: str, *args: Any) -> Any:
    """Answer of ``queries.<name>(con, *args)`` on this render's snapshot (cached per version)."""
    snap = get()
    return _cached(snap.path, snap.version, name, args)


@st.cache_data(max_entries=512, show_spinner=False)
def _cached(path: str, version: str, name: str, args: tuple[Any, ...]) -> Any:
    query = getattr(queries, name)
    # ATTACH in a fresh in-memory database, not duckdb.connect(path): connect() shares one open
    # database per path within the process, so while another render still held the previous
    # snapshot, a new connection would read that one and cache it under the new version.
    con = duckdb.connect(":memory:")
    try:
        quoted = path.replace("'", "''")
        con.execute(f"ATTACH '{quoted}' AS snapshot (READ_ONLY)")
        con.execute("USE snapshot")
        return query(con, *args)
    finally:
        con.close()


def warehouse_path() -> Path:
    """The writer's warehouse path (corrections go to its inbox through :mod:`pipeline.corrections`)."""
    return Path(get().warehouse)
