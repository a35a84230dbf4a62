"""A record may only attach files inside the allowed folders; anything else is refused (E111)."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from marcgen import unimarc_record, write_records
from pdfgen import french_pages, make_pdf
from recueil.catalogue.db import Catalogue
from recueil.catalogue.models import Document
from recueil.ingest.attachments import (
    AttachmentRefusal,
    allowed_folders,
    resolve_reference,
)

FAST = ("--no-tag", "--no-index")
SECRET = "MOT-DE-PASSE-CONFIDENTIEL"


@pytest.fixture
def layout(tmp_path: Path) -> dict[str, Path]:
    """records/ (the export), pdfs/ (--attachments), outside/ (must never be read)."""
    folders = {name: tmp_path / name for name in ("records", "pdfs", "outside")}
    for folder in folders.values():
        folder.mkdir()
    (folders["outside"] / "secret.txt").write_text(f"{SECRET}\n", encoding="utf-8")
    make_pdf(folders["outside"] / "secret.pdf", [f"Document confidentiel {SECRET}"])
    make_pdf(folders["records"] / "rapport-lens.pdf", french_pages(1))
    (folders["pdfs"] / "sous-dossier").mkdir()
    make_pdf(folders["pdfs"] / "sous-dossier" / "bilan-arras.pdf", french_pages(2))
    (folders["records"] / "lien.pdf").symlink_to(folders["outside"] / "secret.pdf")
    return folders


HOSTILE = {
    "absolute": lambda o: str(o / "secret.txt"),
    "file-url": lambda o: (o / "secret.pdf").as_uri(),
    "dotdot": lambda o: "../outside/secret.pdf",
    "dotdot-windows": lambda o: "..\\outside\\secret.txt",
    "symlink": lambda o: "lien.pdf",
    "windows-drive": lambda o: "C:\\Users\\cpo\\secret.pdf",
    "ftp": lambda o: "ftp://files.example.org/secret.pdf",
}


def test_references_are_resolved_only_inside_the_allowed_folders(
    layout: dict[str, Path],
) -> None:
    records_file = layout["records"] / "export.mrc"
    folders = allowed_folders(records_file, layout["pdfs"])
    for name, reference in HOSTILE.items():
        found = resolve_reference(reference(layout["outside"]), folders, records_file)
        assert isinstance(found, AttachmentRefusal), name
    assert resolve_reference("rapport-lens.pdf", folders) == (
        layout["records"] / "rapport-lens.pdf"
    )
    assert resolve_reference("sous-dossier/bilan-arras.pdf", folders) == (
        layout["pdfs"] / "sous-dossier" / "bilan-arras.pdf"
    )
    # An http(s) link is never fetched: only its file name is looked for locally.
    assert resolve_reference("https://cosoter.example.org/x/rapport-lens.pdf", folders) == (
        layout["records"] / "rapport-lens.pdf"
    )
    assert resolve_reference("absent.pdf", folders) is None
    assert resolve_reference("bilan:2022.pdf", folders) is None  # a colon is not a scheme
    assert isinstance(resolve_reference("file:/etc/passwd", folders), AttachmentRefusal)
    assert isinstance(resolve_reference("export.mrc", folders, records_file), AttachmentRefusal)


def _notice(
    number: int, title: str, subfields: list[tuple[str, str | bytes]], tag: str = "897"
) -> Any:
    return unimarc_record(
        str(8000 + number), [("200", [("a", title)]), (tag, subfields)], charset_code="50"
    )


def test_cli_refuses_hostile_attachments_and_keeps_the_notices(
    run_cli: Any, catalogue: Catalogue, layout: dict[str, Path]
) -> None:
    outside = layout["outside"]
    records = [
        _notice(n, f"Notice {name}", [("f", reference(outside))])
        for n, (name, reference) in enumerate(HOSTILE.items())
    ]
    records.append(_notice(20, "Notice 856 absolue", [("u", str(outside / "secret.pdf"))], "856"))
    records.append(_notice(30, "Rapport de Lens", [("f", "rapport-lens.pdf")]))
    records.append(_notice(31, "Bilan d'Arras", [("a", "sous-dossier/bilan-arras.pdf")]))
    export = write_records(layout["records"] / "export.mrc", records)

    result = run_cli("ingest", *FAST, "--json", "--attachments", str(layout["pdfs"]), str(export))
    report = json.loads(result.output)
    assert result.exit_code == 1  # refusals are failures the documentalist must see
    refused = [i for i in report["items"] if i["error_code"] == "E111"]
    assert len(refused) == len(HOSTILE) + 1
    assert all(i["outcome"] == "failed" for i in refused)
    assert all("attachment refused" in i["message"] for i in refused)
    assert report["counts"]["added"] == len(records)  # every notice went in

    with catalogue.session() as session:
        documents = session.scalars(select(Document)).all()
        texts = " ".join(p.text for d in documents for p in d.pages)
        attached = {d.filename: d.attached_to_id for d in documents if d.kind == "pdf"}
        notice_ids = {d.external_id: d.id for d in documents if d.kind == "record"}
    assert SECRET not in texts
    assert attached == {
        "rapport-lens.pdf": notice_ids["unimarc:8030"],
        "bilan-arras.pdf": notice_ids["unimarc:8031"],
    }
    # The refusals are in the run's report, and the secret is in no export.
    failed = json.loads(run_cli("runs", str(report["run_id"]), "--failed", "--json").output)
    assert {i["error_code"] for i in failed} == {"E111"}
    exported = run_cli("export", "--format", "csv").output
    assert SECRET not in exported


def test_records_folder_without_attachments_option(
    run_cli: Any, catalogue: Catalogue, layout: dict[str, Path]
) -> None:
    """Without --attachments, only the records file's own folder is allowed."""
    export = write_records(
        layout["records"] / "export.mrc",
        [
            _notice(1, "Rapport de Lens", [("f", "rapport-lens.pdf")]),
            _notice(2, "Bilan d'Arras", [("f", "sous-dossier/bilan-arras.pdf")]),
        ],
    )
    result = run_cli("ingest", *FAST, "--json", str(export))
    report = json.loads(result.output)
    assert result.exit_code == 0 and report["counts"] == {"added": 2}
    with catalogue.session() as session:
        pdfs = [d.filename for d in session.scalars(select(Document)) if d.kind == "pdf"]
    assert pdfs == ["rapport-lens.pdf"]


@pytest.mark.skipif(os.name != "posix", reason="symbolic links")
def test_symlinked_attachments_folder_is_allowed_as_resolved(layout: dict[str, Path]) -> None:
    """The allowed folder itself may be a link: what counts is where it resolves."""
    link = layout["records"].parent / "pdfs-lien"
    link.symlink_to(layout["pdfs"], target_is_directory=True)
    folders = allowed_folders(layout["records"] / "export.mrc", link)
    found = resolve_reference("sous-dossier/bilan-arras.pdf", folders)
    assert found == (layout["pdfs"] / "sous-dossier" / "bilan-arras.pdf").resolve()
