"""sql/ in layers: migrations recorded and upgrading old warehouses, documented views, marts."""

from __future__ import annotations

import shutil
from datetime import date, datetime, timedelta
from pathlib import Path

import duckdb
import pytest

from pipeline import schema, warehouse
from pipeline.cli import main

FIXTURES = Path(__file__).parent / "fixtures"


def test_every_view_has_exactly_the_columns_its_file_documents(samples: Path, warehouse_path: Path):
    assert main(["run", str(samples), "--warehouse", str(warehouse_path), "--no-progress"]) == 0
    con = duckdb.connect(str(warehouse_path), read_only=True)
    try:
        for file in schema.view_files():
            name = schema.view_name(file)
            real = [(r[0], r[1]) for r in con.execute(f"DESCRIBE {name}").fetchall()]
            documented = [(c.name, c.type) for c in schema.documented_columns(file)]
            assert real == documented, f"{file.name}: the '-- columns:' block does not match view {name}"
            assert all(c.description for c in schema.documented_columns(file))
            # Every view answers on real data.
            con.execute(f"SELECT * FROM {name} LIMIT 5").fetchall()
        # The load kept the materialised coaching queue equal to the live ranking.
        live = con.execute("SELECT * FROM coaching_moments ORDER BY rank").fetchall()
        assert live and con.execute("SELECT * FROM coaching_queue ORDER BY rank").fetchall() == live
    finally:
        con.close()
    names = {schema.view_name(f) for f in schema.view_files()}
    assert {"call_metrics", "agent_daily", "team_weekly", "aggression_exposure", "coaching_queue"} <= names
    assert {"outcome_trend", "stg_calls", "stg_turns", "stg_call_facts"} <= names


def test_the_foundations_warehouse_upgrades_in_place_and_keeps_its_rows(tmp_path: Path):
    path = tmp_path / "old.duckdb"
    con = duckdb.connect(str(path))
    con.execute((FIXTURES / "warehouse_v0.sql").read_text())
    con.execute("INSERT INTO calls (call_id, agent_id, started_at) VALUES ('c1', 'a-1', '2026-11-02 09:00:00')")
    con.execute(
        "INSERT INTO turns (call_id, turn_index, speaker, start_s, end_s, text) VALUES ('c1', 0, 'agent', 0, 1, 'hoi')"
    )
    con.close()

    con = warehouse.connect(path)
    try:
        applied = warehouse.apply_schema(con)
        assert applied == [file.name for _, file in schema.migrations()]
        assert schema.current_version(con) == schema.migrations()[-1][0]
        assert con.execute("SELECT call_id, agent_id FROM calls").fetchall() == [("c1", "a-1")]
        assert con.execute("SELECT text, extra FROM turns").fetchall() == [("hoi", None)]
        # Migration 4 made text nullable (retention purges it), migration 6 seeded the settings.
        con.execute("UPDATE turns SET text = NULL")
        assert con.execute("SELECT count(*) FROM settings WHERE key LIKE 'exposure_%'").fetchone() == (3,)
        assert warehouse.apply_schema(con) == []
    finally:
        con.close()


def test_a_new_migration_runs_once_and_a_bad_one_changes_nothing(tmp_path: Path, monkeypatch):
    sql = tmp_path / "sql"
    shutil.copytree(schema.sql_dir(), sql)
    monkeypatch.setenv(schema.SQL_DIR_ENV, str(sql))
    con = warehouse.connect(tmp_path / "w.duckdb")
    try:
        warehouse.apply_schema(con)
        before = schema.current_version(con)
        (sql / "migrations" / "0100_note.sql").write_text("ALTER TABLE calls ADD COLUMN note VARCHAR;")
        assert warehouse.apply_schema(con) == ["0100_note.sql"]
        assert warehouse.apply_schema(con) == []
        assert schema.current_version(con) == 100 > before
        (sql / "migrations" / "0101_broken.sql").write_text(
            "ALTER TABLE calls ADD COLUMN half VARCHAR; ALTER TABLE no_such_table ADD COLUMN x INTEGER;"
        )
        with pytest.raises(warehouse.WarehouseError, match=r"0101_broken.sql: migration 101 failed"):
            warehouse.apply_schema(con)
        assert schema.current_version(con) == 100
        assert "half" not in {r[0] for r in con.execute("DESCRIBE calls").fetchall()}  # rolled back whole
        (sql / "migrations" / "0101_broken.sql").unlink()
        (sql / "migrations" / "12_bad_name.sql").write_text("SELECT 1;")
        with pytest.raises(warehouse.WarehouseError, match=r"12_bad_name.sql: file name: must be NNNN_name.sql"):
            warehouse.apply_schema(con)
    finally:
        con.close()


# --- marts on hand-made rows: the figures are computed here independently and compared.

MONDAY = date(2026, 10, 5)


def _call(con, call_id: str, agent: str, day: date, aggression_turns: int = 0, **facts) -> None:
    started = datetime.combine(day, datetime.min.time()) + timedelta(hours=9)
    con.execute(
        "INSERT INTO calls (call_id, started_at, agent_id, team, queue, language) "
        "VALUES (?, ?, ?, 'billing', 'nl-b', 'nl')",
        [call_id, started, agent],
    )
    row = {"aggression_turns": aggression_turns, "aggression_episodes": min(aggression_turns, 1), **facts}
    columns, marks = ", ".join(["call_id", *row]), ", ".join("?" * (len(row) + 1))
    con.execute(f"INSERT INTO call_facts ({columns}) VALUES ({marks})", [call_id, *row.values()])


@pytest.fixture
def mart_con(tmp_path: Path):
    con = warehouse.connect(tmp_path / "marts.duckdb")
    warehouse.apply_schema(con)
    yield con
    con.close()


def test_aggression_exposure_rolls_four_weeks_and_flags_sustained_exposure(mart_con):
    con = mart_con
    # a-1: 10 calls a week for 5 weeks; calls with aggression per week:
    aggressive_calls = [5, 3, 4, 0, 6]
    n = 0
    for week, hot in enumerate(aggressive_calls):
        for i in range(10):
            n += 1
            _call(con, f"a1-{n}", "a-1", MONDAY + timedelta(weeks=week, days=i % 5), 2 if i < hot else 0)
    # a-2: one week, 5 calls, all aggressive: a high rate but too few calls to judge.
    for i in range(5):
        _call(con, f"a2-{i}", "a-2", MONDAY, 1)
    # a-3: calls in weeks 0 and 4 only: week 0 lies outside week 4's 4-week window.
    for week in (0, 4):
        for i in range(10):
            _call(con, f"a3-{week}-{i}", "a-3", MONDAY + timedelta(weeks=week), 1)

    rows = con.execute(
        "SELECT agent_id, week, calls, calls_with_aggression, aggression_turns, exposure_rate, rolling_4w_calls, "
        "rolling_4w_calls_with_aggression, rolling_4w_exposure_rate, high_exposure, high_weeks_4w, "
        "sustained_high_exposure FROM aggression_exposure ORDER BY agent_id, week"
    ).fetchall()
    a1 = [r for r in rows if r[0] == "a-1"]
    high = [hot / 10 >= 0.25 for hot in aggressive_calls]
    for w, row in enumerate(a1):
        window = range(max(0, w - 3), w + 1)
        assert row[1] == MONDAY + timedelta(weeks=w)
        assert row[2:5] == (10, aggressive_calls[w], 2 * aggressive_calls[w])
        assert row[5] == pytest.approx(aggressive_calls[w] / 10)
        assert row[6] == 10 * len(window)
        assert row[7] == sum(aggressive_calls[k] for k in window)
        assert row[8] == pytest.approx(row[7] / row[6])
        assert row[9] == high[w]
        assert row[10] == sum(high[k] for k in window)
        assert row[11] == (sum(high[k] for k in window) >= 3)
    assert [r[11] for r in a1] == [False, False, True, True, True]
    (a2,) = [r for r in rows if r[0] == "a-2"]
    assert a2[5] == 1.0 and a2[9] is False
    a3 = [r for r in rows if r[0] == "a-3"]
    assert [r[6] for r in a3] == [10, 10]  # week 0 is not in week 4's window
    # The thresholds are settings: lowering the sustained weeks to 1 flags every high week.
    con.execute("UPDATE settings SET value = 1 WHERE key = 'exposure_sustained_weeks'")
    flags = con.execute(
        "SELECT sustained_high_exposure FROM aggression_exposure WHERE agent_id = 'a-1' ORDER BY week"
    ).fetchall()
    assert [f[0] for f in flags] == [True, True, True, True, True]


def test_team_weekly_and_outcome_trend_add_up_to_call_metrics(mart_con):
    con = mart_con
    for i in range(12):
        day = MONDAY + timedelta(days=i)
        _call(con, f"c{i}", f"a-{i % 3}", day, i % 2, judged_turns=4, appropriate=i % 4, missed_empathy=4 - i % 4)
    weekly = con.execute(
        "SELECT week, calls, agents, judged_turns, appropriate, dosing_score FROM team_weekly ORDER BY week"
    ).fetchall()
    assert [w[0] for w in weekly] == [MONDAY, MONDAY + timedelta(weeks=1)]
    assert [w[1] for w in weekly] == [7, 5]
    first_week = [i for i in range(12) if i < 7]
    assert weekly[0][3:5] == (28, sum(i % 4 for i in first_week))
    assert weekly[0][5] == pytest.approx(sum(i % 4 for i in first_week) / 28)
    trend = con.execute("SELECT sum(calls), sum(appropriate), sum(missed_empathy) FROM outcome_trend").fetchone()
    assert trend == (12, sum(i % 4 for i in range(12)), sum(4 - i % 4 for i in range(12)))


def test_coaching_queue_ranks_moments_and_points_at_the_turn(mart_con):
    con = mart_con
    _call(con, "rough", "a-1", MONDAY, 1, deescalated=False)
    _call(con, "mild", "a-2", MONDAY + timedelta(days=1), 0, deescalated=True)
    turns = [
        ("rough", 0, "customer", "Jij bent echt waardeloos.", "aggressive", None, None),
        ("rough", 1, "agent", "Ik snap het, het is vervelend.", None, "over_empathy", 0),
        ("rough", 2, "customer", "Hou je mond.", "aggressive", None, None),
        ("rough", 3, "agent", "Dat is dan jammer.", None, "missing_boundary", 2),
        ("mild", 0, "customer", "Ik wacht al een week, dit is balen.", "frustrated", None, None),
        ("mild", 1, "agent", "Uw pakket komt morgen.", None, "missed_empathy", 0),
        ("mild", 2, "customer", "Goed, dank u.", "neutral", None, None),
        ("mild", 3, "agent", "Graag gedaan.", None, "appropriate", 2),
    ]
    for call_id, index, speaker, text, state, outcome, context in turns:
        con.execute(
            "INSERT INTO turns (call_id, turn_index, speaker, start_s, end_s, text, customer_state, outcome, "
            "context_turn) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [call_id, index, speaker, index * 2.0, index * 2.0 + 1, text, state, outcome, context],
        )
    columns = "rank, call_id, turn_index, outcome, priority, customer_state, customer_text, agent_rank"
    queue = con.execute(f"SELECT {columns} FROM coaching_moments ORDER BY rank").fetchall()
    # The dashboard's coaching_queue is the same ranking materialised by the loader.
    assert con.execute("SELECT count(*) FROM coaching_queue").fetchone() == (0,)  # rows were inserted by hand
    warehouse.refresh_marts(con)
    assert con.execute(f"SELECT {columns} FROM coaching_queue ORDER BY rank").fetchall() == queue
    # missing_boundary 3 x (1 + 0.5 x 2) x 1.25; over_empathy 1 x 2 x 1.25; missed_empathy 2 x 1.5 x 1.
    assert [(r[1], r[2], r[3]) for r in queue] == [
        ("rough", 3, "missing_boundary"),
        ("mild", 1, "missed_empathy"),
        ("rough", 1, "over_empathy"),
    ]
    assert [r[0] for r in queue] == [1, 2, 3]
    assert [r[4] for r in queue] == pytest.approx([7.5, 3.0, 2.5])
    assert queue[0][5:7] == ("aggressive", "Hou je mond.")
    assert [r[7] for r in queue] == [1, 1, 2]  # a-1's own ranking
