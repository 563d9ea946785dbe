"""Retention (purge) and label corrections: what goes, what stays, and the one writer path."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import datetime, timedelta
from pathlib import Path

import duckdb
import pytest

from pipeline import corrections, publish, retention
from pipeline.cli import main
from tests.conftest import call, query

METRICS = "SELECT call_id, dosing_score, missed_empathy, aggression_turns FROM call_metrics ORDER BY call_id"


def _load(tmp_path: Path) -> Path:
    inbox = tmp_path / "in"
    inbox.mkdir()
    for i, started in enumerate(["2026-06-01T09:00:00Z", "2026-06-02T09:00:00Z", "2026-11-20T09:00:00Z"]):
        body = call(f"r-{i}", started_at=started)
        (inbox / f"r-{i}.call.json").write_text(json.dumps(body), encoding="utf-8")
    recording = inbox / "r-3.wav"  # a call from a recording: its source is an audio reference
    wh = tmp_path / "var" / "warehouse.duckdb"
    assert main(["run", str(inbox), "--warehouse", str(wh), "--no-progress"]) == 0
    con = duckdb.connect(str(wh))
    con.execute("UPDATE calls SET source = ? WHERE call_id = 'r-1'", [str(recording)])
    con.close()
    return wh


def test_purge_removes_old_text_and_recording_references_and_keeps_metrics(tmp_path: Path, capsys):
    wh = _load(tmp_path)
    metrics_before = query(wh, METRICS)
    now = datetime(2026, 11, 23)
    dry = retention.purge(wh, 90, now=now, dry_run=True)
    assert (dry.calls, dry.turns, dry.recordings) == (2, 6, 1)
    assert query(wh, "SELECT count(*) FROM turns WHERE text IS NULL") == [(0,)]

    report = retention.purge(wh, 90, now=now)
    assert report.cutoff == now - timedelta(days=90) and (report.calls, report.recordings) == (2, 1)
    assert query(wh, "SELECT call_id FROM turns WHERE text IS NULL GROUP BY call_id ORDER BY 1") == [("r-0",), ("r-1",)]
    assert query(wh, "SELECT count(*) FROM turns WHERE call_id = 'r-2' AND text IS NOT NULL") == [(3,)]
    assert query(wh, "SELECT call_id, source IS NULL FROM calls WHERE purged_at IS NOT NULL ORDER BY 1") == [
        ("r-0", False),  # a transcript path is no recording reference
        ("r-1", True),
    ]
    assert query(wh, METRICS) == metrics_before  # the metrics stay
    assert query(wh, "SELECT count(*) FROM turns WHERE outcome IS NOT NULL AND text IS NULL") != [(0,)]
    # The coaching queue quotes text: it was refreshed, and the snapshot republished.
    assert query(
        wh, "SELECT count(*) FROM coaching_queue WHERE call_id IN ('r-0', 'r-1') AND agent_text IS NOT NULL"
    ) == [(0,)]
    assert query(publish.published_path(wh), "SELECT count(*) FROM calls WHERE purged_at IS NOT NULL") == [(2,)]
    # Purging again finds nothing; a re-run of the same inputs skips the purged calls.
    assert retention.purge(wh, 90, now=now).calls == 0
    assert main(["run", str(tmp_path / "in"), "--warehouse", str(wh), "--no-progress"]) == 0
    assert query(wh, "SELECT count(*) FROM turns WHERE text IS NULL") == [(6,)]
    # The command line says what it did; a bad retention is a clear error.
    assert main(["purge", "--warehouse", str(wh), "--older-than-days", "1", "--dry-run"]) == 0
    assert "would purge the text of" in capsys.readouterr().out
    assert main(["purge", "--warehouse", str(wh), "--older-than-days", "0"]) == 1
    assert "must be at least 1 day" in capsys.readouterr().err


def test_retention_days_come_from_the_environment(monkeypatch):
    monkeypatch.setenv(retention.RETENTION_ENV, "30")
    assert retention.retention_days() == 30 and retention.retention_days(7) == 7
    monkeypatch.setenv(retention.RETENTION_ENV, "a month")
    with pytest.raises(ValueError, match="EMPATHY_DIAL_RETENTION_DAYS: 'a month' is not a whole number"):
        retention.retention_days()


def test_a_correction_is_stored_by_the_writer_or_queued_while_the_warehouse_is_busy(tmp_path: Path):
    wh = _load(tmp_path)
    tags = corrections.make("r-2", 2, "tags", ["solution", "empathy"], "kim", old_value=["solution"])
    assert corrections.submit(wh, tags) == "stored"
    stored = query(
        publish.published_path(wh), "SELECT call_id, turn_index, field, corrected_value, old_value, who FROM feedback"
    )
    assert stored == [("r-2", 2, "tags", '["empathy", "solution"]', '["solution"]', "kim")]
    # The nightly writer (another process) holds the file: the correction waits in the inbox ...
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            f"import duckdb, time; c = duckdb.connect({str(wh)!r}); print('held', flush=True); time.sleep(60)",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        state = corrections.make("r-2", 1, "customer_state", "aggressive", "kim", old_value="frustrated")
        assert corrections.submit(wh, state) == "queued"
        assert len(list(corrections.inbox(wh).glob("*.json"))) == 1
    finally:
        holder.kill()
        holder.wait()
    # ... and the next run stores it.
    assert main(["run", str(tmp_path / "in"), "--warehouse", str(wh), "--no-progress"]) == 0
    assert query(wh, 'SELECT field, corrected_value FROM feedback ORDER BY "at"') == [
        ("tags", '["empathy", "solution"]'),
        ("customer_state", "aggressive"),
    ]
    assert not list(corrections.inbox(wh).glob("*.json"))
    # Values outside the label set never get in.
    with pytest.raises(corrections.CorrectionError, match="field 'customer_state': 'furious' is not one of"):
        corrections.make("r-2", 1, "customer_state", "furious", "kim")
    with pytest.raises(corrections.CorrectionError, match="field 'tags': \\['hug'\\] not in the label set"):
        corrections.make("r-2", 2, "tags", ["hug"], "kim")
    with pytest.raises(corrections.CorrectionError, match="field 'who'"):
        corrections.make("r-2", 2, "agent_mode", "solution", " ")


def test_a_bad_file_in_the_corrections_inbox_is_set_aside_and_never_blocks_a_load(tmp_path: Path):
    wh = _load(tmp_path)
    folder = corrections.inbox(wh)
    folder.mkdir(parents=True)
    good = corrections.make("r-2", 1, "customer_state", "aggressive", "kim", old_value="frustrated")
    (folder / "good.json").write_text(json.dumps(good.__dict__), encoding="utf-8")
    bad = {
        "not-json.json": "{half a correc",
        "a-list.json": "[1, 2]",
        "no-index.json": json.dumps({**good.__dict__, "turn_index": "abc"}),
        "nobody.json": json.dumps({**good.__dict__, "who": None}),
        "no-time.json": json.dumps({k: v for k, v in good.__dict__.items() if k != "at"}),
        "bad-label.json": json.dumps({**good.__dict__, "corrected_value": "furious"}),
    }
    for name, text in bad.items():
        (folder / name).write_text(text, encoding="utf-8")

    assert main(["run", str(tmp_path / "in"), "--warehouse", str(wh), "--no-progress"]) == 0  # the night loads
    assert query(wh, "SELECT call_id, turn_index, corrected_value, who FROM feedback") == [
        ("r-2", 1, "aggressive", "kim")
    ]
    assert not list(folder.glob("*.json")), "the inbox is empty: stored or set aside"
    rejected = corrections.rejected(wh)
    assert sorted(p.name for p in rejected.glob("*.json")) == sorted(bad)
    reasons = {name: (rejected / f"{name}.reason.txt").read_text().strip() for name in bad}
    assert reasons["not-json.json"].startswith("not JSON")
    assert reasons["a-list.json"] == "not a JSON object"
    assert reasons["no-index.json"] == "field 'turn_index': 'abc' is not a whole number >= 0"
    assert reasons["nobody.json"] == "field 'who': say who corrects the label"
    assert reasons["no-time.json"] == "field 'at': missing"
    assert reasons["bad-label.json"].startswith("field 'customer_state': 'furious' is not one of")
    # the next correction through the dashboard's path is stored at once
    assert corrections.submit(wh, corrections.make("r-2", 2, "agent_mode", "solution", "kim")) == "stored"
