"""Why a document has its themes, from what the last tagging run stored (no model).

The theme data comes in as plain labels in theme order: the catalogue does not
read theme files.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from recueil.catalogue.models import Document

MAX_TERMS = 8


def explain_document(
    document: Document, labels: Mapping[str, str], default_threshold: float
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """A summary of the document and one row per theme that has a score or a tag.

    ``labels`` maps theme codes to labels in the theme data's order.
    """
    stored: dict[str, Any] = document.theme_scores or {}
    scores: dict[str, Any] = stored.get("scores", {})
    threshold = stored.get("threshold") or default_threshold
    tags = {t.theme_code: t for t in document.tags}
    summary = {
        "id": document.id,
        "title": document.title,
        "themes": document.active_theme_codes,
        "threshold": threshold,
        "tagger_version": stored.get("tagger_version"),
        "tagged_at": document.tagged_at,
        "doc_type": document.doc_type,
        "date": document.date or document.year,
        "date_source": document.date_source,
        "cite_educative": document.cite_educative,
        "words": stored.get("words"),
    }
    order = {code: i for i, code in enumerate(labels)}
    codes = sorted(
        set(scores) | set(tags),
        key=lambda c: (-float(scores.get(c, {}).get("score", 0)), order.get(c, 99)),
    )
    rows = []
    for code in codes:
        entry = scores.get(code, {})
        evidence = entry.get("evidence", {})
        terms = evidence.get("terms", {})
        tag = tags.get(code)
        if tag is None:
            status = "below threshold"
        elif tag.source == "manual":
            status = "added by hand" if tag.active else "removed by hand"
        else:
            status = f"active ({tag.source})" if tag.active else "below threshold"
        rows.append(
            {
                "theme": code,
                "label": labels.get(code, code),
                "score": entry.get("score", 0.0),
                "status": status,
                "terms": ", ".join(f"{t}×{n}" for t, n in list(terms.items())[:MAX_TERMS]),
                "title_hits": evidence.get("title_hits", []),
                "evidence": evidence,
            }
        )
    return summary, rows
