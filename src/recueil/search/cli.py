"""`recueil search` and `recueil similar`.

Starts fast: the index (and its engine) is imported inside the commands, and nothing
here or below imports spaCy.
"""

from __future__ import annotations

import datetime as dt
import sys

import click

from recueil.cli_common import AppContext, date_range_options, pass_app
from recueil.output import emit, output_options

SORT_CHOICES = ("relevance", "date", "oldest", "title")
TABLE_LIMIT = 10


@click.command()
@click.argument("query", nargs=-1)
@click.option(
    "--theme", "themes", multiple=True, help="Only this theme code (repeat for any of several)."
)
@click.option("--cite", "cites", multiple=True, help='Only this cité éducative, e.g. "Lille Sud".')
@click.option(
    "--type",
    "doc_types",
    multiple=True,
    help="Only this kind: compte-rendu, fiche-experience, synthese, plaquette, notice, page-web.",
)
@click.option("--year", "years", multiple=True, type=int, help="Only this year (repeatable).")
@date_range_options
@click.option(
    "--sort",
    type=click.Choice(SORT_CHOICES),
    default="relevance",
    show_default=True,
    help="Order of the results (date: newest first).",
)
@click.option(
    "--limit",
    type=click.IntRange(min=1),
    help=f"Results per page (default {TABLE_LIMIT} on screen, all for --json/--nl/--csv).",
)
@click.option(
    "--page", type=click.IntRange(min=1), default=1, show_default=True, help="Page to show."
)
@click.option(
    "--facets",
    "show_facets",
    is_flag=True,
    help="Output the facet counts (themes, cités, types, years) instead of the documents.",
)
@click.option(
    "--no-passage", is_flag=True, help="Do not compute the highlighted passages (faster exports)."
)
@output_options
@pass_app
def search(
    app: AppContext,
    query: tuple[str, ...],
    themes: tuple[str, ...],
    cites: tuple[str, ...],
    doc_types: tuple[str, ...],
    years: tuple[int, ...],
    date_from: dt.date | None,
    date_to: dt.date | None,
    sort: str,
    limit: int | None,
    page: int,
    show_facets: bool,
    no_passage: bool,
    fmt: str,
) -> None:
    """Search the documents in French: words, "phrases", OR, NOT, wildcards, fuzzy~.

    Accents, plurals and elisions do not matter: ecole, École, l'école and
    écoles find the same documents. Acronyms of the theme data are expanded
    (PRE also finds "programme de réussite éducative"). Prefixes: titre:,
    texte:, theme:, cite:, type:, annee:, entite:, source:, id:.

    \b
    Example:
      recueil search "petite enfance" --theme parentalite --year 2022
      recueil search 'décrochage NOT collège' --cite "Lille Sud" --sort date
      recueil search 'titre:rencontre parentalit*' --json > resultats.json
    """
    from recueil.index import Filters
    from recueil.search.render import result_text
    from recueil.search.service import run_search

    filters = Filters(
        themes=themes, cites=cites, doc_types=doc_types, years=years,
        date_from=date_from, date_to=date_to,
    )  # fmt: skip
    exporting = fmt in ("json", "nl", "csv")
    if limit is None and not exporting:
        limit = TABLE_LIMIT
    outcome = run_search(
        app.settings, " ".join(query), filters=filters, sort=sort, page=page, limit=limit,
        facets=show_facets or not exporting, passages=not (no_passage or show_facets),
    )  # fmt: skip
    result = outcome.result
    if show_facets:
        emit(facet_rows(result.facets), fmt, columns=["facet", "value", "count"])
        return
    if not exporting:
        colour = sys.stdout.isatty()
        click.echo(
            result_text(result, colour, outcome.suggestion, outcome.suggestion_total), color=colour
        )
        return
    emit((hit.as_row() for hit in result.hits), fmt)
    if not app.quiet:
        click.echo(f"{result.total} documents", err=True)
        if outcome.suggestion:
            click.echo(f"Vouliez-vous dire : « {outcome.suggestion} » ?", err=True)


def facet_rows(facets: dict[str, list[tuple[str, int]]]) -> list[dict[str, object]]:
    return [
        {"facet": name, "value": value, "count": count}
        for name, counts in facets.items()
        for value, count in counts
    ]


@click.command()
@click.argument("doc_id", type=int, metavar="ID")
@click.option(
    "--limit", type=click.IntRange(min=1), default=10, show_default=True, help="How many documents."
)
@output_options
@pass_app
def similar(app: AppContext, doc_id: int, limit: int, fmt: str) -> None:
    """List the documents most like document ID (by their key words).

    \b
    Example:
      recueil similar 42
    """
    from recueil.search.render import hit_lines
    from recueil.search.service import similar as find_similar

    hits = find_similar(app.settings, doc_id, limit)
    if fmt in ("json", "nl", "csv"):
        emit((hit.as_row() for hit in hits), fmt)
        return
    if not hits:
        click.echo("Aucun document semblable.")
        return
    colour = sys.stdout.isatty()
    click.echo("\n\n".join("\n".join(hit_lines(hit, colour)) for hit in hits), color=colour)


commands: list[click.Command] = [search, similar]
