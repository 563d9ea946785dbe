"""The nightly job, as one call (command line) or as steps (Airflow tasks).

The DAG = ``plan_inputs`` + one mapped task per batch (``stage_batch``: transcribe, analyse,
stage Parquet) + ``load_staged`` (gate, one load transaction, publish). ``run`` does the same on
one machine: recordings in this process, transcripts in worker processes, then ``load_staged``.
"""

from __future__ import annotations

import contextlib
import logging
import multiprocessing
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
from tqdm import tqdm

from . import corrections, gate, warehouse
from .asr.settings import AsrSettings
from .batch import BatchResult, analyze_inputs
from .classify import DEFAULT_CLASSIFIER, LazyClassifier, TurnClassifier
from .ingest import discover, is_audio
from .policy import Policy
from .publish import PublishError, publish, reader_path
from .staging import read_rows, set_aside, write_rows
from .transcripts import duplicate_call_id

log = logging.getLogger(__name__)

EXIT_OK, EXIT_FAILED, EXIT_QUARANTINED = 0, 1, 3


@dataclass(frozen=True)
class JobOptions:
    warehouse: Path = field(default_factory=warehouse.default_path)
    classifier: str = DEFAULT_CLASSIFIER
    policy: str | None = None
    progress: bool | None = None
    force: bool = False
    """Analyse and replace calls even when their content was already loaded with this model."""
    asr: AsrSettings = field(default_factory=AsrSettings)
    """How recordings are transcribed (model, device, language, channels ...)."""
    workers: int | None = None
    """Processes analysing transcripts in ``run`` (default: one per CPU core)."""

    def models(self) -> tuple[TurnClassifier, Policy]:
        """The classifier (loaded on first use; its pin is checked now) and the policy."""
        return LazyClassifier(self.classifier), Policy.load(self.policy)


@dataclass
class RunReport:
    run_id: str
    warehouse: Path
    inputs: int = 0
    loaded: int = 0
    skipped: int = 0
    quarantined: list[dict[str, str]] = field(default_factory=list)
    totals: dict[str, Any] = field(default_factory=dict)
    gate_failures: int = 0
    data_docs: Path | None = None
    published: Path | None = None
    publish_error: str | None = None
    """Why the snapshot was not published after the load committed (the next run publishes)."""
    timings: dict[str, float] = field(default_factory=dict)
    """Seconds per stage, in the order run: transcribe, analyse (``run`` only), read staged, gate,
    load (one transaction), publish."""

    @property
    def exit_code(self) -> int:
        return EXIT_QUARANTINED if self.quarantined else EXIT_OK

    def as_dict(self) -> dict[str, Any]:
        return {
            "run_id": self.run_id,
            "warehouse": str(self.warehouse),
            "inputs": self.inputs,
            "loaded": self.loaded,
            "skipped": self.skipped,
            "quarantined": self.quarantined,
            "totals": self.totals,
            "gate_failures": self.gate_failures,
            "data_docs": str(self.data_docs) if self.data_docs else None,
            "published": str(self.published) if self.published else None,
            "publish_error": self.publish_error,
            "timings": {stage: round(seconds, 3) for stage, seconds in self.timings.items()},
            "exit_code": self.exit_code,
        }


def new_run_id(prefix: str = "cli") -> str:
    return f"{prefix}-{datetime.now(UTC):%Y%m%dT%H%M%S%fZ}"


def plan_inputs(inputs: list[str], batch_size: int = 200, recording_batch_size: int = 20) -> dict[str, list[list[str]]]:
    """Batches of transcripts and, apart, smaller batches of recordings (transcription is the slow step)."""
    files = [str(p) for p in discover(inputs)]
    recordings = [f for f in files if is_audio(Path(f))]
    transcripts = [f for f in files if not is_audio(Path(f))]
    step = recording_batch_size
    return {
        "recordings": [recordings[i : i + step] for i in range(0, len(recordings), step)],
        "transcripts": [transcripts[i : i + batch_size] for i in range(0, len(transcripts), batch_size)],
    }


def _skip_hashes(path: Path, classifier: TurnClassifier, policy: Policy) -> set[str]:
    """Hashes already loaded, read from the published snapshot (never blocks the loader).

    The snapshot is trusted only while it is at least as new as the warehouse it was copied from
    (a crash between commit and publish, or a warehouse deleted by hand, must not skip calls).
    """
    if not path.exists():
        return set()
    snapshot = reader_path(path)
    if snapshot.stat().st_mtime >= path.stat().st_mtime:
        path = snapshot
    con = warehouse.connect(path, read_only=True)
    try:
        return (
            warehouse.loaded_hashes(con, classifier.version, policy.version)
            if warehouse.has_table(con, "calls")
            else set()
        )
    finally:
        con.close()


def analyze_batch(
    files: list[str], options: JobOptions, models: tuple[TurnClassifier, Policy] | None = None
) -> BatchResult:
    classifier, policy = models or options.models()
    skip = set() if options.force else _skip_hashes(options.warehouse, classifier, policy)
    return analyze_inputs([Path(f) for f in files], classifier, policy, skip, options.progress, options.asr)


def stage_batch(
    files: list[str],
    staging_dir: str | Path,
    options: JobOptions,
    models: tuple[TurnClassifier, Policy] | None = None,
) -> str:
    """Analyse one batch and stage its rows as Parquet in ``staging_dir``; returns that folder.

    ``models`` (classifier, policy) are loaded from ``options`` when not given.
    """
    result = analyze_batch(files, options, models)
    rows = warehouse.rows_for(result.analyses, result.quarantined, _now())
    folder = write_rows(rows, staging_dir)
    (folder / "counts.txt").write_text(f"{result.inputs} {result.skipped}\n")
    return str(folder)


def load_staged(folders: list[str], run_id: str, options: JobOptions, started_at: datetime | None = None) -> RunReport:
    """Gate and load staged batches, record the run, publish the snapshot readers use.

    Everything a run writes (every call of every batch, its quarantine rows, its run row) is one
    transaction: a load that fails or is killed leaves the warehouse exactly as before, and the
    staged folders are left as they were for the next attempt. Label corrections waiting in the
    feedback inbox are stored first, in a transaction of their own (see ``_store_corrections``).
    """
    report = RunReport(run_id, options.warehouse)
    with _timed(report.timings, "read staged"):
        rows, counts = _combine(folders)
    report.inputs, report.skipped = counts
    with _timed(report.timings, "gate"):
        verdict = gate.check(rows, _data_docs_dir(options.warehouse, run_id))
        rows = gate.split(rows, verdict, _now())
    quarantine = rows.get("quarantine")
    if quarantine is not None:
        report.quarantined = [
            {"source": r.source, "stage": r.stage, "reason": r.reason} for r in quarantine.itertuples()
        ]
    report.data_docs = verdict.data_docs
    report.gate_failures = len(verdict.failures)
    calls = rows.get("calls")
    report.loaded = 0 if calls is None else len(calls)
    run_row = {
        "run_id": run_id,
        "started_at": started_at or _now(),
        "inputs": report.inputs,
        "loaded": report.loaded,
        "skipped": report.skipped,
        "quarantined": len(report.quarantined),
        "exit_code": report.exit_code,
        "gate_failures": report.gate_failures,
        "data_docs": str(verdict.data_docs) if verdict.data_docs else None,
    }
    con = warehouse.connect(options.warehouse, wait_s=warehouse.lock_wait_s())
    try:
        try:
            with _timed(report.timings, "load"):
                warehouse.apply_schema(con)
                _store_corrections(con, options.warehouse)
                warehouse.load_rows(con, rows, {**run_row, "finished_at": _now(), "published_at": _now()})
                report.totals = warehouse.totals(con)
        except (duckdb.Error, OSError, warehouse.WarehouseError) as exc:
            raise warehouse.WarehouseError(
                warehouse.explain(options.warehouse, exc, "load into")
                + "; nothing of this run was written (the transaction rolled back)"
            ) from None
        try:
            with _timed(report.timings, "publish"):
                report.published = publish(con, options.warehouse)
        except PublishError as exc:
            # The night is committed: say so, and let the next run publish it (exit code unchanged).
            report.publish_error = str(exc)
            log.error("%s", exc)
            with contextlib.suppress(duckdb.Error):  # the report already says it; never hide that
                con.execute("UPDATE runs SET published_at = NULL WHERE run_id = ?", [run_id])
    finally:
        con.close()
    return report


def _store_corrections(con: duckdb.DuckDBPyConnection, warehouse_path: Path) -> None:
    """Label corrections waiting in the inbox, in their own transaction before the load's: a
    problem with them is a warning (they stay in the inbox for the next run), never a failed night."""
    try:
        corrections.apply_pending(con, warehouse_path, publish_after=False)
    except (duckdb.Error, OSError, warehouse.WarehouseError) as exc:
        folder = corrections.inbox(warehouse_path)
        log.warning("label corrections not stored this run, they stay in %s: %s", folder, exc)


def _combine(folders: list[str]) -> tuple[dict[str, pd.DataFrame], tuple[int, int]]:
    """Every staged batch as one set of frames; a call_id repeated across batches is quarantined."""
    parts: dict[str, list[pd.DataFrame]] = {}
    first_source: dict[str, str] = {}
    inputs = skipped = 0
    for folder in folders:
        for name, frame in _drop_repeated_calls(read_rows(folder), first_source).items():
            parts.setdefault(name, []).append(frame)
        seen, unchanged = (Path(folder) / "counts.txt").read_text().split()
        inputs += int(seen)
        skipped += int(unchanged)
    rows = {name: pd.concat(frames, ignore_index=True) for name, frames in parts.items()}
    return rows, (inputs, skipped)


def _data_docs_dir(warehouse_path: Path, run_id: str) -> Path | None:
    # absolute: GX refuses a relative docs folder (and the summary should name the real place)
    folder = Path(warehouse_path).resolve().parent / "data_docs" / run_id.replace(":", "-").replace("/", "-")
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        log.warning("GX Data Docs not written (%s): %s", folder, exc)
        return None
    return folder


def _drop_repeated_calls(rows: dict[str, pd.DataFrame], first_source: dict[str, str]) -> dict[str, pd.DataFrame]:
    """Quarantine calls whose call_id an earlier batch of this run already had.

    Within a batch ``analyze_inputs`` does this; across mapped batches only the loader can.
    """
    calls = rows.get("calls")
    if calls is None or calls.empty:
        return rows
    repeated = calls["call_id"].map(lambda cid: cid in first_source)
    for cid, source in zip(calls["call_id"][~repeated], calls["source"][~repeated], strict=True):
        first_source[cid] = source
    if not repeated.any():
        return rows
    dropped = calls[repeated]
    pairs = zip(dropped["source"], dropped["call_id"], strict=True)
    reasons = [duplicate_call_id(src, cid, first_source[cid]) for src, cid in pairs]
    return set_aside(rows, dropped, reasons, "validate", _now())


def run(inputs: list[str], options: JobOptions, run_id: str | None = None) -> RunReport:
    """The whole job on one machine: what ``empathy-dial run`` does.

    Recordings are transcribed in this process (one speech model in memory); transcripts are
    analysed by ``options.workers`` processes (default: one per CPU core), each staging its
    batches as Parquet; then this process gates and loads them, as the DAG's ``load`` does.
    """
    started = _now()
    run_id = run_id or new_run_id()
    models = options.models()  # loaded once, and a bad policy or model fails before any work
    # a locked (past the wait) or read-only warehouse fails before any work
    warehouse.connect(options.warehouse, wait_s=warehouse.lock_wait_s()).close()
    files = [str(p) for p in discover(inputs)]
    recordings = [f for f in files if is_audio(Path(f))]
    workers = options.workers or default_workers()
    groups = balanced_batches([f for f in files if not is_audio(Path(f))], workers * 4 if workers > 1 else 1)
    staging = Path(tempfile.mkdtemp(prefix="empathy-dial-"))
    timings: dict[str, float] = {}
    try:
        folders = []
        if recordings:
            with _timed(timings, "transcribe"):
                folders.append(stage_batch(recordings, staging / "recordings", options, models))
        with _timed(timings, "analyse"):
            jobs = [(group, str(staging / f"batch-{n:05d}")) for n, group in enumerate(groups)]
            folders += _stage_all(jobs, options, models, workers)
        report = load_staged(folders, run_id, options, started)
    except warehouse.WarehouseError as exc:
        raise type(exc)(f"{exc}. The analysed batches are kept in {staging}") from None
    except BaseException:
        log.error("the run stopped; the analysed batches are kept in %s", staging)
        raise
    shutil.rmtree(staging, ignore_errors=True)
    report.timings = {**timings, **report.timings}
    return report


@contextmanager
def _timed(timings: dict[str, float], stage: str) -> Iterator[None]:
    """Record the seconds the block took under ``stage`` (only when it completes)."""
    began = time.perf_counter()
    yield
    timings[stage] = time.perf_counter() - began


def default_workers() -> int:
    return max(1, min(os.cpu_count() or 1, 8))


def balanced_batches(files: list[str], groups: int) -> list[list[str]]:
    """Split files into at most ``groups`` batches of similar total size (largest file first)."""
    if not files:
        return []
    groups = max(1, min(groups, len(files)))
    sizes = {f: os.path.getsize(f) if os.path.exists(f) else 0 for f in files}
    batches: list[list[str]] = [[] for _ in range(groups)]
    load = [0] * groups
    for f in sorted(files, key=lambda f: -sizes[f]):
        lightest = load.index(min(load))
        batches[lightest].append(f)
        load[lightest] += sizes[f] + 1
    order = {f: i for i, f in enumerate(files)}  # keep input order inside and across batches
    return sorted((sorted(b, key=order.__getitem__) for b in batches if b), key=lambda b: order[b[0]])


_WORKER_STATE: dict[str, Any] = {}


def _stage_all(
    jobs: list[tuple[list[str], str]], options: JobOptions, models: tuple[TurnClassifier, Policy], workers: int
) -> list[str]:
    show = sys.stderr.isatty() if options.progress is None else options.progress
    if workers <= 1 or len(jobs) <= 1:
        return [stage_batch(files, folder, options, models) for files, folder in tqdm(jobs, disable=not show)]
    # Forked workers inherit the loaded models; results travel as staged Parquet folders.
    _WORKER_STATE.update(options=options, models=models)
    method = "fork" if "fork" in multiprocessing.get_all_start_methods() else None
    context = multiprocessing.get_context(method)
    try:
        with ProcessPoolExecutor(max_workers=min(workers, len(jobs)), mp_context=context) as pool:
            done = pool.map(_stage_job, jobs)
            return list(tqdm(done, total=len(jobs), desc="batches", unit="batch", disable=not show))
    finally:
        _WORKER_STATE.clear()


def _stage_job(job: tuple[list[str], str]) -> str:
    files, folder = job
    options, models = _WORKER_STATE.get("options"), _WORKER_STATE.get("models")
    if options is None:  # started by spawn: nothing inherited
        raise RuntimeError("worker started without the job's options; use the fork start method")
    return stage_batch(files, folder, options, models)


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)
