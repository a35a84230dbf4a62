"""Why a document has its themes, from what the last tagging run stored (no model)."""

from __future__ import annotations

from typing import Any

from recueil.catalogue.models import Document
from recueil.tagging.themes import ThemeSet

MAX_TERMS = 8


def explain_document(
    document: Document, themes: ThemeSet
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """A summary of the document and one row per theme that has a score or a tag."""
    stored: dict[str, Any] = document.theme_scores or {}
    scores: dict[str, Any] = stored.get("scores", {})
    threshold = stored.get("threshold") or themes.threshold
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
    order = {code: i for i, code in enumerate(themes.codes)}
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
        theme = themes.get(code)
        rows.append(
            {
                "theme": code,
                "label": theme.label if theme else code,
                "score": entry.get("score", 0.0),
                "status": status,
                "terms": ", ".join(f"{t}×{n}" for t, n in list(terms.items())[:MAX_TERMS]),
                "title_hits": evidence.get("title_hits", []),
                "evidence": evidence,
            }
        )
    return summary, rows
