"""Which trained model is in use, read without importing scikit-learn (cheap, for start-up)."""

from __future__ import annotations

import json
import tomllib
from importlib import metadata
from pathlib import Path

MODELS_DIR = Path(__file__).resolve().parents[2] / "models"
PINNED_FILE = MODELS_DIR / "pinned.toml"


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


def pinned_folder() -> Path:
    version = pinned_version()
    folder = artifacts_dir() / version
    if not folder.is_dir():
        raise ModelLoadError(f"{PINNED_FILE}: pinned version {version!r} has no folder {folder}")
    return folder


def read_metadata(folder: str | Path) -> dict:
    """An artifact's ``metadata.json``, refused when written by another scikit-learn version."""
    folder = Path(folder)
    meta_file = folder / "metadata.json"
    if not meta_file.is_file():
        raise ModelLoadError(f"{folder}: no metadata.json: not a model artifact (train one with `empathy-dial train`)")
    data = json.loads(meta_file.read_text(encoding="utf-8"))
    trained_with = data.get("libraries", {}).get("scikit-learn")
    installed = metadata.version("scikit-learn")
    if trained_with != installed:
        raise ModelLoadError(
            f"{folder}: trained with scikit-learn {trained_with}, this environment has {installed}; "
            f"install scikit-learn=={trained_with} (see constraints.txt) or retrain with `empathy-dial train`"
        )
    return data
