"""Mis-encoded UNIMARC records (declaring ISO 5426, holding Windows-1252 or UTF-8) are kept."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from marcgen import iso5426, mixed_export, unimarc_record, write_records
from recueil.catalogue.db import Catalogue
from recueil.catalogue.models import Document
from recueil.ingest.records.charset import CP1252, ISO5426, REPAIRED, UTF8, decode_field
from recueil.ingest.records.iso2709 import read_iso2709
from recueil.ingest.records.mapping import notice_fields

FAST = ("--no-tag", "--no-index")


@pytest.mark.parametrize(
    ("data", "text", "used"),
    [
        (iso5426("Cité éducative, œuvre"), "Cité éducative, œuvre", ISO5426),
        ("Cité éducative".encode("cp1252"), "Cité éducative", CP1252),  # é would read "Ø"
        ("Saint-Étienne".encode("cp1252"), "Saint-Étienne", CP1252),  # É would read "ẗ"
        ("Vivre à l'école".encode("cp1252"), "Vivre à l'école", CP1252),  # à is not ISO 5426
        ("Réseau Canopé".encode(), "Réseau Canopé", UTF8),
        ("SociÃ©tÃ© franÃ§aise".encode(), "Société française", REPAIRED),  # ftfy
        (b"ISBN 978-2-11", "ISBN 978-2-11", ISO5426),
        # A genuine ISO 5426 Polish name stays as declared (no better reading).
        (b"\xe8\xc2odz", "Łódz", ISO5426),
    ],
)
def test_each_value_reads_in_the_set_that_fits(data: bytes, text: str, used: str) -> None:
    assert decode_field(data, ISO5426) == (text, used)


def test_declared_utf8_holding_windows_1252() -> None:
    assert decode_field("Crèche à Maubeuge".encode("cp1252"), UTF8) == (
        "Crèche à Maubeuge",
        CP1252,
    )


def test_every_misencoded_record_is_kept_with_the_right_text(tmp_path: Path) -> None:
    path, titles, misencoded = mixed_export(tmp_path / "export-pmb.mrc", 60)
    results = list(read_iso2709(path.read_bytes()))
    records = {hint: record for _, hint, record in results}
    assert len(records) == 60 and all(hasattr(r, "fields") for r in records.values())
    for record_id, record in records.items():
        assert not isinstance(record, Exception)
        assert record.first("200", "a") == titles[record_id]
        assert record.first("210", "c") in {
            "Éditions de l'Atelier",
            "Réseau Canopé",
            "IREV Hauts-de-France",
            "Labo Cités",
        }
        assert record.first("330", "a") == (
            "Synthèse des échanges : fiches d'expérience, vigilance et coopération réussie."
        )
        warned = " ".join(record.warnings)
        if record_id in misencoded:
            assert "955$a" in warned and "read as Windows-1252, not ISO 5426" in warned
        if int(record_id) % 6 == 5:
            assert "330$a read as UTF-8, not ISO 5426" in warned
        if record_id not in misencoded and int(record_id) % 6 != 5:
            assert record.warnings == []


def test_cli_keeps_misencoded_records_and_loses_only_a_broken_structure(
    run_cli: Any, catalogue: Catalogue, tmp_path: Path
) -> None:
    path, titles, misencoded = mixed_export(tmp_path / "export-pmb.mrc", 30)
    undeclared = unimarc_record(
        "3999", [("200", [("a", "Médiathèque de Besançon".encode("cp1252"))])], "99"
    )
    write_records(tmp_path / "extra.mrc", [undeclared])
    broken = b"00099nam  22000" + b"x" * 40 + b"\x1e\x1d"
    path.write_bytes(path.read_bytes() + (tmp_path / "extra.mrc").read_bytes() + broken)
    result = run_cli("ingest", *FAST, "--json", str(path))
    report = json.loads(result.output)
    assert result.exit_code == 1  # the broken record
    assert report["counts"] == {"added": 31, "failed": 1}
    (failed,) = [i for i in report["items"] if i["outcome"] == "failed"]
    assert failed["error_code"] == "E110" and "broken ISO 2709 structure" in failed["message"]
    warned = {
        i["source"].rsplit("(", 1)[-1].rstrip(")"): i["message"]
        for i in report["items"]
        if i["message"]
    }
    assert misencoded <= set(warned)
    assert "100$a declares character set '99'" in warned["3999"]
    with catalogue.session() as session:
        stored = {
            d.external_id: (d.title, notice_fields(d).get("publisher"))
            for d in session.scalars(select(Document))
        }
    assert len(stored) == 31
    assert stored["unimarc:3999"][0] == "Médiathèque de Besançon"
    for record_id, title in titles.items():
        assert stored[f"unimarc:{record_id}"][0] == title
    # The warning is kept with the run, for the documentalist.
    listed = run_cli("runs", "1", "--json")
    messages = [i["message"] or "" for i in json.loads(listed.output)]
    assert sum("read as Windows-1252" in m for m in messages) >= len(misencoded)
