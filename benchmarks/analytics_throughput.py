"""Analytics stage throughput: transcripts -> classified, judged, loaded warehouse.

Builds a synthetic night by repeating the shipped samples under new call ids (so the text mix
is realistic but no sentence is new), runs the same job as `empathy-dial run` on it twice (the
second run should skip everything), and prints calls, turns, seconds and peak memory.

    .venv/bin/python benchmarks/analytics_throughput.py --calls 2000
"""

from __future__ import annotations

import argparse
import json
import platform
import resource
import tempfile
import time
from pathlib import Path

from pipeline.jobs import JobOptions, run

SAMPLES = Path(__file__).resolve().parent.parent / "samples" / "calls"


def build_night(folder: Path, calls: int) -> int:
    templates = [json.loads(p.read_text(encoding="utf-8")) for p in sorted(SAMPLES.glob("*.call.json"))]
    turns = 0
    with open(folder / "night.jsonl", "w", encoding="utf-8") as out:
        for i in range(calls):
            call = dict(templates[i % len(templates)])
            call["call_id"] = f"bench-{i:07d}"
            call["agent_id"] = f"a-{i % 40:03d}"
            turns += len(call["turns"])
            out.write(json.dumps(call, ensure_ascii=False) + "\n")
    return turns


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=2000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        turns = build_night(folder, args.calls)
        options = JobOptions(warehouse=folder / "w.duckdb", progress=False)
        t0 = time.perf_counter()
        first = run([str(folder / "night.jsonl")], options)
        t1 = time.perf_counter()
        second = run([str(folder / "night.jsonl")], options)
        t2 = time.perf_counter()
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"machine: {platform.processor() or platform.machine()}, {platform.python_version()}")
    print(f"calls {args.calls}, turns {turns}")
    print(f"first run : {t1 - t0:.2f} s, {first.loaded} loaded, {turns / (t1 - t0):.0f} turns/s")
    print(f"re-run    : {t2 - t1:.2f} s, {second.skipped} skipped ({(t2 - t1) / (t1 - t0):.1%} of the first run)")
    print(f"peak RSS  : {peak_mib:.0f} MiB")


if __name__ == "__main__":
    main()
