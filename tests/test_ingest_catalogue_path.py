"""The catalogue path (``ingest --no-tag``): new documents go in with one bulk insert.

What a bulk-inserted document holds must be what the ORM path (taken when an
analysis is attached) stores; a record met twice in one batch ends as one
document with the content of the last one.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

from sqlalchemy import select

from conftest import Cli
from recueil.catalogue.db import Catalogue, open_catalogue
from recueil.catalogue.models import Document
from recueil.config import resolve_settings

RECORDS = Path(__file__).parent / "data" / "records"
COLUMNS = (
    "sha256", "external_id", "original_path", "source", "filename", "mime_type",
    "size_bytes", "kind", "title", "language", "page_count", "word_count", "garbage_ratio",
    "word_ratio", "needs_ocr", "text_origin", "attached_to_id",
)  # fmt: skip
PAGE_WEB = """Fiche action : un lieu d'accueil enfants-parents à Roubaix

La Cité éducative de Roubaix ouvre un LAEP au centre social de l'Épeule.
Les familles y rencontrent des professionnelles de la petite enfance.

Dates : Mercredi 22 janvier 2020 - 17:00
Poids : 286.44 Ko
URL de la source (modifié le 24/03/2023 - 15:59): <https://www.irev.fr/fiche-laep-roubaix>
"""


def stored(catalogue: Catalogue) -> list[dict[str, Any]]:
    with catalogue.session() as session:
        documents = session.scalars(select(Document).order_by(Document.id)).all()
        return [
            {
                **{name: getattr(d, name) for name in COLUMNS},
                "created": d.created_at is not None and d.updated_at is not None,
                "pages": [(p.number, p.text, p.origin, p.garbage_ratio) for p in d.pages],
                "metadata": [(e.namespace, e.key, e.value) for e in d.metadata_entries],
            }
            for d in documents
        ]


def test_bulk_inserted_documents_are_what_the_orm_stores(tmp_path: Path) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "fiche-laep.txt").write_text(PAGE_WEB, encoding="utf-8")
    shutil.copy(RECORDS / "notices-pmb.xml", inbox / "notices-pmb.xml")
    found = []
    for name, tagging in (("bulk", ("--no-tag",)), ("orm", ())):
        home = tmp_path / name
        home.mkdir()
        result = Cli(home)("ingest", *tagging, "--no-index", "--json", str(inbox))
        assert result.exit_code == 0, result.output
        assert json.loads(result.output)["counts"] == {"added": 4}
        catalogue = open_catalogue(resolve_settings(home=home))
        found.append(stored(catalogue))
        catalogue.close()
    bulk, orm = found
    assert bulk == orm
    page = next(d for d in bulk if d["kind"] == "web")
    assert page["source"] == "https://www.irev.fr/fiche-laep-roubaix" and page["created"]
    assert ("web", "Poids", "286.44 Ko") in page["metadata"]


def test_a_record_met_twice_in_one_batch_keeps_the_last(run_cli: Any, catalogue: Catalogue) -> None:
    text = (RECORDS / "notices-pmb.xml").read_text(encoding="utf-8")
    first = text.index("<notice>")
    end = text.index("</notice>") + len("</notice>")
    notice = text[first:end]
    changed = notice.replace("6e rencontre des chefs de projet", "Septième rencontre des chefs")
    twice = text[:end] + "\n" + changed + text[end:]
    path = run_cli.home / "twice.xml"
    path.write_text(twice, encoding="utf-8")

    result = run_cli("ingest", "--no-tag", "--no-index", "--json", str(path))
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert report["counts"] == {"added": 3, "updated": 1}
    with catalogue.session() as session:
        document = session.scalars(
            select(Document).where(Document.external_id == "unimarc:1201")
        ).one()
        assert document.title.startswith("Septième rencontre des chefs")
        assert [p.number for p in document.pages] == [1]
        assert "6e rencontre" not in document.pages[0].text
        titles = [e.value for e in document.metadata_entries if "rencontre" in e.value]
        assert titles and not any("6e rencontre" in value for value in titles)


def test_without_analysis_extractions_run_from_this_process_in_order(tmp_path: Path) -> None:
    from pdfgen import french_pages, make_pdf
    from recueil.ingest.base import ExtractContext, ExtractedDocument
    from recueil.ingest.extract import start_extraction
    from recueil.ingest.work import process_in_order

    paths = []
    for index in range(6):
        if index % 3 == 1:
            path = make_pdf(tmp_path / f"{index}.pdf", french_pages(1))
        else:
            path = tmp_path / f"{index}.txt"
            path.write_text(f"Page {index}\n\nLa Cité éducative numéro {index}.", encoding="utf-8")
        paths.append(path)
    # Named as a text file, read as the PDF it is (in its child process, with limits).
    (tmp_path / "7.txt").write_bytes((tmp_path / "1.pdf").read_bytes())
    (tmp_path / "9.xlsx").write_bytes(b"PK\x03\x04 not a document")
    paths += [tmp_path / "7.txt", tmp_path / "9.xlsx"]
    ctx = ExtractContext(settings=resolve_settings(home=tmp_path / "home"))
    started = [start_extraction(p, ctx) for p in paths]
    assert [e.path.name for e in started if e.running] == ["1.pdf", "4.pdf", "7.txt"]
    assert [len(e.result()) for e in started[:-1]] == [1] * 7  # children read and ended

    found = list(process_in_order(paths, lambda p: p, ctx, jobs=2, tagging=None))
    assert [p for p, _ in found] == paths
    for path, processed in found[:-1]:
        assert processed.error is None and processed.extracted, path
        assert processed.analyses == [None]
        document = processed.extracted[0]
        assert isinstance(document, ExtractedDocument)
        assert document.kind == ("web" if int(path.stem) % 3 != 1 else "pdf")
        assert document.kind == "pdf" or f"numéro {path.stem}" in document.text
    assert found[-1][1].error is not None and found[-1][1].error.code == "E101"


def test_an_extraction_past_its_time_is_stopped(tmp_path: Path) -> None:
    from pdfgen import french_pages, make_pdf
    from recueil.ingest.base import ExtractContext
    from recueil.ingest.work import process_in_order

    paths = [make_pdf(tmp_path / f"{index}.pdf", french_pages(2)) for index in range(3)]
    ctx = ExtractContext(settings=resolve_settings(home=tmp_path / "home"), timeout_s=0.001)
    found = list(process_in_order(paths, lambda p: p, ctx, jobs=2, tagging=None))
    assert [p for p, _ in found] == paths
    assert {processed.error.code for _, processed in found if processed.error} == {"E107"}


def test_ids_are_read_back_where_insert_returning_is_missing(
    catalogue: Catalogue, tmp_path: Path, monkeypatch: Any
) -> None:
    from recueil.ingest.outcomes import IngestOptions
    from recueil.ingest.pipeline import ingest_paths

    # As with SQLite before 3.35: no INSERT ... RETURNING.
    monkeypatch.setattr(catalogue.engine.dialect, "insert_returning", False)
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    for index in range(3):
        (inbox / f"page-{index}.txt").write_text(f"Page {index} : l'école.", encoding="utf-8")
    options = IngestOptions(tag=False, index=False, jobs=1)
    report = ingest_paths(catalogue.settings, [inbox], options, catalogue=catalogue)
    assert report.counts == {"added": 3}
    with catalogue.session() as session:
        stored = {d.id: d.filename for d in session.scalars(select(Document))}
    assert {i.document_id: Path(i.source).name for i in report.items} == stored
