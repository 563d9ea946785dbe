"""Analytics stage benchmark: a night of transcripts to a published warehouse, then the same night again.

    python benchmarks/night_throughput.py --calls 10000          # writes the night with make_night.py
    python benchmarks/night_throughput.py --inputs DIR           # an existing folder of transcripts

Runs the real ``empathy-dial run`` (classify, judge, metrics, Great Expectations gate, load,
publish) as a subprocess on a new warehouse, samples the memory of its whole process tree
(proportional set size, so pages the forked workers share are counted once), then runs the same
night again (everything unchanged: skipped). Targets (issue 5): 10,000 calls / 500,000 turns in
under 60 s on 2 cores, peak memory under 4 GB, the re-run under 5% of the first run.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.make_night import generate  # noqa: E402

SCRIPT = Path(sys.executable).with_name("empathy-dial")


def tree_pss_bytes(pid: int) -> int:
    """Proportional set size of a process and all its descendants (Linux /proc)."""
    total, stack = 0, [pid]
    while stack:
        current = stack.pop()
        try:
            for line in Path(f"/proc/{current}/smaps_rollup").read_text().splitlines():
                if line.startswith("Pss:"):
                    total += int(line.split()[1]) * 1024
                    break
            for task in Path(f"/proc/{current}/task").iterdir():
                stack += [int(c) for c in (task / "children").read_text().split()]
        except (FileNotFoundError, ProcessLookupError, PermissionError):
            continue
    return total


def timed_run(inputs: Path, warehouse: Path, workers: int | None) -> tuple[float, int, str]:
    command = [str(SCRIPT), "run", str(inputs), "--warehouse", str(warehouse), "--no-progress"]
    if workers:
        command += ["--workers", str(workers)]
    peak = 0
    began = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)

    def sample() -> None:
        nonlocal peak
        while process.poll() is None:
            peak = max(peak, tree_pss_bytes(process.pid))
            time.sleep(0.05)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    out, err = process.communicate()
    elapsed = time.perf_counter() - began
    sampler.join()
    if process.returncode not in (0, 3):
        raise SystemExit(f"empathy-dial run failed ({process.returncode}):\n{err[-3000:]}")
    return elapsed, peak, out


def stages(summary: str) -> str:
    """The run summary's seconds per stage (the rest of the wall time is start-up and discovery)."""
    return next((line.split(":", 1)[1].strip() for line in summary.splitlines() if "time (s)" in line), "n/a")


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--calls", type=int, default=10_000, help="calls in the generated night (default 10000)")
    p.add_argument("--turns-per-call", type=float, default=50.0)
    p.add_argument("--inputs", type=Path, default=None, help="use this folder instead of generating a night")
    p.add_argument("--workers", type=int, default=None, help="empathy-dial run --workers (default: CPU cores)")
    p.add_argument("--keep", type=Path, default=None, help="keep the warehouse in this folder")
    args = p.parse_args(argv)

    scratch = Path(tempfile.mkdtemp(prefix="night-bench-"))
    try:
        inputs = args.inputs
        if inputs is None:
            inputs = scratch / "night"
            generate(inputs, calls=args.calls, turns_per_call=args.turns_per_call)
        folder = args.keep or scratch / "var"
        shutil.rmtree(folder, ignore_errors=True)
        warehouse = folder / "warehouse.duckdb"
        first, first_peak, summary = timed_run(inputs, warehouse, args.workers)
        second, second_peak, second_summary = timed_run(inputs, warehouse, args.workers)
        contents = next((line.strip() for line in summary.splitlines() if "contents" in line), "")
        print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}")
        print(f"inputs : {inputs} ({contents})")
        print(f"first run : {first:7.2f} s, peak memory {first_peak / 2**20:,.0f} MiB (PSS, whole process tree)")
        print(f"re-run    : {second:7.2f} s ({second / first:.1%} of the first), peak {second_peak / 2**20:,.0f} MiB")
        print(f"stages    : first run {stages(summary)}")
        print(f"            re-run {stages(second_summary)}")
        return 0
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    raise SystemExit(main())
