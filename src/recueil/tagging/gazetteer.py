"""Gazetteer of the cités éducatives and the rule that finds a document's cité (pure Python).

Editable data (``data/gazetteer.json`` or ``<home>/gazetteer.json``): each
cité has a canonical name, the aliases documents use ("Lille secteur Sud",
"Valenciennes/Anzin"), its communes, département, région and year of label.
Names are compared folded: case, accents, hyphens and slashes do not matter.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from recueil.config import Settings
from recueil.errors import GazetteerError
from recueil.tagging.jsondata import Checker, load_located, read_data_file
from recueil.tagging.text import fold_words

_CITE_KEYS = {"name", "aliases", "communes", "departement", "region", "year", "exclude", "note"}
# "cité éducative de Lille Sud", "cité éducative d'Anzin", "cité éducative du Grand Mirail".
# The plural ("cités éducatives de Creil, Amiens Nord…") introduces several: not explicit.
_CITE_PREFIX = re.compile(r"cite educative (?:(?:de|du|des|d)(?: la| l)? )?$")
# A list of three capitalised names or more: "Bourges, Vierzon, Orléans, Tours et Blois".
_NAME = r"[A-ZÉÈÎ][\w'’-]+(?: [A-ZÉÈÎ][\w'’-]+)?"
_NAME_LIST = re.compile(_NAME + r"(?:, " + _NAME + r"){2,}")
# Kinds of document that may be about several cités (a fiche is about its own).
SINGLE_CITE_KINDS = frozenset({"fiche-experience"})

# Evidence weights: an explicit "cité éducative de X" decides, a title mention is
# strong, a body mention weak, a bare commune weaker still.
EXPLICIT, TITLE, BODY, COMMUNE = 5.0, 4.0, 1.0, 0.5
MIN_SCORE = 2.0
MIN_LEAD = (
    2.0  # the winner needs twice the runner-up's evidence, else the document is about several
)


@dataclass(frozen=True, slots=True)
class Cite:
    name: str
    aliases: tuple[str, ...]
    communes: tuple[str, ...]
    departement: str
    region: str
    year: int | None
    exclude: tuple[str, ...] = ()


class Gazetteer:
    def __init__(self, cites: list[Cite], source: str = "built-in") -> None:
        self.cites = tuple(cites)
        self.source = source
        names: dict[str, str] = {}
        for cite in cites:
            for alias in (cite.name, *cite.aliases):
                names.setdefault(fold_words(alias), cite.name)
        commune_owners: dict[str, set[str]] = {}
        for cite in cites:
            for commune in cite.communes:
                commune_owners.setdefault(fold_words(commune), set()).add(cite.name)
        # A commune counts only when it belongs to one cité and is not already a name.
        communes = {
            c: next(iter(owners))
            for c, owners in commune_owners.items()
            if len(owners) == 1 and c not in names
        }
        self._owner = {**communes, **names}
        self._strength = {key: (COMMUNE if key in communes else BODY) for key in self._owner}
        alternatives = sorted(self._owner, key=len, reverse=True)
        self._pattern = (
            re.compile(
                r"(?<![a-z0-9])(" + "|".join(re.escape(a) for a in alternatives) + r")(?![a-z0-9])"
            )
            if alternatives
            else None
        )
        excluded = sorted({fold_words(e) for c in cites for e in c.exclude}, key=len, reverse=True)
        self._exclude = (
            re.compile(
                r"(?<![a-z0-9])(" + "|".join(re.escape(e) for e in excluded) + r")(?![a-z0-9])"
            )
            if excluded
            else None
        )

    def place_forms(self) -> dict[str, str]:
        """Every spelling of a cité or commune -> the place name to show (aliases -> cité name)."""
        forms: dict[str, str] = {}
        for cite in self.cites:
            for alias in (cite.name, *cite.aliases):
                forms.setdefault(alias, cite.name)
            for commune in cite.communes:
                forms.setdefault(commune, commune)
        return forms

    def get(self, name: str) -> Cite | None:
        return next((c for c in self.cites if c.name == name), None)

    def resolve(self, name: str) -> str | None:
        """Canonical name for a name or alias (not a bare commune), else None."""
        key = fold_words(name)
        owner = self._owner.get(key)
        return owner if owner is not None and self._strength[key] == BODY else None

    def evidence(self, title: str, text: str) -> dict[str, float]:
        """Score per cité from its mentions in the title and the text."""
        scores: dict[str, float] = {}
        for part, is_title in ((title, True), (text, False)):
            for owner, strength, explicit in self._mentions(part):
                if explicit:
                    scores[owner] = scores.get(owner, 0.0) + EXPLICIT
                elif is_title and strength == BODY:
                    scores[owner] = scores.get(owner, 0.0) + TITLE
                else:
                    scores[owner] = scores.get(owner, 0.0) + strength
        return scores

    def names_several(self, text: str) -> bool:
        """True when a text names two cités or more, or lists three places or more."""
        owners = {owner for owner, _, _ in self._mentions(text)}
        return len(owners) >= 2 or _NAME_LIST.search(text) is not None

    def find_cite(
        self, title: str, text: str, filename: str | None = None, doc_type: str | None = None
    ) -> str | None:
        """The cité a document is about, or None when absent or ambiguous.

        A meeting report, synthesis or page that names several cités is about one
        only when its title (or file name) says so: the host of a regional meeting
        or the first of several testimonies is a place, not the document's cité.
        """
        heading = f"{title} {filename or ''}"
        winner = self._winner(self.evidence(heading, text))
        if winner is None or doc_type in SINGLE_CITE_KINDS:
            return winner
        if self.names_several(text):
            return self._winner(self.evidence(heading, ""))
        return winner

    @staticmethod
    def _winner(scores: dict[str, float]) -> str | None:
        ranked = sorted(scores.items(), key=lambda item: -item[1])[:2]
        if not ranked or ranked[0][1] < MIN_SCORE:
            return None
        if len(ranked) > 1 and ranked[0][1] < MIN_LEAD * ranked[1][1]:
            return None
        return ranked[0][0]

    def _mentions(self, text: str) -> list[tuple[str, float, bool]]:
        if self._pattern is None or not text:
            return []
        folded = fold_words(text)
        if self._exclude is not None:
            folded = self._exclude.sub(lambda m: " " * len(m.group(0)), folded)
        found = []
        for match in self._pattern.finditer(folded):
            key = match.group(1)
            explicit = bool(_CITE_PREFIX.search(folded, max(0, match.start() - 40), match.start()))
            found.append((self._owner[key], self._strength[key], explicit))
        return found


def builtin_gazetteer_text() -> str:
    return resources.files("recueil").joinpath("data/gazetteer.json").read_text(encoding="utf-8")


def load_gazetteer(settings: Settings | None = None) -> Gazetteer:
    path = settings.gazetteer_file if settings is not None else None
    if path is None:
        return parse_gazetteer(builtin_gazetteer_text(), None)
    return parse_gazetteer(read_data_file(Path(path), GazetteerError), Path(path))


def parse_gazetteer(text: str, path: Path | None) -> Gazetteer:
    """Validate gazetteer data; raise GazetteerError naming the line and the field."""
    data = load_located(path, text, GazetteerError)
    check = Checker(str(path) if path else "built-in gazetteer", GazetteerError)
    top = check.obj(data, "top level")
    check.known_keys(top, {"version", "description", "cites"}, "top level")
    raw_cites = top.get("cites")
    if not isinstance(raw_cites, list):
        raise check.fail(top, "cites", "expected a list of cités")
    cites: list[Cite] = []
    seen: dict[str, str] = {}
    for index, raw in enumerate(raw_cites, start=1):
        obj = check.obj(raw, f"cité #{index}", top, "cites")
        context = f"cité #{index}" + (
            f" ({obj['name']})" if isinstance(obj.get("name"), str) else ""
        )
        check.known_keys(obj, _CITE_KEYS, context)
        year = obj.get("year")
        if year is not None and (
            isinstance(year, bool) or not isinstance(year, int) or not 2000 < year < 2100
        ):
            raise check.fail(obj, "year", "expected a year such as 2019, or null", context)
        cite = Cite(
            name=check.text(obj, "name", context),
            aliases=tuple(check.strings(obj, "aliases", context)),
            communes=tuple(check.strings(obj, "communes", context)),
            departement=check.text(obj, "departement", context, required=False),
            region=check.text(obj, "region", context, required=False),
            year=year,
            exclude=tuple(check.strings(obj, "exclude", context)),
        )
        check.text(obj, "note", context, required=False)
        for alias in (cite.name, *cite.aliases):
            key = fold_words(alias)
            if seen.get(key, cite.name) != cite.name:
                field = "name" if alias == cite.name else "aliases"
                raise check.fail(obj, field, f"{alias!r} already names {seen[key]!r}", context)
            seen[key] = cite.name
        cites.append(cite)
    return Gazetteer(cites, str(path) if path else "built-in")
