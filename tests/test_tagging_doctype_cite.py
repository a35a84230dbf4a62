"""Every sample document gets a type; a meeting report naming several cités has no cité."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from recueil.config import resolve_settings
from recueil.ingest.base import ExtractContext, ExtractedDocument
from recueil.ingest.extract import extract_file
from recueil.tagging.doctype import guess_doc_type
from recueil.tagging.gazetteer import load_gazetteer

ROOT = Path(__file__).resolve().parents[1]
GAZETTEER = load_gazetteer()

REPORT = """Compte rendu de la rencontre régionale du 18 novembre 2021
Le jeudi 18 novembre 2021, le centre de ressources réunissait à Bourges les équipes des
Cités éducatives de la région : chefs de projet de Bourges, Vierzon, Orléans, Tours et Blois.
Retours d'expérience
La cité éducative de Bourges a engagé un plan de formation des adultes.
"""


def test_a_meeting_report_keeps_its_host_as_a_place() -> None:
    title = "Rencontre régionale des Cités éducatives – Santé mentale"
    assert GAZETTEER.find_cite(title, REPORT, None, "compte-rendu") is None
    # ... unless it is about it: its title names the cité.
    named = "Cité éducative de Bourges – comité de pilotage"
    assert GAZETTEER.find_cite(named, REPORT, None, "compte-rendu") == "Bourges"
    # An experience sheet is about its own cité even when it names others.
    assert GAZETTEER.find_cite("Fiche", REPORT, None, "fiche-experience") == "Bourges"


def test_two_cites_named_make_a_document_about_several() -> None:
    text = (
        "La cité éducative de Nîmes a témoigné, puis Marseille et Creil ont présenté leurs actions."
    )
    assert GAZETTEER.find_cite("Rencontre nationale", text, None, "compte-rendu") is None
    assert GAZETTEER.names_several(text)
    assert not GAZETTEER.names_several("La cité éducative de Nîmes a témoigné.")


def test_a_plural_introduces_several_cites_not_the_first() -> None:
    text = "Sources : fiches des cités éducatives de Toulouse Grand Mirail, Creil, Amiens Nord."
    assert GAZETTEER.evidence("", text).get("Toulouse Grand Mirail", 0) < 5


@pytest.mark.parametrize(
    ("title", "head", "expected"),
    [
        (
            "Prévenir les ruptures de parcours",
            "Rencontre régionale des Cités éducatives\nCités représentées : Vaulx-en-Velin, Lyon 8e.",
            "compte-rendu",
        ),
        (
            "Fête de quartier de l'Épeule",
            "Structures gonflables, concert. Venez avec vos voisins ! Entrée gratuite.",
            "plaquette",
        ),
        (
            "De l'orientation à l'emploi",
            "Recueil de pratiques – février 2024\nPourquoi s'intéresser aux 16-25 ans",
            "synthese",
        ),
    ],
)
def test_cues_without_a_file_name(title: str, head: str, expected: str) -> None:
    assert (
        guess_doc_type(title, head + " mot" * 700 if expected != "plaquette" else head) == expected
    )


def test_every_sample_document_gets_a_type_and_its_cite(tmp_path: Path) -> None:
    """As ingestion calls the tagger (no file name given), every document is typed."""
    ctx = ExtractContext(resolve_settings(home=tmp_path), ocr="never")
    checked = 0
    for line in (ROOT / "corpus" / "gold.jsonl").read_text(encoding="utf-8").splitlines():
        gold = json.loads(line)
        if gold.get("expect") in ("failed", "needs-ocr"):
            continue
        for doc in extract_file(ROOT / gold["path"], ctx):
            assert isinstance(doc, ExtractedDocument)
            kind = guess_doc_type(doc.title or "", doc.text, None, doc.doc_type)
            assert kind == gold["doc_type"], gold["path"]
            cite = GAZETTEER.find_cite(doc.title or "", doc.text, None, kind)
            expected = GAZETTEER.resolve(gold["cite"]) if gold.get("cite") else None
            assert cite == expected, gold["path"]
            checked += 1
    assert checked >= 25
