import pytest

from pipeline.metrics import METRIC_COLUMNS, call_metrics
from pipeline.policy import Policy, PolicyTurn, judge_call
from pipeline.records import Turn


def compute(rows):
    """rows: (speaker, start, end, state or tags)."""
    turns = [Turn(s, a, b, "x") for s, a, b, _ in rows]
    states = {i: lab for i, (s, _, _, lab) in enumerate(rows) if s == "customer"}
    tags = {i: frozenset(lab.split()) for i, (s, _, _, lab) in enumerate(rows) if s == "agent"}
    policy_turns = [
        PolicyTurn(i, t.speaker, t.start, states.get(i), tags.get(i, frozenset())) for i, t in enumerate(turns)
    ]
    result = judge_call(policy_turns, Policy.load())
    return call_metrics(turns, states, tags, result.judgements, result.episodes)


def test_metrics_of_a_small_call_computed_by_hand():
    m = compute(
        [
            ("agent", 0.0, 2.0, ""),
            ("customer", 2.5, 6.0, "frustrated"),
            ("agent", 5.5, 8.0, "empathy"),  # starts before the customer stopped: an overlap
            ("customer", 18.0, 20.0, "aggressive"),  # after 10 s of silence
            ("agent", 20.5, 22.0, "boundary"),
            ("customer", 22.5, 24.0, "neutral"),
        ]
    )
    assert set(m) == set(METRIC_COLUMNS)
    assert m["duration_s"] == 24.0
    assert (m["n_turns"], m["agent_turns"], m["customer_turns"]) == (6, 3, 3)
    assert (m["judged_turns"], m["appropriate"], m["dosing_score"]) == (2, 2, 1.0)
    assert (m["empathy_opportunities"], m["empathy_hits"], m["empathy_hit_rate"]) == (1, 1, 1.0)
    assert (m["missed_empathy"], m["over_empathy"], m["missing_boundary"], m["dismissive"]) == (0, 0, 0, 0)
    assert (m["aggression_turns"], m["aggression_episodes"], m["first_aggression_at_s"]) == (1, 1, 18.0)
    assert (m["boundary_set"], m["episodes_with_boundary"], m["seconds_to_boundary"]) == (True, 1, 2.5)
    assert (m["peak_customer_state"], m["final_customer_state"], m["deescalated"]) == ("aggressive", "neutral", True)
    assert m["agent_talk_share"] == pytest.approx(6.0 / 24, abs=1e-4)
    assert m["customer_talk_share"] == pytest.approx(7.0 / 24, abs=1e-4)
    assert m["silence_share"] == pytest.approx(11.5 / 24, abs=1e-4)
    assert m["longest_silence_s"] == 10.0
    assert m["overlap_count"] == 1
    assert m["turns_per_minute"] == 15.0


def test_calm_call_has_no_rates_to_report():
    m = compute([("agent", 0.0, 2.0, ""), ("customer", 2.0, 4.0, "neutral"), ("agent", 4.0, 6.0, "solution")])
    assert m["empathy_opportunities"] == 0 and m["empathy_hit_rate"] is None
    assert m["aggression_episodes"] == 0 and m["boundary_set"] is None and m["first_aggression_at_s"] is None
    assert m["deescalated"] is None  # nothing to de-escalate
    assert m["dosing_score"] == 1.0


def test_missed_empathy_and_unanswered_aggression_count():
    m = compute(
        [
            ("customer", 0.0, 2.0, "frustrated"),
            ("agent", 2.0, 4.0, "solution"),
            ("customer", 4.0, 6.0, "aggressive"),
            ("agent", 6.0, 8.0, "solution"),
            ("customer", 8.0, 10.0, "aggressive"),
            ("agent", 10.0, 12.0, "solution"),
        ]
    )
    assert (m["missed_empathy"], m["missing_boundary"], m["appropriate"]) == (1, 1, 1)
    assert m["dosing_score"] == pytest.approx(1 / 3, abs=1e-4)
    assert (m["empathy_opportunities"], m["empathy_hits"], m["empathy_hit_rate"]) == (1, 0, 0.0)
    assert (m["boundary_set"], m["deescalated"]) == (False, False)
