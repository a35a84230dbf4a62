"""A small French collection written into a real catalogue, for the index and search tests.

Documents are created directly with the catalogue models (the index is
derived from the catalogue only), then indexed with the real index of each
engine (``engine`` fixture: Whoosh, then tantivy).
"""

from __future__ import annotations

import datetime as dt
import importlib.util
from dataclasses import dataclass, field

import pytest

from recueil.catalogue.db import Catalogue
from recueil.catalogue.models import Document, Entity, Page, Theme, ThemeTag
from recueil.config import Settings

THEMES = {
    "petite-enfance": "Petite enfance et premiers apprentissages (0-6 ans)",
    "parentalite": "Parentalité et alliance éducative avec les familles",
    "reussite-scolaire": "Réussite scolaire, accompagnement à la scolarité et continuité éducative",
    "perseverance": "Persévérance scolaire et prévention du décrochage",
    "orientation-insertion": "Orientation, insertion professionnelle et accès à l'emploi (16-25 ans)",
    "sante": "Santé, bien-être et santé mentale",
    "culture-sport": "Culture, éducation artistique et culturelle, sport et loisirs",
    "numerique": "Numérique éducatif et inclusion numérique",
    "gouvernance": "Gouvernance, coordination et évaluation de la cité éducative",
}


@dataclass
class Sample:
    key: str
    title: str
    doc_type: str
    pages: list[str]
    themes: list[str] = field(default_factory=list)
    cite: str | None = None
    date: dt.date | None = None
    year: int | None = None
    entities: list[tuple[str, str]] = field(default_factory=list)


SAMPLES = [
    Sample(
        "cafe",
        "Café des parents au collège Jean-Macé",
        "fiche-experience",
        [
            "Contexte. L'école et le collège du quartier de l'Épeule accueillent les familles "
            "chaque mardi matin autour d'un café des parents.",
            "Objectifs. Renforcer la parentalité et la coéducation ; faciliter le dialogue "
            "entre les parents d'élèves et les enseignants. Partenaires : centre social, "
            "adultes-relais.",
        ],
        themes=["parentalite"],
        cite="Roubaix",
        date=dt.date(2022, 3, 15),
        entities=[("LOC", "Roubaix"), ("ORG", "Centre social de l'Épeule")],
    ),
    Sample(
        "rencontre",
        "6ème rencontre des chefs de projet opérationnels des Hauts-de-France",
        "compte-rendu",
        [
            "Le 9 juin 2022 (09/06/2022) se déroulait à Lille la sixième rencontre régionale "
            "des chefs de projet opérationnels, organisée par l'IREV.",
            "Les échanges ont porté sur le programme de réussite éducative, les écoles en "
            "REP+ et la continuité éducative pendant les vacances.",
        ],
        themes=["gouvernance", "reussite-scolaire"],
        date=dt.date(2022, 6, 9),
        entities=[("ORG", "IREV"), ("LOC", "Lille")],
    ),
    Sample(
        "passerelle",
        "Classe passerelle et lieu d'accueil enfants-parents à Lille Sud",
        "fiche-experience",
        [
            "Les écoles maternelles de Lille Sud ouvrent une classe passerelle pour les "
            "tout-petits de deux ans et leurs parents.",
            "Un lieu d'accueil enfants-parents complète le dispositif avec la PMI.",
        ],
        themes=["petite-enfance", "parentalite"],
        cite="Lille Sud",
        year=2021,
        entities=[("LOC", "Lille Sud")],
    ),
    Sample(
        "decrochage",
        "Prévenir le décrochage scolaire à Grigny",
        "fiche-experience",
        [
            "Les décrocheurs de 16 à 18 ans sont repérés par le groupe de prévention du "
            "décrochage scolaire du collège.",
            "Le raccrochage passe par un micro-lycée et un tutorat renforcé.",
        ],
        themes=["perseverance"],
        cite="Grigny",
        date=dt.date(2020, 11, 5),
    ),
    Sample(
        "sante",
        "Santé mentale des jeunes : rencontre régionale",
        "compte-rendu",
        [
            "Les compétences psychosociales des élèves ont été au cœur de la rencontre "
            "du 12 octobre 2021 à Arras.",
            "Les infirmières scolaires signalent une hausse de l'anxiété depuis la crise "
            "sanitaire ; un atelier santé ville est présenté.",
        ],
        themes=["sante"],
        date=dt.date(2021, 10, 12),
        entities=[("LOC", "Arras")],
    ),
    Sample(
        "numerique",
        "Parentalite et numerique a Clichy-sous-Bois",
        "page-web",
        [
            "Page exportee sans accents : la parentalite a l'ere numerique, ateliers "
            "pour les familles et l'ecole, prets de tablettes et mediation numerique."
        ],
        themes=["numerique", "parentalite"],
        cite="Clichy-sous-Bois",
        date=dt.date(2023, 2, 20),
    ),
    Sample(
        "orchestre",
        "Orchestre à l'école au Pissevin",
        "fiche-experience",
        [
            "Un orchestre à l'école réunit quarante élèves du quartier Pissevin : "
            "pratique musicale collective deux fois par semaine.",
            "Les musiciens de l'orchestre régional encadrent les répétitions.",
        ],
        themes=["culture-sport"],
        cite="Nîmes",
        date=dt.date(2019, 5, 23),
    ),
    Sample(
        "synthese",
        "Synthèse nationale des cités éducatives",
        "synthese",
        [
            "Bilan national : chaque cité éducative mobilise son PRE, ses équipes de "
            "coordination et un référentiel d'évaluation partagé.",
            "La troïka (préfet, collectivité, Éducation nationale) pilote la démarche.",
        ],
        themes=["gouvernance"],
        year=2023,
    ),
    Sample(
        "stages",
        "Stages de 3e et découverte des métiers à Creil",
        "fiche-experience",
        [
            "Pour les stages de 3e, les collégiens de Creil choisissent parmi cent "
            "entreprises partenaires ; la découverte des métiers commence en 4e.",
        ],
        themes=["orientation-insertion"],
        cite="Creil",
        date=dt.date(2022, 1, 20),
    ),
    Sample(
        "guide",
        "Guide de la coéducation avec les familles",
        "notice",
        [
            "Notice : guide pratique pour l'alliance éducative entre l'école et les "
            "familles, avec des fiches sur la place des parents."
        ],
        themes=["parentalite"],
    ),
]


def add_themes(catalogue: Catalogue) -> None:
    with catalogue.transaction() as session:
        for position, (code, label) in enumerate(THEMES.items()):
            session.add(Theme(code=code, label=label, position=position))


def add_sample(catalogue: Catalogue, sample: Sample) -> int:
    with catalogue.transaction() as session:
        document = Document(
            source=f"tests/{sample.key}.pdf", filename=f"{sample.key}.pdf", kind="pdf",
            doc_type=sample.doc_type, title=sample.title, date=sample.date,
            year=sample.year or (sample.date.year if sample.date else None),
            cite_educative=sample.cite, page_count=len(sample.pages),
        )  # fmt: skip
        document.pages = [Page(number=n, text=text) for n, text in enumerate(sample.pages, 1)]
        document.tags = [ThemeTag(theme_code=c, source="rules", score=0.8) for c in sample.themes]
        document.entities = [
            Entity(label=label, text=text, normalised=text.lower())
            for label, text in sample.entities
        ]
        session.add(document)
        session.flush()
        return document.id


def fill(catalogue: Catalogue) -> dict[str, int]:
    """Write every sample; return key -> document id."""
    add_themes(catalogue)
    return {sample.key: add_sample(catalogue, sample) for sample in SAMPLES}


# Fixtures: import them into a test module to use them.


@pytest.fixture(name="sample_ids")
def sample_ids_fixture(catalogue: Catalogue) -> dict[str, int]:
    """The sample documents, in the test's catalogue."""
    return fill(catalogue)


@pytest.fixture(name="indexed")
def indexed_fixture(
    settings: Settings, catalogue: Catalogue, sample_ids: dict[str, int]
) -> dict[str, int]:
    """The sample documents, indexed with `recueil.index.rebuild`."""
    from recueil.index import rebuild

    rebuild(settings, catalogue)
    return sample_ids


# Index engines: the index and search suites run on each (tantivy when installed).

TANTIVY_INSTALLED = importlib.util.find_spec("tantivy") is not None
ENGINES = [
    "whoosh",
    pytest.param(
        "tantivy",
        marks=pytest.mark.skipif(not TANTIVY_INSTALLED, reason="tantivy is not installed"),
    ),
]


@pytest.fixture(name="engine", params=ENGINES)
def engine_fixture(request: pytest.FixtureRequest) -> str:
    """The index engine of this test (whoosh, then tantivy)."""
    return str(request.param)


@pytest.fixture(name="engine_settings")
def engine_settings_fixture(settings: Settings, engine: str) -> Settings:
    """The test's settings, building the index with this test's engine."""
    return settings.with_changes(index_engine=engine)


def engine_home(tmp_path_factory: pytest.TempPathFactory, engine: str) -> Settings:
    """A home of its own (SQLite catalogue) whose index uses ``engine``."""
    from recueil.config import resolve_settings

    settings = resolve_settings(home=tmp_path_factory.mktemp(f"home-{engine}"))
    return settings.with_changes(index_engine=engine)
