"""The kind of document, from cues in its title, file name and first page (pure Python).

Formats that know their kind (web-page exports, catalogue records) say it
themselves; for PDFs the cues below decide: words of the title and first
page, the headings of an experience sheet, the length of the text.
"""

from __future__ import annotations

import re

from recueil.tagging.text import fold, fold_words

DOC_TYPES = ("compte-rendu", "fiche-experience", "synthese", "plaquette", "notice", "page-web")
HEAD_CHARS = 3000
MIN_SCORE = 2.0
TITLE_WEIGHT, FILENAME_WEIGHT = 3.0, 2.0

# Folded cue phrases and their weight when found in the first page.
CUES: dict[str, dict[str, float]] = {
    "compte-rendu": {
        "compte rendu": 2.0,
        "releve de decisions": 2.0,
        "proces verbal": 2.0,
        "cr": 1.0,
        "rencontre des chefs de projet": 2.0,
        "rencontre regionale": 1.5,
        "rencontre interregionale": 1.5,
        "rencontre nationale": 1.5,
        "rencontre organisee": 1.0,
        "cites presentes": 1.5,
        "cites representees": 1.5,
        "a ouvert la journee": 1.0,
        "reunion": 1.0,
        "seminaire": 1.0,
        "ordre du jour": 1.0,
        "participants": 0.5,
        "etaient presents": 1.5,
        "excuses": 0.5,
        "intervenants": 0.5,
        "s est tenue": 1.0,
        "se deroulait": 1.0,
        "s est deroulee": 1.0,
    },
    "fiche-experience": {
        "retour d experience": 2.0,
        "fiche experience": 2.5,
        "fiche action": 2.0,
        "action capitalisee": 2.0,
        "experience capitalisee": 2.0,
        "porteur du projet": 1.0,
        "porteur de l action": 1.0,
    },
    "synthese": {
        "synthese": 2.0,
        "actes": 1.5,
        "etude": 1.0,
        "recueil": 1.5,
        "recueil de pratiques": 2.0,
        "rapport": 1.0,
        "bilan": 1.0,
        "capitalisation": 1.0,
        "panorama": 1.0,
        "sommaire": 1.0,
    },
    "plaquette": {
        "programme": 1.0,
        "invitation": 2.0,
        "inscription": 1.0,
        "inscrivez vous": 1.5,
        "save the date": 2.0,
        "plaquette": 2.0,
        "flyer": 2.0,
        "infos pratiques": 1.5,
        "informations pratiques": 1.5,
        "gratuit": 1.0,
        "ouvert a tous": 1.0,
        "entree libre": 1.5,
        "entree gratuite": 1.5,
        "fete de quartier": 1.5,
        "venez": 1.0,
        "sur inscription": 1.0,
    },
}
# Headings of an experience sheet: three or more at the start of lines decide.
FICHE_HEADINGS = (
    "contexte",
    "objectif",
    "objectifs",
    "public",
    "publics",
    "public vise",
    "public cible",
    "partenaires",
    "partenariat",
    "moyens",
    "financement",
    "budget",
    "resultats",
    "points de vigilance",
    "contact",
    "contacts",
    "porteur",
    "description",
    "calendrier",
    "perspectives",
    "evaluation",
    "leviers",
    "freins",
)
_HEADING = re.compile(
    r"^\s*(?:[0-9ivx]+[.)-]\s*)?("
    + "|".join(sorted(FICHE_HEADINGS, key=len, reverse=True))
    + r")\b[^\n]{0,40}$",
    re.MULTILINE,
)
_CUE_PATTERNS = {
    kind: re.compile(
        r"(?<![a-z0-9])("
        + "|".join(re.escape(c) for c in sorted(cues, key=len, reverse=True))
        + r")(?![a-z0-9])"
    )
    for kind, cues in CUES.items()
}


def _cue_score(kind: str, folded: str) -> float:
    cues = CUES[kind]
    return sum(cues[m] for m in {m.group(1) for m in _CUE_PATTERNS[kind].finditer(folded)})


def doc_type_scores(title: str, text: str, filename: str | None = None) -> dict[str, float]:
    head = fold_words(text[:HEAD_CHARS])
    title_words = fold_words(title)
    file_words = fold_words(re.sub(r"\.[a-z0-9]{2,4}$", "", filename or "", flags=re.I))
    scores: dict[str, float] = {}
    for kind in CUES:
        scores[kind] = (
            _cue_score(kind, head)
            + TITLE_WEIGHT * _cue_score(kind, title_words)
            + FILENAME_WEIGHT * _cue_score(kind, file_words)
        )
    headings = {m.group(1) for m in _HEADING.finditer(fold(text[: HEAD_CHARS * 3]))}
    if len(headings) >= 3:
        scores["fiche-experience"] += len(headings)
    words = len(text.split())
    if words > 6000:
        scores["synthese"] += 1.5
    if words < 600:
        scores["plaquette"] += 0.5
    else:
        scores["plaquette"] -= 1.0
    return scores


def guess_doc_type(
    title: str, text: str, filename: str | None = None, hint: str | None = None
) -> str | None:
    """The format's own kind if given, else the best-supported kind, else None."""
    if hint:
        return hint
    scores = doc_type_scores(title, text, filename)
    kind, score = max(scores.items(), key=lambda item: item[1])
    return kind if score >= MIN_SCORE else None
