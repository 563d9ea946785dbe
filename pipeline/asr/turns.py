"""Speech regions of both parties, merged on one timeline into turns.

Same-speaker regions closer than ``join_gap_s`` with nobody speaking in between become one turn.
A turn that starts before the other party's turn has ended is an interruption: its overlap is
recorded. Each turn records the silence before it, its confidence and where its role came from.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..records import Turn
from .transcribe import Region, confidence


@dataclass
class Piece:
    speaker: str
    region: Region
    role_source: str
    origin: str
    """channel:left, channel:right, voice:A, voice:B: what the audio side calls this party."""


@dataclass
class _Draft:
    speaker: str
    start: float
    end: float
    texts: list[str] = field(default_factory=list)
    logprob_words: list[float] = field(default_factory=list)
    role_source: str = ""
    origin: str = ""


def merge_turns(pieces: list[Piece], join_gap_s: float) -> list[Turn]:
    """Turns in time order from the regions of both parties; regions without words are left out."""
    spoken = sorted((p for p in pieces if p.region.text), key=lambda p: (p.region.start, p.region.end))
    drafts: list[_Draft] = []
    for piece in spoken:
        r = piece.region
        last = drafts[-1] if drafts else None
        if last and last.speaker == piece.speaker and r.start - last.end <= join_gap_s:
            last.end = max(last.end, r.end)
            last.texts.append(r.text)
            last.logprob_words += r.logprobs
            continue
        draft = _Draft(piece.speaker, r.start, r.end, [r.text], list(r.logprobs), piece.role_source, piece.origin)
        drafts.append(draft)
    turns = []
    latest_end = 0.0
    for i, d in enumerate(drafts):
        extra: dict[str, Any] = {
            "role_source": d.role_source,
            "audio_origin": d.origin,
            "confidence": confidence(d.logprob_words),
            "silence_before_s": round(max(0.0, d.start - latest_end), 3) if i else round(d.start, 3),
        }
        if i and d.start < drafts[i - 1].end and drafts[i - 1].speaker != d.speaker:
            extra["overlap_s"] = round(min(drafts[i - 1].end, d.end) - d.start, 3)
            extra["interrupts"] = drafts[i - 1].speaker
        latest_end = max(latest_end, d.end)
        turns.append(Turn(d.speaker, round(d.start, 3), round(d.end, 3), " ".join(d.texts), extra))
    return turns
