"""The development gold set (corpus-dev/) and side-by-side measures of tag sources.

``corpus-dev/labels.jsonl`` holds one hand-labelled document a line: ``id``,
``url``, ``licence``, ``title``, ``themes``, ``maybe``, ``reason``, ``split``
(``train`` or ``heldout``, fixed once) and the ``sha256`` of the text that was
labelled. Texts that may be redistributed are in ``corpus-dev/texts/``; the
others are rebuilt by ``scripts/dev_gold_fetch.py`` into a local cache.
Pure Python: no model, no catalogue.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from recueil.errors import GoldFileError

SPLITS = ("train", "heldout")
_REQUIRED = ("id", "url", "licence", "title", "themes", "maybe", "reason", "split")


@dataclass
class DevDoc:
    id: str
    url: str
    licence: str
    title: str
    themes: set[str]
    maybe: set[str]
    reason: str
    split: str
    sha256: str = ""
    redistributable: bool = False
    text: str | None = field(default=None, repr=False)


def read_dev_labels(path: Path, known_themes: Sequence[str]) -> list[DevDoc]:
    """Parse and check the labels file; GoldFileError names the line at fault."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise GoldFileError(f"cannot read {path}: {exc}") from exc
    docs: list[DevDoc] = []
    seen: set[str] = set()
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        where = f"{path}, line {number}"
        try:
            raw = json.loads(line)
        except json.JSONDecodeError as exc:
            raise GoldFileError(f"{where}: invalid JSON ({exc.msg})") from exc
        missing = [k for k in _REQUIRED if not isinstance(raw, dict) or k not in raw]
        if missing:
            raise GoldFileError(f"{where}: missing field(s) {', '.join(missing)}")
        for key in ("themes", "maybe"):
            unknown = sorted(set(raw[key]) - set(known_themes))
            if unknown:
                raise GoldFileError(f"{where}, field {key!r}: unknown theme codes {unknown}")
        if raw["split"] not in SPLITS or raw["id"] in seen:
            raise GoldFileError(f"{where}: bad split {raw['split']!r} or repeated id {raw['id']!r}")
        seen.add(raw["id"])
        docs.append(
            DevDoc(
                id=raw["id"],
                url=raw["url"],
                licence=raw["licence"],
                title=raw["title"],
                themes=set(raw["themes"]),
                maybe=set(raw["maybe"]),
                reason=raw["reason"],
                split=raw["split"],
                sha256=raw.get("sha256", ""),
                redistributable=bool(raw.get("redistributable", False)),
            )
        )
    return docs


def attach_texts(docs: Iterable[DevDoc], folders: Sequence[Path]) -> list[DevDoc]:
    """Give each document the text found first in ``folders`` (``<id>.txt``); return those found."""
    found = []
    for doc in docs:
        for folder in folders:
            path = folder / f"{doc.id}.txt"
            if path.is_file():
                doc.text = path.read_text(encoding="utf-8")
                found.append(doc)
                break
    return found


def is_dev_set(path: Path) -> bool:
    """A corpus-dev folder, or its labels file (lines with ``url`` and ``split``)."""
    if path.is_dir():
        return True
    try:
        with path.open(encoding="utf-8") as handle:
            first = next((line for line in handle if line.strip()), "")
        raw = json.loads(first) if first else None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        return False
    return isinstance(raw, dict) and "split" in raw and "url" in raw


def dev_documents(path: Path, codes: Sequence[str], split: str) -> tuple[list[DevDoc], int]:
    """The documents of one part of a development set whose text is at hand, and how many
    of that part are not (``texts/`` and ``.cache/texts/`` beside the labels)."""
    labels = path / "labels.jsonl" if path.is_dir() else path
    folders = [labels.parent / "texts", labels.parent / ".cache" / "texts"]
    part = [d for d in read_dev_labels(labels, codes) if d.split == split]
    found = attach_texts(part, folders)
    return found, len(part) - len(found)


def text_digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass(frozen=True, slots=True)
class Judged:
    """One document: its gold themes, its unsure themes, and the themes a source gave it."""

    themes: frozenset[str]
    maybe: frozenset[str]
    predicted: frozenset[str]


def theme_table(judged: Sequence[Judged], codes: Sequence[str]) -> dict[str, Any]:
    """Precision, recall, F1 per theme and macro-F1; ``maybe`` themes count neither way."""
    rows: list[dict[str, Any]] = []
    for code in codes:
        tp = fp = fn = 0
        for item in judged:
            if code in item.maybe:
                continue
            hit, gold = code in item.predicted, code in item.themes
            tp += hit and gold
            fp += hit and not gold
            fn += gold and not hit
        p = tp / (tp + fp) if tp + fp else 0.0
        r = tp / (tp + fn) if tp + fn else 0.0
        f1 = 2 * p * r / (p + r) if p + r else 0.0
        rows.append(
            {"theme": code, "tp": tp, "fp": fp, "fn": fn, "precision": p, "recall": r, "f1": f1}
        )
    seen = [row for row in rows if row["tp"] + row["fp"] + row["fn"]]
    macro = sum(row["f1"] for row in seen) / len(seen) if seen else 0.0
    return {"documents": len(judged), "macro_f1": macro, "themes": rows}


def side_by_side(tables: Mapping[str, Mapping[str, Any]], codes: Sequence[str]) -> str:
    """A plain-text table: one line per theme, F1 (precision/recall) for each source."""
    names = list(tables)
    head = f"{'theme':<22}" + "".join(f"{n:>20}" for n in names)
    lines = [head, "-" * len(head)]
    for code in codes:
        cells = []
        for name in names:
            row = next(r for r in tables[name]["themes"] if r["theme"] == code)
            cells.append(f"{row['f1']:.2f} ({row['precision']:.2f}/{row['recall']:.2f})")
        lines.append(f"{code:<22}" + "".join(f"{c:>20}" for c in cells))
    lines.append("-" * len(head))
    lines.append(f"{'macro-F1':<22}" + "".join(f"{tables[n]['macro_f1']:>20.3f}" for n in names))
    lines.append(f"{'documents':<22}" + "".join(f"{tables[n]['documents']:>20}" for n in names))
    return "\n".join(lines)
