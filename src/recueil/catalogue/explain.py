"""Why a document has its themes, from what the last tagging run stored (no model).

The theme data comes in as plain labels in theme order: the catalogue does not
read theme files.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from recueil.catalogue.models import Document, ThemeTag
from recueil.catalogue.vocabulary import TagSource

MAX_TERMS = 8


def explain_document(
    document: Document, labels: Mapping[str, str], default_threshold: float
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """A summary of the document and one row per theme that has a score or a tag.

    ``labels`` maps theme codes to labels in the theme data's order.
    """
    threshold = document.tag_threshold or default_threshold
    summary = {
        "id": document.id,
        "title": document.title,
        "themes": document.active_theme_codes,
        "threshold": threshold,
        "tagger_version": document.tagger_version,
        "tagged_at": document.tagged_at,
        "doc_type": document.doc_type,
        "date": document.date or document.year,
        "date_source": document.date_source,
        "cite_educative": document.cite_educative,
        "words": document.tagged_words,
    }
    order = {code: i for i, code in enumerate(labels)}
    tags = sorted(document.tags, key=lambda t: (-_rules_score(t), order.get(t.theme_code, 99)))
    rows = []
    for tag in tags:
        evidence: dict[str, Any] = tag.evidence or {}
        terms = evidence.get("terms", {})
        if tag.source == TagSource.MANUAL:
            status = "added by hand" if tag.active else "removed by hand"
        else:
            status = f"active ({tag.source})" if tag.active else "below threshold"
        rows.append(
            {
                "theme": tag.theme_code,
                "label": labels.get(tag.theme_code, tag.theme_code),
                "score": _rules_score(tag),
                "status": status,
                "terms": ", ".join(f"{t}×{n}" for t, n in list(terms.items())[:MAX_TERMS]),
                "title_hits": evidence.get("title_hits", []),
                "evidence": evidence,
            }
        )
    return summary, rows


def _rules_score(tag: ThemeTag) -> float:
    """The rules' score of the tag's theme; a manual tag they never scored has none."""
    return tag.score if tag.evidence is not None else 0.0
