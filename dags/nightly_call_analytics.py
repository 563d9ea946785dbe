"""Nightly call analytics: recordings and call transcripts -> judged turns and call metrics in DuckDB.

Thin TaskFlow tasks over ``pipeline.jobs``, the same functions as ``empathy-dial run``:
``plan_recordings`` and ``plan_transcripts`` split the inputs into batches (recordings in smaller ones), ``transcribe``
(mapped, one task per batch of recordings) turns recordings into call turns with faster-whisper
and hands them to the classifier and the dosing policy in the same task, ``analyze`` (mapped,
one task per batch of transcripts) classifies and judges; both stage their rows as Parquet, and
``load`` is the single DuckDB writer (Great Expectations gate, one transaction, then a read-only
snapshot published for readers); ``purge`` applies the retention policy. Only paths travel
through XCom. Nothing heavy is imported at parse time. The speech model is loaded once per worker process.

Trigger with a conf to override the params, e.g.
``airflow dags trigger nightly_call_analytics -c '{"inputs": ["/data/calls/2026-11-23"]}'``.
"""

from __future__ import annotations

import os

import pendulum
from airflow.sdk import Param, dag, get_current_context, task


def _options(params: dict):
    from pathlib import Path

    from pipeline.asr.settings import load_settings
    from pipeline.jobs import JobOptions

    asr = load_settings(params.get("asr_config"), model=params.get("asr_model"))
    return JobOptions(warehouse=Path(params["warehouse"]), policy=params.get("policy"), progress=False, asr=asr)


@dag(
    dag_id="nightly_call_analytics",
    schedule="0 2 * * *",
    start_date=pendulum.datetime(2026, 11, 1, tz="UTC"),
    catchup=False,
    max_active_runs=1,  # DuckDB has one writer: never two loads at once
    tags=["empathy-dial"],
    params={
        "inputs": Param(
            [os.environ.get("EMPATHY_DIAL_INBOX", "var/inbox")],
            type="array",
            description="files or folders of call recordings and transcripts",
        ),
        "warehouse": Param(os.environ.get("EMPATHY_DIAL_WAREHOUSE", "var/warehouse.duckdb"), type="string"),
        "staging": Param(os.environ.get("EMPATHY_DIAL_STAGING", "var/staging"), type="string"),
        "batch_size": Param(200, type="integer", minimum=1, description="input files per mapped task"),
        "recording_batch_size": Param(20, type="integer", minimum=1, description="recordings per mapped task"),
        "policy": Param(None, type=["null", "string"], description="dosing policy TOML (default: packaged)"),
        "asr_model": Param(
            None, type=["null", "string"], description="faster-whisper model name or folder ($EMPATHY_DIAL_ASR_MODEL)"
        ),
        "asr_config": Param(None, type=["null", "string"], description="speech-recognition settings TOML"),
        "retention_days": Param(
            int(os.environ["EMPATHY_DIAL_RETENTION_DAYS"]) if os.environ.get("EMPATHY_DIAL_RETENTION_DAYS") else None,
            type=["null", "integer"],
            minimum=1,
            description="purge transcript text and audio references older than this many days (null: keep all)",
        ),
    },
)
def nightly_call_analytics():
    def _plan(kind: str) -> list[list[str]]:
        from pipeline.jobs import plan_inputs

        params = get_current_context()["params"]
        return plan_inputs(list(params["inputs"]), int(params["batch_size"]), int(params["recording_batch_size"]))[kind]

    @task
    def plan_recordings() -> list[list[str]]:
        return _plan("recordings")

    @task
    def plan_transcripts() -> list[list[str]]:
        return _plan("transcripts")

    def _stage(batch: list[str], kind: str) -> str:
        from pathlib import Path

        from pipeline.jobs import stage_batch

        context = get_current_context()
        params = context["params"]
        run_dir = "".join(ch if ch.isalnum() or ch in "-_." else "_" for ch in context["run_id"])
        folder = Path(params["staging"]) / run_dir / f"{kind}-{context['ti'].map_index:05d}"
        return stage_batch(batch, folder, _options(params))

    @task
    def transcribe(batch: list[str]) -> str:
        return _stage(batch, "recordings")

    @task
    def analyze(batch: list[str]) -> str:
        return _stage(batch, "transcripts")

    # A mapped task over an empty list is skipped; the load still runs for the other kind.
    @task(trigger_rule="none_failed")
    def load(recorded: list[str] | None, analyzed: list[str] | None) -> dict:
        import shutil

        from pipeline.jobs import load_staged

        context = get_current_context()
        folders = [f for f in [*(recorded or []), *(analyzed or [])] if f]
        report = load_staged(folders, context["run_id"], _options(context["params"]))
        for folder in folders:  # loaded and committed: the staged copy is no longer needed
            shutil.rmtree(folder, ignore_errors=True)
        summary = report.as_dict()
        summary["quarantined"] = len(report.quarantined)
        return summary

    @task
    def purge(loaded: dict) -> dict:
        """Retention, after the night is loaded: text and audio references go, metrics stay."""
        import dataclasses

        from pipeline.retention import purge as purge_old

        params = get_current_context()["params"]
        if params.get("retention_days") is None:
            return {"skipped": "retention_days is not set"}
        report = purge_old(params["warehouse"], int(params["retention_days"]))
        return {k: str(v) if k == "cutoff" else v for k, v in dataclasses.asdict(report).items()}

    purge(load(transcribe.expand(batch=plan_recordings()), analyze.expand(batch=plan_transcripts())))


nightly_call_analytics()
