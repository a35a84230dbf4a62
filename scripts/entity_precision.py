"""Precision of the entities recueil shows, on hand-checked entities of corpus-dev/ texts.

    .venv/bin/python scripts/entity_precision.py dump OUT.jsonl   # entities the code finds now
    .venv/bin/python scripts/entity_precision.py measure          # precision before and after

The sample: every entity found in a fixed set of development documents (seeded
draw of DOCS documents). corpus-dev/entities-checked.jsonl holds one judged
entity a line: {"doc", "label", "text", "ok", "why"}; ``ok`` is true when the
span is a real person, organisation, place or named programme, of that label,
written whole and worth showing to a CPO. corpus-dev/entities-before.jsonl is
what the code found before the clean-up (kept to measure "before").
"""

from __future__ import annotations

import json
import random
import sys
import tempfile
from pathlib import Path

from dev_gold_common import DEV, dev_docs

from recueil.config import resolve_settings
from recueil.tagging.themes import load_themes

DOCS = 50
CHECKED = DEV / "entities-checked.jsonl"
BEFORE = DEV / "entities-before.jsonl"


def sample_docs():  # type: ignore[no-untyped-def]
    _, docs = dev_docs(list(load_themes().codes))
    docs = sorted(docs, key=lambda d: d.id)
    return random.Random(14).sample(docs, DOCS)


def found_now() -> list[dict[str, str]]:
    from recueil.tagging.analyse import Analyser, AnalysisInput

    docs = sample_docs()
    with tempfile.TemporaryDirectory() as home:
        analyser = Analyser(resolve_settings(home=Path(home)))
        results = analyser.analyse(AnalysisInput(d.title, d.text or "") for d in docs)
        return [
            {"doc": d.id, "label": e.label, "text": e.text}
            for d, a in zip(docs, results, strict=True)
            for e in a.entities
        ]


def precision(found: list[dict[str, str]], checked: dict[tuple[str, str, str], bool]) -> str:
    keys = [(f["doc"], f["label"], f["text"]) for f in found]
    judged = [checked[k] for k in keys if k in checked]
    missing = [k for k in keys if k not in checked]
    ok = sum(judged)
    share = ok / len(judged) if judged else 0.0
    note = f", {len(missing)} not checked yet" if missing else ""
    return f"{ok}/{len(judged)} correct = {share:.3f}{note}"


def main() -> None:
    if len(sys.argv) >= 3 and sys.argv[1] == "dump":
        rows = found_now()
        Path(sys.argv[2]).write_text(
            "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8"
        )
        print(f"{len(rows)} entities in {DOCS} documents -> {sys.argv[2]}")
        return
    checked = {}
    for line in CHECKED.read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        checked[(row["doc"], row["label"], row["text"])] = bool(row["ok"])
    before = [json.loads(x) for x in BEFORE.read_text(encoding="utf-8").splitlines()]
    after = found_now()
    print(f"hand-checked entities: {len(checked)} (in {DOCS} corpus-dev documents)")
    print(f"before: {precision(before, checked)}")
    print(f"after:  {precision(after, checked)}")
    unchecked = {(f["doc"], f["label"], f["text"]) for f in after} - set(checked)
    for key in sorted(unchecked):
        print(
            "  not checked:",
            json.dumps(dict(zip(("doc", "label", "text"), key, strict=True)), ensure_ascii=False),
        )


if __name__ == "__main__":
    main()
