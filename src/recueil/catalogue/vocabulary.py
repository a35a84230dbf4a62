"""The catalogue's closed vocabularies: words that are data, as ``StrEnum`` types.

Members are strings, so they are stored as plain text (the columns stay
``VARCHAR``), print as their value and compare equal to it; code compares
members, never bare strings. Plain Python: the command line imports this
module to list choices without loading SQLAlchemy.
"""

from __future__ import annotations

import enum


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
    """Who decided a theme tag; re-tagging never overwrites a manual one.

    For a tag the tagger set: the source(s) whose own score reaches its own
    threshold (``rules+model`` when both agree); for a tag below the
    combined threshold that neither source reaches, the one that came closer.
    """

    RULES = "rules"
    MODEL = "model"
    RULES_MODEL = "rules+model"
    MANUAL = "manual"
