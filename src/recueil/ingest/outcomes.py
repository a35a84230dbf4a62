"""Types of the ingestion pipeline: options, per-input reports, run reports."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from recueil.ingest.base import DEFAULT_MAX_BYTES, DEFAULT_TIMEOUT_S, ExtractedDocument
from recueil.ingest.discover import Input


@dataclass(frozen=True, slots=True)
class IngestOptions:
    password: str | None = None
    max_bytes: int = DEFAULT_MAX_BYTES
    timeout_s: float = DEFAULT_TIMEOUT_S
    ocr: str = "auto"
    attachments_dir: Path | None = None
    tag: bool = True
    index: bool = True
    resume_run: int | None = None
    jobs: int = 1


@dataclass(slots=True)
class ItemReport:
    source: str
    outcome: str
    document_id: int | None = None
    error_code: str | None = None
    message: str | None = None
    duration_s: float = 0.0
    pages: int | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "outcome": self.outcome,
            "document_id": self.document_id,
            "error_code": self.error_code,
            "message": self.message,
            "duration_s": round(self.duration_s, 3),
            "pages": self.pages,
        }


@dataclass(slots=True)
class RunReport:
    run_id: int
    items: list[ItemReport] = field(default_factory=list)
    duration_s: float = 0.0
    index_error: str | None = None

    @property
    def counts(self) -> dict[str, int]:
        return dict(Counter(item.outcome for item in self.items))

    @property
    def failed(self) -> bool:
        return any(item.outcome == "failed" for item in self.items)

    @property
    def pages(self) -> int:
        return sum(item.pages or 0 for item in self.items if item.outcome in ("added", "updated"))


@dataclass(frozen=True, slots=True)
class Prepared:
    """A file that passed the cheap checks and needs extraction."""

    sha: str
    started: float


Progress = Callable[[Input, ItemReport | None], None]


CODED_WARNING = re.compile(r"^(W\d{3}) ")


def stored_warning(
    extracted: ExtractedDocument, outcome: str, message: str | None
) -> tuple[str | None, str | None]:
    """(code, message) of a stored document: its warnings when it was added or updated
    with some, the code of the first coded one (e.g. W120, pages left without OCR)."""
    if not extracted.warnings or outcome not in ("added", "updated"):
        return None, message
    codes = [m.group(1) for w in extracted.warnings if (m := CODED_WARNING.match(w))]
    texts = [CODED_WARNING.sub("", w) for w in extracted.warnings]
    return (codes[0] if codes else None), "; ".join(texts)
