"""Export: UNIMARC for PMB (themes in 610, cité in 900), CSV, JSON, RIS, and the round trip."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

from pymarc import MARCReader, parse_xml_to_array
from sqlalchemy import select

from recueil.catalogue.db import Catalogue, open_catalogue
from recueil.catalogue.models import Document, Theme, ThemeTag
from recueil.config import resolve_settings
from recueil.ingest.records.mapping import notice_fields, source_fields

DATA = Path(__file__).parent / "data" / "records"
FAST = ("--no-tag", "--no-index")


def mapped_by_id(catalogue: Catalogue) -> dict[str, dict[str, list[str]]]:
    with catalogue.session() as session:
        documents = session.scalars(select(Document).where(Document.doc_type == "notice")).all()
        return {d.external_id or "": notice_fields(d) for d in documents}


def tag_first_notice(catalogue: Catalogue) -> int:
    """A documentalist's manual theme and the cité éducative, as tagging would set them."""
    with catalogue.transaction() as session:
        session.merge(
            Theme(code="parentalite", label="Parentalité et alliance éducative avec les familles")
        )
        document = session.scalars(
            select(Document).where(Document.external_id == "unimarc:1202")
        ).one()
        session.add(
            ThemeTag(document_id=document.id, theme_code="parentalite", score=1.0, source="manual")
        )
        document.cite_educative = "Calais"
        return document.id


def test_unimarc_xml_carries_themes_and_cite(
    run_cli: Any, catalogue: Catalogue, tmp_path: Path
) -> None:
    run_cli("ingest", *FAST, str(DATA / "notices-utf8.mrc"))
    tag_first_notice(catalogue)
    out = tmp_path / "export.xml"
    result = run_cli("export", "--format", "unimarc-xml", "--theme", "parentalite", "-o", str(out))
    assert result.exit_code == 0, result.output
    (record,) = parse_xml_to_array(str(out))
    assert record["001"].data == "1202"
    assert record["100"]["a"][26:30] == "50  "  # UTF-8 declared the UNIMARC way
    themes = [f for f in record.get_fields("610") if f.get("9")]
    assert [(f["a"], f["9"]) for f in themes] == [
        ("Parentalité et alliance éducative avec les familles", "recueil:parentalite")
    ]
    cite = [f for f in record.get_fields("900") if f.get("n") == "cite_educative"]
    assert [f["a"] for f in cite] == ["Calais"]
    assert record["200"]["a"] == "Un café des parents au collège Jean Macé"


def test_round_trip_every_mapped_field_is_equal(
    run_cli: Any, catalogue: Catalogue, tmp_path: Path
) -> None:
    for name in ("notices-utf8.mrc", "notices-marcxml.xml", "notices-dc.xml"):
        run_cli("ingest", *FAST, str(DATA / name))
    tag_first_notice(catalogue)
    original = mapped_by_id(catalogue)
    for fmt, suffix in (("marc", "mrc"), ("unimarc-xml", "xml")):
        exported = tmp_path / f"export.{suffix}"
        assert (
            run_cli("export", "--format", fmt, "--type", "notice", "-o", str(exported)).exit_code
            == 0
        )
        settings = resolve_settings(home=tmp_path / f"home-{fmt}")
        other = open_catalogue(settings)
        try:
            from recueil.ingest.outcomes import IngestOptions
            from recueil.ingest.pipeline import ingest_paths

            options = IngestOptions(tag=False, index=False)
            report = ingest_paths(other.settings, [exported], options, catalogue=other)
            assert report.counts == {"added": len(original)}
            again = mapped_by_id(other)
        finally:
            other.close()
        with_id = {k: v for k, v in original.items() if k}
        assert {k: source_fields(again[k]) for k in with_id} == {
            k: source_fields(v) for k, v in with_id.items()
        }
        assert again["unimarc:1202"]["theme"] == ["parentalite"]
        assert again["unimarc:1202"]["cite_educative"] == ["Calais"]


def test_pdfs_are_exported_too(run_cli: Any, catalogue: Catalogue, tmp_path: Path) -> None:
    from pdfgen import french_pages, make_pdf

    pdf = make_pdf(
        tmp_path / "fiche-calais.pdf",
        french_pages(1),
        heading="Fiche d'expérience : le café des parents",
    )
    run_cli("ingest", *FAST, str(pdf))
    out = tmp_path / "all.mrc"
    assert run_cli("export", "--format", "marc", "-o", str(out)).exit_code == 0
    with out.open("rb") as handle:
        (record,) = list(MARCReader(handle, to_unicode=True, force_utf8=True))
    assert record["001"].data.startswith("recueil-")
    assert record["897"]["f"] == "fiche-calais.pdf"
    assert record["330"]["a"]


def test_csv_json_ris(run_cli: Any, catalogue: Catalogue) -> None:
    run_cli("ingest", *FAST, str(DATA / "notices-utf8.mrc"))
    tag_first_notice(catalogue)
    rows = list(csv.DictReader(io.StringIO(run_cli("export", "--format", "csv").stdout)))
    assert [r["title"] for r in rows][1] == "Un café des parents au collège Jean Macé"
    assert rows[1]["themes"] == "Parentalité et alliance éducative avec les familles"
    assert rows[0]["authors"] == "Lemaire, Sophie [070] ; Benali, Karim [340]"
    entries = json.loads(run_cli("export", "--format", "json", "--type", "notice").stdout)
    assert [e["fields"]["id"] for e in entries] == [["1201"], ["1202"], ["1203"]]
    assert entries[1]["external_id"] == "unimarc:1202" and entries[1]["fields"][
        "cite_educative"
    ] == ["Calais"]
    ris = run_cli("export", "--format", "ris", "--theme", "parentalite").stdout
    assert ris.startswith("TY  - GEN\n")
    assert (
        "AU  - Dufour, Émilie" in ris
        and "KW  - café des parents" in ris
        and "N1  - Cité éducative : Calais" in ris
    )
    assert ris.count("ER  - ") == 1
