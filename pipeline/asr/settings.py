"""Speech-recognition settings: defaults, a TOML file, environment variables, command-line flags.

Later sources win: the packaged defaults, then ``--asr-config FILE`` (or
``$EMPATHY_DIAL_ASR_CONFIG``), then ``$EMPATHY_DIAL_ASR_MODEL``, then explicit flags.
"""

from __future__ import annotations

import dataclasses
import os
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

MODEL_ENV = "EMPATHY_DIAL_ASR_MODEL"
CONFIG_ENV = "EMPATHY_DIAL_ASR_CONFIG"
DEVICES = ("cpu", "cuda", "auto")
CHANNELS = ("left", "right")
MODES = ("sequential", "batched")
# The file-name pattern used when a recording has neither sidecar nor manifest entry:
# 20261102T091403_a-017_nl-billing_000123.wav -> started_at, agent_id, queue, call_id.
DEFAULT_NAME_PATTERN = r"^(?P<started_at>\d{8}T\d{6}Z?)_(?P<agent_id>[^_]+)_(?P<queue>[^_]+)_(?P<call_id>[^.]+)$"


class AsrSettingsError(ValueError):
    """A setting has a wrong value; the message names the source, the field and the rule."""


@dataclass(frozen=True)
class AsrSettings:
    # The model and where it runs.
    model: str = "large-v3"
    """A faster-whisper model name (large-v3, small, ...) or a local CTranslate2 model folder."""
    device: str = "auto"
    compute_type: str | None = None
    """None: int8 on CPU, float16 on GPU."""
    cpu_threads: int = 0
    """0: CTranslate2's default (all cores)."""
    download_root: str | None = None
    local_files_only: bool = False
    """True: never reach a model hub; the model must be a folder or already downloaded."""
    # Decoding.
    mode: str = "sequential"
    """sequential (one window after another) or batched (BatchedInferencePipeline, throughput)."""
    batch_size: int = 8
    beam_size: int = 5
    temperature: tuple[float, ...] = (0.0, 0.2, 0.4, 0.6, 0.8, 1.0)
    language: str | None = None
    """nl, en, ... fixed; None detects it per call (a call's metadata may name it)."""
    word_timestamps: bool = True
    vad_filter: bool = True
    # Guards against Whisper looping or inventing text in silence.
    condition_on_previous_text: bool = False
    compression_ratio_threshold: float = 2.4
    log_prob_threshold: float = -1.0
    no_speech_threshold: float = 0.6
    hallucination_silence_threshold: float | None = 2.0
    drop_repeated_segments: bool = True
    # Speech regions (voice activity) and turns.
    min_silence_ms: int = 500
    """A pause this long ends a speech region of one party."""
    speech_pad_ms: int = 100
    join_gap_s: float = 1.0
    """Same-speaker regions closer than this, with nobody in between, form one turn."""
    crosstalk_db: float = 15.0
    """A region on one channel quieter than the other channel by this much is leakage, not speech."""
    # Inputs.
    agent_channel: str = "left"
    max_duration_s: float = 4 * 3600.0
    silence_dbfs: float = -55.0
    """A recording or channel whose loudness stays below this is silent."""
    name_pattern: str = DEFAULT_NAME_PATTERN
    agent_phrases: tuple[str, ...] = ()
    """Extra phrases that mark the agent in mono calls (the company name, a standard greeting)."""
    diarizer: str = "builtin"
    """builtin (spectral clustering, no download) or module:function of a stronger diarizer."""


def load_settings(config: str | Path | None = None, **overrides: Any) -> AsrSettings:
    """Build settings from the defaults, a TOML file, the environment and explicit overrides.

    ``overrides`` whose value is None are ignored, so command-line flags can be passed as they are.
    """
    values: dict[str, Any] = {}
    config = config or os.environ.get(CONFIG_ENV)
    if config:
        values.update(_read_toml(Path(config)))
    if os.environ.get(MODEL_ENV):
        values["model"] = os.environ[MODEL_ENV]
    values.update({k: v for k, v in overrides.items() if v is not None})
    return validate(values, str(config or "settings"))


def validate(values: dict[str, Any], source: str) -> AsrSettings:
    fields = {f.name: f for f in dataclasses.fields(AsrSettings)}
    unknown = sorted(set(values) - set(fields))
    if unknown:
        raise AsrSettingsError(f"{source}: field '{unknown[0]}': unknown setting; known: {', '.join(fields)}")
    for key in ("temperature", "agent_phrases"):
        if isinstance(values.get(key), list):
            values[key] = tuple(values[key])
        elif isinstance(values.get(key), int | float) and key == "temperature":
            values[key] = (float(values[key]),)
    defaults = AsrSettings()
    for key, value in values.items():
        expected = type(getattr(defaults, key))
        if expected is float and isinstance(value, int) and not isinstance(value, bool):
            values[key] = float(value)
        elif getattr(defaults, key) is not None and not isinstance(value, expected):
            rule = f"must be {expected.__name__} (got {value!r})"
            raise AsrSettingsError(f"{source}: field '{key}': {rule}")
    settings = AsrSettings(**values)
    rules = [
        ("device", settings.device in DEVICES, f"must be one of {', '.join(DEVICES)}"),
        ("mode", settings.mode in MODES, f"must be one of {', '.join(MODES)}"),
        ("agent_channel", settings.agent_channel in CHANNELS, "must be left or right"),
        ("beam_size", settings.beam_size >= 1, "must be at least 1"),
        ("batch_size", settings.batch_size >= 1, "must be at least 1"),
        ("max_duration_s", settings.max_duration_s > 0, "must be positive"),
        ("join_gap_s", settings.join_gap_s >= 0, "must not be negative"),
        ("model", bool(settings.model), "must name a model or a folder"),
    ]
    for field, ok, rule in rules:
        if not ok:
            raise AsrSettingsError(f"{source}: field '{field}': {rule} (got {getattr(settings, field)!r})")
    return settings


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise AsrSettingsError(f"{path}: cannot read the speech-recognition settings: {exc}") from None
    except tomllib.TOMLDecodeError as exc:
        raise AsrSettingsError(f"{path}: not valid TOML: {exc}") from None
    return dict(data.get("asr", data))
