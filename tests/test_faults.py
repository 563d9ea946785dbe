"""Faults during a load: kill -9, a reader holding the snapshot, a locked file, a read-only or full disk.

Each runs the real command line in a subprocess against a real DuckDB file. The disk faults
mount a small tmpfs (the tests run as root, as CI does); without the right to mount they skip
and say so.
"""

from __future__ import annotations

import hashlib
import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb
import pytest

from pipeline import jobs, publish, warehouse
from tests.conftest import ROOT, SAMPLES, call, query

SCRIPT = Path(sys.executable).with_name("empathy-dial")
STATE = (
    "SELECT (SELECT count(*) FROM calls), (SELECT count(*) FROM turns), (SELECT count(*) FROM runs), "
    "(SELECT coalesce(sum(hash(call_id, turn_index, text, outcome)), 0) FROM turns)"
)


def cli(*args: object, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(SCRIPT), *map(str, args), "--no-progress"], capture_output=True, text=True, check=False, **kwargs
    )


def new_calls(folder: Path, n: int = 12, prefix: str = "new") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(n):
        (folder / f"{prefix}-{i}.call.json").write_text(json.dumps(call(f"{prefix}-{i}")), encoding="utf-8")
    return folder


def digest(folder: Path) -> dict[str, str]:
    files = (p for p in folder.rglob("*") if p.is_file())
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest() for p in files}


def test_kill_9_in_the_middle_of_a_load_leaves_the_warehouse_as_before(tmp_path: Path):
    wh = tmp_path / "var" / "warehouse.duckdb"
    assert cli("run", SAMPLES, "--warehouse", wh).returncode == 0
    before, published_before = query(wh, STATE), query(publish.published_path(wh), STATE)
    inbox = new_calls(tmp_path / "night")
    marker = tmp_path / "inside-the-transaction"
    # The real loader, paused inside its transaction (after every delete and insert of the
    # night, before COMMIT) so the kill lands mid-load for certain.
    driver = textwrap.dedent(
        f"""
        import pathlib, time, sys
        from pipeline import warehouse, jobs
        original = warehouse.record_run
        def record_then_wait(con, run):
            original(con, run)
            pathlib.Path({str(marker)!r}).write_text("in")
            time.sleep(120)
        warehouse.record_run = record_then_wait
        jobs.run([{str(inbox)!r}], jobs.JobOptions(warehouse=pathlib.Path({str(wh)!r}), progress=False, workers=1))
        """
    )
    process = subprocess.Popen([sys.executable, "-c", driver], cwd=ROOT)
    try:
        deadline = time.monotonic() + 120
        while not marker.exists():
            assert process.poll() is None, "the load ended before reaching its transaction"
            assert time.monotonic() < deadline, "the load never reached its transaction"
            time.sleep(0.1)
        os.kill(process.pid, signal.SIGKILL)
        process.wait(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == -signal.SIGKILL
    assert query(wh, STATE) == before  # nothing partial: not one call of the killed night
    assert query(publish.published_path(wh), STATE) == published_before

    rerun = cli("run", inbox, "--warehouse", wh)
    assert rerun.returncode == 0, rerun.stderr
    assert rerun.stderr == "", "a good run prints its summary and nothing on stderr (no library chatter)"
    after = query(wh, STATE)
    assert after[0][0] == before[0][0] + 12 and after[0][2] == before[0][2] + 1
    assert query(publish.published_path(wh), STATE) == after


def test_a_reader_holding_the_published_snapshot_never_blocks_the_load(tmp_path: Path):
    wh = tmp_path / "var" / "warehouse.duckdb"
    assert cli("run", SAMPLES, "--warehouse", wh).returncode == 0
    reader = duckdb.connect(str(publish.published_path(wh)), read_only=True)
    try:
        [(calls_before,)] = reader.execute("SELECT count(*) FROM call_metrics").fetchall()
        done = cli("run", new_calls(tmp_path / "night"), "--warehouse", wh)
        assert done.returncode == 0, done.stderr
        # The held reader still sees the night it opened, whole; a new reader (another process:
        # DuckDB shares one open database per path within a process) sees the new one.
        assert reader.execute("SELECT count(*) FROM call_metrics").fetchall() == [(calls_before,)]
        fresh = subprocess.run(
            [str(SCRIPT), "query", "SELECT count(*) AS n FROM call_metrics", "--warehouse", str(wh)],
            capture_output=True,
            text=True,
            check=True,
        )
        assert f"{calls_before + 12}" in fresh.stdout and f"{calls_before}\n" not in fresh.stdout
    finally:
        reader.close()


def hold(wh: Path, seconds: float) -> subprocess.Popen:
    """Another process holding the warehouse file open (as a writer) for a while."""
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            f"import duckdb, time; c = duckdb.connect({str(wh)!r}); print('held', flush=True); time.sleep({seconds})",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
    return holder


def test_a_writer_waits_for_a_short_lock_then_loads(tmp_path: Path):
    """A label correction being stored holds the file for a moment: the nightly run waits for it."""
    wh = tmp_path / "var" / "warehouse.duckdb"
    assert cli("run", SAMPLES, "--warehouse", wh).returncode == 0
    holder = hold(wh, 3)
    try:
        done = cli("run", new_calls(tmp_path / "night"), "--warehouse", wh)  # default wait: 30 s
        assert done.returncode == 0, done.stderr
        assert holder.poll() is not None, "the run got the file only after the holder let go"
    finally:
        holder.kill()
        holder.wait()
    assert query(wh, "SELECT count(*) FROM calls") == [(len(list(SAMPLES.glob("*.call.json"))) + 12,)]


def test_a_locked_warehouse_is_a_clear_error_and_nothing_is_lost(tmp_path: Path, monkeypatch):
    monkeypatch.setenv("EMPATHY_DIAL_LOCK_WAIT_S", "1")
    wh = tmp_path / "var" / "warehouse.duckdb"
    assert cli("run", SAMPLES, "--warehouse", wh).returncode == 0
    before = query(wh, STATE)
    inbox = new_calls(tmp_path / "night")
    options = jobs.JobOptions(warehouse=wh, progress=False)
    staged = Path(jobs.stage_batch([str(p) for p in sorted(inbox.iterdir())], tmp_path / "staged" / "b0", options))
    inputs, staged_files = digest(inbox), digest(staged)
    holder = hold(wh, 120)
    try:
        done = cli("run", inbox, "--warehouse", wh)
        assert done.returncode == 1
        assert f"cannot open warehouse {wh}: the file is locked by another process" in done.stderr
        assert "readers use the published snapshot" in done.stderr and "(waited 1 s for it)" in done.stderr
        with pytest.raises(warehouse.WarehouseError, match="locked by another process"):
            jobs.load_staged([str(staged)], "dag-run", options)  # the DAG's load task
    finally:
        holder.kill()
        holder.wait()
    assert digest(inbox) == inputs and digest(staged) == staged_files  # inputs and staging untouched
    assert query(wh, STATE) == before
    assert jobs.load_staged([str(staged)], "dag-run", options).loaded == 12  # the retry completes it


@contextmanager
def small_disk(path: Path, size: str) -> Iterator[Path]:
    path.mkdir(parents=True, exist_ok=True)
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(path)], capture_output=True)
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here to simulate the disk ({mounted.stderr.decode().strip()})")
    try:
        yield path
    finally:
        subprocess.run(["umount", "-l", str(path)], check=False)


def test_a_read_only_disk_is_a_clear_error_and_nothing_is_lost(tmp_path: Path):
    inbox = new_calls(tmp_path / "night")
    inputs = digest(inbox)
    with small_disk(tmp_path / "disk", "64m") as disk:
        wh = disk / "warehouse.duckdb"
        assert cli("run", SAMPLES, "--warehouse", wh).returncode == 0
        before = query(wh, STATE)
        subprocess.run(["mount", "-o", "remount,ro", str(disk)], check=True)
        done = cli("run", inbox, "--warehouse", wh)
        assert done.returncode == 1
        assert f"cannot open warehouse {wh}: its folder is not writable" in done.stderr, done.stderr
        assert query(wh, STATE) == before
        assert query(publish.published_path(wh), STATE) == before  # readers go on reading
        subprocess.run(["mount", "-o", "remount,rw", str(disk)], check=True)
        assert cli("run", inbox, "--warehouse", wh).returncode == 0  # writable again: the night loads
        assert query(wh, STATE)[0][0] == before[0][0] + 12
    assert digest(inbox) == inputs


def test_a_full_disk_is_a_clear_error_and_nothing_is_lost(tmp_path: Path):
    inbox = new_calls(tmp_path / "night", n=300)
    inputs = digest(inbox)
    options_for = lambda wh: jobs.JobOptions(warehouse=wh, progress=False)  # noqa: E731
    with small_disk(tmp_path / "disk", "24m") as disk:
        wh = disk / "warehouse.duckdb"
        assert cli("run", SAMPLES, "--warehouse", wh).returncode == 0
        before = query(wh, STATE)
        staged = Path(
            jobs.stage_batch([str(p) for p in sorted(inbox.iterdir())], tmp_path / "staged" / "b0", options_for(wh))
        )
        staged_files = digest(staged)
        filler = disk / "filler"
        subprocess.run(["dd", "if=/dev/zero", f"of={filler}", "bs=1M"], capture_output=True, check=False)
        with pytest.raises((warehouse.WarehouseError, publish.PublishError)) as failure:
            jobs.load_staged([str(staged)], "full-disk", options_for(wh))
        assert "disk is full" in str(failure.value) or "No space left" in str(failure.value), failure.value
        filler.unlink()
        assert query(wh, STATE) == before
        assert digest(staged) == staged_files  # the staged night is still there for the retry
        assert jobs.load_staged([str(staged)], "full-disk", options_for(wh)).loaded == 300
    assert digest(inbox) == inputs
