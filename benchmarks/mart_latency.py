"""Mart query latency on a big warehouse: the queries behind the dashboard, p50 and p95.

    # a month of nights, 100,000 calls / about 5,000,000 turns, loaded night by night:
    python benchmarks/make_night.py --calls 100000 --days 28 --agents 120 --out /tmp/big/in
    python benchmarks/mart_latency.py --build /tmp/big/in --warehouse /tmp/big/var/warehouse.duckdb
    # then, any time:
    python benchmarks/mart_latency.py --warehouse /tmp/big/var/warehouse.duckdb

``--build`` runs the real ``empathy-dial run`` once per day of files (``night-YYYY-MM-DD-*``), as
the nightly job would. The queries read the published snapshot, read-only, as the dashboard
does. Target (issue 5): p95 under 250 ms on 100,000 calls / 5,000,000 turns.
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

import duckdb

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pipeline.publish import reader_path  # noqa: E402

SCRIPT = Path(sys.executable).with_name("empathy-dial")

# (name, SQL, parameters); $FROM/$TO are the last 7 days of data, $TEAM the largest team,
# $AGENT an agent of it, $CALL one call of that agent.
QUERIES = [
    (
        "overview tiles (7 days, team)",
        "SELECT count(*), sum(appropriate) / nullif(sum(judged_turns), 0), sum(empathy_hits) / "
        "nullif(sum(empathy_opportunities), 0), sum(missed_empathy), sum(over_empathy), sum(missing_boundary), "
        "sum(dismissive), sum(aggression_episodes), "
        "count(*) FILTER (WHERE deescalated) / nullif(count(deescalated), 0) "
        "FROM call_metrics WHERE call_date BETWEEN $FROM AND $TO AND team = $TEAM",
    ),
    (
        "overview trend (all days)",
        "SELECT day, sum(appropriate) / nullif(sum(judged_turns), 0) AS dosing_score, sum(missed_empathy) "
        "FROM outcome_trend GROUP BY day ORDER BY day",
    ),
    (
        "agents table (7 days)",
        "SELECT agent_id, any_value(team), sum(calls), sum(appropriate) / nullif(sum(judged_turns), 0), "
        "sum(missed_empathy), sum(missing_boundary), sum(aggression_turns) FROM agent_daily "
        "WHERE day BETWEEN $FROM AND $TO GROUP BY agent_id ORDER BY agent_id",
    ),
    ("team weekly", "SELECT * FROM team_weekly ORDER BY team, week"),
    (
        "aggression exposure (latest week)",
        "SELECT * FROM aggression_exposure WHERE week = (SELECT max(week) FROM aggression_exposure) "
        "ORDER BY rolling_4w_exposure_rate DESC",
    ),
    ("coaching queue (top 50)", "SELECT * FROM coaching_queue ORDER BY rank LIMIT 50"),
    (
        "coaching queue (one agent, 7 days)",
        "SELECT * FROM coaching_queue WHERE agent_id = $AGENT AND call_date BETWEEN $FROM AND $TO "
        "ORDER BY agent_rank LIMIT 50",
    ),
    (
        "call explorer (team, 7 days)",
        "SELECT call_id, started_at, agent_id, dosing_score, missed_empathy, aggression_turns FROM call_metrics "
        "WHERE team = $TEAM AND call_date BETWEEN $FROM AND $TO ORDER BY started_at DESC LIMIT 100",
    ),
    ("call page (turns of one call)", "SELECT * FROM stg_turns WHERE call_id = $CALL ORDER BY turn_index"),
    (
        "outcome trend (team, queue)",
        "SELECT day, queue, sum(judged_turns), sum(appropriate) FROM outcome_trend WHERE team = $TEAM "
        "GROUP BY day, queue ORDER BY day",
    ),
]


def build(nights: Path, warehouse: Path) -> None:
    days: dict[str, list[Path]] = defaultdict(list)
    for file in sorted(nights.glob("night-*.jsonl")):
        match = re.match(r"night-(\d{4}-\d{2}-\d{2})-", file.name)
        if match:
            days[match.group(1)].append(file)
    for n, (day, files) in enumerate(sorted(days.items()), start=1):
        with tempfile.TemporaryDirectory() as tmp:
            for f in files:
                os.symlink(f, Path(tmp) / f.name)
            began = time.perf_counter()
            done = subprocess.run(
                [str(SCRIPT), "run", tmp, "--warehouse", str(warehouse), "--no-progress"],
                capture_output=True,
                text=True,
                check=False,
            )
            if done.returncode not in (0, 3):
                raise SystemExit(f"night {day} failed:\n{done.stderr[-3000:]}")
            print(f"  night {n:2d}/{len(days)} {day}: {time.perf_counter() - began:6.1f} s", flush=True)


def measure(warehouse: Path, repeat: int) -> list[tuple[str, float, float, float]]:
    con = duckdb.connect(str(reader_path(warehouse)), read_only=True)
    try:
        last = con.execute("SELECT max(call_date) FROM call_metrics").fetchone()[0]  # type: ignore[index]
        team = con.execute("SELECT team FROM call_metrics GROUP BY team ORDER BY count(*) DESC LIMIT 1").fetchone()[0]  # type: ignore[index]
        agent, call = con.execute(  # type: ignore[misc]
            "SELECT agent_id, max(call_id) FROM call_metrics WHERE team = ? "
            "GROUP BY agent_id ORDER BY agent_id LIMIT 1",
            [team],
        ).fetchone()
        values = {"$FROM": f"DATE '{last}' - INTERVAL 6 DAY", "$TO": f"DATE '{last}'"}
        params = {"$TEAM": team, "$AGENT": agent, "$CALL": call}
        results = []
        for name, sql in QUERIES:
            for key, literal in values.items():
                sql = sql.replace(key, literal)
            ordered = [params[m] for m in re.findall(r"\$[A-Z]+", sql)]
            sql = re.sub(r"\$[A-Z]+", "?", sql)
            began = time.perf_counter()
            con.execute(sql, ordered).fetchall()
            cold = time.perf_counter() - began
            times = []
            for _ in range(repeat):
                began = time.perf_counter()
                con.execute(sql, ordered).fetchall()
                times.append(time.perf_counter() - began)
            times.sort()
            p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
            results.append((name, cold, statistics.median(times), p95))
        return results
    finally:
        con.close()


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--warehouse", type=Path, required=True)
    p.add_argument("--build", type=Path, default=None, help="folder of make_night.py files to load night by night")
    p.add_argument("--repeat", type=int, default=20)
    args = p.parse_args(argv)
    if args.build:
        build(args.build, args.warehouse)
    con = duckdb.connect(str(reader_path(args.warehouse)), read_only=True)
    calls, turns = con.execute("SELECT (SELECT count(*) FROM calls), (SELECT count(*) FROM turns)").fetchone()  # type: ignore[misc]
    con.close()
    size = reader_path(args.warehouse).stat().st_size
    print(f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores; DuckDB {duckdb.__version__}")
    print(f"warehouse: {calls:,} calls, {turns:,} turns, snapshot {size / 2**20:,.0f} MiB")
    print(f"{'query':40s} {'cold ms':>8s} {'p50 ms':>8s} {'p95 ms':>8s}")
    results = measure(args.warehouse, args.repeat)
    for name, cold, p50, p95 in results:
        print(f"{name:40s} {cold * 1000:8.1f} {p50 * 1000:8.1f} {p95 * 1000:8.1f}")
    worst = max(r[3] for r in results)
    print(f"worst p95: {worst * 1000:.1f} ms (target < 250 ms)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
