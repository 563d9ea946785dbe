"""Text normalisation shared by classifiers: ASR output and written text look the same after it."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

_NON_WORD = re.compile(r"[^a-z0-9 ]+")
_SPACES = re.compile(r"\s+")
_APOSTROPHES = re.compile("['\u2019`]")


def normalize(text: str) -> str:
    """Lowercase, strip accents, apostrophes and punctuation, collapse spaces.

    ``"Dat is écht belachelijk!!"`` and ``"dat is echt belachelijk"`` give the same string,
    so cue patterns written once match both written transcripts and speech recognition output.
    """
    decomposed = unicodedata.normalize("NFKD", text.lower())
    ascii_only = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    # Apostrophes are dropped, not spaced: "don't" -> "dont", "da's" -> "das", "zo'n" -> "zon".
    ascii_only = _APOSTROPHES.sub("", ascii_only)
    return _SPACES.sub(" ", _NON_WORD.sub(" ", ascii_only)).strip()


def normalize_all(texts: Iterable[str]) -> list[str]:
    """``normalize`` over a batch: the first step of the trained pipelines (run once per turn)."""
    return [normalize(text) for text in texts]
