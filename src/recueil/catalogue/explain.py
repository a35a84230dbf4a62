"""Why a document has its themes, from what the last tagging run stored (no model).

The theme data comes in as plain labels in theme order: the catalogue does not
read theme files.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from recueil.catalogue.models import Document, ThemeTag
from recueil.catalogue.vocabulary import TagSource

COMBINED_THRESHOLD = 0.5  # the combined score's (tagging.combine): the catalogue does not import it

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
        # Tags written before the learned model hold the rules' score: their threshold.
        "threshold": COMBINED_THRESHOLD
        if "+model:" in (document.tagger_version or "")
        else threshold,
        "rules_threshold": threshold,
        "tagger_version": document.tagger_version,
        "tagged_at": document.tagged_at,
        "doc_type": document.doc_type,
        "date": document.date or document.year,
        "date_source": document.date_source,
        "cite_educative": document.cite_educative,
        "words": document.tagged_words,
    }
    order = {code: i for i, code in enumerate(labels)}
    tags = sorted(document.tags, key=lambda t: (-_tagger_score(t), order.get(t.theme_code, 99)))
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
                "score": _tagger_score(tag),
                "rules": tag.rules_score,
                "model": tag.model_score,
                "status": status,
                "terms": ", ".join(f"{t}×{n}" for t, n in list(terms.items())[:MAX_TERMS]),
                "model_words": ", ".join(evidence.get("model_words", [])),
                "title_hits": evidence.get("title_hits", []),
                "evidence": evidence,
            }
        )
    return summary, rows


def _tagger_score(tag: ThemeTag) -> float:
    """The tagger's score of the tag's theme; a manual tag it never scored has none."""
    return tag.score if tag.evidence is not None or tag.rules_score is not None else 0.0
