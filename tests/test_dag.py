"""The real Airflow DAG: a DagBag import test and a real dag.test() on the samples (SQLite metadata)."""

import json
import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from pipeline import publish
from tests.conftest import SENTENCE, query

ROOT = Path(__file__).resolve().parent.parent
HARNESS = Path(__file__).with_name("airflow_harness.py")
DAG_ID = "nightly_call_analytics"
COUNTS = "SELECT (SELECT count(*) FROM calls), (SELECT count(*) FROM turns), (SELECT count(*) FROM quarantine)"


@pytest.fixture(scope="module")
def airflow_env(tmp_path_factory) -> dict:
    home = tmp_path_factory.mktemp("airflow_home")
    env = {
        **os.environ,
        "AIRFLOW_HOME": str(home),
        "AIRFLOW__CORE__DAGS_FOLDER": str(ROOT / "dags"),
        "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
        "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN": f"sqlite:///{home}/airflow.db",
    }
    airflow = Path(sys.executable).with_name("airflow")
    done = subprocess.run([str(airflow), "db", "migrate"], env=env, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    return env


def harness(env: dict, *args: str) -> dict:
    done = subprocess.run(
        [sys.executable, str(HARNESS), str(ROOT / "dags"), *args],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    lines = [line for line in done.stdout.splitlines() if line.startswith("HARNESS ")]
    assert done.returncode == 0 and lines, (done.stdout[-3000:], done.stderr[-3000:])
    return json.loads(lines[-1].removeprefix("HARNESS "))


def test_dagbag_imports_without_errors(airflow_env):
    result = harness(airflow_env)
    assert result["import_errors"] == {}
    assert DAG_ID in result["dag_ids"]


def test_dag_runs_end_to_end_on_the_samples(airflow_env, tmp_path: Path, mixed_batch: Path):
    wh, staging = tmp_path / "dag.duckdb", tmp_path / "staging"
    samples = ROOT / "samples" / "calls"
    conf = {"inputs": [str(samples), str(mixed_batch)], "warehouse": str(wh), "staging": str(staging), "batch_size": 8}
    result = harness(airflow_env, DAG_ID, json.dumps(conf))
    assert result["task_ids"] == ["analyze", "load", "plan_recordings", "plan_transcripts", "purge", "transcribe"]
    assert result["state"] == "success"
    n_inputs = len(list(samples.glob("*.call.json"))) + len(list(mixed_batch.iterdir()))
    mapped = [k for k in result["task_states"] if k.startswith("analyze[")]
    assert len(mapped) == -(-n_inputs // 8)  # one mapped task per batch of 8 files
    # no recordings in these inputs: the transcribe task has nothing to map over and is skipped
    assert result["task_states"].pop("transcribe[-1]") == "skipped"
    assert all(state == "success" for state in result["task_states"].values())

    [first] = query(wh, COUNTS)
    n_samples = len(list(samples.glob("*.call.json")))
    # the batch's three good calls are copies of samples in an earlier mapped batch: quarantined as repeats
    assert first[0] == n_samples and first[2] == 5 + 3
    assert not any(staging.rglob("*.parquet"))  # staged batches are removed once loaded
    # the load published the snapshot readers use, and the run's GX Data Docs
    assert query(publish.published_path(wh), COUNTS) == [first]
    [(docs,)] = query(wh, "SELECT data_docs FROM runs")
    assert Path(docs).is_file() and Path(docs).parent.parent == tmp_path / "data_docs"

    # the re-run also applies retention: text older than 1 day goes, metrics stay
    cutoff = datetime.now(UTC).replace(tzinfo=None) - timedelta(days=1)
    [(due,)] = query(wh, "SELECT count(*) FROM calls WHERE started_at < ?", [cutoff])
    rerun = harness(airflow_env, DAG_ID, json.dumps({**conf, "retention_days": 1}))
    assert rerun["state"] == "success"
    [second] = query(wh, COUNTS)
    [runs] = query(wh, "SELECT count(*), sum(skipped) FROM runs")
    assert second == first
    assert runs == (2, n_samples + 3)
    assert query(wh, "SELECT count(*) FROM calls WHERE purged_at IS NOT NULL") == [(due,)]
    assert query(publish.published_path(wh), "SELECT count(*) FROM call_metrics") == [(first[0],)]


def test_dag_transcribes_recordings_in_mapped_tasks(airflow_env, tmp_path: Path, whisper_models):
    from benchmarks.make_recordings import CallScript, Turn, render_call, write_audio, write_sidecar

    script = CallScript(
        name="dag",
        lang="nl",
        team="t",
        queue="q",
        turns=(Turn("agent", "Goedemiddag, waarmee kan ik helpen?"), Turn("customer", "Mijn pakket is zoek.")),
    )
    audio, _ = render_call(script, layout="stereo", sample_rate=16000)
    inbox = tmp_path / "inbox"
    for n in range(3):
        path = write_audio(audio, 16000, inbox / f"rec-{n}.wav").path
        write_sidecar(path, {"call_id": f"dag-rec-{n}", "agent_id": "a-040"})
    write_audio(audio[:1] * 0, 16000, inbox / "silent.wav")
    config = tmp_path / "asr.toml"
    config.write_text(f'model = "{whisper_models["fixed"]}"\ndevice = "cpu"\nbeam_size = 1\ntemperature = 0.0\n')
    wh = tmp_path / "dag.duckdb"
    conf = {
        "inputs": [str(inbox)],
        "warehouse": str(wh),
        "staging": str(tmp_path / "staging"),
        "recording_batch_size": 2,
        "asr_config": str(config),
    }
    result = harness(airflow_env, DAG_ID, json.dumps(conf))
    assert result["state"] == "success"
    states = result["task_states"]
    assert states.pop("analyze[-1]") == "skipped"  # no transcripts among the inputs
    assert sorted(k for k in states if k.startswith("transcribe[")) == ["transcribe[0]", "transcribe[1]"]
    assert all(state == "success" for state in states.values())
    calls = query(wh, "SELECT call_id FROM calls ORDER BY call_id")
    [first] = query(wh, "SELECT speaker, text FROM turns WHERE call_id = 'dag-rec-0' AND turn_index = 0")
    quarantined = query(wh, "SELECT stage, reason FROM quarantine")
    assert calls == [("dag-rec-0",), ("dag-rec-1",), ("dag-rec-2",)]
    assert first == ("agent", SENTENCE)
    assert len(quarantined) == 1 and quarantined[0][0] == "transcribe" and "silence only" in quarantined[0][1]
