"""The Great Expectations gate: what fails is quarantined with the expectation, the rest loads."""

from __future__ import annotations

import json
from pathlib import Path

from pipeline import jobs, publish, staging
from pipeline.cli import main
from tests.conftest import call, query


def _staged(tmp_path: Path, calls: list[dict]) -> Path:
    """Analyse real calls and stage them, as a worker would hand them to the loader."""
    inbox = tmp_path / "in"
    inbox.mkdir()
    for c in calls:
        (inbox / f"{c['call_id']}.call.json").write_text(json.dumps(c), encoding="utf-8")
    options = jobs.JobOptions(warehouse=tmp_path / "var" / "warehouse.duckdb", progress=False)
    return Path(jobs.stage_batch([str(p) for p in sorted(inbox.iterdir())], tmp_path / "staged", options))


def test_rows_breaking_the_suites_are_quarantined_with_the_expectation_the_rest_loads(tmp_path: Path):
    folder = _staged(tmp_path, [call(f"g-{i}") for i in range(6)])
    rows = staging.read_rows(folder)
    turns, facts = rows["turns"], rows["call_facts"]
    # A worker (or a bug) hands the loader rows the parser would never produce:
    turns.loc[(turns.call_id == "g-0") & (turns.turn_index == 1), "end_s"] = 0.5  # ends before it starts
    turns.loc[(turns.call_id == "g-1") & (turns.turn_index == 0), "proba"] = json.dumps({"other": 1.4})
    turns.loc[(turns.call_id == "g-2") & (turns.turn_index == 2), "turn_index"] = 7  # a gap in the order
    turns.loc[(turns.call_id == "g-3") & (turns.turn_index == 1), "customer_state"] = "furious"  # not a label
    facts.loc[facts.call_id == "g-4", "dosing_score"] = 1.5
    staging.write_rows(rows, folder)

    options = jobs.JobOptions(warehouse=tmp_path / "var" / "warehouse.duckdb", progress=False)
    report = jobs.load_staged([str(folder)], "gate-run", options)

    assert report.loaded == 1 and report.gate_failures == 5 and report.exit_code == 3
    reasons = dict(query(options.warehouse, "SELECT regexp_extract(source, 'g-[0-9]'), reason FROM quarantine"))
    assert "turns.expect_column_pair_values_a_to_be_greater_than_b(end_s, start_s)" in reasons["g-0"]
    assert "turns.expect_column_values_to_be_between(proba_max)" in reasons["g-1"]
    assert "turns.expect_column_pair_values_to_be_equal(turn_index, position)" in reasons["g-2"]
    assert "turns.expect_column_values_to_be_in_set(customer_state)" in reasons["g-3"]
    assert "call_metrics.expect_column_values_to_be_between(dosing_score)" in reasons["g-4"]
    assert all(
        r.startswith(f"{tmp_path}/in/{cid}.call.json: call {cid}: failed the quality gate")
        for cid, r in reasons.items()
    )
    assert query(options.warehouse, "SELECT call_id FROM calls") == [("g-5",)]
    assert query(options.warehouse, "SELECT DISTINCT stage FROM quarantine") == [("gate",)]
    # Data Docs for the run, named in the run row and the report.
    assert report.data_docs == tmp_path / "var" / "data_docs" / "gate-run" / "index.html"
    html = report.data_docs.read_text(encoding="utf-8")
    assert "turns" in html and "call_metrics" in html and "calls" in html
    assert query(options.warehouse, "SELECT gate_failures, data_docs FROM runs") == [(5, str(report.data_docs))]
    assert query(publish.published_path(options.warehouse), "SELECT count(*) FROM calls") == [(1,)]


def test_a_call_without_the_agent_fails_the_gate_through_the_command_line(tmp_path: Path, capsys):
    inbox = tmp_path / "in"
    inbox.mkdir()
    lonely = call("only-customer")
    lonely["turns"] = [t for t in lonely["turns"] if t["speaker"] == "customer"]
    (inbox / "lonely.call.json").write_text(json.dumps(lonely), encoding="utf-8")
    (inbox / "fine.call.json").write_text(json.dumps(call("fine")), encoding="utf-8")
    wh = tmp_path / "var" / "warehouse.duckdb"

    assert main(["run", str(inbox), "--warehouse", str(wh), "--no-progress"]) == 3
    out = capsys.readouterr().out
    assert "1 calls failed the Great Expectations gate" in out
    assert f"Data Docs: {tmp_path}/var/data_docs/" in out
    assert "calls.expect_column_values_to_be_between(agent_turns)" in out
    assert query(wh, "SELECT call_id FROM calls") == [("fine",)]
    # Fixed and re-run, the call loads and leaves the quarantine.
    (inbox / "lonely.call.json").write_text(json.dumps(call("only-customer")), encoding="utf-8")
    assert main(["run", str(inbox), "--warehouse", str(wh), "--no-progress"]) == 0
    assert query(wh, "SELECT count(*) FROM calls") == [(2,)]
    assert query(wh, "SELECT count(*) FROM quarantine") == [(0,)]


def test_clean_rows_pass_every_expectation(samples: Path, tmp_path: Path):
    from pipeline import gate

    options = jobs.JobOptions(warehouse=tmp_path / "w.duckdb", progress=False)
    folder = jobs.stage_batch([str(p) for p in sorted(samples.glob("*.call.json"))], tmp_path / "s", options)
    verdict = gate.check(staging.read_rows(folder), tmp_path / "docs")
    assert verdict.passed and verdict.expectations >= 40
    assert (tmp_path / "docs" / "index.html").is_file()
