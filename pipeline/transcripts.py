"""Read and validate transcripts in the interchange format (INTERFACES.md section 1).

Every rule broken raises :class:`TranscriptError`, whose message names the file, the field
and the rule, so that a quarantine row tells an operator exactly what to fix.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

from .labels import SPEAKERS
from .records import Call, Quarantined, Source, Turn

TRANSCRIPT_SUFFIXES = (".call.json", ".jsonl", ".json")
KNOWN_FIELDS = {"call_id", "started_at", "agent_id", "team", "queue", "language", "turns"}
TURN_FIELDS = {"speaker", "start", "end", "text"}
OPTIONAL_TEXT_FIELDS = ("agent_id", "team", "queue", "language")


class TranscriptError(ValueError):
    """A transcript breaks a rule of the interchange format."""

    def __init__(self, source: str, field: str, rule: str) -> None:
        self.source, self.field, self.rule = source, field, rule
        super().__init__(f"{source}: field '{field}': {rule}")


def duplicate_call_id(source: object, call_id: str, first_source: object) -> str:
    """The quarantine reason for a call_id that an earlier input of the same run already had."""
    return f"{source}: field 'call_id': must be unique in a run; {call_id!r} was already read from {first_source}"


def is_transcript(path: Path) -> bool:
    return path.name.lower().endswith(TRANSCRIPT_SUFFIXES)


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def read_transcripts(
    path: Path, skip_hashes: set[str] | frozenset[str] = frozenset()
) -> Iterator[tuple[Source, Call | Quarantined | None]]:
    """Yield every call in a transcript file, or a quarantine record for each bad one.

    A ``.jsonl`` file holds one call per line; each line is its own source
    (``file.jsonl:LINE``) so that one bad line does not cost the others. A source whose content
    hash is in ``skip_hashes`` (already loaded) is yielded with ``None``, without being parsed.
    """
    try:
        data = path.read_bytes()
    except OSError as exc:
        yield Source(str(path), ""), Quarantined(str(path), "ingest", f"cannot read file: {exc}")
        return
    if path.name.lower().endswith(".jsonl"):
        for number, line in enumerate(data.splitlines(), start=1):
            if not line.strip():
                continue
            source = Source(f"{path}:{number}", sha256_bytes(line))
            yield source, None if source.sha256 in skip_hashes else _parse_or_quarantine(line, source)
    else:
        source = Source(str(path), sha256_bytes(data))
        yield source, None if source.sha256 in skip_hashes else _parse_or_quarantine(data, source)


def _parse_or_quarantine(data: bytes, source: Source) -> Call | Quarantined:
    try:
        try:
            obj = json.loads(data)
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            raise TranscriptError(source.path, "(file)", f"must be valid JSON ({exc})") from None
        return parse_call(obj, source.path)
    except TranscriptError as exc:
        return Quarantined(source.path, "parse", str(exc), source.sha256)


def parse_call(obj: Any, source: str) -> Call:
    """Validate one decoded JSON object and return it as a :class:`Call`."""
    if not isinstance(obj, dict):
        raise TranscriptError(source, "(root)", f"must be a JSON object, not {type(obj).__name__}")
    call_id = obj.get("call_id")
    if isinstance(call_id, int) and not isinstance(call_id, bool):
        call_id = str(call_id)
    if not isinstance(call_id, str) or not call_id.strip():
        raise TranscriptError(source, "call_id", "is required and must be a non-empty string")
    raw_turns = obj.get("turns")
    if not isinstance(raw_turns, list) or not raw_turns:
        raise TranscriptError(source, "turns", "is required and must be a non-empty list")
    turns = [_parse_turn(raw, f"turns[{i}]", source) for i, raw in enumerate(raw_turns)]
    started_at = obj.get("started_at")
    if started_at is not None:
        started_at = _parse_timestamp(started_at, source)
    optional: dict[str, str | None] = {}
    for name in OPTIONAL_TEXT_FIELDS:
        value = obj.get(name)
        if value is not None and not isinstance(value, str):
            raise TranscriptError(source, name, "must be a string when present")
        optional[name] = value
    # Overlapping speech is allowed, but turn order follows the timeline.
    turns.sort(key=lambda t: t.start)
    extra = {k: v for k, v in obj.items() if k not in KNOWN_FIELDS}
    return Call(
        call_id=call_id.strip(),
        turns=tuple(turns),
        started_at=started_at,
        extra=extra,
        **optional,
    )


def _parse_turn(raw: Any, where: str, source: str) -> Turn:
    if not isinstance(raw, dict):
        raise TranscriptError(source, where, "must be a JSON object")
    speaker = raw.get("speaker")
    if not isinstance(speaker, str) or speaker.strip().lower() not in SPEAKERS:
        raise TranscriptError(source, f"{where}.speaker", f"must be one of {', '.join(SPEAKERS)} (got {speaker!r})")
    start = _seconds(raw.get("start"), f"{where}.start", source)
    end = _seconds(raw.get("end"), f"{where}.end", source)
    if end < start:
        raise TranscriptError(source, f"{where}.end", f"must be >= start (start={start}, end={end})")
    text = raw.get("text")
    if not isinstance(text, str):
        raise TranscriptError(source, f"{where}.text", "is required and must be a string")
    if not text.strip():
        raise TranscriptError(source, f"{where}.text", "must not be empty")
    extra = {k: v for k, v in raw.items() if k not in TURN_FIELDS}
    return Turn(speaker=speaker.strip().lower(), start=start, end=end, text=text.strip(), extra=extra)


def _seconds(value: Any, field: str, source: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise TranscriptError(source, field, f"is required and must be a number of seconds (got {value!r})")
    if not math.isfinite(value) or value < 0:
        raise TranscriptError(source, field, f"must be a finite number >= 0 (got {value!r})")
    return float(value)


def _parse_timestamp(value: Any, source: str) -> str:
    if isinstance(value, str):
        try:
            datetime.fromisoformat(value.replace("Z", "+00:00"))
            return value
        except ValueError:
            pass
    raise TranscriptError(source, "started_at", f"must be an ISO 8601 timestamp (got {value!r})")
