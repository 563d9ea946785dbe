import json
from pathlib import Path

import pytest

from pipeline.records import Call, Quarantined
from pipeline.transcripts import TranscriptError, parse_call, read_transcripts
from tests.conftest import call


def test_valid_call_keeps_unknown_fields_and_orders_turns():
    raw = call(scenario="demo", crm={"ticket": 7})
    raw["turns"][0]["asr_confidence"] = 0.93
    raw["turns"].reverse()
    parsed = parse_call(raw, "x.call.json")
    assert parsed.call_id == "t-1"
    assert parsed.extra == {"scenario": "demo", "crm": {"ticket": 7}}
    assert [t.start for t in parsed.turns] == [0.0, 3.5, 9.4]
    assert parsed.turns[0].speaker == "agent"
    assert parsed.turns[0].extra == {"asr_confidence": 0.93} and parsed.turns[1].extra == {}


@pytest.mark.parametrize(
    ("mutate", "field", "rule"),
    [
        (lambda c: c.pop("call_id"), "call_id", "is required"),
        (lambda c: c.update(call_id="  "), "call_id", "non-empty string"),
        (lambda c: c.update(turns=[]), "turns", "non-empty list"),
        (lambda c: c["turns"][1].update(speaker="bot"), "turns[1].speaker", "must be one of agent, customer"),
        (lambda c: c["turns"][2].update(end=1.0), "turns[2].end", "must be >= start"),
        (lambda c: c["turns"][0].update(start="0"), "turns[0].start", "number of seconds"),
        (lambda c: c["turns"][0].update(start=-1), "turns[0].start", ">= 0"),
        (lambda c: c["turns"][1].pop("text"), "turns[1].text", "is required"),
        (lambda c: c["turns"][1].update(text="   "), "turns[1].text", "must not be empty"),
        (lambda c: c.update(started_at="yesterday"), "started_at", "ISO 8601"),
        (lambda c: c.update(agent_id=17), "agent_id", "must be a string"),
    ],
)
def test_each_rule_names_file_field_and_rule(mutate, field, rule):
    raw = call()
    mutate(raw)
    with pytest.raises(TranscriptError) as err:
        parse_call(raw, "inbox/x.call.json")
    message = str(err.value)
    assert message.startswith("inbox/x.call.json: ")
    assert f"field '{field}'" in message
    assert rule in message


def test_jsonl_lines_are_separate_sources(tmp_path: Path):
    path = tmp_path / "night.jsonl"
    lines = [json.dumps(call("a")), "not json", "", json.dumps(call("b"))]
    path.write_text("\n".join(lines), encoding="utf-8")
    results = list(read_transcripts(path))
    assert [s.path for s, _ in results] == [f"{path}:1", f"{path}:2", f"{path}:4"]
    assert isinstance(results[0][1], Call) and isinstance(results[2][1], Call)
    bad = results[1][1]
    assert isinstance(bad, Quarantined)
    assert bad.stage == "parse" and f"{path}:2" in bad.reason and "valid JSON" in bad.reason
    assert results[0][0].sha256 != results[2][0].sha256


def test_samples_all_parse(samples: Path):
    files = sorted(samples.glob("*.call.json"))
    assert len(files) >= 24
    parsed = [item for f in files for _, item in read_transcripts(f)]
    assert all(isinstance(p, Call) for p in parsed)
    languages = [p.language for p in parsed if isinstance(p, Call)]
    assert languages.count("nl") >= 16 and languages.count("en") >= 6
