"""The dosing policy of DOMAIN.md, turn by turn, on hand-built label sequences."""

from pathlib import Path

import pytest

from pipeline.policy import Policy, PolicyError, PolicyTurn, judge_call

POLICY = Policy.load()


def judge(*turns, policy: Policy = POLICY):
    """turns: ("c", state) for a customer turn, ("a", "tag tag") for an agent turn."""
    built = [
        PolicyTurn(
            i,
            "customer" if who == "c" else "agent",
            float(i * 5),
            state=label if who == "c" else None,
            tags=frozenset(label.split()) if who == "a" else frozenset(),
        )
        for i, (who, label) in enumerate(turns)
    ]
    return judge_call(built, policy)


def outcomes(*turns, policy: Policy = POLICY):
    result = judge(*turns, policy=policy)
    return [result.judgements[i].outcome for i in sorted(result.judgements)]


def test_frustration_answered_with_empathy_is_appropriate():
    assert outcomes(("c", "frustrated"), ("a", "empathy solution")) == ["appropriate"]
    assert outcomes(("c", "frustrated"), ("a", "empathy")) == ["appropriate"]


def test_solution_only_to_frustration_misses_empathy():
    assert outcomes(("c", "frustrated"), ("a", "solution")) == ["missed_empathy"]


def test_help_after_empathy_in_the_same_episode_is_appropriate():
    # the neutral "ok" does not end the episode (lookback 2), and empathy was already on
    assert outcomes(("c", "frustrated"), ("a", "empathy"), ("c", "neutral"), ("a", "solution")) == [
        "appropriate",
        "appropriate",
    ]


def test_lookback_keeps_frustration_over_one_neutral_turn_but_not_two():
    assert outcomes(("c", "frustrated"), ("c", "neutral"), ("a", "solution")) == ["missed_empathy"]
    assert outcomes(("c", "frustrated"), ("c", "neutral"), ("c", "neutral"), ("a", "solution")) == ["appropriate"]


def test_commiseration_twice_in_a_row_is_over_empathy():
    assert outcomes(("c", "frustrated"), ("a", "commiseration"), ("c", "frustrated"), ("a", "commiseration")) == [
        "appropriate",
        "over_empathy",
    ]
    # with a step forward it is not
    assert outcomes(
        ("c", "frustrated"), ("a", "commiseration"), ("c", "frustrated"), ("a", "commiseration solution")
    ) == ["appropriate", "missed_empathy"]


def test_commiseration_on_neutral_is_over_empathy():
    assert outcomes(("c", "neutral"), ("a", "commiseration")) == ["over_empathy"]


def test_aggression_boundary_and_deescalation_attempt():
    assert outcomes(("c", "aggressive"), ("a", "boundary")) == ["appropriate"]
    assert outcomes(("c", "aggressive"), ("a", "empathy")) == ["appropriate"]
    assert outcomes(("c", "aggressive"), ("a", "commiseration")) == ["over_empathy"]


def test_no_boundary_by_the_second_aggressive_turn_is_missing_boundary():
    result = judge(("c", "aggressive"), ("a", "empathy"), ("c", "aggressive"), ("a", "solution"))
    assert result.judgements[1].outcome == "appropriate"
    missing = result.judgements[3]
    assert missing.outcome == "missing_boundary"
    assert "agent turn 3" in missing.explanation and "customer turn 0" in missing.explanation
    assert "customer turn 2" in missing.explanation


def test_after_a_boundary_helping_on_is_appropriate():
    assert outcomes(("c", "aggressive"), ("a", "boundary"), ("c", "aggressive"), ("a", "solution")) == [
        "appropriate",
        "appropriate",
    ]


def test_dismissive_wins_everywhere():
    for state in ("neutral", "frustrated", "aggressive"):
        assert outcomes(("c", state), ("a", "dismissive solution")) == ["dismissive"]


def test_neutral_anything_else_is_appropriate_and_opening_is_not_judged():
    result = judge(("a", ""), ("c", "neutral"), ("a", "solution"), ("a", ""))
    assert result.judgements[0].outcome is None
    assert [result.judgements[i].outcome for i in (2, 3)] == ["appropriate", "appropriate"]


def test_explanations_name_the_turns():
    result = judge(("c", "frustrated"), ("a", "solution"))
    j = result.judgements[1]
    assert j.explanation == (
        "agent turn 1 (solution) answers customer turn 0 (frustrated) without acknowledging the customer's feelings"
    )
    assert (j.context_state, j.context_turn, j.rule) == ("frustrated", 0, "missed_empathy")


def test_episodes_track_boundaries():
    result = judge(
        ("c", "aggressive"),
        ("a", "empathy"),
        ("c", "aggressive"),
        ("a", "boundary"),
        ("c", "neutral"),
        ("c", "neutral"),
        ("c", "aggressive"),
        ("a", "solution"),
    )
    aggression = [e for e in result.episodes if e.kind == "aggressive"]
    assert [(e.start_index, e.boundary_index) for e in aggression] == [(0, 3), (6, None)]


def test_a_quality_team_can_change_the_table(tmp_path: Path):
    default = (Path(__file__).resolve().parent.parent / "pipeline" / "policy.toml").read_text(encoding="utf-8")
    # make solution-only answers to frustration acceptable
    custom = default.replace(
        'name = "missed_empathy"\nstate = "frustrated"\noutcome = "missed_empathy"',
        'name = "missed_empathy"\nstate = "frustrated"\noutcome = "appropriate"',
    )
    assert custom != default
    path = tmp_path / "lenient.toml"
    path.write_text(custom, encoding="utf-8")
    lenient = Policy.load(path)
    assert lenient.version != POLICY.version
    assert outcomes(("c", "frustrated"), ("a", "solution"), policy=lenient) == ["appropriate"]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("lookback_customer_turns = 0\n[[rule]]\noutcome='appropriate'\nexplain='x'", "lookback_customer_turns"),
        ("[[rule]]\noutcome='great'\nexplain='x'", "field 'outcome'"),
        ("[[rule]]\noutcome='appropriate'\nexplain='x'\nstate='angry'", "field 'state'"),
        ("[[rule]]\noutcome='appropriate'\nexplain='x'\nany_tags=['hug']", "field 'any_tags'"),
        ("[[rule]]\noutcome='appropriate'\nexplain='{nope}'", "unknown placeholder"),
        ("[[rule]]\noutcome='appropriate'\nexplain='x'\ncolour='red'", "unknown field"),
        ("version = 'x'", "at least one [[rule]]"),
    ],
)
def test_bad_policy_files_are_refused_with_the_rule_and_field(text, message):
    with pytest.raises(PolicyError) as err:
        Policy.from_toml(text, "team.toml")
    assert str(err.value).startswith("team.toml")
    assert message in str(err.value)
