"""Nightly call analytics: call transcripts -> judged turns and call metrics in DuckDB.

Thin TaskFlow tasks over ``pipeline.jobs``, the same functions as ``empathy-dial run``:
``plan`` splits the inputs into batches, ``analyze`` (mapped, one task per batch) classifies and
judges a batch and stages its rows as Parquet, ``load`` is the single DuckDB writer. Only
paths travel through XCom. Nothing heavy is imported at parse time.

Trigger with a conf to override the params, e.g.
``airflow dags trigger nightly_call_analytics -c '{"inputs": ["/data/calls/2026-11-23"]}'``.
"""

from __future__ import annotations

import os

import pendulum
from airflow.sdk import Param, dag, get_current_context, task


def _options(params: dict):
    from pathlib import Path

    from pipeline.jobs import JobOptions

    return JobOptions(warehouse=Path(params["warehouse"]), policy=params.get("policy"), progress=False)


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
            description="files or folders of call transcripts",
        ),
        "warehouse": Param(os.environ.get("EMPATHY_DIAL_WAREHOUSE", "var/warehouse.duckdb"), type="string"),
        "staging": Param(os.environ.get("EMPATHY_DIAL_STAGING", "var/staging"), type="string"),
        "batch_size": Param(200, type="integer", minimum=1, description="input files per mapped task"),
        "policy": Param(None, type=["null", "string"], description="dosing policy TOML (default: packaged)"),
    },
)
def nightly_call_analytics():
    @task
    def plan() -> list[list[str]]:
        from pipeline.jobs import plan_batches

        params = get_current_context()["params"]
        return plan_batches(list(params["inputs"]), int(params["batch_size"]))

    @task
    def analyze(batch: list[str]) -> str:
        from pathlib import Path

        from pipeline.jobs import stage_batch

        context = get_current_context()
        params = context["params"]
        run_dir = "".join(ch if ch.isalnum() or ch in "-_." else "_" for ch in context["run_id"])
        folder = Path(params["staging"]) / run_dir / f"batch-{context['ti'].map_index:05d}"
        return stage_batch(batch, folder, _options(params))

    @task
    def load(folders: list[str]) -> dict:
        import shutil

        from pipeline.jobs import load_staged

        context = get_current_context()
        report = load_staged(list(folders), context["run_id"], _options(context["params"]))
        for folder in folders:  # loaded and committed: the staged copy is no longer needed
            shutil.rmtree(folder, ignore_errors=True)
        summary = report.as_dict()
        summary["quarantined"] = len(report.quarantined)
        return summary

    load(analyze.expand(batch=plan()))


nightly_call_analytics()
