"""Filters over the index's fields (what the index reports is in ``reports.py``)."""

from __future__ import annotations

import datetime as dt

from recueil.values import Value


class Filters(Value):
    """Restrictions on the keyword and date fields that do not change the ranking.

    Values of one filter are OR-ed; the search layer plans them (``search.planner``).
    A ``Value`` rather than a dataclass: each search command loads it.
    """

    __slots__ = ("cites", "date_from", "date_to", "doc_types", "themes", "years")
    themes: tuple[str, ...]
    cites: tuple[str, ...]
    doc_types: tuple[str, ...]
    years: tuple[int, ...]
    date_from: dt.date | None
    date_to: dt.date | None

    def __init__(
        self,
        themes: tuple[str, ...] = (),
        cites: tuple[str, ...] = (),
        doc_types: tuple[str, ...] = (),
        years: tuple[int, ...] = (),
        date_from: dt.date | None = None,
        date_to: dt.date | None = None,
    ) -> None:
        self._set(
            themes=themes, cites=cites, doc_types=doc_types, years=years,
            date_from=date_from, date_to=date_to,
        )  # fmt: skip
