"""How numbers read on screen: one place, so a tile, a table and a test agree."""

from __future__ import annotations

import math
from typing import Any

import pandas as pd

DASH = "–"


def missing(value: Any) -> bool:
    """None, NaN, NaT or NA (what a missing value looks like after pandas)."""
    if value is None:
        return True
    if isinstance(value, float):
        return math.isnan(value)
    return bool(pd.api.types.is_scalar(value) and pd.isna(value))


def when(value: Any, fmt: str = "%Y-%m-%d %H:%M") -> str:
    """A timestamp as text, or a dash when there is none."""
    return DASH if missing(value) else value.strftime(fmt)


def score(value: Any) -> str:
    """The dosing score, 0..1, two decimals (as the run summary prints it)."""
    return DASH if missing(value) else f"{float(value):.2f}"


def rate(value: Any) -> str:
    """A share as a percentage with one decimal."""
    return DASH if missing(value) else f"{100 * float(value):.1f}%"


def count(value: Any) -> str:
    return DASH if missing(value) else f"{int(value):,}"


def counted(n: Any, noun: str, plural: str | None = None) -> str:
    """``1 call``, ``2 calls``."""
    return f"{count(n)} {noun if n == 1 else plural or noun + 's'}"


def clock(seconds: Any) -> str:
    """Seconds as m:ss (h:mm:ss from an hour on)."""
    if missing(seconds):
        return DASH
    total = int(float(seconds))
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def delta(kind: str, now: Any, before: Any) -> str | None:
    """The change against the previous period, signed, in the unit of ``kind``; None when unknown."""
    if missing(now) or missing(before):
        return None
    diff = float(now) - float(before)
    if kind == "score":
        return f"{diff:+.2f}"
    if kind == "rate":
        return f"{100 * diff:+.1f} pp"
    return f"{int(diff):+,}"


def value(kind: str, x: Any) -> str:
    return {"score": score, "rate": rate}.get(kind, count)(x)


_MARKDOWN_SPECIALS = set("\\`*_{}[]()#+-.!|<>$~:")


def md(text: Any) -> str:
    """Data (an agent id, a queue name) made safe to put inside Streamlit markdown."""
    return "".join("\\" + ch if ch in _MARKDOWN_SPECIALS else ch for ch in str(text))
