"""`recueil check [--repair]` on real homes damaged the ways crashes and people damage them."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from sqlalchemy import select

from pdfgen import french_pages, make_pdf
from recueil.catalogue.db import Catalogue
from recueil.catalogue.models import Document, IngestionRun


def ingest_two(run_cli, tmp_path: Path) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    make_pdf(inbox / "cr-roubaix.pdf", french_pages(2), metadata={"title": "Rencontre à Roubaix"})
    make_pdf(inbox / "synthese.pdf", french_pages(1), metadata={"title": "Synthèse parentalité"})
    result = run_cli("ingest", "--no-tag", "--jobs", "1", "--json", str(inbox))
    assert result.exit_code == 0, result.output


def check(run_cli, *args: str) -> tuple[int, dict]:
    result = run_cli("check", "--json", *args)
    return result.exit_code, json.loads(result.stdout)


def kinds(report: dict, *, remaining: bool = True) -> set[str]:
    return {p["kind"] for p in report["problems"] if not (remaining and p["repaired"])}


def test_a_clean_home_is_consistent(run_cli, tmp_path: Path) -> None:
    ingest_two(run_cli, tmp_path)
    code, report = check(run_cli)
    assert (code, report["ok"], report["problems"]) == (0, True, [])
    assert (report["documents"], report["originals"]) == (2, 2)


def test_originals_missing_altered_orphaned_and_temp_files(
    run_cli, tmp_path: Path, settings
) -> None:
    ingest_two(run_cli, tmp_path)
    cat = Catalogue(settings)
    with cat.session() as session:
        first, second = session.scalars(select(Document).order_by(Document.id)).all()
    cat.close()
    home = settings.home
    (home / str(first.original_path)).unlink()  # lost
    altered = home / str(second.original_path)
    altered.chmod(0o644)
    altered.write_bytes(altered.read_bytes() + b"%% altered\n")
    orphan = home / "originals" / "ff" / ("f" * 64 + ".pdf")
    orphan.parent.mkdir(parents=True)
    orphan.write_bytes(b"%PDF-1.7 orphan")
    temp = home / "originals" / "ff" / ".tmp-abc123"
    temp.write_bytes(b"half a copy")

    code, report = check(run_cli)
    assert code == 1
    assert kinds(report) == {
        "missing-original",
        "checksum-mismatch",
        "orphan-original",
        "temp-file",
    }
    by_kind = {p["kind"]: p for p in report["problems"]}
    assert by_kind["missing-original"]["subject"] == f"document {first.id}"
    # The source files are still in the inbox: both originals can be re-archived.
    assert by_kind["missing-original"]["repairable"] and by_kind["checksum-mismatch"]["repairable"]

    code, repaired = check(run_cli, "--repair")
    assert code == 0 and kinds(repaired) == set(), repaired
    assert not orphan.exists() and not temp.exists()
    assert (home / str(first.original_path)).is_file()
    assert (home / "quarantine" / altered.name).is_file()  # the damaged copy is kept aside
    assert check(run_cli) == (0, check(run_cli)[1]) and check(run_cli)[1]["ok"]


def test_a_lost_original_without_source_cannot_be_repaired(
    run_cli, tmp_path: Path, settings
) -> None:
    ingest_two(run_cli, tmp_path)
    for pdf in (tmp_path / "inbox").iterdir():
        pdf.unlink()
    cat = Catalogue(settings)
    with cat.session() as session:
        doc = session.scalars(select(Document).order_by(Document.id)).first()
    cat.close()
    assert doc is not None
    (settings.home / str(doc.original_path)).unlink()
    code, report = check(run_cli, "--repair")
    assert code == 1
    (problem,) = report["problems"]
    assert (problem["kind"], problem["repairable"], problem["repaired"]) == (
        "missing-original",
        False,
        False,
    )


def test_index_missing_stale_and_orphaned(run_cli, tmp_path: Path, settings) -> None:
    ingest_two(run_cli, tmp_path)
    assert check(run_cli)[0] == 0
    cat = Catalogue(settings)
    with cat.transaction() as session:
        docs = session.scalars(select(Document).order_by(Document.id)).all()
        docs[0].title = "Rencontre régionale (titre corrigé)"  # stale in the index
        session.delete(docs[1])  # orphaned in the index
        session.add(Document(source="notice-42", kind="record", title="Notice ajoutée"))
    cat.close()
    code, report = check(run_cli)
    assert code == 1
    # The deleted document's original stays in the archive: an orphan now.
    assert kinds(report) == {
        "index-stale",
        "index-orphaned",
        "index-missing-documents",
        "orphan-original",
    }
    code, report = check(run_cli, "--repair")
    assert code == 0 and all(p["repaired"] for p in report["problems"])
    found = json.loads(run_cli("search", "titre corrigé", "--json").stdout)
    assert "corrigé" in json.dumps(found, ensure_ascii=False)
    assert check(run_cli)[0] == 0


def test_no_index_at_all_is_rebuilt(run_cli, tmp_path: Path, settings) -> None:
    ingest_two(run_cli, tmp_path)
    import shutil

    shutil.rmtree(settings.index_dir)
    code, report = check(run_cli)
    assert code == 1 and kinds(report) == {"index-missing"}
    assert check(run_cli, "--repair")[0] == 0
    assert check(run_cli)[0] == 0


def test_dead_run_is_reported_and_marked_interrupted(run_cli, tmp_path: Path, settings) -> None:
    ingest_two(run_cli, tmp_path)
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True)  # fmt: skip
    pid = int(dead.stdout)  # a process that has ended
    live_pid = os.getpid()
    cat = Catalogue(settings)
    with cat.transaction() as session:
        import socket

        host = socket.gethostname()
        session.add(IngestionRun(status="running", host=host, arguments={"pid": pid}))
        session.add(IngestionRun(status="running", host="autre-poste", arguments={"pid": 1}))
        session.add(IngestionRun(status="running", host=host, arguments={"pid": live_pid}))
    cat.close()
    code, report = check(run_cli)
    assert code == 1
    (problem,) = report["problems"]
    # Run 1 is the ingest above; run 2 died, run 3 is elsewhere, run 4 is alive.
    assert problem["kind"] == "interrupted-run" and "--resume 2" in problem["detail"]
    assert any("autre-poste" in note for note in report["notes"])
    code, report = check(run_cli, "--repair")
    assert code == 0
    runs = {r["id"]: r["status"] for r in json.loads(run_cli("runs", "--json").stdout)}
    assert (runs[2], runs[3], runs[4]) == ("interrupted", "running", "running")
    assert any("--resume 2" in note for note in check(run_cli)[1]["notes"])
