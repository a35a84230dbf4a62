"""French wording of the site: dates, labels of types and sources, error messages.

The library's errors are written for the command line (in English, naming
options); a CPO reads them here in French, with the same code.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

MONTHS = (
    "janvier", "février", "mars", "avril", "mai", "juin",
    "juillet", "août", "septembre", "octobre", "novembre", "décembre",
)  # fmt: skip

DOC_TYPES = {
    "compte-rendu": "Compte rendu",
    "fiche-experience": "Fiche expérience",
    "synthese": "Synthèse",
    "plaquette": "Plaquette",
    "notice": "Notice",
    "page-web": "Page web",
}

TAG_SOURCES = {
    "rules": "règles", "model": "modèle", "rules+model": "règles et modèle",
    "manual": "saisie manuelle",
}  # fmt: skip

ENTITY_LABELS = {
    "PER": "Personnes",
    "ORG": "Organisations",
    "LOC": "Lieux",
    "MISC": "Divers",
}

PRECISIONS = {"day": "au jour près", "month": "au mois près", "year": "à l'année près"}

FACET_LABELS = {"themes": "Thèmes", "cites": "Cités", "types": "Types", "years": "Années"}


def french_date(value: dt.date | str | None, year: int | None = None) -> str:
    """9 juin 2022 (1er juin 2022); a year alone when that is all there is."""
    if isinstance(value, str):
        try:
            value = dt.date.fromisoformat(value[:10])
        except ValueError:
            return str(value)
    if value is None:
        return str(year) if year else "sans date"
    day = "1er" if value.day == 1 else str(value.day)
    return f"{day} {MONTHS[value.month - 1]} {value.year}"


def doc_type_label(code: str | None) -> str:
    if not code:
        return "Type inconnu"
    return DOC_TYPES.get(code, code)


def date_source_label(source: str | None) -> str:
    """Where a date came from, e.g. ``pdf:CreationDate`` → « métadonnées PDF (CreationDate) »."""
    if not source:
        return "origine inconnue"
    # The catalogue's date_source carries the precision: "text (day)", "pdf:CreationDate (day)".
    match = re.fullmatch(r"(.+?) \((day|month|year)\)", source)
    if match:
        base, precision = match.groups()
        return f"{date_source_label(base)}, {PRECISIONS[precision]}"
    if source == "title":
        return "titre"
    if source == "text":
        return "texte"
    namespace, _, key = source.partition(":")
    names = {
        "pdf": "métadonnées PDF",
        "xmp": "métadonnées XMP",
        "web": "page web",
        "marc": "notice MARC",
        "dc": "notice Dublin Core",
        "text": "texte",
        "file": "fichier",
    }
    name = names.get(namespace, namespace)
    return f"{name} ({key})" if key else name


def size_label(size: int | None) -> str:
    if size is None:
        return "taille inconnue"
    if size < 1024:
        return f"{size} o"
    if size < 1024 * 1024:
        return f"{size / 1024:.0f} Ko".replace(".", ",")
    return f"{size / 1024 / 1024:.1f} Mo".replace(".", ",")


@dataclass(frozen=True)
class FrenchMessage:
    message: str
    hint: str


# The library's query errors, in French. A message not listed keeps its text, its code
# and a general hint: better an English sentence than none.
_QUERY_ERRORS: list[tuple[re.Pattern[str], str, str]] = [
    (
        re.compile(r"the query is too long \((\d+) characters, at most (\d+)\)"),
        "La recherche est trop longue ({0} caractères, {1} au plus).",
        "Raccourcissez la recherche ; les filtres (thème, cité, année…) réduisent aussi les résultats.",
    ),
    (
        re.compile(r"too many nested parentheses \(at most (\d+)\)"),
        "Trop de parenthèses imbriquées ({0} au plus).",
        "Simplifiez la recherche.",
    ),
    (
        re.compile(r"fuzzy distance (\d+) in (.+) is too large \(at most (\d+)\)"),
        "La tolérance {0} de {1} est trop grande ({2} au plus).",
        "Écrivez mot~ (une lettre différente) ou mot~2 (deux lettres).",
    ),
    (
        re.compile(r"(.+) is not a year"),
        "{0} n'est pas une année.",
        "Écrivez annee:2022 ou annee:2019..2021.",
    ),
    (
        re.compile(r"(.+) is not a document id"),
        "{0} n'est pas un numéro de document.",
        "Écrivez id:12 (un nombre).",
    ),
    (
        re.compile(r"wildcards do not apply to (\w+): (.+)"),
        "Les jokers (* et ?) ne s'appliquent pas à ce champ : {1}.",
        "Écrivez annee:2022 ou id:12.",
    ),
    (
        re.compile(r"(.+) is not a date"),
        "{0} n'est pas une date.",
        "Écrivez 2022, 2022-06, 2022-06-09 ou 09/06/2022.",
    ),
    (
        re.compile(r"nothing was searched: (.+) holds no word to look for"),
        "Rien n'a été cherché : {0} ne contient aucun mot.",
        "Tapez les mots à trouver, par exemple petite enfance ; une recherche vide liste "
        "tous les documents.",
    ),
    (
        re.compile(r"the pattern (.+) stands for too many words \(more than (\d+)\)"),
        "Le motif {0} correspond à trop de mots (plus de {1}).",
        "Mettez au moins deux lettres avant le joker, par exemple pare*.",
    ),
]

GENERAL_QUERY_HINT = (
    "Vérifiez les guillemets et les parenthèses ; mettez les codes et les dates entre "
    'guillemets, par exemple "REP+" ou "09/06/2022".'
)


def query_error(message: str) -> FrenchMessage:
    """The French message and hint of a query error from the library."""
    for pattern, french, hint in _QUERY_ERRORS:
        match = pattern.fullmatch(message)
        if match:
            quoted = [_quote(group) for group in match.groups()]
            return FrenchMessage(french.format(*quoted), hint)
    return FrenchMessage(f"La recherche n'a pas pu être comprise ({message}).", GENERAL_QUERY_HINT)


def _quote(text: str) -> str:
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "'\"":
        text = text[1:-1]
    return f"« {text} »" if not text.isdigit() else text
