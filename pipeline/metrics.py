"""Call-level metrics of DOMAIN.md, computed from labelled turns and the policy's verdicts.

This is the one place the metrics are defined; the warehouse stores what it returns and the
SQL marts only roll it up.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from typing import Any

from .labels import OUTCOMES, STATE_SEVERITY
from .policy import Episode
from .records import Judgement, Turn

METRIC_COLUMNS = (
    "duration_s",
    "n_turns",
    "agent_turns",
    "customer_turns",
    "judged_turns",
    "appropriate",
    "dosing_score",
    "empathy_opportunities",
    "empathy_hits",
    "empathy_hit_rate",
    "missed_empathy",
    "over_empathy",
    "missing_boundary",
    "dismissive",
    "aggression_turns",
    "aggression_episodes",
    "first_aggression_at_s",
    "boundary_set",
    "episodes_with_boundary",
    "seconds_to_boundary",
    "peak_customer_state",
    "final_customer_state",
    "deescalated",
    "agent_talk_share",
    "customer_talk_share",
    "silence_share",
    "longest_silence_s",
    "overlap_count",
    "turns_per_minute",
)


def call_metrics(
    turns: Sequence[Turn],
    states: dict[int, str],
    tags: dict[int, frozenset[str]],
    judgements: dict[int, Judgement],
    episodes: Sequence[Episode],
) -> dict[str, Any]:
    """Compute every metric for one call.

    ``states`` maps customer turn index to ``customer_state``, ``tags`` maps agent turn index
    to its behaviour tags, ``judgements`` maps agent turn index to the policy verdict.
    """
    m: dict[str, Any] = dict.fromkeys(METRIC_COLUMNS)
    m.update(_dosing(judgements))
    m.update(_empathy(turns, states, tags))
    m.update(_aggression(turns, states, episodes))
    m.update(_shape(turns))
    return m


def _dosing(judgements: dict[int, Judgement]) -> dict[str, Any]:
    outcomes = [j.outcome for j in judgements.values() if j.outcome is not None]
    counts = {o: outcomes.count(o) for o in OUTCOMES}
    return {
        **counts,
        "judged_turns": len(outcomes),
        "dosing_score": _ratio(counts["appropriate"], len(outcomes)),
    }


def _empathy(turns: Sequence[Turn], states: dict[int, str], tags: dict[int, frozenset[str]]) -> dict[str, Any]:
    # An opportunity is a frustrated customer turn that the agent answers before the customer
    # speaks again; it is hit when any turn of that answer carries the empathy tag.
    opportunities = hits = 0
    answer: list[int] | None = None
    for i, turn in enumerate(turns):
        if turn.speaker == "customer":
            if answer:
                opportunities += 1
                hits += any("empathy" in tags.get(a, ()) for a in answer)
            answer = [] if states.get(i) == "frustrated" else None
        elif answer is not None:
            answer.append(i)
    if answer:
        opportunities += 1
        hits += any("empathy" in tags.get(a, ()) for a in answer)
    return {
        "empathy_opportunities": opportunities,
        "empathy_hits": hits,
        "empathy_hit_rate": _ratio(hits, opportunities),
    }


def _aggression(turns: Sequence[Turn], states: dict[int, str], episodes: Sequence[Episode]) -> dict[str, Any]:
    aggressive = [i for i, s in sorted(states.items()) if s == "aggressive"]
    episodes = [e for e in episodes if e.kind == "aggressive"]
    with_boundary = [e for e in episodes if e.boundary_s is not None]
    latencies = [e.boundary_s - e.start_s for e in with_boundary if e.boundary_s is not None]
    customer_states = [states[i] for i in sorted(states)]
    peak = max(customer_states, key=STATE_SEVERITY.__getitem__) if customer_states else None
    final = customer_states[-1] if customer_states else None
    deescalated = None
    if peak is not None and final is not None and STATE_SEVERITY[peak] > 0:
        deescalated = STATE_SEVERITY[final] < STATE_SEVERITY[peak]
    return {
        "aggression_turns": len(aggressive),
        "aggression_episodes": len(episodes),
        "first_aggression_at_s": turns[aggressive[0]].start if aggressive else None,
        "boundary_set": (len(with_boundary) == len(episodes)) if episodes else None,
        "episodes_with_boundary": len(with_boundary),
        "seconds_to_boundary": round(sum(latencies) / len(latencies), 3) if latencies else None,
        "peak_customer_state": peak,
        "final_customer_state": final,
        "deescalated": deescalated,
    }


def _shape(turns: Sequence[Turn]) -> dict[str, Any]:
    duration = max((t.end for t in turns), default=0.0)
    talk = {"agent": 0.0, "customer": 0.0}
    for t in turns:
        talk[t.speaker] += t.end - t.start
    covered = _union_length([(t.start, t.end) for t in turns])
    # Silences: gaps on the timeline where nobody speaks, from 0 to the last word.
    longest_silence, reach = 0.0, 0.0
    for t in sorted(turns, key=lambda t: t.start):
        longest_silence = max(longest_silence, t.start - reach)
        reach = max(reach, t.end)
    overlaps = sum(1 for prev, cur in itertools.pairwise(turns) if cur.speaker != prev.speaker and cur.start < prev.end)
    return {
        "duration_s": round(duration, 3),
        "n_turns": len(turns),
        "agent_turns": sum(t.speaker == "agent" for t in turns),
        "customer_turns": sum(t.speaker == "customer" for t in turns),
        "agent_talk_share": _ratio(talk["agent"], duration),
        "customer_talk_share": _ratio(talk["customer"], duration),
        "silence_share": _ratio(duration - covered, duration),
        "longest_silence_s": round(longest_silence, 3),
        "overlap_count": overlaps,
        "turns_per_minute": _ratio(len(turns) * 60.0, duration),
    }


def _union_length(intervals: list[tuple[float, float]]) -> float:
    total, reach = 0.0, float("-inf")
    for start, end in sorted(intervals):
        if end <= reach:
            continue
        total += end - max(start, reach)
        reach = end
    return total


def _ratio(numerator: float, denominator: float) -> float | None:
    return round(numerator / denominator, 4) if denominator else None
