"""Schema from sql/, applied twice without harm; the interface columns of INTERFACES.md exist."""

from pathlib import Path

import duckdb

from pipeline import schema, warehouse
from pipeline.metrics import METRIC_COLUMNS

INTERFACE_COLUMNS = {
    "calls": {
        "call_id",
        "started_at",
        "agent_id",
        "team",
        "queue",
        "language",
        "duration_s",
        "source",
        "source_sha256",
        "model_version",
        "loaded_at",
    },
    "turns": {
        "call_id",
        "turn_index",
        "speaker",
        "start_s",
        "end_s",
        "text",
        "customer_state",
        "agent_mode",
        "tags",
        "outcome",
        "explanation",
    },
    "quarantine": {"source", "reason", "stage", "at"},
    "call_metrics": {"call_id", "call_date", "agent_id", "team", "queue", "language", *METRIC_COLUMNS},
    "agent_daily": {
        "agent_id",
        "day",
        "team",
        "calls",
        "dosing_score",
        "empathy_opportunities",
        "empathy_hit_rate",
        "missed_empathy",
        "over_empathy",
        "missing_boundary",
        "dismissive",
        "aggression_turns",
        "aggression_episodes",
        "calls_with_aggression",
    },
}


def columns(con, relation: str) -> set[str]:
    return {r[0] for r in con.execute(f"DESCRIBE {relation}").fetchall()}


def test_schema_applies_twice_and_has_the_interface_columns(tmp_path: Path):
    con = warehouse.connect(tmp_path / "w.duckdb")
    try:
        first = warehouse.apply_schema(con)
        second = warehouse.apply_schema(con)
        assert first == [file.name for _, file in schema.migrations()]
        assert second == []  # nothing left to migrate; the views are simply replaced
        for relation, expected in INTERFACE_COLUMNS.items():
            assert expected <= columns(con, relation), relation
    finally:
        con.close()


def test_agent_daily_rolls_up_call_metrics(samples: Path, warehouse_path: Path):
    from pipeline.cli import main

    assert main(["run", str(samples), "--warehouse", str(warehouse_path), "--no-progress"]) == 0
    con = duckdb.connect(str(warehouse_path), read_only=True)
    try:
        daily = con.execute(
            "SELECT sum(calls), sum(aggression_turns), sum(missed_empathy), sum(appropriate) / sum(judged_turns) "
            "FROM agent_daily"
        ).fetchone()
        direct = con.execute(
            "SELECT count(*), count(*) FILTER (customer_state = 'aggressive'), "
            "count(*) FILTER (outcome = 'missed_empathy'), "
            "count(*) FILTER (outcome = 'appropriate') / count(outcome) FROM calls JOIN turns USING (call_id)"
        ).fetchone()
        n_calls = con.execute("SELECT count(*) FROM calls").fetchone()
    finally:
        con.close()
    assert daily[0] == n_calls[0]
    assert daily[1:3] == direct[1:3]
    assert abs(daily[3] - direct[3]) < 1e-9
