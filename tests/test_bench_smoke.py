"""The benchmark runs end to end on a tiny corpus and prints every table (no timing asserted)."""

from __future__ import annotations

from pathlib import Path

import pytest

from recueil.bench.__main__ import main
from recueil.bench.files import ensure_files, is_pdf

TABLES = (
    "## PDF text extraction, pages/s",
    "## Tagging, words/s",
    "## End-to-end ingest, pages/s",
    "## Catalogue path: ingestion without NLP or index",
    "## Index build, docs/s",
    "## Query latency, ms",
    "## One search command, wall s",
    "## Targets",
    "## Peak RSS per stage",
)


def test_corpus_is_reproducible(tmp_path: Path) -> None:
    first, _ = ensure_files(tmp_path / "a", seed=3, count=11)
    second, _ = ensure_files(tmp_path / "b", seed=3, count=11)
    assert [p.name for p in first] == [p.name for p in second]
    assert [p.read_bytes()[:4] for p in first if is_pdf(int(p.stem))] == [b"%PDF", b"%PDF"]
    texts = [p.read_text(encoding="utf-8") for p in first if p.suffix == ".txt"]
    assert texts == [p.read_text(encoding="utf-8") for p in second if p.suffix == ".txt"]
    assert any("cité éducative" in t.lower() for t in texts)


@pytest.mark.slow
def test_bench_prints_every_table(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "report.md"
    code = main(["--sizes", "5", "--quick", "--cache", str(tmp_path / "cache"), "--out", str(out)])
    assert code == 0
    printed = capsys.readouterr().out
    for title in TABLES:
        assert title in printed
    assert "`recueil search" in printed and "bare tantivy" in printed
    assert "small text files" in printed and "bare baseline: records" in printed
    assert out.read_text(encoding="utf-8").strip() == printed.strip()
    # The corpus is cached: a second generation writes nothing new.
    before = sorted(p.name for p in (tmp_path / "cache").rglob("*.pdf"))
    assert before == ["00000.pdf"]


@pytest.mark.slow
def test_catalogue_path_alone(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    cache = tmp_path / "cache"
    args = ["--catalogue-only", "--small", "6", "--records", "4", "--cache", str(cache)]
    assert main(args) == 0
    printed = capsys.readouterr().out
    assert "## Catalogue path: ingestion without NLP or index" in printed
    assert "## Index build, docs/s" not in printed  # nothing else is measured
    rows = [line for line in printed.splitlines() if line.startswith("| `recueil ingest")]
    assert len(rows) == 2
    for row in rows:  # items, wall s, CPU s, two rates, two ratios to the baseline, load
        cells = [cell.strip() for cell in row.strip("|").split("|")]
        assert cells[1] in ("6", "4") and float(cells[3]) > 0
        assert cells[6].endswith("×") and cells[7].endswith("×")
    assert sorted(p.name for p in (cache / "seed7-small").iterdir())[-1] == "page-00005.txt"
    assert (cache / "seed7-records" / "notices-4.xml").exists()
