"""Who, when and which channel: a recording's call metadata.

First found wins, per recording:
1. a sidecar ``<recording file name>.meta.json`` (``call1.wav.meta.json``) or ``<stem>.meta.json``;
2. a row of ``manifest.csv`` or ``manifest.json`` in the recording's folder (column ``file``);
3. the file-name pattern (a regular expression with named groups, setting ``name_pattern``);
4. the call_id is the file's stem when nothing else gives one.
Fields: ``call_id``, ``agent_id``, ``team``, ``queue``, ``started_at``, ``agent_channel``
(left/right), ``language``, ``agent_speaker`` (mono: A or B); anything else is kept in
``calls.extra``.
"""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import datetime
from pathlib import Path
from typing import Any

from .audio import RecordingError
from .settings import CHANNELS

SIDECAR_SUFFIX = ".meta.json"
MANIFESTS = ("manifest.csv", "manifest.json")
CALL_FIELDS = ("call_id", "agent_id", "team", "queue", "started_at", "language")


def is_metadata_file(path: Path) -> bool:
    """Sidecars and manifests describe recordings; they are not inputs of their own."""
    name = path.name.lower()
    return name.endswith(SIDECAR_SUFFIX) or name in MANIFESTS


def recording_metadata(path: Path, name_pattern: str) -> tuple[dict[str, Any], str, bytes]:
    """The metadata of ``path``, where it came from, and its bytes (part of the content hash)."""
    for sidecar in (path.with_name(path.name + SIDECAR_SUFFIX), path.with_name(path.stem + SIDECAR_SUFFIX)):
        if sidecar.is_file():
            raw = sidecar.read_bytes()
            return _checked(_json_object(raw, sidecar), sidecar), f"sidecar {sidecar.name}", raw
    for manifest in (path.parent / name for name in MANIFESTS):
        if manifest.is_file():
            row = _manifest_row(manifest, path.name)
            if row is not None:
                raw = json.dumps(row, sort_keys=True).encode()
                return _checked(row, manifest), f"manifest {manifest.name}", raw
    meta: dict[str, Any] = {}
    match = re.match(name_pattern, path.stem)
    if match:
        meta = {k: v for k, v in match.groupdict().items() if v}
        if "started_at" in meta:
            meta["started_at"] = _compact_timestamp(meta["started_at"])
    meta.setdefault("call_id", path.stem)
    return _checked(meta, path), "file name" if match else "file name (call_id only)", b""


def _json_object(raw: bytes, where: Path) -> dict[str, Any]:
    try:
        obj = json.loads(raw)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise RecordingError(where, "metadata", f"must be a JSON object ({exc})") from None
    if not isinstance(obj, dict):
        raise RecordingError(where, "metadata", "must be a JSON object")
    return obj


def _manifest_row(manifest: Path, file_name: str) -> dict[str, Any] | None:
    raw = manifest.read_bytes()
    if manifest.suffix == ".csv":
        rows: list[Any] = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    else:
        data = json.loads(raw)
        rows = data if isinstance(data, list) else data.get("recordings", [])
    for row in rows:
        if isinstance(row, dict) and row.get("file") == file_name:
            return {k: v for k, v in row.items() if k != "file" and v not in (None, "")}
    return None


def _checked(meta: dict[str, Any], where: Path) -> dict[str, Any]:
    for field in CALL_FIELDS:
        if field in meta and not isinstance(meta[field], str):
            raise RecordingError(where, field, f"must be a string (got {meta[field]!r})")
    channel = meta.get("agent_channel")
    if channel is not None and channel not in CHANNELS:
        raise RecordingError(where, "agent_channel", f"must be left or right (got {channel!r})")
    speaker = meta.get("agent_speaker")
    if speaker is not None and speaker not in ("A", "B"):
        raise RecordingError(where, "agent_speaker", f"must be A (the voice heard first) or B (got {speaker!r})")
    if "started_at" in meta:
        try:
            datetime.fromisoformat(meta["started_at"].replace("Z", "+00:00"))
        except ValueError:
            rule = f"must be an ISO 8601 timestamp (got {meta['started_at']!r})"
            raise RecordingError(where, "started_at", rule) from None
    return meta


def _compact_timestamp(value: str) -> str:
    """20261102T091403Z -> 2026-11-02T09:14:03Z (file names cannot hold colons everywhere)."""
    m = re.fullmatch(r"(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})(Z?)", value)
    return f"{m[1]}-{m[2]}-{m[3]}T{m[4]}:{m[5]}:{m[6]}{m[7]}" if m else value
