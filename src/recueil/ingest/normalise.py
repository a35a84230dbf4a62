"""Text normalisation of extracted pages: pure functions, idempotent.

``normalise_text`` cleans one text (a page, a web page); ``normalise_pages`` also
removes the running headers and footers that recur across the pages of a PDF.

Choices:
- Unicode NFC (not NFKC: ``²``, ``½`` and ``№`` keep their meaning), typographic
  ligatures expanded (``ﬁ`` -> ``fi``, also the private-use ligatures U+F001/U+F002
  of old Mac fonts), ``/uniXXXX`` glyph names decoded, ``(cid:NNN)`` glyph ids,
  U+FFFD, control and private-use characters removed (``quality`` counts them).
- Apostrophes: every typographic apostrophe (``’ ‘ ʼ ´``) becomes the straight
  ``'`` so that a query typed on any keyboard matches (``l’école`` = ``l'école``).
- Spaces: NBSP, narrow NBSP (``1 000``), thin and other spaces and tabs become one
  space; lines are kept, blank lines mark paragraphs (at most one in a row).
- End-of-line hyphenation: ``accompa-`` + ``gnement`` -> ``accompagnement`` when the
  joined word is French, or when the second part starts lower-case and the first
  part is not a word on its own; otherwise the hyphen is kept and the lines joined
  (``Saint-Quentin``, ``petits-déjeuners``, ``2020-2022``).
- The Calibri ``ti`` ligature that extracts as ``/`` (``par/cipa/f``) is repaired
  when the repaired word is French (``participatif``).
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter
from collections.abc import Sequence
from typing import Any

from recueil.ingest.quality import CID, french_words, is_french_word

MAX_PASSES = 5
ZONE = 3  # lines at the top and at the bottom of a page where headers/footers live
RUNNING_SHARE = 0.5  # a running line recurs on at least half of the pages

LIGATURES = str.maketrans(
    {
        "ﬀ": "ff",
        "ﬁ": "fi",
        "ﬂ": "fl",
        "ﬃ": "ffi",
        "ﬄ": "ffl",
        "ﬅ": "st",
        "ﬆ": "st",
        "\uf001": "fi",
        "\uf002": "fl",
    }
)
APOSTROPHES = str.maketrans(dict.fromkeys("’‘ʼ´′", "'"))
# Break characters of every kind become "\n". pdfium writes "\r\n" and turns a
# hyphen at the end of a line into U+FFFE (older builds: U+0002), line break removed:
# both become "-\n" again so that ``join_hyphenated`` decides.
NEWLINES = re.compile(r"\r\n|[\r\x0b\x0c\x85\u2028\u2029]")
PDFIUM_HYPHEN = re.compile(r"[\ufffe\x02]")
SOFT_HYPHEN_BREAK = re.compile(r"\xad[ \t]*\n[ \t]*")
GLYPH_UNI = re.compile(r"/uni([0-9A-Fa-f]{4})")
GLYPH_OTHER = re.compile(r"/(?:g|glyph)\d{1,5}(?!\d)")
ZERO_WIDTH = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\xad"))
_FINDERS: dict[int, re.Pattern[str]] = {}


def _translate(text: str, table: dict[int, Any]) -> str:
    """``str.translate``, skipped when no character of ``table`` occurs (a regex scan
    runs in C; a translation of non-ASCII text looks up every character)."""
    finder = _FINDERS.get(id(table))
    if finder is None:
        chars = "".join(re.escape(chr(c)) for c in table)
        finder = _FINDERS[id(table)] = re.compile(f"[{chars}]")
    return text.translate(table) if finder.search(text) else text


SPACES = re.compile(r"[^\S\n]+")
BLANK_RUNS = re.compile(r"\n{3,}")
LINE_HYPHEN = re.compile(r"(?<=[^\s-])-\n(?=[^\s\-–—•])")
LETTERS_BEFORE = re.compile(r"[^\W\d_]+$")
LETTERS_AFTER = re.compile(r"^[^\W\d_]+")
TI_SLASH = re.compile(r"(?<![\w/])[^\W\d_]+(?:/[^\W\d_]+)+(?![\w/])")
PAGE_NUMBER = re.compile(
    r"^(?:page|p\.|p)?\s*[-–—(\[]?\s*\d{1,4}\s*(?:(?:/|sur|of|de)\s*\d{1,4})?\s*[-–—)\]]?$",
    re.IGNORECASE,
)


def _decode_glyph_name(match: re.Match[str]) -> str:
    code = int(match.group(1), 16)
    char = chr(code)
    # Only letters and marks: anything else could start a new pattern.
    return char if unicodedata.category(char)[0] in "LM" else ""


# Control characters but newline and tab, surrogates, private use, U+FFFD: the
# categories Cc, Cs and Co, as one class (a per-character category call is 10x slower).
DROPPED_CHARS = (
    "\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff\ue000-\uf8ff\ufffd"
    "\U000f0000-\U000ffffd\U00100000-\U0010fffd"
)
DROPPED = re.compile(f"[{DROPPED_CHARS}]")
# The white space (``str.isspace``) other than " " and "\n", which ``_tidy_lines`` rewrites.
ODD_SPACES = "\t\x0b\x0c\r\x1c-\x1f\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"


def _chars(table: dict[int, Any]) -> str:
    return "".join(re.escape(chr(code)) for code in table)


# Every character that a step of ``clean_characters`` rewrites or removes. A text with
# none of them (nor "/" nor "(cid:") goes through those steps unchanged, so only NFC and
# the tidying of its lines remain: the common case of a plain text, and of any text
# normalised once already (the check of the fixpoint).
RARE = re.compile(
    f"[{DROPPED_CHARS}{ODD_SPACES}\ufffe{_chars(LIGATURES)}{_chars(ZERO_WIDTH)}"
    f"{_chars(APOSTROPHES)}]"
)


def clean_characters(text: str) -> str:
    """Character-level cleaning and whitespace, keeping lines and paragraphs."""
    if RARE.search(text) is None and "/" not in text and "(cid:" not in text:
        if unicodedata.is_normalized("NFC", text):
            return _tidy_plain(text)
        return _tidy_lines(unicodedata.normalize("NFC", text))
    return _tidy_lines(_clean_rare(text))


def _clean_rare(text: str) -> str:
    """The character-level steps, in order, up to NFC."""
    text = NEWLINES.sub("\n", text)
    text = PDFIUM_HYPHEN.sub("-\n", text)
    text = SOFT_HYPHEN_BREAK.sub("", text)
    text = GLYPH_UNI.sub(_decode_glyph_name, text)
    text = GLYPH_OTHER.sub("", text)
    text = _translate(_translate(text, LIGATURES), ZERO_WIDTH)
    text = DROPPED.sub("", text)
    previous = None
    while previous != text:  # "(ci(cid:1)d:2)" hides a second glyph id
        previous, text = text, CID.sub("", text)
    return unicodedata.normalize("NFC", _translate(text, APOSTROPHES))


def _tidy_lines(text: str) -> str:
    """Spaces of each line collapsed and stripped, at most one blank line in a row."""
    lines = [SPACES.sub(" ", line).strip() for line in text.split("\n")]
    return BLANK_RUNS.sub("\n\n", "\n".join(lines)).strip("\n")


def _tidy_plain(text: str) -> str:
    """``_tidy_lines`` of a text whose only white space is " " and "\n" (no ``RARE``
    character): its lines need no work unless a space doubles or touches a line's end."""
    if "  " in text or " \n" in text or "\n " in text or text[:1] == " " or text[-1:] == " ":
        return _tidy_lines(text)
    if "\n\n\n" in text:
        text = BLANK_RUNS.sub("\n\n", text)
    return text.strip("\n")


def _join_decision(before: str, after: str, words: frozenset[str]) -> str:
    """What replaces ``-\\n`` between ``before`` and ``after``: "" or "-"."""
    first = LETTERS_BEFORE.search(before)
    second = LETTERS_AFTER.search(after)
    if first is None or second is None:
        return "-"  # digits, codes: 2020-2022
    head, tail = first.group(), second.group()
    if is_french_word(head + tail, words):
        return ""
    if tail[0].islower() and not is_french_word(head, words):
        return ""
    return "-"


def join_hyphenated(text: str, words: frozenset[str] | None = None) -> str:
    """Undo end-of-line hyphenation (see the module docstring for the rule)."""
    if "-\n" not in text:  # what LINE_HYPHEN needs
        return text
    vocabulary = french_words() if words is None else words
    out: list[str] = []
    recent = ""  # the end of the output so far: the first part of the next word
    position = 0
    for match in LINE_HYPHEN.finditer(text):
        segment = text[position : match.start()]
        recent = (recent + segment)[-64:]
        joiner = _join_decision(recent, text[match.end() : match.end() + 64], vocabulary)
        recent = (recent + joiner)[-64:]
        out += [segment, joiner]
        position = match.end()
    out.append(text[position:])
    return "".join(out)


def repair_ti_slashes(text: str, words: frozenset[str] | None = None) -> str:
    """``forma/on`` -> ``formation`` when the repaired word is French."""
    if "/" not in text:  # what TI_SLASH needs
        return text
    vocabulary = french_words() if words is None else words

    def repair(match: re.Match[str]) -> str:
        token = match.group()
        candidate = token.replace("/", "ti")
        return candidate if is_french_word(candidate, vocabulary) else token

    return TI_SLASH.sub(repair, text)


def _fixpoint(text: str, words: frozenset[str]) -> str:
    text = clean_characters(text)
    text = join_hyphenated(text, words)
    return repair_ti_slashes(text, words)


def normalise_text(text: str, words: frozenset[str] | None = None) -> str:
    """Normalise one text; ``normalise_text(normalise_text(t)) == normalise_text(t)``."""
    vocabulary = french_words() if words is None else words
    for _ in range(MAX_PASSES):
        result = _fixpoint(text, vocabulary)
        if result == text:
            break
        text = result
    return text


def _line_key(line: str) -> str:
    return re.sub(r"\d+", "#", line.casefold())


def _zone(lines: list[str]) -> list[int]:
    """Indices of the top and bottom lines; a short page keeps its middle out of it."""
    filled = [i for i, line in enumerate(lines) if line]
    size = max(1, min(ZONE, (len(filled) - 1) // 2))
    return sorted(set(filled[:size] + filled[-size:]))


def _is_page_number(line: str, index: int, filled: list[int]) -> bool:
    at_edge = index in filled[:2] or index in filled[-2:]
    return at_edge and PAGE_NUMBER.match(line) is not None


def _strip_running_once(pages: list[str]) -> list[str]:
    split = [page.split("\n") for page in pages]
    counts: Counter[str] = Counter()
    for lines in split:
        counts.update({_line_key(lines[i]) for i in _zone(lines)})
    needed = max(2, math.ceil(RUNNING_SHARE * len(pages)))
    running = {key for key, n in counts.items() if n >= needed and len(key) <= 200}
    if len(pages) < 2:
        running = set()
    result = []
    for lines in split:
        filled = [i for i, line in enumerate(lines) if line]
        drop = {
            i
            for i in _zone(lines)
            if _line_key(lines[i]) in running or _is_page_number(lines[i], i, filled)
        }
        kept = "\n".join(line for i, line in enumerate(lines) if i not in drop)
        result.append(BLANK_RUNS.sub("\n\n", kept).strip("\n"))
    return result


def remove_running_lines(pages: Sequence[str]) -> list[str]:
    """Drop running headers/footers and lone page numbers from cleaned pages.

    A running line sits among the first or last ``ZONE`` lines of a page and, with
    its digits ignored ("Page 2 sur 4" = "Page 3 sur 4"), recurs on at least half
    of the pages (two at least). A line that is only a page number ("3", "- 3 -",
    "Page 3", "3/12", "p. 3") at the very top or bottom of a page goes too.
    """
    current = list(pages)
    for _ in range(MAX_PASSES):
        result = _strip_running_once(current)
        if result == current:
            break
        current = result
    return current


def normalise_pages(pages: Sequence[str], words: frozenset[str] | None = None) -> list[str]:
    """Normalise the pages of one document, running headers and footers removed."""
    vocabulary = french_words() if words is None else words
    current = [clean_characters(page) for page in pages]
    for _ in range(MAX_PASSES):
        result = [normalise_text(page, vocabulary) for page in remove_running_lines(current)]
        if result == current:
            break
        current = result
    return current
