"""Check the generated sample corpus: every file opens (or fails) as gold.jsonl says.

    .venv/bin/python corpus-src/check_corpus.py

For each normal PDF, text is extracted with pypdfium2 and pdfplumber and must contain
accented French words; scanned PDFs must have no text layer (or only the stamp); the
encrypted PDF must need its password; the owner-password PDF must open without one;
the truncated PDF must fail to open. Prints one line per file and exits 1 on a mismatch.
"""

from __future__ import annotations

import html
import json
import re
import sys
import unicodedata
from pathlib import Path

import pdfplumber
import pypdfium2 as pdfium

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "cites2024"
FRENCH = ("é", "è", "à", "ç", "ê")


def pdfium_text(path: Path, password: str | None = None) -> str:
    doc = pdfium.PdfDocument(path, password=password)
    try:
        return "\n".join(page.get_textpage().get_text_range() for page in doc)
    finally:
        doc.close()


def plumber_text(path: Path, password: str = "") -> str:
    with pdfplumber.open(path, password=password) as pdf:
        return "\n".join(page.extract_text() or "" for page in pdf.pages)


def check_pdf(path: Path, gold: dict[str, object]) -> str:
    expect = gold.get("expect")
    name = unicodedata.normalize("NFC", path.name)
    if expect == "failed":
        try:
            pdfium_text(path)
        except pdfium.PdfiumError as exc:
            if "Lens" in name:
                return f"fails to open as expected ({exc})"
            # the encrypted one must open with its password
            text = pdfium_text(path, PASSWORD)
            plumber = plumber_text(path, PASSWORD)
            assert "parents" in text and "parents" in plumber, "password does not open it"
            return f"needs the password ({exc}); opens with '{PASSWORD}'"
        raise AssertionError("opened but should fail")
    text = pdfium_text(path)
    if expect == "needs-ocr":
        stripped = text.strip()
        assert len(stripped) < 40, f"scan has a text layer: {stripped[:60]!r}"
        return f"no real text layer ({stripped!r})"
    plumber = plumber_text(path)
    for label, extracted in (("pypdfium2", text), ("pdfplumber", plumber)):
        minimum = 300 if gold.get("doc_type") == "plaquette" else 800
        assert len(extracted) > minimum, f"{label}: too little text ({len(extracted)} chars)"
        assert all(ch in extracted for ch in ("é", "à")), f"{label}: accents missing"
        assert "(cid:" not in extracted and "\ufffd" not in extracted, f"{label}: garbage"
    meta = pdfium.PdfDocument(path).get_metadata_dict()
    words = len(plumber.split())
    title = meta.get("Title") or "(sans titre)"
    extra = ""
    with pdfplumber.open(path) as pdf:
        raw = "".join(page.extract_text(expand_ligatures=False) or "" for page in pdf.pages)
    if any(c in raw for c in "ﬀﬁﬂﬃﬄ"):
        extra = (
            f", ligatures (pdfplumber brut)={sum(raw.count(c) for c in 'ﬀﬁﬂﬃﬄ')}"
            f", traits d'union conditionnels={raw.count(chr(0xAD))}"
        )
    return f"{len(pdfium.PdfDocument(path))} p., {words} mots, titre: {title[:50]}{extra}"


def main() -> int:
    golds = [json.loads(line) for line in (ROOT / "corpus" / "gold.jsonl").read_text().splitlines()]
    failures = 0
    # corpus/notices/ holds COSOTER record samples made elsewhere, not documents of this set
    files = {
        p.relative_to(ROOT).as_posix()
        for p in (ROOT / "corpus").rglob("*")
        if p.is_file() and p.name not in ("README.md", "gold.jsonl") and p.parent.name != "notices"
    }
    labelled = {g["path"] for g in golds}
    if files != labelled:
        print("files without labels:", sorted(files - labelled))
        print("labels without files:", sorted(labelled - files))
        failures += 1
    for gold in golds:
        path = ROOT / gold["path"]
        try:
            if path.suffix == ".pdf":
                result = check_pdf(path, gold)
            else:
                text = path.read_text(encoding="utf-8")
                if path.suffix == ".html":
                    text = html.unescape(re.sub(r"<[^>]+>", "", text))
                assert "URL de la source (modifié le" in text and "Poids :" in text
                assert "Dates: " in text and "[1] https://" in text
                result = f"{len(text.split())} mots, format page-web ok"
            print(f"ok    {gold['path']}: {result}")
        except AssertionError as exc:
            failures += 1
            print(f"FAIL  {gold['path']}: {exc}")
    print(f"{len(golds)} documents, {failures} problème(s)")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
