"""Guards for untrusted text (it comes from merchants' CSV files and their customers).

- ``spreadsheet_safe``: a cell that a spreadsheet would run as a formula is
  prefixed with an apostrophe when written to CSV/XLSX exports (OWASP CSV injection).
- ``header_safe``: strips CR/LF from anything that goes into an email header.
"""

from __future__ import annotations

import re

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n", "\uff1d", "\uff0b", "\uff0d", "\uff20")
_NUMBER = re.compile(r"^[+-]?(\d+([.,]\d*)?|[.,]\d+)([eE][+-]?\d+)?$")


def spreadsheet_safe(text: str) -> str:
    """Return ``text`` so that Excel/LibreOffice/Sheets show it as text, never evaluate it.

    Plain signed numbers ("-5", "+3.2") are left alone: they are data, not formulas.
    """
    if not text or not text.startswith(_FORMULA_START):
        return text
    if _NUMBER.match(text):
        return text
    return "'" + text


def header_safe(text: str) -> str:
    """Remove CR, LF and other control characters that could inject email headers."""
    return re.sub(r"[\r\n\x00-\x1f\x7f]+", " ", text).strip()
