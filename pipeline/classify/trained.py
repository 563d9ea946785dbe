"""The trained scikit-learn classifiers, loaded from a skops artifact folder.

An artifact folder holds ``customer_state.skops``, ``agent_tags.skops``, ``metadata.json`` and
``MODEL_CARD.md``, and (from 2026-12) ``agent_combinations.skops``: a second agent head over tag
combinations that shares the agent pipeline's features and is blended per tag with the first.
skops (unlike pickle or joblib) only builds the types it is told to trust;
loading refuses any type outside scikit-learn, NumPy, SciPy and this project's normaliser, and
refuses an artifact written by another scikit-learn version.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import skops.io as sio
from skops.io.exceptions import UntrustedTypesFoundException

from ..labels import AGENT_TAGS, agent_mode
from ..records import AgentLabel, CustomerLabel
from .pinning import (  # noqa: F401  (MODELS_DIR, PINNED_FILE, artifacts_dir, pinned_version: re-exported)
    MODELS_DIR,
    PINNED_FILE,
    ModelLoadError,
    artifacts_dir,
    pinned_folder,
    pinned_version,
    read_metadata,
)

# skops trusts scikit-learn, NumPy and SciPy types itself; the only extra ones are our normalisers
# (``normalize_all`` is the first pipeline step; ``normalize`` was the preprocessor of older artifacts).
TRUSTED_TYPES = {"pipeline.classify.normalize.normalize", "pipeline.classify.normalize.normalize_all"}


def safe_load(path: Path) -> Any:
    """Load a skops file, trusting scikit-learn's own types and this project's normaliser only."""
    try:
        return sio.load(path, trusted=sorted(TRUSTED_TYPES))
    except UntrustedTypesFoundException as exc:
        raise ModelLoadError(f"{path}: refuses to load types outside scikit-learn/NumPy/SciPy: {exc}") from None
    except Exception as exc:
        raise ModelLoadError(f"{path}: not a readable skops artifact: {exc}") from None


COMBINATIONS_FILE = "agent_combinations.skops"
COMBINATION_SEP = "+"
"""Joins the tags of one class of the combination head (``"solution+dismissive"``)."""


def combination_membership(classes: Sequence[str]) -> np.ndarray:
    """(combinations x AGENT_TAGS) 0/1 matrix: which tags each combination class carries."""
    parts = [set(str(c).split(COMBINATION_SEP)) for c in classes]
    return np.array([[tag in p for tag in AGENT_TAGS] for p in parts], dtype=float)


def head_probabilities(agent: Any, combinations: Any, texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
    """Per-tag probabilities of the per-tag model and of the combination head (columns in AGENT_TAGS
    order). The text features are the expensive part: they are computed once for both heads."""
    features = agent[:-1].transform(list(texts))
    per_tag = np.asarray(agent[-1].predict_proba(features))
    combined = combinations.predict_proba(features) @ combination_membership(combinations.classes_)
    return per_tag, np.clip(combined, 0.0, 1.0)


@dataclass(frozen=True)
class TrainedClassifier:
    """Customer-state and agent-tag pipelines plus the per-tag thresholds tuned on dev data.

    ``combinations`` (optional) is a classifier over tag combinations fitted on the agent
    pipeline's features; ``blend`` gives, per tag, the weight of its probability against the
    per-tag model's (0 or missing: per-tag model only).
    """

    version: str
    customer: Any
    agent: Any
    thresholds: dict[str, float]
    metadata: dict[str, Any]
    combinations: Any = None
    blend: dict[str, float] = field(default_factory=dict)

    @classmethod
    def load(cls, folder: str | Path) -> TrainedClassifier:
        folder = Path(folder)
        metadata = read_metadata(folder)
        customer = safe_load(folder / "customer_state.skops")
        agent = safe_load(folder / "agent_tags.skops")
        thresholds = {tag: float(metadata["thresholds"][tag]) for tag in AGENT_TAGS}
        combinations = safe_load(folder / COMBINATIONS_FILE) if (folder / COMBINATIONS_FILE).is_file() else None
        blend = {tag: float(w) for tag, w in metadata.get("blend", {}).items()} if combinations is not None else {}
        return cls(metadata["version"], customer, agent, thresholds, metadata, combinations, blend)

    @classmethod
    def pinned(cls) -> TrainedClassifier:
        return cls.load(pinned_folder())

    def label_customer(self, texts: Sequence[str]) -> list[CustomerLabel]:
        if not texts:
            return []
        proba = self.customer.predict_proba(list(texts))
        classes = [str(c) for c in self.customer.classes_]
        best = np.argmax(proba, axis=1)
        return [
            CustomerLabel(state=classes[b], proba={c: round(float(p), 4) for c, p in zip(classes, row, strict=True)})
            for b, row in zip(best, proba, strict=True)
        ]

    def agent_proba(self, texts: Sequence[str]) -> np.ndarray:
        """Per-tag probabilities (columns in AGENT_TAGS order), blended with the combination head if any."""
        if self.combinations is None:
            return np.asarray(self.agent.predict_proba(list(texts)))
        per_tag, combined = head_probabilities(self.agent, self.combinations, texts)
        weight = np.array([self.blend.get(tag, 0.0) for tag in AGENT_TAGS])
        return np.asarray((1 - weight) * per_tag + weight * combined)

    def label_agent(self, texts: Sequence[str]) -> list[AgentLabel]:
        if not texts:
            return []
        proba = self.agent_proba(texts)
        out = []
        for row in proba:
            p = {tag: round(float(v), 4) for tag, v in zip(AGENT_TAGS, row, strict=True)}
            tags = tuple(tag for tag in AGENT_TAGS if p[tag] >= self.thresholds[tag])
            out.append(AgentLabel(tags=tags, mode=agent_mode(tags), proba=p))
        return out
