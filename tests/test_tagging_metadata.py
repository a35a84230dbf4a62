"""Gazetteer, doc type cues, entity noise filter, scoring rule (pure Python, no model)."""

from __future__ import annotations

from pathlib import Path

import pytest

from recueil.config import resolve_settings
from recueil.errors import GazetteerError
from recueil.tagging.doctype import guess_doc_type
from recueil.tagging.entities import is_noise, merge_entities
from recueil.tagging.gazetteer import load_gazetteer, parse_gazetteer
from recueil.tagging.scoring import Hits, build_lexicon, score_themes, term_key
from recueil.tagging.themes import load_themes

GAZ = load_gazetteer()


@pytest.mark.parametrize(
    ("title", "text", "expected"),
    [
        ("Fiche expérience", "La cité éducative de Lille secteur Sud porte l'action.", "Lille Sud"),
        (
            "Atelier parents",
            "Cité éducative Valenciennes/Anzin : un atelier à Anzin.",
            "Valenciennes-Anzin",
        ),
        ("Calais Beau-Marais : sport au féminin", "Au Beau-Marais, les filles jouent.", "Calais"),
        ("Tourcoing La Bourgogne", "Les Promeneurs du Net à Tourcoing.", "Tourcoing"),
        (
            "CR",
            "La cité éducative d'Hautmont/Louvroil/Maubeuge/Neuf-Mesnil réunit.",
            "Hautmont-Louvroil-Maubeuge-Neuf-Mesnil",
        ),
        (
            "CR",
            "Étaient présents : Lille Sud, Roubaix, Arras, Denain, Creil, Calais.",
            None,
        ),  # several cités
        ("Réunion", "Une réunion à Boulogne-Billancourt.", None),  # excluded homonym
        ("Note", "Rien sur un territoire précis.", None),
    ],
)
def test_find_cite_with_aliases(title: str, text: str, expected: str | None) -> None:
    assert GAZ.find_cite(title, text) == expected


def test_resolve_alias_to_canonical_name() -> None:
    assert GAZ.resolve("Lens Grande Résidence") == "Lens"
    assert GAZ.resolve("valenciennes / anzin") == "Valenciennes-Anzin"
    assert GAZ.resolve("plusieurs (Hauts-de-France)") is None
    cite = GAZ.get("Lille Sud")
    assert cite is not None and (cite.departement, cite.region, cite.year) == (
        "59",
        "Hauts-de-France",
        2019,
    )


def test_gazetteer_errors_name_line_and_field(tmp_path: Path) -> None:
    path = tmp_path / "gazetteer.json"
    path.write_text(
        '{"cites": [\n  {"name": "Arras", "year": 2019},\n  {"name": "Lens",\n   "year": "2019"}\n]}',
        "utf-8",
    )
    with pytest.raises(GazetteerError, match=r"line 4, cité #2 \(Lens\), field 'year'"):
        load_gazetteer(resolve_settings(home=tmp_path))
    with pytest.raises(
        GazetteerError, match=r"line 1, cité #2 \(Lens\), field 'aliases': 'Arras' already names"
    ):
        parse_gazetteer(
            '{"cites": [{"name": "Arras"}, {"name": "Lens", "aliases": ["Arras"]}]}', None
        )


@pytest.mark.parametrize(
    ("title", "text", "filename", "hint", "expected"),
    [
        (
            "6e rencontre des chefs de projet opérationnels",
            "Le 9 juin 2022 se déroulait la rencontre. Étaient présents : …",
            "cr.pdf",
            None,
            "compte-rendu",
        ),
        (
            "Café des parents",
            "Contexte\nUn quartier.\nObjectifs\nAccueillir.\nPublic visé\nParents\nPartenaires\nCAF\nContact\nM. X",
            None,
            None,
            "fiche-experience",
        ),
        (
            "Synthèse des travaux 2019-2022",
            "Sommaire\n1. Introduction " + "texte " * 7000,
            None,
            None,
            "synthese",
        ),
        (
            "Invitation",
            "Journée régionale, jeudi 17 novembre 2022. Inscription obligatoire. Entrée libre.",
            None,
            None,
            "plaquette",
        ),
        ("Agenda", "Texte de page web.", None, "page-web", "page-web"),
        ("Note", "Quelques lignes sans indice.", None, None, None),
    ],
)
def test_doc_type_cues(
    title: str, text: str, filename: str | None, hint: str | None, expected: str | None
) -> None:
    assert guess_doc_type(title, text, filename, hint) == expected


@pytest.mark.parametrize(
    ("label", "text", "noise"),
    [
        ("PER", "Marie Dupont", False),
        ("ORG", "CAF", False),
        ("LOC", "Lille Sud", False),
        ("MISC", "Contexte", True),
        ("MISC", "Objectifs Partenaires", True),
        ("ORG", "(cid:224)(cid:225)", True),
        ("LOC", "https://www.irev.fr", True),
        ("MISC", "une phrase entière sans majuscule", True),
        ("PER", "X", True),
        ("MISC", "Les Cités Éducatives Des Hauts De France Réunies", True),
        ("ORG", "12/06", True),
        ("MISC", "h 00 - Restitution", True),
        ("PER", "Jeudi 2", True),
        ("LOC", "Saint-Quentin", False),
    ],
)
def test_entity_noise_filter(label: str, text: str, noise: bool) -> None:
    assert is_noise(label, text) is noise


def test_entities_merged_by_normalised_form() -> None:
    found = merge_entities(
        [
            ("LOC", "de Lille"),
            ("LOC", "Lille"),
            ("LOC", "LILLE\n"),
            ("MISC", "Contexte"),
            ("ORG", "Éducation nationale"),
            ("ORG", "Education Nationale"),
        ]
    )
    assert [(e.label, e.text, e.normalised, e.count) for e in found] == [
        ("LOC", "Lille", "lille", 3),
        ("ORG", "Éducation nationale", "education nationale", 2),
    ]


THEMES = load_themes()
LEXICON = build_lexicon(THEMES)


def test_lexicon_weights_and_common_terms() -> None:
    assert LEXICON[term_key("PMI", True)].weight > LEXICON[term_key("crèche", False)].weight
    assert (
        LEXICON[term_key("soutien à la parentalité", False)].weight
        > LEXICON[term_key("parentalité", False)].weight
    )
    assert LEXICON[term_key("QPV", True)].common
    assert "reussite-scolaire" in LEXICON[term_key("lecture", False)].themes


def test_score_rules() -> None:
    def score(words: int, **hits: Hits) -> float:
        found = {term_key(k.replace("_", " "), False): v for k, v in hits.items()}
        result = score_themes(found, LEXICON, words, THEMES)
        return result["petite-enfance"].score if "petite-enfance" in result else 0.0

    one = score(200, crèche=Hits(1))
    assert 0 < one < THEMES.threshold  # a single word once decides nothing
    assert score(200, petite_enfance=Hits(1)) > one  # multi-word above single word
    assert score(200, crèche=Hits(1, 1)) > score(200, crèche=Hits(2))  # title above body
    assert score(200, crèche=Hits(2, 0, 2)) > score(200, crèche=Hits(2))  # heading above body
    assert score(20_000, crèche=Hits(5)) < score(200, crèche=Hits(5))  # density, not raw counts
    assert score(200, crèche=Hits(40)) < 1.0
    many = dict(crèche=Hits(3), ludothèque=Hits(2), éveil=Hits(2), maternelle=Hits(2))
    assert score(300, **many) >= THEMES.threshold
    assert score(20_000, **{k: Hits(v.body * 30) for k, v in many.items()}) >= THEMES.threshold


def test_common_words_alone_never_decide() -> None:
    hits = {term_key("QPV", True): Hits(50, 1), term_key("REP", True): Hits(50, 1)}
    scores = score_themes(hits, LEXICON, 300, THEMES)
    assert all(s.score < THEMES.threshold for s in scores.values())
