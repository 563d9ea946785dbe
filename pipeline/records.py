"""Records passed between stages: frozen dataclasses, no behaviour beyond convenience."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Turn:
    """One stretch of speech by one party, as read from a transcript."""

    speaker: str
    start: float
    end: float
    text: str
    extra: dict[str, Any] = field(default_factory=dict)
    """Unknown turn fields (a recorder's confidence, gold labels ...), kept as they came."""


@dataclass(frozen=True)
class Call:
    """A validated call transcript in the interchange format of INTERFACES.md."""

    call_id: str
    turns: tuple[Turn, ...]
    started_at: str | None = None
    agent_id: str | None = None
    team: str | None = None
    queue: str | None = None
    language: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)
    """Unknown top-level fields, kept as they came."""


@dataclass(frozen=True)
class Source:
    """Where a call came from: the file (and line, for JSON lines) and its content hash."""

    path: str
    sha256: str

    def __str__(self) -> str:
        return self.path


@dataclass(frozen=True)
class CustomerLabel:
    state: str
    proba: dict[str, float]


@dataclass(frozen=True)
class AgentLabel:
    tags: tuple[str, ...]
    mode: str
    proba: dict[str, float]


@dataclass(frozen=True)
class Judgement:
    """The dosing policy's verdict on one agent turn."""

    outcome: str | None
    """None when the turn is not judged (no customer turn before it)."""
    explanation: str
    context_state: str | None = None
    context_turn: int | None = None
    rule: str | None = None


@dataclass(frozen=True)
class LabelledTurn:
    index: int
    turn: Turn
    customer: CustomerLabel | None = None
    agent: AgentLabel | None = None
    judgement: Judgement | None = None


@dataclass(frozen=True)
class CallAnalysis:
    """Everything the flow knows about one call after classification and judgement."""

    call: Call
    source: Source
    turns: tuple[LabelledTurn, ...]
    metrics: dict[str, Any]
    model_version: str
    policy_version: str


@dataclass(frozen=True)
class Quarantined:
    """An input that could not be loaded, with a reason naming the file, field and rule."""

    source: str
    stage: str
    reason: str
    sha256: str | None = None
