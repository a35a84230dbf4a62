"""Ingestion through the real CLI: every outcome, idempotence, reports.

PDFs are real files generated in the test (tests/pdfgen.py); tagging and
indexing are switched off here (they have their own tests) so that each test
exercises exactly the pipeline's outcomes.
"""

from __future__ import annotations

import json
import unicodedata
from pathlib import Path

import pytest

from pdfgen import (
    french_pages,
    make_encrypted_pdf,
    make_garbage_pdf,
    make_pdf,
    make_scanned_pdf,
    make_truncated_pdf,
    make_zero_page_pdf,
)
from recueil.catalogue.db import open_catalogue
from recueil.catalogue.models import Document, IngestionItem, IngestionRun
from recueil.config import Settings
from recueil.ingest.discover import locator

FAST = ("--no-tag", "--no-index")


def ingest(run_cli, *args: str):
    result = run_cli("ingest", *FAST, "--json", *args)
    report = json.loads(result.output)
    return result, report


def outcomes(report: dict) -> dict[str, tuple[str, str | None]]:
    return {Path(i["source"]).name: (i["outcome"], i["error_code"]) for i in report["items"]}


@pytest.fixture
def inbox(tmp_path: Path) -> Path:
    folder = tmp_path / "inbox"
    folder.mkdir()
    return folder


def test_every_outcome_is_recorded(run_cli, inbox: Path) -> None:
    make_pdf(inbox / "compte-rendu.pdf", french_pages(2), metadata={"title": "Rencontre des CPO"})
    make_encrypted_pdf(inbox / "protege.pdf", user_password="cites2024")
    make_encrypted_pdf(inbox / "ouvert.pdf", user_password="")
    make_truncated_pdf(inbox / "tronque.pdf")
    make_garbage_pdf(inbox / "faux.pdf")
    make_zero_page_pdf(inbox / "vide.pdf")
    make_scanned_pdf(inbox / "scan.pdf", pages=1)
    (inbox / "tableau.xlsx").write_bytes(b"PK\x03\x04 not a document")
    (inbox / "README.md").write_text("Dossier de travail", encoding="utf-8")

    # --ocr never: the scan stays unread (E105); OCR has its own tests.
    result, report = ingest(run_cli, "--ocr", "never", str(inbox))
    assert result.exit_code == 1  # some inputs failed
    got = outcomes(report)
    assert got["compte-rendu.pdf"] == ("added", None)
    assert got["ouvert.pdf"] == ("added", None)
    assert got["protege.pdf"] == ("failed", "E102")
    assert got["tronque.pdf"][0] == "failed" and got["tronque.pdf"][1] in ("E103",)
    assert got["faux.pdf"] == ("failed", "E103")
    assert got["vide.pdf"] == ("failed", "E104")
    assert got["scan.pdf"] == ("failed", "E105")
    assert got["tableau.xlsx"] == ("skipped", "E101")
    assert got["README.md"] == ("skipped", None)
    assert report["counts"] == {"added": 2, "failed": 5, "skipped": 2}
    for item in report["items"]:
        if item["outcome"] == "failed":
            assert item["message"], item


def test_password_opens_encrypted_pdf(run_cli, inbox: Path) -> None:
    make_encrypted_pdf(inbox / "protege.pdf", user_password="cites2024")
    result, report = ingest(run_cli, "--password", "cites2024", str(inbox / "protege.pdf"))
    assert result.exit_code == 0
    assert outcomes(report)["protege.pdf"] == ("added", None)


def test_rerun_is_idempotent(run_cli, inbox: Path, home: Path, settings: Settings) -> None:
    make_pdf(inbox / "a.pdf", french_pages(1))
    make_pdf(inbox / "b.pdf", french_pages(2))
    _, first = ingest(run_cli, str(inbox))
    assert first["counts"] == {"added": 2}
    _, second = ingest(run_cli, str(inbox))
    assert second["counts"] == {"duplicate": 2}
    ids = {i["document_id"] for i in first["items"]}
    assert {i["document_id"] for i in second["items"]} == ids
    cat = open_catalogue(settings)
    with cat.session() as session:
        assert session.query(Document).count() == 2
        assert session.query(IngestionRun).count() == 2
    cat.close()
    originals = list((home / "originals").rglob("*.pdf"))
    assert len(originals) == 2


def test_same_content_under_another_name_is_a_duplicate(run_cli, inbox: Path) -> None:
    make_pdf(inbox / "a.pdf", french_pages(1))
    (inbox / "copie de a.pdf").write_bytes((inbox / "a.pdf").read_bytes())
    _, report = ingest(run_cli, str(inbox))
    got = {Path(i["source"]).name: i for i in report["items"]}
    assert got["a.pdf"]["outcome"] == "added"
    assert got["copie de a.pdf"]["outcome"] == "duplicate"
    assert got["copie de a.pdf"]["document_id"] == got["a.pdf"]["document_id"]
    assert str(got["a.pdf"]["document_id"]) in got["copie de a.pdf"]["message"]


def test_nfd_file_name(run_cli, inbox: Path) -> None:
    name = unicodedata.normalize("NFD", "Synthèse des échanges.pdf")
    make_pdf(inbox / name, french_pages(1))
    _, report = ingest(run_cli, str(inbox))
    assert report["counts"] == {"added": 1}
    source = report["items"][0]["source"]
    assert source.endswith("Synthèse des échanges.pdf")
    assert unicodedata.is_normalized("NFC", source)
    _, again = ingest(run_cli, str(inbox / name))
    assert again["counts"] == {"duplicate": 1}


def test_too_large_and_missing(run_cli, inbox: Path) -> None:
    make_pdf(inbox / "gros.pdf", french_pages(3))
    result, report = ingest(
        run_cli, "--max-size", "0.001", str(inbox / "gros.pdf"), str(inbox / "absent.pdf")
    )
    assert result.exit_code == 1
    got = outcomes(report)
    assert got["gros.pdf"] == ("failed", "E106")
    assert got["absent.pdf"] == ("failed", "E108")


def test_timeout_stops_a_slow_extraction(run_cli, inbox: Path) -> None:
    # 100 pages cannot be opened and extracted in 10 ms: the child is killed.
    make_pdf(inbox / "long.pdf", french_pages(100))
    _, report = ingest(run_cli, "--timeout", "0.01", str(inbox / "long.pdf"))
    assert outcomes(report)["long.pdf"] == ("failed", "E107")
    _, report = ingest(run_cli, str(inbox / "long.pdf"))
    assert outcomes(report)["long.pdf"] == ("added", None)


def test_globs_and_reports(run_cli, inbox: Path) -> None:
    make_pdf(inbox / "a.pdf", french_pages(1), metadata={"title": "Rencontre régionale des CPO"})
    make_truncated_pdf(inbox / "b.pdf")
    (inbox / "note.txt").write_text("Note de travail sans intérêt.\n", encoding="utf-8")
    result = run_cli("ingest", *FAST, str(inbox / "*.pdf"))
    assert result.exit_code == 1
    assert "Run 1" in result.stderr
    runs = json.loads(run_cli("runs", "--json").output)
    assert runs[0]["added"] == 1 and runs[0]["failed"] == 1 and runs[0]["status"] == "finished"
    failed = json.loads(run_cli("runs", "1", "--failed", "--json").output)
    assert [Path(f["source"]).name for f in failed] == ["b.pdf"]
    listed = json.loads(run_cli("list", "--json").output)
    assert [d["title"] for d in listed] == ["Rencontre régionale des CPO"]
    shown = json.loads(run_cli("show", str(listed[0]["id"]), "--json").output)
    assert shown["pages"] == 1 and shown["original"].startswith(str(run_cli.home))
    assert Path(shown["original"]).read_bytes() == (inbox / "a.pdf").read_bytes()
    missing = run_cli("show", "999")
    assert missing.exit_code == 1 and "E012" in missing.stderr


def test_resume_skips_inputs_already_done(
    run_cli, inbox: Path, home: Path, settings: Settings
) -> None:
    for name in ("a", "b", "c"):
        make_pdf(inbox / f"{name}.pdf", [*french_pages(1), name])
    _, first = ingest(run_cli, str(inbox / "a.pdf"))
    run_id = first["run_id"]
    # Simulate a run interrupted after its first input: mark it interrupted and
    # resume it with the full list of inputs.
    cat = open_catalogue(settings)
    with cat.transaction() as session:
        run = session.get(IngestionRun, run_id)
        assert run is not None
        run.status = "interrupted"
        run.arguments = {
            **(run.arguments or {}),
            "inputs": [str(inbox / n) for n in ("a.pdf", "b.pdf", "c.pdf")],
            "paths": [locator(inbox / n) for n in ("a.pdf", "b.pdf", "c.pdf")],
        }
    _, resumed = ingest(run_cli, "--resume", str(run_id))
    assert resumed["run_id"] == run_id
    assert outcomes(resumed) == {"b.pdf": ("added", None), "c.pdf": ("added", None)}
    with cat.session() as session:
        items = session.query(IngestionItem).filter_by(run_id=run_id).all()
        assert sorted(Path(i.source).name for i in items) == ["a.pdf", "b.pdf", "c.pdf"]
        assert session.get(IngestionRun, run_id).status == "finished"  # type: ignore[union-attr]
    cat.close()
