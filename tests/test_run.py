"""`empathy-dial run` end to end on a real DuckDB file."""

import json
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from pipeline import warehouse
from pipeline.cli import main
from pipeline.labels import OUTCOMES
from tests.conftest import call, query


def run(*args) -> int:
    return main(["run", *map(str, args), "--no-progress"])


def counts(path: Path) -> dict:
    con = duckdb.connect(str(path), read_only=True)
    try:
        return warehouse.row_counts(con)
    finally:
        con.close()


def test_samples_load_and_a_rerun_changes_nothing(samples: Path, warehouse_path: Path, capsys):
    files = sorted(samples.glob("*.call.json"))
    expected_turns = sum(len(json.loads(f.read_text(encoding="utf-8"))["turns"]) for f in files)

    assert run(samples, "--warehouse", warehouse_path) == 0
    first = counts(warehouse_path)
    assert first == {"calls": len(files), "turns": expected_turns, "call_facts": len(files), "quarantine": 0}
    loaded_at = query(warehouse_path, "SELECT call_id, loaded_at FROM calls ORDER BY call_id")
    summary = capsys.readouterr().out
    assert f"{len(files)} calls loaded" in summary and "dosing score" in summary

    assert run(samples, "--warehouse", warehouse_path) == 0
    assert counts(warehouse_path) == first
    assert query(warehouse_path, "SELECT call_id, loaded_at FROM calls ORDER BY call_id") == loaded_at
    assert f"{len(files)} unchanged (skipped)" in capsys.readouterr().out
    assert run(samples, "--warehouse", warehouse_path, "--force") == 0
    assert f"{len(files)} calls loaded" in capsys.readouterr().out
    assert counts(warehouse_path) == first
    assert query(warehouse_path, "SELECT count(*), sum(loaded), sum(skipped) FROM runs") == [
        (3, 2 * len(files), len(files))
    ]
    # unknown fields are kept: the samples' gold labels travel with their turns
    assert query(warehouse_path, "SELECT count(*) FROM turns WHERE extra LIKE '%gold_%'") == [(expected_turns,)]


def test_the_default_relative_warehouse_path_works(samples: Path, tmp_path: Path, monkeypatch, capsys):
    """What `make demo` does: no --warehouse, so var/warehouse.duckdb relative to the working folder."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("EMPATHY_DIAL_WAREHOUSE", raising=False)
    assert run(samples) == 0
    [docs] = (tmp_path / "var" / "data_docs").glob("*/index.html")
    summary = capsys.readouterr().out
    assert f"Data Docs: {docs}" in summary  # named by its absolute path
    assert counts(tmp_path / "var" / "warehouse.duckdb")["calls"] == len(list(samples.glob("*.call.json")))


def test_samples_show_every_outcome_and_call_kind(samples: Path, warehouse_path: Path):
    assert run(samples, "--warehouse", warehouse_path) == 0
    seen = {r[0] for r in query(warehouse_path, "SELECT DISTINCT outcome FROM turns WHERE outcome IS NOT NULL")}
    assert seen == set(OUTCOMES)
    (deescalated,) = query(warehouse_path, "SELECT count(*) FROM call_metrics WHERE deescalated")[0]
    (calm,) = query(warehouse_path, "SELECT count(*) FROM call_metrics WHERE peak_customer_state = 'neutral'")[0]
    (boundaries,) = query(warehouse_path, "SELECT count(*) FROM call_metrics WHERE episodes_with_boundary > 0")[0]
    assert deescalated >= 1 and calm >= 3 and boundaries >= 1
    agents, teams, queues, days = query(
        warehouse_path,
        "SELECT count(DISTINCT agent_id), count(DISTINCT team), count(DISTINCT queue), count(DISTINCT call_date) "
        "FROM call_metrics",
    )[0]
    assert agents >= 4 and teams >= 2 and queues >= 2 and days >= 5


def test_broken_inputs_are_quarantined_and_the_rest_loads(mixed_batch: Path, warehouse_path: Path, capsys):
    assert run(mixed_batch, "--warehouse", warehouse_path) == 3
    assert counts(warehouse_path)["calls"] == 3
    rows = {
        Path(src).name: (stage, reason)
        for src, stage, reason in query(warehouse_path, "SELECT source, stage, reason FROM quarantine")
    }
    assert set(rows) == {
        "not-json.call.json",
        "no-call-id.call.json",
        "end-before-start.call.json",
        "unknown-speaker.call.json",
        "notes.docx",
    }
    for name, (_, reason) in rows.items():
        assert name in reason  # every reason names the file
    assert "must be valid JSON" in rows["not-json.call.json"][1]
    assert "field 'call_id': is required" in rows["no-call-id.call.json"][1]
    assert "field 'turns[1].end': must be >= start" in rows["end-before-start.call.json"][1]
    assert "field 'turns[0].speaker': must be one of agent, customer" in rows["unknown-speaker.call.json"][1]
    assert "unsupported file type '.docx'" in rows["notes.docx"][1]
    assert rows["notes.docx"][0] == "ingest" and rows["not-json.call.json"][0] == "parse"
    assert "Quarantined in this run" in capsys.readouterr().out

    before = counts(warehouse_path)
    assert run(mixed_batch, "--warehouse", warehouse_path) == 3
    assert counts(warehouse_path) == before  # no duplicate calls, turns or quarantine rows


def test_a_fixed_input_loads_and_leaves_the_quarantine(tmp_path: Path, warehouse_path: Path):
    path = tmp_path / "x.call.json"
    bad = call("t-fix")
    bad["turns"][2]["end"] = 0.5
    path.write_text(json.dumps(bad), encoding="utf-8")
    assert run(path, "--warehouse", warehouse_path) == 3
    assert counts(warehouse_path)["quarantine"] == 1
    path.write_text(json.dumps(call("t-fix")), encoding="utf-8")
    assert run(path, "--warehouse", warehouse_path) == 0
    assert counts(warehouse_path) == {"calls": 1, "turns": 3, "call_facts": 1, "quarantine": 0}


def test_a_changed_call_is_replaced_whole(tmp_path: Path, warehouse_path: Path):
    path = tmp_path / "x.call.json"
    path.write_text(json.dumps(call("t-2")), encoding="utf-8")
    assert run(path, "--warehouse", warehouse_path) == 0
    shorter = call("t-2")
    shorter["turns"] = shorter["turns"][:2]
    path.write_text(json.dumps(shorter), encoding="utf-8")
    assert run(path, "--warehouse", warehouse_path) == 0
    assert query(warehouse_path, "SELECT count(*) FROM turns WHERE call_id = 't-2'") == [(2,)]
    assert counts(warehouse_path)["calls"] == 1


def test_duplicate_call_ids_in_one_run_keep_the_first(tmp_path: Path, warehouse_path: Path):
    lines = [json.dumps(call("dup")), json.dumps(call("dup", agent_id="a-2"))]
    (tmp_path / "night.jsonl").write_text("\n".join(lines), encoding="utf-8")
    assert run(tmp_path / "night.jsonl", "--warehouse", warehouse_path) == 3
    assert query(warehouse_path, "SELECT agent_id FROM calls") == [("a-900",)]
    (reason,) = query(warehouse_path, "SELECT reason FROM quarantine")[0]
    assert "night.jsonl:2" in reason and "field 'call_id': must be unique" in reason


def test_a_failed_load_leaves_the_warehouse_as_it_was(samples: Path, warehouse_path: Path):
    assert run(samples, "--warehouse", warehouse_path) == 0
    before = counts(warehouse_path)
    con = warehouse.connect(warehouse_path)
    try:
        import pandas as pd

        rows = {
            "calls": pd.DataFrame([{"call_id": "2026-11-09-000101", "agent_id": "x"}]),
            # the same turn twice breaks the primary key: the insert fails after the call was deleted
            "turns": pd.DataFrame(
                [{"call_id": "2026-11-09-000101", "turn_index": 0, "speaker": "agent", "start_s": 0.0, "end_s": 1.0}]
                * 2
            ).assign(text="hallo"),
        }
        with pytest.raises(duckdb.Error):
            warehouse.load_rows(con, rows)
    finally:
        con.close()
    assert counts(warehouse_path) == before
    assert query(warehouse_path, "SELECT agent_id FROM calls WHERE call_id = '2026-11-09-000101'") != [("x",)]


def test_failures_that_load_nothing_exit_1(tmp_path: Path, samples: Path, capsys):
    (tmp_path / "wh").mkdir()
    assert run(samples, "--warehouse", tmp_path / "wh") == 1  # a folder, not a database file
    bad_policy = tmp_path / "p.toml"
    bad_policy.write_text("[[rule]]\noutcome = 'fine'\nexplain = 'x'\n", encoding="utf-8")
    assert run(samples, "--warehouse", tmp_path / "w.duckdb", "--policy", bad_policy) == 1
    err = capsys.readouterr().err
    assert "cannot open warehouse" in err and "field 'outcome'" in err
    assert not (tmp_path / "w.duckdb").exists()


def test_console_script_exit_code_3(mixed_batch: Path, warehouse_path: Path):
    script = Path(sys.executable).with_name("empathy-dial")
    done = subprocess.run(
        [str(script), "run", str(mixed_batch), "--warehouse", str(warehouse_path), "--json"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 3, done.stderr
    report = json.loads(done.stdout)
    assert report["loaded"] == 3 and len(report["quarantined"]) == 5 and report["exit_code"] == 3
    # where the time went, stage by stage, in the order run
    assert list(report["timings"]) == ["analyse", "read staged", "gate", "load", "publish"]
    assert all(seconds >= 0 for seconds in report["timings"].values())


def test_a_call_that_breaks_the_classifier_costs_only_itself(samples: Path, tmp_path: Path):
    from pipeline.batch import analyze_inputs
    from pipeline.classify import load_classifier
    from pipeline.policy import Policy

    real = load_classifier("cues")

    class Fragile:
        """The cue classifier, failing on one poisoned text (a stand-in for a model bug)."""

        version = real.version

        def label_customer(self, texts):
            if any("POISON" in t for t in texts):
                raise RuntimeError("model crashed")
            return real.label_customer(texts)

        def label_agent(self, texts):
            return real.label_agent(texts)

    poisoned = tmp_path / "poisoned.call.json"
    poison = call("t-poison")
    poison["turns"] = [{"speaker": "customer", "start": 0.0, "end": 1.0, "text": "POISON"}]
    poisoned.write_text(json.dumps(poison), encoding="utf-8")
    files = [*sorted(samples.glob("*.call.json"))[:3], poisoned]
    result = analyze_inputs(files, Fragile(), Policy.load(), progress=False)
    assert len(result.analyses) == 3
    assert [(q.stage, "model crashed" in q.reason) for q in result.quarantined] == [("analyze", True)]


def test_a_snapshot_that_cannot_be_published_is_reported_and_the_next_run_publishes(
    samples: Path, tmp_path: Path, capsys, caplog
):
    from pipeline.publish import published_path

    wh = tmp_path / "var" / "warehouse.duckdb"
    published_path(wh).mkdir(parents=True)  # something in the way of the snapshot
    assert run(samples, "--warehouse", wh) == 0  # the night itself loaded
    out = capsys.readouterr().out
    assert "published  : NOT published, readers still see the previous night: cannot publish" in out
    assert any(r.levelname == "ERROR" and "cannot publish" in r.getMessage() for r in caplog.records)
    assert counts(wh)["calls"] == len(list(samples.glob("*.call.json")))
    assert query(wh, "SELECT published_at IS NULL FROM runs") == [(True,)]

    published_path(wh).rmdir()
    assert run(samples, "--warehouse", wh) == 0  # nothing new to load, but it publishes
    assert "NOT published" not in capsys.readouterr().out
    assert query(published_path(wh), "SELECT count(*) FROM calls") == [(len(list(samples.glob("*.call.json"))),)]
