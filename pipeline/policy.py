"""The dosing policy of DOMAIN.md: judge each agent turn against the customer's state before it.

The table lives in ``policy.toml`` (or a file a quality team supplies); this module only walks
a call's turns once, keeps track of episodes, and applies the first matching rule.
"""

from __future__ import annotations

import hashlib
import os
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from .labels import AGENT_TAGS, CUSTOMER_STATES, OUTCOMES
from .records import Judgement

POLICY_ENV = "EMPATHY_DIAL_POLICY"
STATES = (*CUSTOMER_STATES, "any")
CONDITIONS = {
    "name",
    "state",
    "any_tags",
    "no_tags",
    "repeat",
    "first_response",
    "boundary_in_episode",
    "empathy_in_episode",
    "min_aggressive_turns",
    "outcome",
    "explain",
}


class PolicyError(ValueError):
    """A policy file breaks a rule; the message names the file, the rule and the field."""


@dataclass(frozen=True)
class Rule:
    name: str
    outcome: str
    explain: str
    state: str = "any"
    any_tags: frozenset[str] = frozenset()
    no_tags: frozenset[str] = frozenset()
    repeat: int = 1
    first_response: bool | None = None
    boundary_in_episode: bool | None = None
    empathy_in_episode: bool | None = None
    min_aggressive_turns: int = 0

    def tags_match(self, tags: frozenset[str]) -> bool:
        if self.any_tags and not (self.any_tags & tags):
            return False
        return not (self.no_tags & tags)


@dataclass(frozen=True)
class Policy:
    version: str
    lookback_customer_turns: int
    rules: tuple[Rule, ...]

    @classmethod
    def load(cls, path: str | Path | None = None) -> Policy:
        """Load ``path``, else ``$EMPATHY_DIAL_POLICY``, else the packaged default."""
        path = path or os.environ.get(POLICY_ENV)
        if path:
            try:
                text = Path(path).read_text(encoding="utf-8")
            except OSError as exc:
                raise PolicyError(f"{path}: cannot read policy file: {exc}") from None
            return cls.from_toml(text, str(path))
        text = resources.files(__package__).joinpath("policy.toml").read_text(encoding="utf-8")
        return cls.from_toml(text, "policy.toml (packaged default)")

    @classmethod
    def from_toml(cls, text: str, source: str = "<policy>") -> Policy:
        try:
            data = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            raise PolicyError(f"{source}: not valid TOML: {exc}") from None
        lookback = data.get("lookback_customer_turns", 2)
        if not isinstance(lookback, int) or lookback < 1:
            raise PolicyError(f"{source}: field 'lookback_customer_turns': must be an integer >= 1")
        raw_rules = data.get("rule")
        if not isinstance(raw_rules, list) or not raw_rules:
            raise PolicyError(f"{source}: field 'rule': at least one [[rule]] table is required")
        rules = tuple(_parse_rule(raw, f"{source}: rule {i + 1}") for i, raw in enumerate(raw_rules))
        digest = hashlib.sha256(text.encode()).hexdigest()[:8]
        return cls(f"{data.get('version', 'custom')}+{digest}", lookback, rules)


def _parse_rule(raw: dict[str, Any], where: str) -> Rule:
    unknown = set(raw) - CONDITIONS
    if unknown:
        raise PolicyError(f"{where}: unknown field(s) {sorted(unknown)}; allowed: {sorted(CONDITIONS)}")
    for required in ("outcome", "explain"):
        if not isinstance(raw.get(required), str):
            raise PolicyError(f"{where}: field '{required}': is required and must be a string")
    if raw["outcome"] not in OUTCOMES:
        raise PolicyError(f"{where}: field 'outcome': {raw['outcome']!r} is not one of {list(OUTCOMES)}")
    state = raw.get("state", "any")
    if state not in STATES:
        raise PolicyError(f"{where}: field 'state': {state!r} is not one of {list(STATES)}")
    tag_sets = {}
    for key in ("any_tags", "no_tags"):
        tags = raw.get(key, [])
        bad = [t for t in tags if t not in AGENT_TAGS] if isinstance(tags, list) else [tags]
        if bad:
            raise PolicyError(f"{where}: field '{key}': {bad} not in {list(AGENT_TAGS)}")
        tag_sets[key] = frozenset(tags)
    for key in ("repeat", "min_aggressive_turns"):
        if not isinstance(raw.get(key, 1), int) or raw.get(key, 1) < 0:
            raise PolicyError(f"{where}: field '{key}': must be a non-negative integer")
    for key in ("first_response", "boundary_in_episode", "empathy_in_episode"):
        if key in raw and not isinstance(raw[key], bool):
            raise PolicyError(f"{where}: field '{key}': must be true or false")
    try:
        raw["explain"].format(**_PLACEHOLDERS)
    except (KeyError, IndexError, ValueError) as exc:
        raise PolicyError(
            f"{where}: field 'explain': unknown placeholder {exc}; allowed: {sorted(_PLACEHOLDERS)}"
        ) from None
    return Rule(
        name=str(raw.get("name", where)),
        outcome=raw["outcome"],
        explain=raw["explain"],
        state=state,
        any_tags=tag_sets["any_tags"],
        no_tags=tag_sets["no_tags"],
        repeat=max(1, raw.get("repeat", 1)),
        first_response=raw.get("first_response"),
        boundary_in_episode=raw.get("boundary_in_episode"),
        empathy_in_episode=raw.get("empathy_in_episode"),
        min_aggressive_turns=raw.get("min_aggressive_turns", 0),
    )


_PLACEHOLDERS = dict.fromkeys(
    ("turn", "tags", "context", "episode_start", "boundary_turn", "empathy_turn", "previous", "aggressive_turns"), ""
)


@dataclass
class Episode:
    """A run of frustrated or aggressive customer turns, and how the agent answered it."""

    kind: str
    start_index: int
    start_s: float
    customer_turns: list[int] = field(default_factory=list)
    agent_turns: list[int] = field(default_factory=list)
    boundary_index: int | None = None
    boundary_s: float | None = None
    empathy_index: int | None = None


@dataclass(frozen=True)
class PolicyTurn:
    """What the policy needs to know of one turn."""

    index: int
    speaker: str
    start: float
    state: str | None = None
    tags: frozenset[str] = frozenset()


@dataclass(frozen=True)
class PolicyResult:
    judgements: dict[int, Judgement]
    episodes: tuple[Episode, ...]


def judge_call(turns: Sequence[PolicyTurn], policy: Policy) -> PolicyResult:
    """Judge every agent turn of one call, in order. Pure: same input, same output."""
    judgements: dict[int, Judgement] = {}
    episodes: list[Episode] = []
    customer: list[PolicyTurn] = []
    open_episode: dict[str, Episode] = {}
    episode_of: dict[int, Episode] = {}
    agent_history: list[PolicyTurn] = []
    n = policy.lookback_customer_turns

    for turn in turns:
        if turn.speaker == "customer":
            kind = turn.state
            if kind in ("frustrated", "aggressive"):
                current = open_episode.get(kind)
                if current is None or not any(t.state == kind for t in customer[-n:]):
                    current = Episode(kind, turn.index, turn.start)
                    open_episode[kind] = current
                    episodes.append(current)
                current.customer_turns.append(turn.index)
                episode_of[turn.index] = current
            customer.append(turn)
            continue

        context = _context(customer[-n:])
        if context is None:
            judgements[turn.index] = Judgement(None, f"turn {turn.index} comes before any customer turn: not judged")
            agent_history.append(turn)
            continue
        episode = episode_of.get(context.index)
        rule = _first_match(policy.rules, turn, context, episode, agent_history)
        if rule is None:
            judgements[turn.index] = Judgement(
                None, f"turn {turn.index}: no policy rule matches", context.state, context.index
            )
        else:
            judgements[turn.index] = Judgement(
                rule.outcome,
                _explain(rule, turn, context, episode, agent_history),
                context.state,
                context.index,
                rule.name,
            )
        if episode is not None:
            episode.agent_turns.append(turn.index)
            if "boundary" in turn.tags and episode.boundary_index is None:
                episode.boundary_index, episode.boundary_s = turn.index, turn.start
            if "empathy" in turn.tags and episode.empathy_index is None:
                episode.empathy_index = turn.index
        agent_history.append(turn)
    return PolicyResult(judgements, tuple(episodes))


def _context(recent: Sequence[PolicyTurn]) -> PolicyTurn | None:
    for turn in reversed(recent):
        if turn.state != "neutral":
            return turn
    return recent[-1] if recent else None


def _first_match(
    rules: Sequence[Rule],
    turn: PolicyTurn,
    context: PolicyTurn,
    episode: Episode | None,
    history: Sequence[PolicyTurn],
) -> Rule | None:
    for rule in rules:
        if rule.state != "any" and rule.state != context.state:
            continue
        if not rule.tags_match(turn.tags):
            continue
        if rule.repeat > 1:
            previous = history[-(rule.repeat - 1) :]
            if len(previous) < rule.repeat - 1 or not all(rule.tags_match(t.tags) for t in previous):
                continue
        if rule.first_response is not None and (episode is not None and not episode.agent_turns) != rule.first_response:
            continue
        if (
            rule.boundary_in_episode is not None
            and (episode is not None and episode.boundary_index is not None) != rule.boundary_in_episode
        ):
            continue
        if (
            rule.empathy_in_episode is not None
            and (episode is not None and episode.empathy_index is not None) != rule.empathy_in_episode
        ):
            continue
        if rule.min_aggressive_turns and (
            episode is None or episode.kind != "aggressive" or len(episode.customer_turns) < rule.min_aggressive_turns
        ):
            continue
        return rule
    return None


def _explain(
    rule: Rule, turn: PolicyTurn, context: PolicyTurn, episode: Episode | None, history: Sequence[PolicyTurn]
) -> str:
    def name(index: int | None, who: str = "") -> str:
        return "-" if index is None else f"{who}turn {index}".strip()

    return rule.explain.format(
        turn=f"agent turn {turn.index}",
        tags=", ".join(sorted(turn.tags)) or "no behaviour tag",
        context=f"customer turn {context.index} ({context.state})",
        episode_start=name(episode.start_index if episode else None, "customer "),
        boundary_turn=name(episode.boundary_index if episode else None, "agent "),
        empathy_turn=name(episode.empathy_index if episode else None, "agent "),
        previous=name(history[-1].index if history else None, "agent "),
        aggressive_turns=len(episode.customer_turns) if episode else 0,
    )
