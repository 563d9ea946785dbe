"""Find the inputs of a run and sort them into transcripts, recordings and the rest."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from .asr.metadata import is_metadata_file
from .transcripts import TRANSCRIPT_SUFFIXES, is_transcript

AUDIO_SUFFIXES = (".wav", ".mp3", ".ogg", ".opus", ".flac", ".m4a")


def discover(inputs: Iterable[str | Path]) -> list[Path]:
    """Expand files and folders (recursively) into a sorted list of files.

    Hidden files and recording metadata (sidecars, manifests: read with their recording) are left out.

    A path that does not exist is returned as is, so that the caller quarantines it with a
    reason instead of failing the whole run.
    """
    found: list[Path] = []
    for item in inputs:
        path = Path(item)
        if path.is_dir():
            found.extend(
                p
                for p in sorted(path.rglob("*"))
                if p.is_file() and not any(part.startswith(".") for part in p.relative_to(path).parts)
            )
        else:
            found.append(path)
    # The same file named twice (a folder and a file inside it) is read once.
    unique: dict[Path, Path] = {}
    for p in found:
        if not is_metadata_file(p):
            unique.setdefault(p.resolve(), p)
    return list(unique.values())


def is_audio(path: Path) -> bool:
    return path.suffix.lower() in AUDIO_SUFFIXES


def unsupported_reason(path: Path) -> str | None:
    """Why ``path`` cannot be read by this version, or None when it can."""
    if not path.exists():
        return f"{path}: input does not exist"
    if is_transcript(path) or is_audio(path):
        return None
    supported = ", ".join(f"*{s}" for s in TRANSCRIPT_SUFFIXES + AUDIO_SUFFIXES)
    return f"{path}: unsupported file type {path.suffix or '(none)'!r}; supported: {supported}"
