"""The nightly job, as one call (command line) or as steps (Airflow tasks).

``run`` = ``plan_batches`` + ``stage_batch`` per batch + ``load_staged``, minus the staging
files: both entry points share every step.
"""

from __future__ import annotations

import logging
import shutil
import tempfile
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pandas as pd

from . import warehouse
from .asr.settings import AsrSettings
from .batch import BatchResult, analyze_inputs
from .classify import DEFAULT_CLASSIFIER, TurnClassifier, load_classifier
from .ingest import discover, is_audio
from .policy import Policy
from .staging import read_rows, write_rows
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

    def models(self) -> tuple[TurnClassifier, Policy]:
        return load_classifier(self.classifier), Policy.load(self.policy)


@dataclass
class RunReport:
    run_id: str
    warehouse: Path
    inputs: int = 0
    loaded: int = 0
    skipped: int = 0
    quarantined: list[dict[str, str]] = field(default_factory=list)
    totals: dict[str, Any] = field(default_factory=dict)

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
            "exit_code": self.exit_code,
        }


def new_run_id(prefix: str = "cli") -> str:
    return f"{prefix}-{datetime.now(UTC):%Y%m%dT%H%M%S%fZ}"


def plan_batches(inputs: list[str], batch_size: int = 200) -> list[list[str]]:
    """Split the discovered input files into batches of at most ``batch_size`` files."""
    files = [str(p) for p in discover(inputs)]
    return [files[i : i + batch_size] for i in range(0, len(files), batch_size)]


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
    if not path.exists():
        return set()
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
    """Load staged batches into the warehouse, one transaction per batch, and record the run."""
    report = RunReport(run_id, options.warehouse)
    con = warehouse.connect(options.warehouse)
    try:
        warehouse.apply_schema(con)
        first_source: dict[str, str] = {}
        for folder in folders:
            rows = _drop_repeated_calls(read_rows(folder), first_source)
            report.loaded += warehouse.load_rows(con, rows)
            counts = (Path(folder) / "counts.txt").read_text().split()
            report.inputs += int(counts[0])
            report.skipped += int(counts[1])
            quarantine = rows.get("quarantine")
            if quarantine is not None:
                report.quarantined += [
                    {"source": r.source, "stage": r.stage, "reason": r.reason} for r in quarantine.itertuples()
                ]
        report.totals = warehouse.totals(con)
        warehouse.record_run(
            con,
            {
                "run_id": run_id,
                "started_at": started_at or _now(),
                "finished_at": _now(),
                "inputs": report.inputs,
                "loaded": report.loaded,
                "skipped": report.skipped,
                "quarantined": len(report.quarantined),
                "exit_code": report.exit_code,
            },
        )
    finally:
        con.close()
    return report


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
    quarantine = pd.DataFrame(
        {
            "source": dropped["source"],
            "reason": [
                duplicate_call_id(src, cid, first_source[cid])
                for src, cid in zip(dropped["source"], dropped["call_id"], strict=True)
            ],
            "stage": "validate",
            "at": _now(),
            "source_sha256": dropped["source_sha256"],
        }
    )
    ids = set(dropped["call_id"])
    kept = {name: frame[~frame["call_id"].isin(ids)] if "call_id" in frame else frame for name, frame in rows.items()}
    kept["calls"] = calls[~repeated]
    previous = rows.get("quarantine")
    kept["quarantine"] = quarantine if previous is None or previous.empty else pd.concat([previous, quarantine])
    return kept


def run(inputs: list[str], options: JobOptions, run_id: str | None = None) -> RunReport:
    """The whole job in one process: what ``empathy-dial run`` does."""
    started = _now()
    run_id = run_id or new_run_id()
    models = options.models()  # loaded once, and a bad policy or model fails before any work
    staging = Path(tempfile.mkdtemp(prefix="empathy-dial-"))
    try:
        folders = [
            stage_batch(batch, staging / f"batch-{n:05d}", options, models)
            for n, batch in enumerate(plan_batches(inputs, batch_size=10_000))
        ]
        return load_staged(folders, run_id, options, started)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)
