"""The trained scikit-learn classifiers, loaded from a skops artifact folder.

An artifact folder holds ``customer_state.skops``, ``agent_tags.skops``, ``metadata.json`` and
``MODEL_CARD.md``. skops (unlike pickle or joblib) only builds the types it is told to trust;
loading refuses any type outside scikit-learn, NumPy, SciPy and this project's normaliser, and
refuses an artifact written by another scikit-learn version.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
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


@dataclass(frozen=True)
class TrainedClassifier:
    """Customer-state and agent-tag pipelines plus the per-tag thresholds tuned on dev data."""

    version: str
    customer: Any
    agent: Any
    thresholds: dict[str, float]
    metadata: dict[str, Any]

    @classmethod
    def load(cls, folder: str | Path) -> TrainedClassifier:
        folder = Path(folder)
        metadata = read_metadata(folder)
        customer = safe_load(folder / "customer_state.skops")
        agent = safe_load(folder / "agent_tags.skops")
        thresholds = {tag: float(metadata["thresholds"][tag]) for tag in AGENT_TAGS}
        return cls(metadata["version"], customer, agent, thresholds, metadata)

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

    def label_agent(self, texts: Sequence[str]) -> list[AgentLabel]:
        if not texts:
            return []
        proba = self.agent.predict_proba(list(texts))
        out = []
        for row in proba:
            p = {tag: round(float(v), 4) for tag, v in zip(AGENT_TAGS, row, strict=True)}
            tags = tuple(tag for tag in AGENT_TAGS if p[tag] >= self.thresholds[tag])
            out.append(AgentLabel(tags=tags, mode=agent_mode(tags), proba=p))
        return out
