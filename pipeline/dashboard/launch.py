"""``empathy-dial dashboard``: check the published snapshot, then run Streamlit on localhost."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from ..publish import published_path

APP = Path(__file__).with_name("app.py")
HOST = "127.0.0.1"
DEFAULT_PORT = 8501


class DashboardError(RuntimeError):
    """The dashboard cannot start; the message says why and what to do."""


def check(warehouse: Path) -> Path:
    """The published snapshot the dashboard will read, or a clear error when there is none."""
    snapshot = published_path(warehouse)
    if snapshot.exists():
        return snapshot
    if not warehouse.exists():
        raise DashboardError(
            f"warehouse {warehouse} does not exist: load calls first, e.g. "
            f"`empathy-dial run samples/calls --warehouse {warehouse}`"
        )
    raise DashboardError(
        f"warehouse {warehouse} has no published snapshot ({snapshot.name}): the dashboard only reads the "
        "snapshot the nightly job publishes; run `empathy-dial run` once to publish it"
    )


def command(warehouse: Path, port: int = DEFAULT_PORT) -> list[str]:
    """The Streamlit command line: localhost only, headless, no usage statistics, no file watching."""
    return [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(APP),
        "--server.address",
        HOST,
        "--server.port",
        str(port),
        "--server.headless",
        "true",
        "--server.fileWatcherType",
        "none",
        "--server.runOnSave",
        "false",
        "--browser.gatherUsageStats",
        "false",
        "--client.toolbarMode",
        "viewer",
        "--",
        "--warehouse",
        str(warehouse.resolve()),
    ]


def serve(warehouse: Path, port: int = DEFAULT_PORT) -> None:
    """Replace this process with the Streamlit server (so stopping it stops the dashboard)."""
    check(warehouse)
    print(f"Empathy Dial dashboard: http://{HOST}:{port}  (warehouse {warehouse}; Ctrl+C stops it)", flush=True)
    args = command(warehouse, port)
    os.execv(args[0], args)
