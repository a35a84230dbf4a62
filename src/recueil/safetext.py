"""Text from documents made safe for a terminal and for a spreadsheet.

Titles, file names, records and extracted text come from elsewhere and may
hold characters that drive a terminal (ESC/CSI/OSC sequences, BEL, C1
controls) or reorder what is shown (bidi overrides such as U+202E). Human
output shows each of them as a visible escape (``\\x1b``, ``\\u202e``);
``--json`` keeps the exact text. A CSV cell that a spreadsheet would read as a
formula (starting with ``=``, ``+``, ``-``, ``@``, tab or carriage return) gets
a leading single quote (OWASP "CSV injection"); numbers recueil itself holds
(ids, years, counts, scores) are written as they are.
"""

from __future__ import annotations

import re
from functools import cache
from typing import Any

# Bidi marks, embeddings, overrides and isolates (and the Arabic letter mark).
_BIDI = "\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069"
# C0 controls but tab and newline, DEL, C1 controls, line/paragraph separators.
_CONTROLS = "\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029"
_UNSAFE = f"[{_CONTROLS}{_BIDI}]"
_UNSAFE_LINE = f"[\t\n{_CONTROLS}{_BIDI}]"
# What JSON leaves raw (json.dumps escapes C0 itself): C1, separators, bidi.
_JSON_RAW = f"[\x7f-\x9f\u2028\u2029{_BIDI}]"


@cache
def _compiled(pattern: str) -> re.Pattern[str]:
    """Each pattern compiled when first used: a command that prints no JSON does not
    pay for compiling the JSON one (classes beyond Latin-1 are slow to compile)."""
    return re.compile(pattern)


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def visible(text: str) -> str:
    """Every terminal control and bidi character as a visible escape; newlines and tabs kept."""
    return _compiled(_UNSAFE).sub(_escape, text)


def visible_line(text: str) -> str:
    """The same for one table cell or progress label: newlines and tabs become spaces."""
    return _compiled(_UNSAFE_LINE).sub(lambda m: " " if m.group() in "\t\n" else _escape(m), text)


def json_safe(serialised: str) -> str:
    """JSON text with C1 controls, separators and bidi characters as ``\\uXXXX`` escapes.

    The parsed value is the exact text; only the bytes a terminal would act on change.
    These characters can only occur inside JSON strings, so the escape is always valid.
    """
    return _compiled(_JSON_RAW).sub(lambda m: f"\\u{ord(m.group()):04x}", serialised)


def csv_cell(value: Any, text: str) -> str:
    """``text`` (the rendering of ``value``) neutralised for spreadsheets.

    A value that is a number in recueil (int or float, not a string that looks like
    one) is left as it is, so ids, years and scores stay numbers in the sheet.
    """
    if isinstance(value, int | float) and not isinstance(value, bool):
        return text
    return "'" + text if text.startswith(FORMULA_STARTS) else text
