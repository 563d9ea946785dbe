"""Dashboard speed: time to a fully rendered page, per page, in a real browser.

Starts the real dashboard (``empathy-dial dashboard``) on the given warehouse, drives Debian's
headless Chromium with Playwright, and times each page from navigation until the app's script run
has ended, the page's heading is shown and every chart has drawn. A page is timed *cold* (the
first visit after the server started, so nothing of that page is cached; a warm-up visit of
another call loads the browser bundle and the Python chart modules first) and *warm* (visited again:
Streamlit's per-snapshot cache answers). ``--repeat N`` restarts the server N times for N cold
samples. Target (dashboard issue): every page under 2 s on 100,000 calls / 5,000,000 turns
(build one with ``benchmarks/make_night.py --calls 100000 --days 28 --agents 120`` and
``empathy-dial run``).

    .venv/bin/python benchmarks/dashboard_speed.py --warehouse var/warehouse.duckdb --search tarief
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import duckdb

from pipeline.publish import published_path

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
IDLE = '[data-testid="stApp"][data-test-script-state="notRunning"]'
CHARTS_DRAWN = """() => [...document.querySelectorAll('[data-testid="stVegaLiteChart"]')]
    .every(chart => chart.querySelector('canvas, svg'))"""


def pages(snapshot: Path, search: str | None) -> tuple[str, list[tuple[str, str, str]]]:
    """The warm-up call page, and (name, path, heading) of every page to time.

    The call page opens the top coaching moment; the warm-up opens another call (a page with a
    chart, so the browser's chart bundle and Python's chart modules are loaded before timing).
    """
    con = duckdb.connect(str(snapshot), read_only=True)
    try:
        top = con.execute("SELECT call_id, turn_index FROM coaching_queue ORDER BY rank LIMIT 1").fetchone()
        other = con.execute("SELECT call_id FROM calls WHERE call_id <> ? LIMIT 1", [top[0] if top else ""]).fetchone()
        team = con.execute(
            "SELECT team FROM stg_calls WHERE team IS NOT NULL GROUP BY team ORDER BY count(*) DESC LIMIT 1"
        ).fetchone()
    finally:
        con.close()
    found = [
        ("overview", "/", "Overview"),
        ("agents", "/agents", "Agents"),
        ("calls", "/calls", "Calls"),
        ("coaching", "/coaching", "Coaching queue"),
        ("quality", "/quality", "Data quality"),
    ]
    if top:
        found.insert(3, ("call", f"/calls?call={top[0]}&turn={top[1]}", f"Call {top[0]}"))
    if team:
        found.append(("overview, one team", f"/?team={team[0]}", "Overview"))
    if search:
        found.append((f"calls, search {search!r}", f"/calls?q={search}", "Calls"))
    warm_up = f"/calls?call={other[0]}" if other else "/calls?call=__warm-up__"
    return warm_up, found


def measure(warehouse: Path, repeat: int, search: str | None = None) -> dict[str, Any]:
    from playwright.sync_api import sync_playwright

    snapshot = published_path(warehouse)
    warm_up, todo = pages(snapshot, search)
    cold: dict[str, list[float]] = {name: [] for name, _, _ in todo}
    warm: dict[str, list[float]] = {name: [] for name, _, _ in todo}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        for _ in range(repeat):
            with dashboard(warehouse) as base:
                context = browser.new_context(viewport={"width": 1400, "height": 1000})
                page = context.new_page()
                page.set_default_timeout(120_000)
                render(page, base + warm_up, "All calls")
                for name, path, heading in todo:
                    cold[name].append(render(page, base + path, heading))
                for name, path, heading in todo:
                    warm[name].append(render(page, base + path, heading))
                context.close()
        browser.close()
    return {
        name: {
            "cold_median_s": round(statistics.median(cold[name]), 3),
            "cold_max_s": round(max(cold[name]), 3),
            "warm_median_s": round(statistics.median(warm[name]), 3),
        }
        for name in cold
    }


def render(page: Any, url: str, heading: str) -> float:
    """Seconds from navigation to a fully rendered page."""
    start = time.perf_counter()
    page.goto(url)
    page.get_by_text(heading, exact=False).first.wait_for()
    page.wait_for_selector(IDLE)
    page.wait_for_function(CHARTS_DRAWN)
    elapsed = time.perf_counter() - start
    if page.locator('[data-testid="stException"]').count():
        raise RuntimeError(f"{url}: the page raised: {page.locator('[data-testid=stException]').first.inner_text()}")
    return elapsed


@contextmanager
def dashboard(warehouse: Path) -> Iterator[str]:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    exe = Path(sys.executable).with_name("empathy-dial")
    command = [str(exe)] if exe.exists() else [sys.executable, "-m", "pipeline.cli"]
    with tempfile.TemporaryFile() as log:
        process = subprocess.Popen(
            [*command, "dashboard", "--warehouse", str(warehouse), "--port", str(port)], stdout=log, stderr=log
        )
        base = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + 60
            while True:
                if process.poll() is not None or time.monotonic() > deadline:
                    log.seek(0)
                    raise RuntimeError(f"the dashboard did not start:\n{log.read().decode(errors='replace')}")
                try:
                    with urllib.request.urlopen(f"{base}/_stcore/health", timeout=2):
                        break
                except OSError:
                    time.sleep(0.3)
            yield base
        finally:
            process.terminate()
            process.wait(timeout=20)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--warehouse", type=Path, required=True, help="warehouse (its published snapshot is read)")
    parser.add_argument("--repeat", type=int, default=3, help="server restarts, one cold visit of each page each")
    parser.add_argument("--search", default=None, help="also time a transcript search for this word")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()

    target = args.warehouse
    if not published_path(target).exists():
        raise SystemExit(f"{target} has no published snapshot: run `empathy-dial run` on it first")
    con = duckdb.connect(str(published_path(target)), read_only=True)
    try:
        size = con.execute("SELECT (SELECT count(*) FROM calls), (SELECT count(*) FROM turns)").fetchone() or (0, 0)
    finally:
        con.close()
    load_before = os.getloadavg()
    results = measure(target, args.repeat, args.search)
    report = {
        "warehouse": str(target),
        "calls": size[0],
        "turns": size[1],
        "snapshot_mb": round(os.path.getsize(published_path(target)) / 2**20, 1),
        "cpus": os.cpu_count(),
        "cpu": _cpu(),
        "python": platform.python_version(),
        "repeat": args.repeat,
        "load_average_before": [round(x, 2) for x in load_before],
        "load_average_after": [round(x, 2) for x in os.getloadavg()],
        "pages": results,
    }
    if args.json:
        print(json.dumps(report, indent=2))
        return
    print(
        f"{report['calls']:,} calls, {report['turns']:,} turns ({report['snapshot_mb']} MB snapshot); {report['cpu']}"
    )
    print(f"load average before {report['load_average_before']}, after {report['load_average_after']}")
    print(f"{'page':<28} {'cold median':>12} {'cold max':>10} {'warm median':>12}")
    for name, r in results.items():
        print(f"{name:<28} {r['cold_median_s']:>11.2f}s {r['cold_max_s']:>9.2f}s {r['warm_median_s']:>11.2f}s")


def _cpu() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return f"{os.cpu_count()} x {line.split(':', 1)[1].strip()}"
    except OSError:
        pass
    return f"{os.cpu_count()} cores, {platform.machine()}"


if __name__ == "__main__":
    main()
