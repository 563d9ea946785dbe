"""The first classifier: weighted cue patterns per label, Dutch and English.

It is deliberately simple and transparent (every label can be traced to the cue that fired)
and sits behind :class:`~pipeline.classify.TurnClassifier`, so a trained model replaces it
without touching the rest of the flow. Its probabilities are rule confidences, not calibrated.
"""

from __future__ import annotations

import math
import re
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources

from ..labels import AGENT_TAGS, CUSTOMER_STATES, agent_mode
from ..records import AgentLabel, CustomerLabel
from .normalize import normalize

# Logit weights: aggression implies negative emotion, so it also counts the frustration cues
# and wins over them; one cue is enough for a label.
_NEUTRAL_PRIOR = 0.8
_FRUSTRATED_WEIGHT = 1.6
_AGGRESSIVE_WEIGHT = 2.6
# A tag's confidence grows with the number of cues: 1 cue -> 0.65, 2 -> 0.88, 3 -> 0.96.
_TAG_MISS_P = 0.35
_TAG_ABSENT_P = 0.05
TAG_THRESHOLD = 0.5


@dataclass(frozen=True)
class CueClassifier:
    """Counts compiled cue patterns per label; see ``cues.toml`` for the lexicon."""

    version: str
    customer_cues: dict[str, tuple[re.Pattern[str], ...]]
    agent_cues: dict[str, tuple[re.Pattern[str], ...]]

    @classmethod
    def default(cls) -> CueClassifier:
        text = resources.files(__package__).joinpath("cues.toml").read_text(encoding="utf-8")
        return cls.from_toml(text)

    @classmethod
    def from_toml(cls, text: str) -> CueClassifier:
        data = tomllib.loads(text)

        def compile_group(group: dict[str, dict[str, list[str]]], labels: Sequence[str]):
            unknown = set(group) - set(labels)
            if unknown:
                raise ValueError(f"cue lexicon names unknown labels {sorted(unknown)}; allowed: {list(labels)}")
            return {
                label: tuple(re.compile(rf"\b(?:{p.strip()})\b") for p in spec.get("patterns", []))
                for label, spec in group.items()
            }

        return cls(
            version=str(data["version"]),
            customer_cues=compile_group(data.get("customer", {}), CUSTOMER_STATES),
            agent_cues=compile_group(data.get("agent", {}), AGENT_TAGS),
        )

    def _count(self, cues: dict[str, tuple[re.Pattern[str], ...]], text: str) -> dict[str, int]:
        norm = normalize(text)
        return {label: sum(1 for p in patterns if p.search(norm)) for label, patterns in cues.items()}

    def label_customer(self, texts: Sequence[str]) -> list[CustomerLabel]:
        out = []
        for text in texts:
            counts = self._count(self.customer_cues, text)
            frustrated = counts.get("frustrated", 0) * _FRUSTRATED_WEIGHT
            logits = {
                "neutral": _NEUTRAL_PRIOR,
                "frustrated": frustrated,
                "aggressive": counts.get("aggressive", 0) * _AGGRESSIVE_WEIGHT + frustrated,
            }
            if counts.get("aggressive", 0) == 0:
                logits["aggressive"] = 0.0
            proba = _softmax(logits)
            out.append(CustomerLabel(state=max(proba, key=proba.__getitem__), proba=proba))
        return out

    def label_agent(self, texts: Sequence[str]) -> list[AgentLabel]:
        out = []
        for text in texts:
            counts = self._count(self.agent_cues, text)
            proba = {
                tag: round(1 - _TAG_MISS_P ** counts[tag], 4) if counts.get(tag) else _TAG_ABSENT_P
                for tag in AGENT_TAGS
            }
            tags = tuple(tag for tag in AGENT_TAGS if proba[tag] >= TAG_THRESHOLD)
            out.append(AgentLabel(tags=tags, mode=agent_mode(tags), proba=proba))
        return out


def _softmax(logits: dict[str, float]) -> dict[str, float]:
    top = max(logits.values())
    exp = {k: math.exp(v - top) for k, v in logits.items()}
    total = sum(exp.values())
    return {k: round(v / total, 4) for k, v in exp.items()}
