"""One recording to one call transcript: metadata, decoding, recognition, roles, turns.

Stereo: each channel is one party (the agent's channel from the metadata, else the setting,
default left); channels are recognised separately and merged on the timeline. Mono: the two
voices are separated first (``diarize``) and the agent is picked from what each voice says.
"""

from __future__ import annotations

import hashlib
import logging
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np

from ..records import Call, Source
from .audio import Recording, RecordingError, load_recording, region_dbfs
from .diarize import load_diarizer, pick_agent, voices
from .metadata import recording_metadata
from .settings import AsrSettings
from .transcribe import Region, load_model, resolve_device, speech_regions, transcribe_channel
from .turns import Piece, merge_turns

log = logging.getLogger(__name__)


def recording_source(path: Path, settings: AsrSettings) -> tuple[Source, dict[str, Any], str]:
    """The content hash (audio + metadata + the settings that shape the transcript), metadata, origin.

    Cheap next to recognition, so an unchanged recording is skipped before it is transcribed.
    """
    meta, origin, meta_bytes = recording_metadata(path, settings.name_pattern)
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    digest.update(meta_bytes)
    # What decides a transcript, so that a new model or device transcribes again.
    device, compute = resolve_device(settings)
    shaping = (settings.model, device, compute, settings.beam_size, settings.language, settings.agent_channel)
    digest.update("|".join(map(str, shaping)).encode())
    return Source(str(path), digest.hexdigest()), meta, origin


def transcribe_recording(path: Path, meta: dict[str, Any], origin: str, settings: AsrSettings) -> Call:
    """Transcribe ``path`` into a call; raises RecordingError (quarantine) when it cannot be."""
    began = time.perf_counter()
    recording = load_recording(path, settings.max_duration_s, settings.silence_dbfs)
    model = load_model(settings)
    language = meta.get("language") or settings.language
    if recording.stereo:
        pieces, language, probability, dropped = _stereo(recording, meta, settings, model, language)
    else:
        pieces, language, probability, dropped = _mono(recording, meta, settings, model, language)
    turns = merge_turns(pieces, settings.join_gap_s)
    if not turns:
        raise RecordingError(path, "speech", "no words recognised (voice activity found no speech, or Whisper none)")
    device, compute = resolve_device(settings)
    asr = {
        "model": settings.model,
        "device": device,
        "compute_type": compute,
        "mode": settings.mode,
        "language_probability": probability,
        "layout": "stereo" if recording.stereo else "mono",
        "codec": recording.codec,
        "sample_rate": recording.original_rate,
        "audio_s": round(recording.duration_s, 3),
        "transcribe_s": round(time.perf_counter() - began, 3),
        "dropped_repeated_segments": dropped,
        "metadata_from": origin,
    }
    known = {"call_id", "started_at", "agent_id", "team", "queue", "language"}
    extra = {k: v for k, v in meta.items() if k not in known}
    extra["asr"] = asr
    return Call(
        call_id=str(meta["call_id"]),
        turns=tuple(turns),
        started_at=meta.get("started_at"),
        agent_id=meta.get("agent_id"),
        team=meta.get("team"),
        queue=meta.get("queue"),
        language=language,
        extra=extra,
    )


def _stereo(
    recording: Recording, meta: dict[str, Any], settings: AsrSettings, model: Any, language: str | None
) -> tuple[list[Piece], str | None, float | None, int]:
    agent_channel = meta.get("agent_channel") or settings.agent_channel
    role_source = "channel (metadata)" if meta.get("agent_channel") else "channel (configuration)"
    order = ("left", "right") if agent_channel == "left" else ("right", "left")
    index = {"left": 0, "right": 1}
    pieces: list[Piece] = []
    probability, dropped = None, 0
    for speaker, channel in zip(("agent", "customer"), order, strict=True):
        samples = recording.channels[index[channel]]
        other = recording.channels[1 - index[channel]]
        regions = channel_regions(samples, other, settings)
        if not regions:
            raise RecordingError(recording.path, f"channel {channel}", f"no speech found for the {speaker}")
        # The agent's channel decides the call's language; the customer's follows it.
        text = transcribe_channel(model, samples, regions, settings, language)
        if language is None:
            language, probability = text.language, text.language_probability
        dropped += text.dropped_repeats
        pieces += [Piece(speaker, r, role_source, f"channel:{channel}") for r in text.regions]
    return pieces, language, probability, dropped


def channel_regions(samples: np.ndarray, other: np.ndarray, settings: AsrSettings) -> list[Region]:
    """Speech regions of one party's channel, without what leaked in from the other channel."""
    return [r for r in speech_regions(samples, settings) if not _crosstalk(r, samples, other, settings)]


def _crosstalk(region: Region, samples: np.ndarray, other: np.ndarray, settings: AsrSettings) -> bool:
    """Speech found on a channel that is much quieter than the other at that moment: leakage."""
    here = region_dbfs(samples, region.start, region.end)
    there = region_dbfs(other, region.start, region.end)
    return here < there - settings.crosstalk_db


def _mono(
    recording: Recording, meta: dict[str, Any], settings: AsrSettings, model: Any, language: str | None
) -> tuple[list[Piece], str | None, float | None, int]:
    samples = recording.channels[0]
    # Two voices share the channel: shorter pauses separate them than separate one party's turns.
    regions = speech_regions(samples, replace(settings, min_silence_ms=min(settings.min_silence_ms, 250)))
    found = voices(samples, regions, load_diarizer(settings.diarizer))
    regions = [r for v in found for r in v.regions]
    if not regions:
        raise RecordingError(recording.path, "speech", "no speech found")
    text = transcribe_channel(model, samples, sorted(regions, key=lambda r: r.start), settings, language)
    texts = {v.label: " ".join(r.text for r in v.regions) for v in found}
    if meta.get("agent_speaker"):
        agent, how = meta["agent_speaker"], "configuration (agent_speaker)"
    else:
        agent, how = pick_agent(texts, settings.agent_phrases)
    pieces = [
        Piece("agent" if v.label == agent else "customer", r, how, f"voice:{v.label}") for v in found for r in v.regions
    ]
    return pieces, language or text.language, text.language_probability, text.dropped_repeats
