"""The synthetic-night generator: valid interchange format, counts and days as asked, deterministic,
language share and outcome mix as asked, agent profiles that the policy tells apart, and a night
that ``empathy-dial run`` loads."""

from __future__ import annotations

import json
import random
import re
from collections import Counter, defaultdict
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest

from benchmarks import make_night as mn
from benchmarks.make_night import NightOptions, generate, iter_calls
from pipeline.analysis import analyze_calls
from pipeline.classify import load_classifier
from pipeline.cli import main as cli_main
from pipeline.policy import Policy, PolicyTurn, judge_call
from pipeline.records import Source
from pipeline.transcripts import parse_call
from tests.conftest import query

END = date(2026, 11, 4)  # a Wednesday: three weekdays
SMALL = NightOptions(calls=90, turns_per_call=14, days=3, end_date=END, seed=7, calls_per_file=20)


def read_night(folder: Path) -> list[dict]:
    return [
        json.loads(line) for path in sorted(folder.glob("*.jsonl")) for line in path.read_text("utf-8").splitlines()
    ]


@pytest.fixture(scope="module")
def night(tmp_path_factory) -> tuple[Path, mn.NightReport]:
    folder = tmp_path_factory.mktemp("night")
    return folder, generate(folder, SMALL)


def test_every_line_passes_the_project_validation(night):
    folder, report = night
    calls = read_night(folder)
    assert len(calls) == report.calls == 90
    assert sum(len(c["turns"]) for c in calls) == report.turns
    for raw in calls:
        call = parse_call(raw, raw["call_id"])  # raises TranscriptError on any broken rule
        assert call.queue == f"{call.language}-{call.team}"
        assert call.language in ("nl", "en") and call.team in mn.DEFAULT_TEAMS
        assert call.agent_id is not None and call.agent_id.startswith("a-")
        starts = [t["start"] for t in raw["turns"]]
        assert starts == sorted(starts), "turns are in timeline order in the file"
        assert all(t["end"] >= t["start"] for t in raw["turns"])
        assert raw["turns"][0]["speaker"] == "agent" and raw["turns"][0]["gold_tags"] == []  # the greeting
    # Mostly alternating; sometimes the same party twice; sometimes a short overlap.
    pairs = [(a, b) for c in calls for a, b in zip(c["turns"], c["turns"][1:], strict=False)]
    same = sum(a["speaker"] == b["speaker"] for a, b in pairs) / len(pairs)
    overlaps = sum(b["start"] < a["end"] for a, b in pairs) / len(pairs)
    assert 0.005 < same < 0.15
    assert 0.005 < overlaps < 0.15


def test_counts_days_ids_and_shards(night):
    folder, report = night
    calls = read_night(folder)
    ids = [c["call_id"] for c in calls]
    assert len(set(ids)) == len(ids)
    days = {END - timedelta(days=i) for i in range(3)}
    assert set(report.days) == days
    per_day = Counter(c["call_id"][:10] for c in calls)
    assert set(per_day) == {d.isoformat() for d in days}
    assert sum(per_day.values()) == 90 and min(per_day.values()) >= 25
    for c in calls:
        started = datetime.fromisoformat(c["started_at"].replace("Z", "+00:00"))
        local = started.astimezone(mn.LOCAL_TZ)
        assert local.date().isoformat() == c["call_id"][:10]
        assert 8 <= local.hour < 20, "working hours"
    # Shards: night-DAY-00001.jsonl ..., at most calls_per_file lines each, in call_id order.
    names = sorted(p.name for p in folder.glob("*.jsonl"))
    assert names == sorted(p.name for p in report.files)
    assert all(len(p.read_text("utf-8").splitlines()) <= 20 for p in report.files)
    assert f"night-{END.isoformat()}-00001.jsonl" in names
    assert ids == sorted(ids)
    assert report.bytes == sum(p.stat().st_size for p in report.files)


def test_same_seed_same_bytes_other_seed_other_night(tmp_path: Path):
    options = NightOptions(calls=30, turns_per_call=10, end_date=END, seed=3, calls_per_file=7)
    a, b, c, d = (tmp_path / x for x in "abcd")
    generate(a, options)
    generate(b, options)
    generate(c, options, seed=4)
    generate(d, options, calls_per_file=1000)
    files = sorted(p.name for p in a.iterdir())
    assert files == sorted(p.name for p in b.iterdir()) and len(files) == 5
    assert all((a / f).read_bytes() == (b / f).read_bytes() for f in files)
    other = read_night(c)
    assert [x["call_id"] for x in other] == [x["call_id"] for x in read_night(a)], "ids depend on day and order only"
    assert [x["turns"] for x in other] != [x["turns"] for x in read_night(a)]
    # Sharding changes only the split over files, not a single call.
    assert read_night(d) == read_night(a)
    # A smaller re-run into the same folder leaves no stale shard of that day behind.
    generate(a, options, calls=5)
    assert [p.name for p in a.iterdir()] == [f"night-{END.isoformat()}-00001.jsonl"]


def test_language_share_and_registers():
    calls = [c for _, c in iter_calls(NightOptions(calls=400, turns_per_call=8, seed=11))]
    dutch = sum(c["language"] == "nl" for c in calls) / len(calls)
    assert 0.68 < dutch < 0.82
    locales = Counter(c["synthetic"]["locale"] for c in calls)
    assert locales["nl-BE"] > 20 and locales["nl-NL"] > locales["nl-BE"]
    assert {c["synthetic"]["register"] for c in calls if c["language"] == "nl"} == {"u", "je"}
    asr = [c for c in calls if c["synthetic"]["asr"]]
    assert 0.2 < len(asr) / len(calls) < 0.4
    text = " ".join(t["text"] for c in asr for t in c["turns"])
    assert text == text.lower() and "?" not in text and "." not in text.replace("@", " ")
    assert " eh " in f" {text} " or " uhm " in f" {text} "
    assert all(c["language"] == "en" for _, c in iter_calls(NightOptions(calls=20, turns_per_call=8, dutch_share=0)))
    assert all(c["language"] == "nl" for _, c in iter_calls(NightOptions(calls=20, turns_per_call=8, dutch_share=1)))


def test_turn_lengths_vary_around_the_mean():
    calls = [c for _, c in iter_calls(NightOptions(calls=300, turns_per_call=50, seed=2))]
    lengths = [len(c["turns"]) for c in calls]
    assert 45 < sum(lengths) / len(lengths) < 56
    assert min(lengths) <= 15 and max(lengths) >= 110
    assert max(lengths) <= 150 + 4  # the cap plus a closing and a double turn at most


def test_outcome_mix_in_the_labels():
    options = NightOptions(
        calls=400, turns_per_call=16, seed=5, mix={"calm": 0.5, "frustrated": 0.2, "aggressive": 0.3}
    )
    calls = [c for _, c in iter_calls(options)]
    scenarios = Counter(c["synthetic"]["scenario"] for c in calls)
    assert abs(scenarios["calm"] / 400 - 0.5) < 0.07
    assert abs(scenarios["aggressive"] / 400 - 0.3) < 0.07
    for c in calls:
        states = {t["gold_state"] for t in c["turns"] if t["speaker"] == "customer"}
        scenario = c["synthetic"]["scenario"]
        if scenario == "calm":
            assert states == {"neutral"}
        elif scenario == "frustrated":
            assert "frustrated" in states and "aggressive" not in states
        else:
            assert "aggressive" in states
    only_calm = [c for _, c in iter_calls(NightOptions(calls=50, turns_per_call=12, mix={"calm": 1}))]
    assert all(t["gold_state"] == "neutral" for c in only_calm for t in c["turns"] if t["speaker"] == "customer")


def test_agent_profiles_differ_under_the_policy():
    """Judge the generator's own labels with the project's policy: the profiles show on a dashboard."""
    options = NightOptions(calls=1500, turns_per_call=24, agents=25, seed=9)
    policy = Policy.load()
    outcomes: dict[str, Counter] = defaultdict(Counter)
    for _, c in iter_calls(options):
        turns = [
            PolicyTurn(i, t["speaker"], t["start"], t.get("gold_state"), frozenset(t.get("gold_tags", ())))
            for i, t in enumerate(c["turns"])
        ]
        result = judge_call(turns, policy)
        outcomes[c["synthetic"]["agent_profile"]].update(j.outcome for j in result.judgements.values() if j.outcome)

    def rate(profile: str, outcome: str) -> float:
        return outcomes[profile][outcome] / sum(outcomes[profile].values())

    assert set(outcomes) == set(mn.PROFILES)
    for profile in ("misses_empathy", "no_boundary", "curt", "over_empathic"):
        assert rate("steady", "appropriate") > rate(profile, "appropriate") + 0.02, profile
    assert rate("misses_empathy", "missed_empathy") > 3 * rate("steady", "missed_empathy")
    assert rate("no_boundary", "missing_boundary") > 3 * rate("steady", "missing_boundary")
    assert rate("curt", "dismissive") > 5 * max(rate("steady", "dismissive"), 0.001)
    assert rate("over_empathic", "over_empathy") > 3 * rate("steady", "over_empathy")


def test_the_project_classifier_sees_the_mix():
    """The trained classifier and the policy (pipeline.analysis) on generated calls, not the generator's labels."""
    options = NightOptions(
        calls=60, turns_per_call=14, seed=21, mix={"calm": 0.4, "frustrated": 0.3, "aggressive": 0.3}
    )
    calls = [c for _, c in iter_calls(options)]
    items = [(parse_call(c, c["call_id"]), Source(c["call_id"], "")) for c in calls]
    analyses = analyze_calls(items, load_classifier("model"), Policy.load())
    by_scenario: dict[str, list[dict]] = defaultdict(list)
    agree = total = 0
    for c, analysis in zip(calls, analyses, strict=True):
        by_scenario[c["synthetic"]["scenario"]].append(analysis.metrics)
        for raw, labelled in zip(c["turns"], analysis.turns, strict=True):
            if labelled.customer is not None:
                total += 1
                agree += labelled.customer.state == raw["gold_state"]
    assert agree / total > 0.85

    def share(scenario: str, key: str) -> float:
        rows = by_scenario[scenario]
        return sum(bool(m[key]) for m in rows) / len(rows)

    assert share("aggressive", "aggression_turns") > 0.8
    assert share("calm", "aggression_turns") < 0.35
    assert share("frustrated", "empathy_opportunities") > 0.8
    assert share("calm", "empathy_opportunities") < share("frustrated", "empathy_opportunities") - 0.3


def test_empathy_dial_run_loads_the_night(night, tmp_path: Path):
    folder, report = night
    warehouse = tmp_path / "wh.duckdb"
    assert cli_main(["run", str(folder), "--warehouse", str(warehouse), "--no-progress"]) == 0
    assert query(warehouse, "SELECT count(*), count(DISTINCT agent_id) FROM calls")[0][0] == report.calls
    assert query(warehouse, "SELECT count(*) FROM turns")[0][0] == report.turns
    assert query(warehouse, "SELECT count(*) FROM quarantine")[0][0] == 0


def test_command_line(tmp_path: Path, capsys):
    out = tmp_path / "cli"
    argv = ["--calls", "12", "--turns-per-call", "8", "--days", "2", "--end-date", "2026-11-03", "--out", str(out)]
    assert mn.main([*argv, "--mix", "calm=1,aggressive=1", "--teams", "billing,retention", "--no-labels"]) == 0
    summary = capsys.readouterr().out.strip()
    assert summary.startswith("make_night: 12 calls, ") and " files, " in summary and " MB" in summary
    calls = read_night(out)
    assert len(calls) == 12 and {c["call_id"][:10] for c in calls} == {"2026-11-02", "2026-11-03"}
    assert {c["team"] for c in calls} <= {"billing", "retention"}
    assert all("synthetic" not in c and "gold_state" not in t for c in calls for t in c["turns"])
    assert mn.main(["--mix", "calm=1,angry=2", "--out", str(out)]) == 2
    assert "angry" in capsys.readouterr().err
    assert mn.main(["--agents", "2", "--out", str(out)]) == 2
    assert "agents" in capsys.readouterr().err


def test_asr_form_spells_numbers_and_drops_punctuation():
    text = mn.asr_form("Dat was 148 euro, op 3 november. Bel 06-12345678!", "nl", random.Random(0))
    assert "honderdachtenveertig" in text and "drie november" in text and "06-12345678" in text
    assert text == text.lower() and "," not in text and "!" not in text
    assert mn.NUMBER_WORDS["nl"][22] == "tweeëntwintig" and mn.NUMBER_WORDS["en"][345] == "three hundred and forty-five"


def test_every_phrase_fills_its_slots():
    agents = mn.make_agents(NightOptions().validated())
    local = datetime(2026, 11, 2, 10, tzinfo=mn.LOCAL_TZ)
    for key, bank in mn.BANKS.items():
        for team in (*mn.DEFAULT_TEAMS, "general"):
            slots = mn._call_slots(random.Random(1), bank, team, agents[0], "Duinnet", local)
            for pool in (*bank.pools.values(), *bank.team[team].values()):
                for piece in pool:
                    text = piece.format_map(slots)
                    assert "{" not in text and "}" not in text, (key, team, piece)


def test_synthetic_eval_turns_a_night_into_labelled_distinct_turns(night):
    from benchmarks.synthetic_eval import distinct_key, examples

    folder, _ = night
    distinct = examples(folder, all_turns=False)
    every = examples(folder, all_turns=True)
    turns = sum(len(c["turns"]) for c in read_night(folder))
    assert len(every) == turns  # every turn carries its gold label
    assert len({(e.role, e.text) for e in distinct}) == len(distinct) < len(every)
    # a phrase that differs only in a number (a ticket number) counts once
    assert len({(e.role, distinct_key(e.text)) for e in distinct}) == len(distinct)
    assert len({(e.role, distinct_key(e.text)) for e in every}) < len({(e.role, e.text) for e in every})
    assert {e.role for e in distinct} == {"agent", "customer"}
    assert all(e.customer_state in ("neutral", "frustrated", "aggressive") for e in distinct if e.role == "customer")
    # redacted as the pipeline does before classifying: numbers the night spells out in digits are gone
    raw = [t["text"] for c in read_night(folder) for t in c["turns"]]
    assert any(re.search(r"\d{6,}", text) for text in raw)
    assert not any(re.search(r"\d{6,}", e.text) for e in every)
