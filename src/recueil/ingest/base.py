"""Contracts of the ingestion pipeline: what an extractor receives and returns.

An extractor turns one input file into one or more ``ExtractedDocument``
(a PDF gives one, a file of UNIMARC records gives one per record). A record
that cannot be read is yielded as a ``RecordFailure`` so that the rest of the
file still goes in. Extractors register in ``registry.py``.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol, runtime_checkable

from recueil.config import Settings
from recueil.errors import IngestError

DEFAULT_MAX_BYTES = 200 * 1024 * 1024
DEFAULT_TIMEOUT_S = 120.0


@dataclass(frozen=True, slots=True)
class ExtractContext:
    """Immutable per-batch options handed to every extractor."""

    settings: Settings
    password: str | None = None
    max_bytes: int = DEFAULT_MAX_BYTES
    timeout_s: float = DEFAULT_TIMEOUT_S
    ocr: str = "auto"  # auto, always, never
    attachments_dir: Path | None = None


@dataclass(slots=True)
class ExtractedPage:
    number: int  # 1-based
    text: str
    origin: str = "text"  # text, ocr, web, record
    garbage_ratio: float | None = None
    needs_ocr: bool = False


@dataclass(slots=True)
class ExtractedDocument:
    """What an extractor found in one document, before tagging."""

    kind: str  # pdf, web, record
    mime_type: str
    title: str | None = None
    pages: list[ExtractedPage] = field(default_factory=list)
    # Raw metadata as found: (namespace, key, value); namespaces pdf, xmp, web, marc, dc.
    metadata: list[tuple[str, str, str]] = field(default_factory=list)
    # Dates the format states outright, as (raw text, where it came from), e.g.
    # ("Mercredi 22 janvier 2020 - 17:00", "web:Dates"); tagging parses them.
    date_hints: list[tuple[str, str]] = field(default_factory=list)
    doc_type: str | None = None  # when the format itself says it (page-web, notice)
    source_url: str | None = None
    external_id: str | None = None  # stable id in another catalogue (records)
    attachments: list[str] = field(default_factory=list)  # files a record points to
    deleted: bool = False  # an OAI-PMH deleted record
    part: str | None = None  # which record of a multi-record file ("#3", "id 1234")
    garbage_ratio: float | None = None
    word_ratio: float | None = None
    needs_ocr: bool = False
    text_origin: str = "text"
    # What was read with a repair a documentalist should know of (bad bytes, pages left
    # without OCR, ...): recorded as the item's message of an otherwise successful
    # outcome. A warning may open with its code ("W120 page(s) 3 of 9 need OCR ..."),
    # which then becomes the item's code.
    warnings: list[str] = field(default_factory=list)

    @property
    def text(self) -> str:
        return "\n\n".join(p.text for p in self.pages if p.text)


@dataclass(frozen=True, slots=True)
class RecordFailure:
    """One unreadable record inside a multi-record file."""

    part: str
    error: IngestError


@runtime_checkable
class Extractor(Protocol):
    """Reads one kind of input file."""

    name: str

    def sniff(self, path: Path, head: bytes) -> bool:
        """True when this extractor reads the file (by content first, then extension)."""
        ...

    def extract(
        self, path: Path, ctx: ExtractContext
    ) -> Iterator[ExtractedDocument | RecordFailure]:
        """Yield the documents of the file; raise IngestError when the whole file fails."""
        ...
