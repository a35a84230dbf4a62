"""The catalogue's closed vocabularies: words that are data, as ``StrEnum`` types.

Members are strings, so they are stored as plain text (the columns stay
``VARCHAR``), print as their value and compare equal to it; code compares
members, never bare strings.
"""

from __future__ import annotations

import enum
from typing import Any, TypeVar

from sqlalchemy import String
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator


class Outcome(enum.StrEnum):
    """What ingesting one input (a file, or one record of a file) did."""

    ADDED = "added"
    UPDATED = "updated"
    DUPLICATE = "duplicate"
    SKIPPED = "skipped"
    DELETED = "deleted"  # a record the source deleted, removed from the catalogue
    FAILED = "failed"


class RunStatus(enum.StrEnum):
    RUNNING = "running"
    FINISHED = "finished"
    INTERRUPTED = "interrupted"


class TextOrigin(enum.StrEnum):
    """Where a page's (or a document's) text came from."""

    TEXT = "text"  # the PDF's own text layer
    OCR = "ocr"
    MIXED = "mixed"  # a document with pages of both (never a page)
    WEB = "web"
    RECORD = "record"


class TagSource(enum.StrEnum):
    """Who decided a theme tag; re-tagging by the rules never overwrites the others."""

    RULES = "rules"
    MODEL = "model"
    MANUAL = "manual"


E = TypeVar("E", bound=enum.StrEnum)


class EnumText(TypeDecorator[E]):
    """A ``StrEnum`` stored as its text value; reads give members back."""

    impl = String
    cache_ok = True

    def __init__(self, enum_type: type[E], length: int) -> None:
        super().__init__(length)
        self.enum_type = enum_type

    def process_bind_param(self, value: Any, dialect: Dialect) -> str | None:
        return None if value is None else self.enum_type(value).value

    def process_result_value(self, value: Any, dialect: Dialect) -> E | None:
        return None if value is None else self.enum_type(value)
