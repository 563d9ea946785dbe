"""`empathy-dial score`, `analyze` and `query` as INTERFACES.md describes them."""

import json
from pathlib import Path

import duckdb

from pipeline.cli import main
from pipeline.labels import AGENT_MODES, AGENT_TAGS, CUSTOMER_STATES
from pipeline.metrics import METRIC_COLUMNS

DOMAIN_METRICS = {
    "empathy_opportunities",
    "empathy_hit_rate",
    "missed_empathy",
    "over_empathy",
    "missing_boundary",
    "dismissive",
    "dosing_score",
    "aggression_turns",
    "aggression_episodes",
    "first_aggression_at_s",
    "boundary_set",
    "deescalated",
}


def test_score_json_lines_in_and_out(tmp_path: Path):
    src = tmp_path / "in.jsonl"
    src.write_text(
        "\n".join(
            [
                json.dumps({"id": 1, "role": "customer", "text": "dit is nu al de vierde keer, ik ben het zat"}),
                json.dumps({"id": "b", "role": "agent", "text": "Wat vervelend. Ik boek het bedrag vandaag terug."}),
                json.dumps({"id": 3, "role": "manager", "text": "hallo"}),
                "{broken",
            ]
        ),
        encoding="utf-8",
    )
    out = tmp_path / "out.jsonl"
    assert main(["score", "--input", str(src), "--output", str(out)]) == 3
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [r["id"] for r in rows] == [1, "b", 3, None]
    customer, agent, bad_role, bad_json = rows
    assert customer["customer_state"] == "frustrated" and set(customer["proba"]) == set(CUSTOMER_STATES)
    assert agent["agent_mode"] == "empathic" and set(agent["tags"]) == {"empathy", "solution"}
    assert agent["agent_mode"] in AGENT_MODES and set(agent["proba"]) == set(AGENT_TAGS)
    assert customer["model_version"] == agent["model_version"]
    assert "field 'role'" in bad_role["error"] and "in.jsonl:3" in bad_role["error"]
    assert "in.jsonl:4" in bad_json["error"]


def test_score_reads_stdin_and_writes_stdout(monkeypatch, capsys):
    import io

    monkeypatch.setattr("sys.stdin", io.StringIO('{"id": 7, "role": "customer", "text": "hou je bek idioot"}\n'))
    assert main(["score"]) == 0
    row = json.loads(capsys.readouterr().out)
    assert row["id"] == 7 and row["customer_state"] == "aggressive"


def test_analyze_prints_one_report(samples: Path, capsys):
    sample = sorted(samples.glob("*.call.json"))[0]
    assert main(["analyze", str(sample)]) == 0
    report = json.loads(capsys.readouterr().out)
    raw = json.loads(sample.read_text(encoding="utf-8"))
    assert report["call_id"] == raw["call_id"]
    assert len(report["turns"]) == len(raw["turns"])
    assert set(report["metrics"]) >= DOMAIN_METRICS and set(report["metrics"]) == set(METRIC_COLUMNS)
    for turn in report["turns"]:
        if turn["speaker"] == "customer":
            assert turn["customer_state"] in CUSTOMER_STATES
        else:
            assert turn["agent_mode"] in AGENT_MODES and "explanation" in turn
            if turn["outcome"] is not None:
                assert f"agent turn {turn['turn_index']}" in turn["explanation"]


def test_analyze_matches_the_warehouse(samples: Path, warehouse_path: Path, capsys):
    sample = sorted(samples.glob("*.call.json"))[5]
    assert main(["run", str(samples), "--warehouse", str(warehouse_path), "--no-progress"]) == 0
    capsys.readouterr()
    assert main(["analyze", str(sample)]) == 0
    report = json.loads(capsys.readouterr().out)
    con = duckdb.connect(str(warehouse_path), read_only=True)
    try:
        cursor = con.execute("SELECT * FROM call_metrics WHERE call_id = ?", [report["call_id"]])
        names = [d[0] for d in cursor.description]
        row = dict(zip(names, cursor.fetchone(), strict=True))
        outcomes = con.execute(
            "SELECT outcome FROM turns WHERE call_id = ? ORDER BY turn_index", [report["call_id"]]
        ).fetchall()
    finally:
        con.close()
    for name, value in report["metrics"].items():
        assert row[name] == value, name
    assert [o for (o,) in outcomes] == [t.get("outcome") for t in report["turns"]]


def test_analyze_a_broken_file_names_field_and_rule(tmp_path: Path, capsys):
    path = tmp_path / "bad.call.json"
    path.write_text(json.dumps({"call_id": "x", "turns": [{"speaker": "agent", "start": 2, "end": 1, "text": "hoi"}]}))
    assert main(["analyze", str(path)]) == 1
    err = capsys.readouterr().err
    assert "bad.call.json" in err and "field 'turns[0].end': must be >= start" in err


def test_query_reads_the_warehouse(samples: Path, warehouse_path: Path, capsys):
    assert main(["query", "SELECT 1", "--warehouse", str(warehouse_path)]) == 1
    assert "does not exist" in capsys.readouterr().err
    assert main(["run", str(samples), "--warehouse", str(warehouse_path), "--no-progress"]) == 0
    capsys.readouterr()
    assert main(["query", "SELECT count(*) AS n FROM calls", "--warehouse", str(warehouse_path)]) == 0
    assert str(len(list(samples.glob("*.call.json")))) in capsys.readouterr().out
    assert main(["query", "SELECT nope FROM calls", "--warehouse", str(warehouse_path)]) == 1
