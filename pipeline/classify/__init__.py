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


CLASSIFIERS = ("model", "cues")
DEFAULT_CLASSIFIER = "model"


def load_classifier(name: str = DEFAULT_CLASSIFIER) -> TurnClassifier:
    """Return a classifier; raise ``ValueError`` listing the known ones.

    ``model``: the trained scikit-learn pipelines, version pinned in ``models/pinned.toml``;
    a path to an artifact folder loads that artifact; ``cues``: the rule-based first version.
    """
    if name == "cues":
        from .cues import CueClassifier

        return CueClassifier.default()
    from .trained import TrainedClassifier

    if name == "model":
        return TrainedClassifier.pinned()
    if "/" in name or name.startswith("."):
        return TrainedClassifier.load(name)
    raise ValueError(f"unknown classifier {name!r}; use one of {', '.join(CLASSIFIERS)} or an artifact folder")


__all__ = ["CLASSIFIERS", "DEFAULT_CLASSIFIER", "TurnClassifier", "load_classifier"]
