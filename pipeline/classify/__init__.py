"""Turn classifiers behind one small interface, so a trained model can replace the first one.

A classifier labels customer turns with a ``customer_state`` and agent turns with behaviour
tags (DOMAIN.md). Everything downstream (policy, metrics, warehouse) only sees
:class:`~pipeline.records.CustomerLabel` and :class:`~pipeline.records.AgentLabel`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from ..records import AgentLabel, CustomerLabel


class TurnClassifier(Protocol):
    """What the flow needs from a classifier."""

    @property
    def version(self) -> str:
        """Written on every scored turn and call, so results can be traced to a model."""
        ...

    def label_customer(self, texts: Sequence[str]) -> list[CustomerLabel]: ...

    def label_agent(self, texts: Sequence[str]) -> list[AgentLabel]: ...


CLASSIFIERS = ("cues",)


def load_classifier(name: str = "cues") -> TurnClassifier:
    """Return the classifier called ``name``; raise ``ValueError`` listing the known ones."""
    if name == "cues":
        from .cues import CueClassifier

        return CueClassifier.default()
    raise ValueError(f"unknown classifier {name!r}; known classifiers: {', '.join(CLASSIFIERS)}")


__all__ = ["CLASSIFIERS", "TurnClassifier", "load_classifier"]
