"""Decode what call recorders produce and refuse what cannot be transcribed.

WAV (PCM 8/16/24/32-bit, 8-bit unsigned, mu-law, A-law), MP3, OGG/Opus, FLAC and M4A, at any
sample rate, are decoded with PyAV (the decoder faster-whisper itself uses) to 16 kHz float32,
one array per channel. Every refusal is a :class:`RecordingError` naming the file, the field
and the rule, and goes to quarantine.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import av
import numpy as np
from faster_whisper.audio import decode_audio

SAMPLE_RATE = 16_000


class RecordingError(ValueError):
    """A recording cannot be transcribed; the message says which file, which property and why."""

    def __init__(self, source: str | Path, field: str, rule: str) -> None:
        self.source, self.field, self.rule = str(source), field, rule
        super().__init__(f"{source}: field '{field}': {rule}")


@dataclass(frozen=True)
class Recording:
    path: Path
    channels: tuple[np.ndarray, ...]
    """16 kHz float32 samples: (left, right) for stereo, (mono,) for mono."""
    original_rate: int
    codec: str

    @property
    def stereo(self) -> bool:
        return len(self.channels) == 2

    @property
    def duration_s(self) -> float:
        return len(self.channels[0]) / SAMPLE_RATE


def probe(path: Path) -> tuple[int, int, str, float | None]:
    """Channels, sample rate, codec name and duration (None if the container does not say)."""
    if not path.exists():
        raise RecordingError(path, "file", "does not exist")
    if path.stat().st_size == 0:
        raise RecordingError(path, "file", "is empty (0 bytes)")
    try:
        with av.open(str(path), mode="r", metadata_errors="ignore") as container:
            if not container.streams.audio:
                raise RecordingError(path, "audio", "the file holds no audio stream")
            stream = container.streams.audio[0]
            duration = None
            if stream.duration is not None and stream.time_base is not None:
                duration = float(stream.duration * stream.time_base)
            elif container.duration is not None:
                duration = container.duration / av.time_base
            return stream.channels, stream.rate, stream.codec_context.name, duration
    except RecordingError:
        raise
    except (av.FFmpegError, OSError, ValueError) as exc:
        raise RecordingError(path, "audio", f"cannot be decoded ({exc})") from None


def load_recording(path: Path, max_duration_s: float, silence_dbfs: float) -> Recording:
    """Decode a recording to 16 kHz, checking size, duration, channels and loudness."""
    channels, rate, codec, duration = probe(path)
    if duration is not None and duration > max_duration_s:
        raise RecordingError(path, "duration", f"{duration:.0f} s is longer than the maximum of {max_duration_s:.0f} s")
    if channels == 0:
        raise RecordingError(path, "audio", "decodes to no samples (damaged or truncated file)")
    if channels not in (1, 2):
        raise RecordingError(path, "channels", f"must be 1 (mono) or 2 (one party per channel), not {channels}")
    try:
        if channels == 2:
            left, right = decode_audio(str(path), sampling_rate=SAMPLE_RATE, split_stereo=True)
            arrays: tuple[np.ndarray, ...] = (left, right)
        else:
            arrays = (decode_audio(str(path), sampling_rate=SAMPLE_RATE),)
    except (av.FFmpegError, OSError, ValueError) as exc:
        raise RecordingError(path, "audio", f"cannot be decoded ({exc})") from None
    if len(arrays[0]) == 0:
        raise RecordingError(path, "audio", "decodes to no samples (damaged or truncated file)")
    seconds = len(arrays[0]) / SAMPLE_RATE
    if seconds > max_duration_s:
        raise RecordingError(path, "duration", f"{seconds:.0f} s is longer than the maximum of {max_duration_s:.0f} s")
    loudness = [dbfs(a) for a in arrays]
    if max(loudness) < silence_dbfs:
        loudest = max(loudness)
        raise RecordingError(path, "audio", f"silence only (loudest {loudest:.0f} dBFS < {silence_dbfs:.0f} dBFS)")
    if len(arrays) == 2:
        for name, level in zip(("left", "right"), loudness, strict=True):
            if level < silence_dbfs:
                rule = f"is silent ({level:.0f} dBFS < {silence_dbfs:.0f} dBFS): one party missing"
                raise RecordingError(path, f"channel {name}", rule)
    return Recording(path, arrays, rate, codec)


def dbfs(samples: np.ndarray) -> float:
    """Loudness of the loudest second, in dB relative to full scale (-inf for digital silence)."""
    if len(samples) == 0:
        return -math.inf
    frames = len(samples) // SAMPLE_RATE
    if frames == 0:
        peak_rms = float(np.sqrt(np.mean(samples.astype(np.float64) ** 2)))
    else:
        blocks = samples[: frames * SAMPLE_RATE].astype(np.float64).reshape(frames, SAMPLE_RATE)
        peak_rms = float(np.sqrt((blocks**2).mean(axis=1)).max())
    return 20 * math.log10(peak_rms) if peak_rms > 0 else -math.inf


def region_dbfs(samples: np.ndarray, start_s: float, end_s: float) -> float:
    part = samples[int(start_s * SAMPLE_RATE) : int(end_s * SAMPLE_RATE)].astype(np.float64)
    rms = float(np.sqrt(np.mean(part**2))) if len(part) else 0.0
    return 20 * math.log10(rms) if rms > 0 else -math.inf
