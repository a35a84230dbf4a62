"""Terminal rendering of search results (French labels; colour only on a terminal).

Text from documents goes through ``visible_line`` before any colour is added, so
its terminal controls show as escapes and only our own styling reaches the terminal.
"""

from __future__ import annotations

from collections.abc import Sequence

import click

from recueil.safetext import visible_line
from recueil.search.types import Hit, SearchResult

FACET_LABELS = {"themes": "Thèmes", "cites": "Cités", "types": "Types", "years": "Années"}
FACET_SHOWN = 8


def highlight(passage: str, marks: Sequence[tuple[int, int]], colour: bool) -> str:
    if not colour or not marks:
        return visible_line(passage)
    out, last = [], 0
    for start, end in marks:
        out.append(visible_line(passage[last:start]))
        out.append(click.style(visible_line(passage[start:end]), fg="yellow", bold=True))
        last = end
    out.append(visible_line(passage[last:]))
    return "".join(out)


def hit_lines(hit: Hit, colour: bool) -> list[str]:
    title = visible_line(hit.title or hit.filename or hit.source or "(sans titre)")
    head = f"{hit.rank:>3}. {click.style(title, bold=True) if colour else title}  [id {hit.id}]"
    details = [
        hit.doc_type or "type inconnu",
        hit.date or (str(hit.year) if hit.year else "sans date"),
    ]
    if hit.cite:
        details.append(hit.cite)
    if hit.themes:
        details.append(", ".join(hit.themes))
    lines = [head, "     " + visible_line(" · ".join(details))]
    if hit.passage:
        where = f"p. {hit.page} · " if hit.page is not None else ""
        lines.append("     " + where + highlight(hit.passage, hit.marks, colour))
    return lines


def result_text(
    result: SearchResult, colour: bool, suggestion: str | None = None, suggestion_total: int = 0
) -> str:
    noun = "document trouvé" if result.total == 1 else "documents trouvés"
    lines = [
        f"{result.total} {noun}" + (f" · page {result.page}/{result.pages}" if result.limit else "")
    ]
    if suggestion:
        lines.append(
            f"Vouliez-vous dire : « {visible_line(suggestion)} » ? ({suggestion_total} documents)"
        )
    for hit in result.hits:
        lines.append("")
        lines.extend(hit_lines(hit, colour))
    facets = [(name, counts) for name, counts in result.facets.items() if counts]
    if facets and result.total:
        lines.append("")
        for name, counts in facets:
            shown = " · ".join(
                f"{visible_line(str(value))} ({count})" for value, count in counts[:FACET_SHOWN]
            )
            more = f" · … (+{len(counts) - FACET_SHOWN})" if len(counts) > FACET_SHOWN else ""
            lines.append(f"{FACET_LABELS.get(name, name)} : {shown}{more}")
    return "\n".join(lines)
