"""The dashboard end to end: the real pipeline builds a warehouse, the real dashboard serves it, and
Debian's headless Chromium (driven by Playwright) reads it like a quality manager would.

Numbers on screen are compared with the same SQL on the published snapshot. Screenshots of every
page go to var/screenshots/, or to the folder in $EMPATHY_DIAL_SCREENSHOTS
(`EMPATHY_DIAL_SCREENSHOTS=docs/screenshots` refreshes the ones the README shows).
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
import wave
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import duckdb
import pytest

from pipeline import warehouse
from pipeline.cli import main
from pipeline.dashboard import queries
from pipeline.dashboard.filters import Filters
from pipeline.publish import published_path
from tests.conftest import ROOT, SAMPLES, call

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SHOTS = ROOT / os.environ.get("EMPATHY_DIAL_SCREENSHOTS", "var/screenshots")
IDLE = '[data-testid="stApp"][data-test-script-state="notRunning"]'
QUOTED_AGENT = "x' OR 1=1 --"
QUOTED_CALL = "t-quote"
DEFAULT_DAYS = 7


# --- the warehouse, the server, the browser --------------------------------------------------


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Samples + a call whose agent id holds SQL + a broken file, through `empathy-dial run`."""
    folder = tmp_path_factory.mktemp("dashboard")
    inbox = folder / "inbox"
    shutil.copytree(SAMPLES, inbox)
    quoted = call(QUOTED_CALL, agent_id=QUOTED_AGENT, started_at="2026-11-20T16:00:00Z")
    (inbox / "quoted.call.json").write_text(json.dumps(quoted), encoding="utf-8")
    (inbox / "broken.call.json").write_text("{not json", encoding="utf-8")
    path = folder / "var" / "warehouse.duckdb"
    assert main(["run", str(inbox), "--warehouse", str(path), "--no-progress"]) == 3
    assert published_path(path).exists(), "the run publishes the snapshot the dashboard reads"
    return path


@pytest.fixture(scope="module")
def server(built: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """`empathy-dial dashboard --warehouse ... --port <free>` as a real process."""
    port = _free_port()
    exe = Path(sys.executable).with_name("empathy-dial")
    command = [str(exe)] if exe.exists() else [sys.executable, "-m", "pipeline.cli"]
    log = tmp_path_factory.mktemp("dashboard-log") / "server.log"
    with open(log, "wb") as out:
        process = subprocess.Popen(
            [*command, "dashboard", "--warehouse", str(built), "--port", str(port)],
            stdout=out,
            stderr=subprocess.STDOUT,
            cwd=built.parent,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(base, process, log)
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: `make system-deps` installs Debian's chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1400, "height": 1100})
    tab = context.new_page()
    tab.set_default_timeout(30_000)
    yield tab
    context.close()


# --- what the tests read and compare ---------------------------------------------------------


def rows(path: Path, sql: str, params: list[Any] | None = None) -> list[tuple]:
    """One parameterised read-only query on the published snapshot."""
    con = duckdb.connect(str(published_path(path)), read_only=True)
    try:
        return con.execute(sql, params or []).fetchall()
    finally:
        con.close()


def default_period(path: Path) -> tuple[date, date]:
    """The dashboard's default dates: the last 7 days with calls."""
    last = rows(path, "SELECT max(call_date) FROM stg_calls")[0][0]
    return last - timedelta(days=DEFAULT_DAYS - 1), last


def idle(page: Any) -> None:
    page.wait_for_selector(IDLE)


def visit(page: Any, url: str) -> None:
    page.goto(url)
    idle(page)


def go(page: Any, title: str) -> None:
    """Click a page in the sidebar navigation (keeps the filters, which live in the URL)."""
    page.get_by_test_id("stSidebarNavLink").filter(has_text=title).click()
    page.get_by_role("heading", name=title, exact=True).wait_for()
    idle(page)


def tile(page: Any, label: str) -> str:
    metric = page.get_by_test_id("stMetric").filter(
        has=page.get_by_test_id("stMetricLabel").get_by_text(label, exact=True)
    )
    return metric.get_by_test_id("stMetricValue").inner_text().strip()


def expect_text(page: Any, text: str) -> None:
    from playwright.sync_api import expect

    expect(page.get_by_text(text, exact=False).first).to_be_visible()


def pick(page: Any, label: str, value: str) -> None:
    """Choose ``value`` in the multiselect or selectbox called ``label`` by typing it."""
    box = page.get_by_role("combobox", name=label)
    box.click()
    box.fill(value)
    page.get_by_role("option", name=value, exact=True).click()
    page.keyboard.press("Escape")
    idle(page)


def shot(page: Any, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    idle(page)
    page.wait_for_timeout(400)  # charts draw after the script run ends
    page.screenshot(path=str(SHOTS / f"{name}.png"))


def headline_sql(path: Path, start: date, end: date, team: str | None = None) -> dict[str, Any]:
    where = "call_date BETWEEN ? AND ?" + (" AND team = ?" if team else "")
    params: list[Any] = [start, end, *([team] if team else [])]
    (calls, score, hit, missed, dismissive, boundary, episodes, deesc) = rows(
        path,
        f"""
        SELECT count(*), sum(appropriate) / sum(judged_turns), sum(empathy_hits) / sum(empathy_opportunities),
               sum(missed_empathy), sum(dismissive), sum(missing_boundary), sum(aggression_episodes),
               count(*) FILTER (WHERE deescalated) / count(deescalated)
        FROM call_metrics WHERE {where}
        """,
        params,
    )[0]
    return {
        "Calls": str(calls),
        "Dosing score": f"{score:.2f}",
        "Empathy hit rate": f"{100 * hit:.1f}%",
        "Missed empathy": str(int(missed)),
        "Dismissive": str(int(dismissive)),
        "Missing boundary": str(int(boundary)),
        "Aggression episodes": str(int(episodes)),
        "De-escalation rate": f"{100 * deesc:.1f}%",
    }


# --- the tests -------------------------------------------------------------------------------


def test_every_page_shows_the_numbers_of_the_warehouse(page: Any, server: str, built: Path) -> None:
    start, end = default_period(built)
    visit(page, server)
    page.get_by_role("heading", name="Overview", exact=True).wait_for()
    for label, expected in headline_sql(built, start, end).items():
        assert tile(page, label) == expected, label
    shot(page, "overview")

    go(page, "Agents")
    agents = rows(
        built, "SELECT count(DISTINCT agent_id) FROM call_metrics WHERE call_date BETWEEN ? AND ?", [start, end]
    )
    expect_text(page, f"Agents with calls in this period: {agents[0][0]}.")
    shot(page, "agents")

    go(page, "Calls")
    calls = rows(built, "SELECT count(*) FROM call_metrics WHERE call_date BETWEEN ? AND ?", [start, end])[0][0]
    expect_text(page, f"Matching: {calls} calls")
    shot(page, "calls")

    go(page, "Coaching queue")
    moments = rows(built, "SELECT count(*) FROM coaching_queue WHERE call_date BETWEEN ? AND ?", [start, end])[0][0]
    expect_text(page, f"Matching: {moments} moments")
    first = rows(
        built,
        "SELECT call_id, turn_index FROM coaching_queue WHERE call_date BETWEEN ? AND ? ORDER BY rank LIMIT 1",
        [start, end],
    )[0]
    link = page.get_by_test_id("stPageLink").first.locator("a")
    assert link.get_attribute("href").endswith(f"calls?call={first[0]}&turn={first[1]}")
    shot(page, "coaching")

    go(page, "Data quality")
    quarantined = rows(built, "SELECT count(*) FROM stg_quarantine")[0][0]
    assert quarantined == 1
    expect_text(page, "In quarantine: 1 input")
    expect_text(page, "broken.call.json")
    docs = rows(built, "SELECT data_docs FROM stg_runs ORDER BY started_at DESC LIMIT 1")[0][0]
    assert docs and Path(docs).exists()
    href = page.get_by_role("link", name="open index.html").get_attribute("href")
    assert href == Path(docs).resolve().as_uri()
    shot(page, "quality")


def test_a_sidebar_filter_applies_on_every_page(page: Any, server: str, built: Path) -> None:
    start, end = default_period(built)
    visit(page, server)
    pick(page, "Team", "billing")
    expected = headline_sql(built, start, end, team="billing")
    from playwright.sync_api import expect

    calls_tile = page.get_by_test_id("stMetric").filter(
        has=page.get_by_test_id("stMetricLabel").get_by_text("Calls", exact=True)
    )
    expect(calls_tile.get_by_test_id("stMetricValue")).to_have_text(expected["Calls"])
    for label, value in expected.items():
        assert tile(page, label) == value, label
    assert "team=billing" in page.url

    where, params = "call_date BETWEEN ? AND ? AND team = ?", [start, end, "billing"]
    go(page, "Calls")
    calls = rows(built, f"SELECT count(*) FROM call_metrics WHERE {where}", params)[0][0]
    assert 0 < calls < rows(built, "SELECT count(*) FROM calls")[0][0]
    expect_text(page, f"Matching: {calls} call")
    go(page, "Coaching queue")
    moments = rows(built, f"SELECT count(*) FROM coaching_queue WHERE {where}", params)[0][0]
    expect_text(page, f"Matching: {moments} moment")
    go(page, "Agents")
    agents = rows(built, f"SELECT count(DISTINCT agent_id) FROM call_metrics WHERE {where}", params)[0][0]
    expect_text(page, f"Agents with calls in this period: {agents}.")


def test_a_filter_value_with_sql_in_it_is_just_a_value(page: Any, server: str, built: Path) -> None:
    stored = rows(built, "SELECT call_id FROM calls WHERE agent_id = ?", [QUOTED_AGENT])
    assert stored == [(QUOTED_CALL,)], "the pipeline loads the agent id as it is"
    visit(page, f"{server}/calls")
    pick(page, "Agent", QUOTED_AGENT)
    expect_text(page, "Matching: 1 call.")
    box = page.get_by_role("combobox", name="Open a call")
    box.click()
    assert page.get_by_role("option").all_inner_texts() == [QUOTED_CALL]
    page.keyboard.press("Escape")
    go(page, "Overview")
    assert tile(page, "Calls") == "1"

    # The same through the query layer, and a value that would match everything if it were SQL.
    con = duckdb.connect(str(published_path(built)), read_only=True)
    try:
        found = queries.calls(con, Filters(agents=(QUOTED_AGENT,)))
        assert found["call_id"].tolist() == [QUOTED_CALL]
        assert queries.calls(con, Filters(teams=("x' OR 1=1 --",))).empty
        assert queries.coaching(con, Filters(queues=("') OR TRUE; DROP TABLE calls; --",))).empty
        assert queries.calls(con, Filters(), search="%' OR '1'='1").empty
    finally:
        con.close()
    assert rows(built, "SELECT count(*) FROM calls")[0][0] == 27


def test_call_page_from_the_coaching_queue_and_a_label_correction(page: Any, server: str, built: Path) -> None:
    visit(page, f"{server}/coaching")
    target = page.get_by_test_id("stPageLink").first.locator("a")
    href = target.get_attribute("href")
    call_id, turn = href.split("call=")[1].split("&turn=")
    turn_index = int(turn)
    target.click()
    page.get_by_role("heading", name=f"Call {call_id}").wait_for()
    idle(page)
    assert f"turn={turn_index}" in page.url
    expect_text(page, f"Coaching moment: turn {turn_index}")
    turns = rows(built, "SELECT count(*) FROM turns WHERE call_id = ?", [call_id])[0][0]
    assert page.get_by_test_id("stChatMessage").count() == turns
    duration = rows(built, "SELECT duration_s FROM call_metrics WHERE call_id = ?", [call_id])[0][0]
    assert tile(page, "Duration") == f"{int(duration) // 60}:{int(duration) % 60:02d}"

    mode = rows(built, "SELECT agent_mode FROM turns WHERE call_id = ? AND turn_index = ?", [call_id, turn_index])
    old = mode[0][0]
    new = "boundary" if old != "boundary" else "empathic"
    # The form opens on the coaching moment's turn; "agent mode" is the first label of an agent turn.
    assert page.get_by_role("combobox", name="Turn").input_value().startswith(f"turn {turn_index} ")
    box = page.get_by_role("combobox", name="Right value")
    box.click()
    box.fill(new)
    page.get_by_role("option", name=new, exact=True).click()
    idle(page)
    name = page.get_by_label("Your name")
    name.fill("Q. Manager")
    name.press("Enter")
    idle(page)
    page.get_by_role("button", name="Submit correction").click()
    expect_text(page, "Correction stored")

    stored = rows(
        built,
        "SELECT turn_index, field, corrected_value, old_value, who FROM feedback WHERE call_id = ?",
        [call_id],
    )
    assert stored == [(turn_index, "agent_mode", new, old, "Q. Manager")]
    expect_text(page, f"corrected agent_mode: {new} by Q. Manager")
    expect_text(page, f"turn {turn_index} · agent mode: {old} → {new} · by Q. Manager")
    page.get_by_test_id("stChatMessage").filter(has_text=f"turn {turn_index} ·").scroll_into_view_if_needed()
    shot(page, "call-correction")
    page.get_by_role("heading", name=f"Call {call_id}").scroll_into_view_if_needed()
    shot(page, "call")


def test_the_command_refuses_a_warehouse_it_cannot_read(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    missing = tmp_path / "nowhere" / "warehouse.duckdb"
    assert main(["dashboard", "--warehouse", str(missing)]) == 1
    assert "does not exist" in capsys.readouterr().err
    unpublished = tmp_path / "var" / "warehouse.duckdb"
    warehouse.connect(unpublished).close()
    assert main(["dashboard", "--warehouse", str(unpublished)]) == 1
    assert "no published snapshot" in capsys.readouterr().err


def test_a_reachable_recording_is_found_for_playback(tmp_path: Path) -> None:
    from pipeline.dashboard.call_page import audio_file

    recording = tmp_path / "rec" / "call.wav"
    recording.parent.mkdir()
    with wave.open(str(recording), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(8000)
        out.writeframes(b"\0\0" * 8000)
    whs = tmp_path / "warehouse.duckdb"
    assert audio_file(str(recording), whs) == recording
    assert audio_file("rec/call.wav", whs) == tmp_path / "rec" / "call.wav"  # beside the warehouse
    assert audio_file("samples/calls/x.call.json", whs) is None  # a transcript, not audio
    assert audio_file(str(tmp_path / "gone.wav"), whs) is None
    assert audio_file(None, whs) is None


# --- helpers ---------------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait_until_up(base: str, process: subprocess.Popen[bytes], log: Path, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"the dashboard exited with {process.returncode}:\n{log.read_text()}")
        try:
            with urllib.request.urlopen(f"{base}/_stcore/health", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise AssertionError(f"the dashboard did not answer within {timeout} s:\n{log.read_text()}")
