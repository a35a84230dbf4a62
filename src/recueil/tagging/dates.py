"""French dates in text and in format metadata (pure Python).

Day first always: "09/06/2022" is the 9th of June. Weekdays, "1er",
accented or unaccented month names, abbreviations ("févr."), ranges of
years ("2020-2022") and dates without a year ("le mardi 11 février", whose
year comes from the document's other dates or its metadata) are handled.
Each date keeps its raw text and where it came from.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, replace

from recueil.tagging.text import fold

MIN_YEAR, MAX_YEAR = 1950, 2100
MONTHS = {
    "janvier": 1,
    "janv": 1,
    "fevrier": 2,
    "fevr": 2,
    "fev": 2,
    "mars": 3,
    "avril": 4,
    "avr": 4,
    "mai": 5,
    "juin": 6,
    "juillet": 7,
    "juil": 7,
    "aout": 8,
    "septembre": 9,
    "sept": 9,
    "sep": 9,
    "octobre": 10,
    "oct": 10,
    "novembre": 11,
    "nov": 11,
    "decembre": 12,
    "dec": 12,
}
_FULL_MONTHS = {m for m, n in MONTHS.items() if len(m) > 4 or m in ("mars", "mai", "juin", "aout")}
WEEKDAYS = {
    "lundi": 0,
    "mardi": 1,
    "mercredi": 2,
    "jeudi": 3,
    "vendredi": 4,
    "samedi": 5,
    "dimanche": 6,
}

_MONTH = r"(?P<month>" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\.?"
_WEEKDAY = r"(?:(?P<weekday>" + "|".join(WEEKDAYS) + r")\s+)?"
_DAY = r"(?P<day>1er|[0-3]?\d)"
_YEAR = r"(?P<year>(?:19|20)\d\d)"
# Patterns run on folded text (lower case, no accents) that keeps the original offsets.
_TEXT_DATE = re.compile(
    r"(?<![\w])" + _WEEKDAY + _DAY + r"\s+" + _MONTH + r"(?:\s+" + _YEAR + r")?(?![\w/])"
)
_NUMERIC = re.compile(
    r"(?<![\d/.])(?P<day>[0-3]?\d)[/.](?P<month>[01]?\d)[/.](?P<year>(?:19|20)?\d\d)(?![\d/])"
)
_ISO = re.compile(r"(?<!\d)(?P<year>(?:19|20)\d\d)-(?P<month>[01]\d)-(?P<day>[0-3]\d)(?!\d)")
_MONTH_YEAR = re.compile(r"(?<![\w])" + _MONTH + r"\s+" + _YEAR + r"(?!\d)")
_YEAR_RANGE = re.compile(
    r"(?<![\d/.-])(?P<start>(?:19|20)\d\d)\s?[-/–]\s?(?P<end>(?:19|20)\d\d)(?![\d/-]|\.\d)"
)
_YEAR_IN_CONTEXT = re.compile(
    r"(?:\ben|\bdepuis|\bannee|\bannees|\bau cours de|\bfin|\bdebut)\s+(?P<year>(?:19|20)\d\d)(?![\d/-])"
)
_PDF_DATE = re.compile(r"^D?:?(?P<year>\d{4})(?P<month>\d\d)?(?P<day>\d\d)?")
_BARE_YEAR = re.compile(r"^\s*(?P<year>(?:19|20)\d\d)\s*$")


@dataclass(frozen=True, slots=True)
class FoundDate:
    value: dt.date
    precision: str  # day, month, year
    raw: str
    source: str  # "title", "text", or the format's own name ("pdf:CreationDate", "web:Dates")
    year_inferred: bool = False
    offset: int = -1  # position in the text, -1 for metadata (first dates first)


@dataclass(frozen=True, slots=True)
class _Partial:
    """A day and month waiting for a year from context."""

    day: int
    month: int
    weekday: int | None
    raw: str
    source: str
    offset: int


def _make(year: int, month: int, day: int) -> dt.date | None:
    if not MIN_YEAR <= year <= MAX_YEAR:
        return None
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def _day(value: str) -> int:
    return 1 if value == "1er" else int(value)


class _Taken:
    """The spans of the text already read as a date (a shorter form inside is not another)."""

    def __init__(self) -> None:
        self.spans: list[tuple[int, int]] = []

    def free(self, start: int, end: int) -> bool:
        return all(end <= s or start >= e for s, e in self.spans)

    def take(self, span: tuple[int, int]) -> None:
        self.spans.append(span)


def dates_in_text(text: str, source: str = "text") -> tuple[list[FoundDate], list[_Partial]]:
    """Full dates found in ``text``, and day-month dates still missing a year."""
    folded = fold(text)
    if len(folded) != len(text):  # a ligature changed the length: offsets stay approximate
        text = folded
    taken = _Taken()
    found, partial = _written_days(text, folded, source, taken)
    found += _numeric_days(folded, source, taken)
    found += _months_and_years(text, folded, source, taken)
    found.sort(key=lambda d: d.offset)
    return found, partial


def _written_days(
    text: str, folded: str, source: str, taken: _Taken
) -> tuple[list[FoundDate], list[_Partial]]:
    """'9 juin 2022', 'mercredi 9 juin' (a day-month waiting for its year)."""
    found: list[FoundDate] = []
    partial: list[_Partial] = []
    for match in _TEXT_DATE.finditer(folded):
        raw = text[match.start() : match.end()].strip()
        if raw.endswith(".") and match["month"] in _FULL_MONTHS:
            raw = raw[:-1]  # the dot ends the sentence, not an abbreviation
        day, month = _day(match["day"]), MONTHS[match["month"]]
        weekday = WEEKDAYS.get(match["weekday"] or "")
        if match["year"]:
            value = _make(int(match["year"]), month, day)
            if value is not None:
                found.append(FoundDate(value, "day", raw, source, False, match.start()))
                taken.take(match.span())
        elif 1 <= day <= 31:
            partial.append(_Partial(day, month, weekday, raw, source, match.start()))
            taken.take(match.span())
    return found, partial


def _numeric_days(folded: str, source: str, taken: _Taken) -> list[FoundDate]:
    """'09/06/2022', '9.6.22', '2022-06-09'."""
    found: list[FoundDate] = []
    for pattern in (_NUMERIC, _ISO):
        for match in pattern.finditer(folded):
            if not taken.free(*match.span()):
                continue
            year = int(match["year"])
            year += 2000 if year < 100 else 0
            value = _make(year, int(match["month"]), int(match["day"]))
            if value is not None:
                found.append(FoundDate(value, "day", match.group(0), source, False, match.start()))
                taken.take(match.span())
    return found


def _months_and_years(text: str, folded: str, source: str, taken: _Taken) -> list[FoundDate]:
    """'juin 2022', '2021-2022', 'en 2021'."""
    found: list[FoundDate] = []
    for match in _MONTH_YEAR.finditer(folded):
        if taken.free(*match.span()):
            value = _make(int(match["year"]), MONTHS[match["month"]], 1)
            if value is not None:
                raw = text[match.start() : match.end()]
                found.append(FoundDate(value, "month", raw, source, False, match.start()))
                taken.take(match.span())
    for match in _YEAR_RANGE.finditer(folded):
        start, end = int(match["start"]), int(match["end"])
        if taken.free(*match.span()) and start < end <= start + 10:
            for year in (start, end):
                value = _make(year, 1, 1)
                if value is not None:
                    found.append(
                        FoundDate(value, "year", match.group(0), source, False, match.start())
                    )
            taken.take(match.span())
    for match in _YEAR_IN_CONTEXT.finditer(folded):
        if taken.free(*match.span("year")):
            value = _make(int(match["year"]), 1, 1)
            if value is not None:
                raw = text[match.start() : match.end()]
                found.append(FoundDate(value, "year", raw, source, False, match.start("year")))
    return found


def parse_hint(raw: str, source: str) -> tuple[list[FoundDate], list[_Partial]]:
    """Dates a format states: PDF dates (D:20220609…), ISO, years, or French text."""
    text = raw.strip()
    if source.startswith(("pdf:", "xmp:")) or re.match(r"^D:\d{4}", text):
        match = _PDF_DATE.match(text)
        if match and match["day"]:
            value = _make(int(match["year"]), int(match["month"]), int(match["day"]))
            if value is not None:
                return [FoundDate(value, "day", raw, source)], []
    bare = _BARE_YEAR.match(text)
    if bare:
        value = _make(int(bare["year"]), 1, 1)
        return ([FoundDate(value, "year", raw, source)] if value else []), []
    found, partial = dates_in_text(text, source)
    return [replace(d, raw=raw if len(raw) <= 200 else d.raw, offset=-1) for d in found], partial


def complete_years(partial: Iterable[_Partial], context: list[FoundDate]) -> list[FoundDate]:
    """Give day-month dates the year of the document's other dates.

    With a weekday, the year (among the context years and their neighbours)
    where that day falls on that weekday wins; otherwise the most frequent
    context year. A date with no possible year is dropped.
    """
    years = Counter(d.value.year for d in context)
    if not years:
        return []
    candidates = [y for y, _ in years.most_common()]
    for y, _ in years.most_common():
        candidates.extend(c for c in (y - 1, y + 1) if c not in candidates)
    completed = []
    for item in partial:
        chosen = None
        for year in candidates:
            value = _make(year, item.month, item.day)
            if value is not None and (item.weekday is None or value.weekday() == item.weekday):
                chosen = value
                break
        if chosen is not None:
            completed.append(FoundDate(chosen, "day", item.raw, item.source, True, item.offset))
    return completed


def collect_dates(title: str, text: str, hints: Iterable[tuple[str, str]]) -> list[FoundDate]:
    """Every date of a document: title, text, format hints; years completed from context."""
    title_found, title_partial = dates_in_text(title, "title")
    text_found, text_partial = dates_in_text(text, "text")
    hint_found: list[FoundDate] = []
    hint_partial: list[_Partial] = []
    for raw, source in hints:
        found, partial = parse_hint(raw, source)
        hint_found.extend(found)
        hint_partial.extend(partial)
    # Context for missing years: dated mentions first, then the format's dates.
    context = [d for d in (*title_found, *text_found, *hint_found) if d.precision != "year"]
    context = context or [*title_found, *text_found, *hint_found]
    completed = complete_years([*title_partial, *text_partial, *hint_partial], context)
    everything = [*title_found, *hint_found, *text_found, *completed]
    unique: dict[tuple[dt.date, str, str, str], FoundDate] = {}
    for item in everything:
        unique.setdefault((item.value, item.precision, item.raw, item.source), item)
    return list(unique.values())


# Metadata that says when a file was made or edited, not what it is about.
_FILE_DATES = ("pdf:", "xmp:", "web:modified", "file:")
HEAD_CHARS = 2500


def choose_main_date(dates: list[FoundDate]) -> FoundDate | None:
    """The document's date, by a fixed order of trust.

    Day or month dates first: 1. in the title; 2. stated by the format about
    the content (web ``Dates``, record fields); 3. the first one on the first
    page (heading, cover); 4. the first one anywhere in the text. Then years:
    5. in the title, 6. stated by the format. Then 7. the file's own dates (PDF
    creation date, web page modification date), 8. the first year in the text.
    """
    rank = {"day": 0, "month": 1, "year": 2}

    def best(items: list[FoundDate]) -> FoundDate | None:
        if not items:
            return None
        return min(items, key=lambda d: (rank[d.precision], d.year_inferred, d.offset))

    def first(items: list[FoundDate]) -> FoundDate | None:
        return min(items, key=lambda d: d.offset) if items else None

    title = [d for d in dates if d.source == "title"]
    stated = [
        d
        for d in dates
        if d.offset < 0 and d.source != "title" and not d.source.startswith(_FILE_DATES)
    ]
    text = [d for d in dates if d.source == "text"]
    files = [d for d in dates if d.source.startswith(_FILE_DATES)]
    precise_text = [d for d in text if d.precision != "year"]
    rungs: list[FoundDate | None] = [
        best([d for d in title if d.precision != "year"]),
        best([d for d in stated if d.precision != "year"]),
        first([d for d in precise_text if d.offset < HEAD_CHARS]),
        first(precise_text),
        best(title),
        best(stated),
        best(files),
        first(text),
    ]
    return next((d for d in rungs if d is not None), None)
