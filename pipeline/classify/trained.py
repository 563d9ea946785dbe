"""The trained scikit-learn classifiers, loaded from a skops artifact folder.

An artifact folder holds ``customer_state.skops``, ``agent_tags.skops``, ``metadata.json`` and
``MODEL_CARD.md``. skops (unlike pickle or joblib) only builds the types it is told to trust;
loading refuses any type outside scikit-learn, NumPy, SciPy and this project's normaliser, and
refuses an artifact written by another scikit-learn version.
"""

from __future__ import annotations

import json
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import sklearn
import skops.io as sio
from skops.io.exceptions import UntrustedTypesFoundException

from ..labels import AGENT_TAGS, agent_mode
from ..records import AgentLabel, CustomerLabel

MODELS_DIR = Path(__file__).resolve().parents[2] / "models"
PINNED_FILE = MODELS_DIR / "pinned.toml"
# skops trusts scikit-learn, NumPy and SciPy types itself; the only extra ones are our normalisers
# (``normalize_all`` is the first pipeline step; ``normalize`` was the preprocessor of older artifacts).
TRUSTED_TYPES = {"pipeline.classify.normalize.normalize", "pipeline.classify.normalize.normalize_all"}


class ModelLoadError(RuntimeError):
    """An artifact is missing, unsafe or from another library version; the message says what to do."""


def artifacts_dir() -> Path:
    return MODELS_DIR / "artifacts"


def pinned_version(pin_file: Path = PINNED_FILE) -> str:
    """The model version in use, as pinned in ``models/pinned.toml``."""
    try:
        data = tomllib.loads(pin_file.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ModelLoadError(f"{pin_file}: cannot read the pinned model version: {exc}") from None
    version = data.get("version")
    if not isinstance(version, str) or not version:
        raise ModelLoadError(f"{pin_file}: field 'version': must name a folder of {artifacts_dir()}")
    return version


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
        meta_file = folder / "metadata.json"
        if not meta_file.is_file():
            raise ModelLoadError(
                f"{folder}: no metadata.json: not a model artifact (train one with `empathy-dial train`)"
            )
        metadata = json.loads(meta_file.read_text(encoding="utf-8"))
        trained_with = metadata.get("libraries", {}).get("scikit-learn")
        if trained_with != sklearn.__version__:
            raise ModelLoadError(
                f"{folder}: trained with scikit-learn {trained_with}, this environment has {sklearn.__version__}; "
                f"install scikit-learn=={trained_with} (see constraints.txt) or retrain with `empathy-dial train`"
            )
        customer = safe_load(folder / "customer_state.skops")
        agent = safe_load(folder / "agent_tags.skops")
        thresholds = {tag: float(metadata["thresholds"][tag]) for tag in AGENT_TAGS}
        return cls(metadata["version"], customer, agent, thresholds, metadata)

    @classmethod
    def pinned(cls) -> TrainedClassifier:
        version = pinned_version()
        folder = artifacts_dir() / version
        if not folder.is_dir():
            raise ModelLoadError(f"{PINNED_FILE}: pinned version {version!r} has no folder {folder}")
        return cls.load(folder)

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
