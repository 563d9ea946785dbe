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


class LazyClassifier:
    """A classifier whose version is known at once and whose model loads on first use.

    Start-up checks (the pin, the artifact's metadata and scikit-learn version) run now, so a
    bad configuration still fails before any work; a run whose calls are all unchanged never
    pays for importing scikit-learn and loading the model.
    """

    def __init__(self, name: str = DEFAULT_CLASSIFIER) -> None:
        self.name = name
        self._model: TurnClassifier | None = None
        if name == "cues":
            self._model = load_classifier(name)
            self._version = self._model.version
        elif name == "model" or "/" in name or name.startswith("."):
            from .pinning import pinned_folder, read_metadata

            self._version = str(read_metadata(pinned_folder() if name == "model" else name)["version"])
        else:
            load_classifier(name)  # raises the error that lists the known classifiers
            raise AssertionError(name)

    @property
    def version(self) -> str:
        return self._version

    @property
    def model(self) -> TurnClassifier:
        if self._model is None:
            self._model = load_classifier(self.name)
        return self._model

    def label_customer(self, texts: Sequence[str]) -> list[CustomerLabel]:
        return self.model.label_customer(texts) if texts else []

    def label_agent(self, texts: Sequence[str]) -> list[AgentLabel]:
        return self.model.label_agent(texts) if texts else []


__all__ = ["CLASSIFIERS", "DEFAULT_CLASSIFIER", "LazyClassifier", "TurnClassifier", "load_classifier"]
