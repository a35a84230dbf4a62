"""Entities worth showing: rules before the model, no headings, one form per entity."""

from __future__ import annotations

from typing import Any

from recueil.tagging.analyse import AnalysisInput
from recueil.tagging.entities import (
    entity_data,
    is_common_phrase,
    is_noise,
    merge_entities,
    refine_span,
)

FICHE = """Roubaix - Fiche expérience
CONTEXTE
Alma Contexte
Le collège Jean Macé accueille 620 élèves. La Caf du Nord et l'Education Nationale
financent l'action avec l'ANCT ; l'IREV a accompagné la cité éducative de Roubaix.
Public
Parents des 620 élèves du collège, inscrits sur Pronote.
Partenaires
Caisse d'allocations familiales, Éducation nationale, mission locale, PMI, REP+.
Contact
Fiche rédigée par Marie Dupont, cheffe de projet à Roubaix.
"""


def names(found: list[Any]) -> dict[str, str]:
    return {e.text: e.label for e in found}


def test_fiche_entities_are_clean_and_known_ones_have_one_form(fr_analyser: Any) -> None:
    found = fr_analyser.analyse_one(AnalysisInput("Café des parents", FICHE)).entities
    got = names(found)
    for noise in ("Fiche", "Pronote", "Alma Contexte", "Contexte", "Public", "Roubaix - Fiche"):
        assert noise not in got, noise
    assert not any("\n" in text for text in got)
    assert not any(text.startswith("Public") or text.startswith("Parents") for text in got)
    assert got["CAF"] == "ORG" and got["Éducation nationale"] == "ORG" and got["ANCT"] == "ORG"
    assert got["Roubaix"] == "LOC"
    assert "IREV" in got
    caf = next(e for e in found if e.text == "CAF")
    assert caf.count == 2  # "Caf" and "Caisse d'allocations familiales": one entity
    for generic in ("mission locale", "PMI", "REP+"):
        assert generic not in got, generic


def test_school_names_are_places_not_people(fr_analyser: Any) -> None:
    text = "Au collège Jules Romains, à Nice, les élèves préparent leur stage de troisième."
    got = names(fr_analyser.analyse_one(AnalysisInput("", text)).entities)
    assert "Jules Romains" not in got
    assert got.get("collège Jules Romains") == "LOC"


def test_refine_cuts_line_breaks_and_drops_headings_and_common_words() -> None:
    assert refine_span("LOC", "Monts des Accords\n\nAu collège Monts des Accords", {}) == [
        ("LOC", "Monts des Accords"),
        ("LOC", "collège Monts des Accords"),
    ]
    assert refine_span("PER", "Focus", {}) == []
    assert refine_span("ORG", "Notre centre socioculturel", {}) == []
    assert refine_span("MISC", "Numérique en Commun[s", {}) == []
    assert refine_span("MISC", "IGA-IGÉSR", {}) == [("MISC", "IGA")]  # IGÉSR: found by rule
    assert refine_span("LOC", "Lille Sud", {"lille sud": "Lille Sud"}) == []  # gazetteer place


def test_common_phrases_and_names() -> None:
    assert is_common_phrase("Aides") and is_common_phrase("Inclusion sociale")
    assert not is_common_phrase("Vincent Léna") and not is_common_phrase("Musée Dalí")
    assert is_noise("MISC", "Avant-propos")


def test_one_form_per_entity_whatever_the_label_the_model_gave() -> None:
    found = merge_entities([("ORG", "Conseil Départemental"), ("MISC", "Conseil départemental")])
    assert [(e.label, e.count) for e in found] == [("ORG", 2)]


def test_entity_data_is_consistent() -> None:
    data = entity_data()
    assert data.acronyms["CAF"] == ("ORG", "CAF")
    assert data.known["caisse d allocations familiales"] == ("ORG", "CAF")
    assert "mission locale" in data.generic and "contexte" in data.headings
    assert data.acronyms["CIO"] == ("ORG", "CIO")
