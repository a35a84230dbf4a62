"""Records through the real pipeline: notices added, updated by id, failures per record, attachments."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

from sqlalchemy import select

from pdfgen import french_pages, make_pdf
from recueil.catalogue.db import Catalogue
from recueil.catalogue.models import Document
from recueil.ingest.records.mapping import notice_fields

DATA = Path(__file__).parent / "data" / "records"
FAST = ("--no-tag", "--no-index")


def ingest(run_cli: Any, *args: str) -> tuple[int, dict[str, Any]]:
    result = run_cli("ingest", *FAST, "--json", *args)
    return result.exit_code, json.loads(result.output)


def notices(catalogue: Catalogue) -> dict[str, Document]:
    with catalogue.session() as session:
        found = session.scalars(select(Document).where(Document.doc_type == "notice")).all()
        for document in found:
            _ = document.metadata_entries, document.pages
        return {d.external_id or "": d for d in found}


def test_records_become_notices(run_cli: Any, catalogue: Catalogue) -> None:
    code, report = ingest(run_cli, str(DATA / "notices-utf8.mrc"))
    assert code == 0
    assert report["counts"] == {"added": 3}
    assert [i["source"].rsplit("#", 1)[1] for i in report["items"]] == [
        "1 (1201)",
        "2 (1202)",
        "3 (1203)",
    ]
    found = notices(catalogue)
    assert sorted(found) == ["unimarc:1201", "unimarc:1202", "unimarc:1203"]
    document = found["unimarc:1203"]
    assert document.kind == "record" and document.text_origin == "record"
    assert document.title == "Lutter contre le décrochage dès la 6e"
    fields = notice_fields(document)
    assert fields["author"] == ["Martin, Lucas [070]"] and fields["coauthor"] == [
        "Nguyen, Thi Hoa [070]"
    ]
    assert fields["keyword"] == ["GPDS", "absentéisme", "raccrochage", "mission locale"]
    assert document.meta("marc", "001") == "1203"


def test_same_records_in_another_format_update(run_cli: Any, catalogue: Catalogue) -> None:
    ingest(run_cli, str(DATA / "notices-utf8.mrc"))
    before = {k: (d.id, notice_fields(d)) for k, d in notices(catalogue).items()}
    code, report = ingest(run_cli, str(DATA / "notices-pmb.xml"))
    assert code == 0
    assert report["counts"] == {"updated": 3}
    after = {k: (d.id, notice_fields(d)) for k, d in notices(catalogue).items()}
    assert after == before  # same documents, same mapped fields, no second copy
    assert notices(catalogue)["unimarc:1201"].meta("record", "format") == "pmb-xml"
    code, report = ingest(run_cli, str(DATA / "notices-pmb.xml"))
    assert set(report["counts"]) == {"duplicate"}  # the same file again changes nothing


def test_changed_record_is_updated_in_place(
    run_cli: Any, catalogue: Catalogue, tmp_path: Path
) -> None:
    ingest(run_cli, str(DATA / "notices-pmb.xml"))
    original = notices(catalogue)["unimarc:1203"].id
    changed = tmp_path / "pmb-modifie.xml"
    changed.write_text(
        (DATA / "notices-pmb.xml")
        .read_text(encoding="utf-8")
        .replace("Lutter contre le décrochage", "Prévenir le décrochage"),
        encoding="utf-8",
    )
    _code, report = ingest(run_cli, str(changed))
    assert sorted(i["outcome"] for i in report["items"]) == ["duplicate", "duplicate", "updated"]
    document = notices(catalogue)["unimarc:1203"]
    assert document.id == original
    assert document.title == "Prévenir le décrochage dès la 6e"
    assert "Prévenir le décrochage" in document.text


def test_bad_records_fail_one_by_one(run_cli: Any, catalogue: Catalogue) -> None:
    code, report = ingest(run_cli, str(DATA / "mixed-broken.mrc"))
    assert code == 1
    # The broken structure fails alone; the record in another encoding is kept, with a warning.
    assert report["counts"] == {"added": 3, "failed": 1}
    failed = [i for i in report["items"] if i["outcome"] == "failed"]
    assert [i["error_code"] for i in failed] == ["E110"]
    assert "broken ISO 2709 structure" in failed[0]["message"]
    kept = next(i for i in report["items"] if i["source"].endswith("#3 (1202)"))
    assert kept["outcome"] == "added"
    assert kept["message"].startswith("fields 200$a, 200$e, 210$c")
    assert kept["message"].endswith("read as Windows-1252, not UTF-8 as the record declares")
    assert sorted(notices(catalogue)) == ["unimarc:1201", "unimarc:1202", "unimarc:1204"]


def test_attached_pdf_is_ingested_and_linked(
    run_cli: Any, catalogue: Catalogue, tmp_path: Path
) -> None:
    records = tmp_path / "notices"
    records.mkdir()
    shutil.copy(DATA / "notices-utf8.mrc", records / "export.mrc")
    pdfs = tmp_path / "pdfs"
    pdfs.mkdir()
    make_pdf(pdfs / "2022-06-09_6e-rencontre-CPO-HDF_IREV.pdf", french_pages(2))
    code, _report = ingest(run_cli, "--attachments", str(pdfs), str(records / "export.mrc"))
    assert code == 0
    notice = notices(catalogue)["unimarc:1201"]
    with catalogue.session() as session:
        attached = session.scalars(
            select(Document).where(Document.attached_to_id == notice.id)
        ).all()
        assert [d.filename for d in attached] == ["2022-06-09_6e-rencontre-CPO-HDF_IREV.pdf"]
        assert attached[0].kind == "pdf"
