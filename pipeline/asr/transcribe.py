"""faster-whisper over one channel: speech regions, words, and text attached to each region.

Turn boundaries come from voice activity (Silero VAD, shipped with faster-whisper) on each
channel, not from Whisper's segment timestamps, which span several turns once VAD has joined
the speech together (see ../shared/docs/OFFLINE_WHISPER.md). Words are attached to the region
that holds their midpoint.
"""

from __future__ import annotations

import logging
import math
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import ctranslate2
import numpy as np
from faster_whisper import BatchedInferencePipeline, WhisperModel
from faster_whisper.vad import VadOptions, get_speech_timestamps

from ..classify.normalize import normalize
from .audio import SAMPLE_RATE
from .settings import AsrSettings

log = logging.getLogger(__name__)


class AsrModelError(RuntimeError):
    """The speech-recognition model cannot be loaded; the message says what to do."""


@dataclass
class Region:
    """A stretch of speech by one voice, and the words recognised in it."""

    start: float
    end: float
    words: list[str] = field(default_factory=list)
    logprobs: list[float] = field(default_factory=list)

    @property
    def text(self) -> str:
        return " ".join("".join(self.words).split())

    @property
    def confidence(self) -> float | None:
        return confidence(self.logprobs)


def confidence(logprobs: list[float]) -> float | None:
    """exp(mean segment log-probability over the words), 0..1; None without words."""
    return round(math.exp(sum(logprobs) / len(logprobs)), 4) if logprobs else None


@dataclass(frozen=True)
class ChannelText:
    regions: list[Region]
    language: str | None
    language_probability: float | None
    dropped_repeats: int = 0


_MODELS: dict[tuple[Any, ...], WhisperModel] = {}
_FAILED: dict[tuple[Any, ...], AsrModelError] = {}


def resolve_device(settings: AsrSettings) -> tuple[str, str]:
    """(device, compute type): auto picks CUDA when a GPU is visible, int8 on CPU, float16 on GPU."""
    device = settings.device
    if device == "auto":
        device = "cuda" if ctranslate2.get_cuda_device_count() > 0 else "cpu"
    compute = settings.compute_type or ("float16" if device == "cuda" else "int8")
    return device, compute


def load_model(settings: AsrSettings) -> WhisperModel:
    """The Whisper model for these settings, loaded once per worker process."""
    device, compute = resolve_device(settings)
    key = (settings.model, device, compute, settings.cpu_threads, settings.download_root, settings.local_files_only)
    if key in _FAILED:  # do not wait on a missing model once per recording
        raise _FAILED[key]
    if key not in _MODELS:
        try:
            _MODELS[key] = _load(settings, device, compute)
        except AsrModelError as exc:
            _FAILED[key] = exc
            raise
    return _MODELS[key]


def _load(settings: AsrSettings, device: str, compute: str) -> WhisperModel:
    name = settings.model
    looks_like_folder = os.sep in name or name.startswith(".") or Path(name).exists()
    if looks_like_folder and not (Path(name) / "model.bin").is_file():
        raise AsrModelError(
            f"speech model folder {name!r} has no model.bin: point --asr-model (or $EMPATHY_DIAL_ASR_MODEL) "
            "at a CTranslate2 Whisper folder (model.bin, config.json, tokenizer.json, preprocessor_config.json)"
        )
    try:
        return WhisperModel(
            name,
            device=device,
            compute_type=compute,
            cpu_threads=settings.cpu_threads,
            download_root=settings.download_root,
            local_files_only=settings.local_files_only,
        )
    except Exception as exc:
        where = settings.download_root or "the Hugging Face cache (~/.cache/huggingface)"
        raise AsrModelError(
            f"speech model {name!r} could not be loaded on {device}/{compute}: {exc}. "
            f"Without internet access the model must already be in {where}: download it on a connected "
            f"machine (faster_whisper.download_model({name!r}, output_dir=...)) and pass that folder with "
            "--asr-model, or set download_root and local_files_only in the --asr-config file"
        ) from exc


def speech_regions(samples: np.ndarray, settings: AsrSettings) -> list[Region]:
    """Stretches of speech on one channel (seconds), split at pauses of ``min_silence_ms``."""
    options = VadOptions(min_silence_duration_ms=settings.min_silence_ms, speech_pad_ms=settings.speech_pad_ms)
    stamps = get_speech_timestamps(samples, options, sampling_rate=SAMPLE_RATE)
    regions = [_trim(samples, s["start"], s["end"], settings.speech_pad_ms) for s in stamps]
    return [r for r in regions if r is not None]


def _trim(samples: np.ndarray, start: int, end: int, pad_ms: int, frame: int = 320) -> Region | None:
    """Cut the quiet head and tail VAD leaves on a region (it runs to the end of the file, say).

    Frames of 20 ms more than 35 dB below the region's loudest frame (and below -50 dBFS) are
    not speech; the region keeps ``pad_ms`` around what remains.
    """
    part = samples[start:end].astype(np.float64)
    n = len(part) // frame
    if n == 0:
        return Region(start / SAMPLE_RATE, end / SAMPLE_RATE)
    level = 10 * np.log10((part[: n * frame].reshape(n, frame) ** 2).mean(axis=1) + 1e-12)
    loud = np.flatnonzero(level > min(level.max() - 35.0, -50.0))
    if len(loud) == 0:
        return None
    pad = pad_ms * SAMPLE_RATE // 1000
    first = max(start, start + loud[0] * frame - pad)
    last = min(end, start + (loud[-1] + 1) * frame + pad)
    return Region(first / SAMPLE_RATE, last / SAMPLE_RATE)


def transcribe_channel(
    model: WhisperModel, samples: np.ndarray, regions: list[Region], settings: AsrSettings, language: str | None
) -> ChannelText:
    """Recognise one channel (or a mono mix) and attach the words to ``regions``."""
    duration = len(samples) / SAMPLE_RATE
    segments, info = _decode(model, samples, settings, language)
    previous, dropped = None, 0
    for segment in segments:
        text = normalize(segment.text)
        if not text:
            continue
        if settings.drop_repeated_segments and text == previous:
            dropped += 1  # Whisper looping on the same words
            continue
        previous = text
        _attach(segment, regions, duration)
    return ChannelText(regions, info.language, round(float(info.language_probability), 4), dropped)


def decode_options(settings: AsrSettings, language: str | None) -> dict[str, Any]:
    """The keyword arguments of ``WhisperModel.transcribe`` (and the batched pipeline) for ``settings``."""
    options: dict[str, Any] = {
        "language": language,
        "beam_size": settings.beam_size,
        "temperature": list(settings.temperature),
        "compression_ratio_threshold": settings.compression_ratio_threshold,
        "log_prob_threshold": settings.log_prob_threshold,
        "no_speech_threshold": settings.no_speech_threshold,
        "condition_on_previous_text": settings.condition_on_previous_text,
        "word_timestamps": settings.word_timestamps,
        # the batched pipeline cuts the audio at speech regions, so it always filters
        "vad_filter": settings.vad_filter or settings.mode == "batched",
        "vad_parameters": VadOptions(min_silence_duration_ms=settings.min_silence_ms),
    }
    if settings.word_timestamps:
        options["hallucination_silence_threshold"] = settings.hallucination_silence_threshold
    if settings.mode == "batched":
        options["batch_size"] = settings.batch_size
    return options


def _decode(model: WhisperModel, samples: np.ndarray, settings: AsrSettings, language: str | None) -> tuple[Any, Any]:
    options = decode_options(settings, language)
    if settings.mode == "batched":
        segments, info = BatchedInferencePipeline(model).transcribe(samples, **options)
    else:
        segments, info = model.transcribe(samples, **options)
    return list(segments), info


def _attach(segment: Any, regions: list[Region], duration: float) -> None:
    """Words go to the region holding their midpoint (or the nearest); timestamps are clipped."""
    if not regions:
        return
    if segment.words:
        for word in segment.words:
            start, end = _clip(word.start, duration), _clip(word.end, duration)
            region = _nearest(regions, (start + end) / 2)
            region.words.append(word.word)
            region.logprobs.append(segment.avg_logprob)
        return
    start, end = _clip(segment.start, duration), _clip(segment.end, duration)
    overlaps = [max(0.0, min(end, r.end) - max(start, r.start)) for r in regions]
    region = regions[int(np.argmax(overlaps))] if max(overlaps) > 0 else _nearest(regions, (start + end) / 2)
    for token in segment.text.split():
        region.words.append(" " + token)
        region.logprobs.append(segment.avg_logprob)


def _clip(t: float, duration: float) -> float:
    return min(max(0.0, float(t)), duration)


def _nearest(regions: list[Region], t: float) -> Region:
    def distance(r: Region) -> float:
        return 0.0 if r.start <= t <= r.end else min(abs(t - r.start), abs(t - r.end))

    return min(regions, key=distance)
