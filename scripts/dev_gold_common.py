"""Shared by the development-set scripts: where texts live, and the sample corpus as examples."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

from recueil.config import resolve_settings
from recueil.errors import RecueilError
from recueil.tagging.devset import DevDoc, attach_texts, read_dev_labels

ROOT = Path(__file__).resolve().parents[1]
DEV = ROOT / "corpus-dev"
LABELS = DEV / "labels.jsonl"
TEXT_FOLDERS = (DEV / "texts", DEV / ".cache" / "texts")


def dev_docs(codes: list[str]) -> tuple[list[DevDoc], list[DevDoc]]:
    """All labelled documents, and those whose text is at hand."""
    docs = read_dev_labels(LABELS, codes)
    return docs, attach_texts(docs, TEXT_FOLDERS)


def sample_corpus(
    gold: Path = ROOT / "corpus" / "gold.jsonl",
) -> list[tuple[str, str, list[str], list[str]]]:
    """(title, text, themes, maybe) of every sample-corpus document that extracts without OCR."""
    from recueil.ingest.base import ExtractContext, ExtractedDocument
    from recueil.ingest.extract import extract_file

    out = []
    with tempfile.TemporaryDirectory() as home:
        ctx = ExtractContext(resolve_settings(home=Path(home)), ocr="never")
        for line in gold.read_text(encoding="utf-8").splitlines():
            item = json.loads(line)
            if item.get("expect") in ("failed", "needs-ocr"):
                continue
            try:
                found = extract_file(ROOT / item["path"], ctx)
            except RecueilError:
                continue
            for doc in found:
                if isinstance(doc, ExtractedDocument) and doc.text.strip():
                    out.append((doc.title or "", doc.text, item["themes"], item.get("maybe", [])))
    return out
