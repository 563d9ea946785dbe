"""The label sets of DOMAIN.md and the rules that derive one label from another."""

from __future__ import annotations

from collections.abc import Iterable

SPEAKERS = ("agent", "customer")

CUSTOMER_STATES = ("neutral", "frustrated", "aggressive")
# Higher is more heated; used for episodes, peaks and de-escalation.
STATE_SEVERITY = {"neutral": 0, "frustrated": 1, "aggressive": 2}

AGENT_TAGS = ("empathy", "solution", "boundary", "commiseration", "dismissive", "open_question")

# agent_mode priority from DOMAIN.md: the first tag present names the mode.
MODE_PRIORITY = (
    ("boundary", "boundary"),
    ("dismissive", "dismissive"),
    ("commiseration", "commiseration"),
    ("empathy", "empathic"),
    ("solution", "solution"),
)
AGENT_MODES = (*tuple(mode for _, mode in MODE_PRIORITY), "other")

OUTCOMES = ("appropriate", "missed_empathy", "over_empathy", "missing_boundary", "dismissive")


def agent_mode(tags: Iterable[str]) -> str:
    """Derive the headline ``agent_mode`` from a turn's behaviour tags."""
    present = set(tags)
    for tag, mode in MODE_PRIORITY:
        if tag in present:
            return mode
    return "other"
