"""PII redaction applied to every turn before it is classified or stored.

Contact-centre transcripts carry e-mail addresses, phone numbers, bank accounts, postcodes
and customer numbers. They are replaced by a bracketed kind (``[phone]``) so the warehouse can
be shared with quality teams. Speech recognition writes numbers out ("nul zes een twee ..."),
so long runs of spoken digits are caught too.
"""

from __future__ import annotations

import re

_SPOKEN_DIGITS = "nul|een|twee|drie|vier|vijf|zes|zeven|acht|negen|zero|oh|one|two|three|four|five|six|seven|eight|nine"

# Order matters: the most specific patterns run first.
_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("email", re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")),
    ("iban", re.compile(r"\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,3})?\b", re.IGNORECASE)),
    ("phone", re.compile(r"(?<![\w])(?:\+|00)?\d(?:[ \-./]?\d){8,13}(?![\w])")),
    ("postcode", re.compile(r"\b\d{4} ?[A-Z]{2}\b")),
    ("number", re.compile(r"\b\d{6,}\b")),
    ("number", re.compile(rf"\b(?:(?:{_SPOKEN_DIGITS})[ ,-]+){{5,}}(?:{_SPOKEN_DIGITS})\b", re.IGNORECASE)),
)


def redact(text: str) -> str:
    """Return ``text`` with personal data replaced by ``[email]``, ``[iban]``, ``[phone]``,
    ``[postcode]`` or ``[number]``."""
    for kind, pattern in _PATTERNS:
        text = pattern.sub(f"[{kind}]", text)
    return text
