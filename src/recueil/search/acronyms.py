"""Acronym expansion from the theme data: ``PRE`` also finds "programme de réussite éducative".

Acronyms collide with ordinary words (PRE, CLAS, ENT), so only a word typed
exactly as the acronym (same case) is expanded.
"""

from __future__ import annotations

from collections.abc import Mapping

from recueil.config import Settings
from recueil.search import query as q


def load_acronyms(settings: Settings) -> dict[str, str]:
    """Acronym -> expansion, merged over every theme of the theme data."""
    from recueil.tagging.themes import load_themes

    found: dict[str, str] = {}
    for theme in load_themes(settings).themes:
        found.update(theme.acronyms)
    return found


def expand_acronyms(node: q.Node, acronyms: Mapping[str, str]) -> q.Node:
    """Rewrite each acronym word into (acronym OR "its expansion")."""
    if isinstance(node, q.Term) and node.field in (None, "title", "text"):
        expansion = acronyms.get(node.text)
        if expansion:
            return q.Or((node, q.Phrase(expansion, node.field)))
        return node
    if isinstance(node, q.And):
        return q.And(tuple(expand_acronyms(child, acronyms) for child in node.children))
    if isinstance(node, q.Or):
        return q.Or(tuple(expand_acronyms(child, acronyms) for child in node.children))
    if isinstance(node, q.Not):
        return q.Not(expand_acronyms(node.child, acronyms))
    return node
