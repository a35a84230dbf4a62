"""Record formats read by content: ISO 2709 (UTF-8, ISO 5426, MARC-8), MARC XML, PMB XML, DC."""

from __future__ import annotations

from pathlib import Path

import pytest

from recueil.config import Settings
from recueil.errors import RecordError
from recueil.ingest.base import ExtractContext, ExtractedDocument, RecordFailure
from recueil.ingest.records import ISO2709, RECORDS_XML
from recueil.ingest.records.charset import CharsetError, decode_iso5426
from recueil.ingest.records.mapping import format_person, parse_person

DATA = Path(__file__).parent / "data" / "records"


def extract(path: Path, settings: Settings) -> list[ExtractedDocument | RecordFailure]:
    head = path.read_bytes()[:4096]
    extractor = ISO2709 if ISO2709.sniff(path, head) else RECORDS_XML
    assert extractor.sniff(path, head)
    return list(extractor.extract(path, ExtractContext(settings)))


def notices(path: Path, settings: Settings) -> list[ExtractedDocument]:
    found = extract(path, settings)
    assert all(isinstance(d, ExtractedDocument) for d in found)
    return [d for d in found if isinstance(d, ExtractedDocument)]


def mapped(document: ExtractedDocument) -> dict[str, list[str]]:
    fields: dict[str, list[str]] = {}
    for namespace, key, value in document.metadata:
        if namespace == "notice":
            fields.setdefault(key, []).append(value)
    return fields


def test_sniff_by_content_not_extension(tmp_path: Path) -> None:
    renamed = tmp_path / "export.dat"
    renamed.write_bytes((DATA / "notices-utf8.mrc").read_bytes())
    assert ISO2709.sniff(renamed, renamed.read_bytes()[:4096])
    xml = tmp_path / "notices.txt"
    xml.write_bytes((DATA / "notices-marcxml.xml").read_bytes())
    assert RECORDS_XML.sniff(xml, xml.read_bytes()[:4096])
    page = tmp_path / "page.html"
    page.write_text("<html><body><p>Cité éducative de Lille</p></body></html>", encoding="utf-8")
    assert not RECORDS_XML.sniff(page, page.read_bytes())
    assert not ISO2709.sniff(page, page.read_bytes())


def test_iso2709_utf8_mapping_table(settings: Settings) -> None:
    first = notices(DATA / "notices-utf8.mrc", settings)[0]
    fields = mapped(first)
    assert fields["id"] == ["1201"]
    assert fields["title"] == [
        "6e rencontre des chefs de projet opérationnels des Cités éducatives"
    ]
    assert fields["subtitle"] == ["compte rendu de la journée régionale"]
    assert (fields["place"], fields["publisher"], fields["year"]) == (["Lille"], ["IREV"], ["2022"])
    assert fields["date"] == ["2022-06-09"]
    assert fields["extent"] == ["12 p."]
    assert fields["note"] == ["Document interne au réseau des CPO."]
    assert fields["descriptor"] == ["Petite enfance", "Parentalité"]
    assert fields["keyword"] == ["LAEP", "coéducation", "rencontre régionale"]
    assert fields["author"] == ["Lemaire, Sophie [070]"]
    assert fields["secondary_author"] == ["Benali, Karim [340]"]
    assert fields["corporate_author"] == [
        "IREV - Centre de ressources politique de la ville Hauts-de-France [070]"
    ]
    assert fields["attachment"] == ["2022-06-09_6e-rencontre-CPO-HDF_IREV.pdf"]
    assert fields["attachment_type"] == ["application/pdf"]
    assert fields["custom:cp_cite"] == ["Hauts-de-France"]
    assert fields["custom_label:cp_cite"] == ["Cité éducative"]
    assert (
        first.kind == "record"
        and first.doc_type == "notice"
        and first.mime_type == "application/marc"
    )
    assert first.external_id == "unimarc:1201"
    assert first.part == "#1 (1201)"
    assert first.attachments == ["2022-06-09_6e-rencontre-CPO-HDF_IREV.pdf"]
    assert ("2022-06-09", "marc:009a") in first.date_hints and (
        "2022",
        "marc:210d",
    ) in first.date_hints
    assert (
        first.title
        == "6e rencontre des chefs de projet opérationnels des Cités éducatives : compte rendu de la journée régionale"
    )
    assert first.pages[0].origin == "record"
    # title + subtitle + abstract + keywords + notes
    text = first.pages[0].text
    for piece in (
        "6e rencontre",
        "compte rendu de la journée",
        "lieux d'accueil enfants-parents",
        "coéducation",
        "Document interne",
    ):
        assert piece in text
    # every raw field kept
    assert ("marc", "200$a", fields["title"][0]) in first.metadata
    assert ("marc", "100$a", "20220609d2022    u  y0frey50      ba") in first.metadata
    assert (
        "marc",
        "897$a",
        "https://cosoter.example.org/doc_num.php?explnum_id=1201",
    ) in first.metadata


def test_url_becomes_source_and_collection_is_mapped(settings: Settings) -> None:
    second = notices(DATA / "notices-utf8.mrc", settings)[1]
    assert second.source_url == "https://cosoter.example.org/index.php?lvl=notice_display&id=1202"
    assert mapped(second)["collection"] == ["Retours d'expérience"]


def test_iso5426_record_reads_like_utf8(settings: Settings) -> None:
    legacy = notices(DATA / "notice-iso5426.mrc", settings)[0]
    utf8 = notices(DATA / "notices-utf8.mrc", settings)[1]
    assert mapped(legacy)["title"] == ["Un café des parents au collège Jean Macé"]
    assert {k: v for k, v in mapped(legacy).items()} == mapped(utf8)


def test_iso5426_decoder() -> None:
    assert decode_iso5426(b"\xc2ecole \xd0ca \xfauvre \xabCit\xc2e\xbb") == "école ça œuvre «Cité»"
    with pytest.raises(CharsetError):
        decode_iso5426(b"caf\xc2")  # a diacritic with no letter after it


def test_marc21_record_in_marc8(settings: Settings) -> None:
    record = notices(DATA / "notice-marc8.mrc", settings)[0]
    fields = mapped(record)
    assert fields["title"] == ["Réussite éducative à Nîmes"]
    assert fields["subtitle"] == ["l'été des écoliers"]
    assert fields["place"] == ["Nîmes"] and fields["year"] == ["2022"]


def test_broken_records_fail_alone(settings: Settings) -> None:
    found = extract(DATA / "mixed-broken.mrc", settings)
    assert [type(d).__name__ for d in found] == [
        "ExtractedDocument",
        "RecordFailure",
        "ExtractedDocument",
        "ExtractedDocument",
    ]
    structure, encoding = found[1], found[2]
    assert isinstance(structure, RecordFailure) and isinstance(encoding, ExtractedDocument)
    assert isinstance(structure.error, RecordError) and structure.error.code == "E110"
    assert "broken ISO 2709 structure" in structure.error.message
    assert "mixed-broken.mrc" in structure.error.message
    # Declared UTF-8 but written in Windows-1252: kept, read in the set that fits, warned.
    assert encoding.part == "#3 (1202)"
    (warning,) = [value for ns, _, value in encoding.metadata if ns == "warning"]
    assert warning.startswith("fields 200$a, 200$e, 210$c")
    assert warning.endswith("read as Windows-1252, not UTF-8 as the record declares")


def test_marcxml_records_and_a_bad_field(settings: Settings) -> None:
    found = extract(DATA / "notices-marcxml.xml", settings)
    assert [type(d).__name__ for d in found] == [
        "ExtractedDocument",
        "RecordFailure",
        "ExtractedDocument",
    ]
    first, failure, third = found
    assert isinstance(first, ExtractedDocument) and isinstance(third, ExtractedDocument)
    assert first.mime_type == "application/marcxml+xml"
    assert mapped(first)["date"] == ["2022-10-13"]
    assert first.attachments == ["orchestre-nimes.pdf"]
    assert isinstance(failure, RecordFailure) and failure.part == "#2 (2302)"
    assert mapped(third)["year"] == ["2021"]  # "cop. 2021"


def test_pmb_xml_same_mapping_as_iso2709(settings: Settings) -> None:
    pmb = notices(DATA / "notices-pmb.xml", settings)
    iso = notices(DATA / "notices-utf8.mrc", settings)
    assert len(pmb) == 3
    for from_xml, from_iso in zip(pmb, iso, strict=True):
        assert mapped(from_xml) == mapped(from_iso)
        assert from_xml.external_id == from_iso.external_id
        assert from_xml.text == from_iso.text


def test_pmb_xml_with_a_record_in_another_encoding(settings: Settings) -> None:
    found = extract(DATA / "pmb-bad-encoding.xml", settings)
    assert [type(d).__name__ for d in found] == ["ExtractedDocument"] * 3
    assert isinstance(found[1], ExtractedDocument) and found[1].part == "#2 (4102)"
    assert found[1].title == "Crèche AVIP à Maubeuge"
    assert (
        "warning",
        "charset",
        "bytes that are not UTF-8 read as Windows-1252 (the file declares UTF-8)",
    ) in found[1].metadata
    assert (
        isinstance(found[2], ExtractedDocument)
        and found[2].title == "Ludothèque itinérante à Soissons"
    )


def test_dublin_core_fallback(settings: Settings) -> None:
    (record,) = notices(DATA / "notices-dc.xml", settings)
    fields = mapped(record)
    assert fields["title"] == ["Le mentorat des collégiens de Creil"]
    assert fields["author"] == ["Petit, Inès"]
    assert fields["keyword"] == ["mentorat", "Cordées de la réussite"]
    assert fields["date"] == ["2023-01-20"] and fields["year"] == ["2023"]
    assert fields["extent"] == ["7 p."]
    assert ("dc", "publisher", "Cité éducative de Creil") in record.metadata
    assert record.external_id is None  # no OAI header: no stable id


@pytest.mark.parametrize(
    ("name", "first", "role"),
    [
        ("Dupont", "Marie", "070"),
        ("Ait Ahmed", None, "557"),
        ("Ville de Calais", None, None),
        ("Nguyen", "Thi Hoa", None),
    ],
)
def test_person_format_round_trips(name: str, first: str | None, role: str | None) -> None:
    assert parse_person(format_person(name, first, role)) == (name, first, role)
