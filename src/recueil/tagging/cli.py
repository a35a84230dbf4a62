"""Commands of the tagging part: themes, tag, retag, explain, eval.

spaCy is imported inside the commands that run the model (retag, eval),
never at module level.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from recueil.cli_common import AppContext, pass_app
from recueil.errors import NotFoundError, UnknownThemeError
from recueil.output import echo, emit, emit_object, output_options
from recueil.tagging.themes import ThemeSet, load_themes


def _check_codes(themes: ThemeSet, codes: tuple[str, ...] | list[str]) -> None:
    unknown = [c for c in codes if themes.get(c) is None]
    if unknown:
        raise UnknownThemeError(f"unknown theme code(s): {', '.join(unknown)}")


def _progress(app: AppContext, message: str) -> None:
    if not app.quiet:
        echo(message, err=True)


@click.command("themes")
@click.option("--counts", is_flag=True, help="Also count the documents tagged with each theme.")
@output_options
@pass_app
def themes_command(app: AppContext, counts: bool, fmt: str) -> None:
    """List the themes of the theme data (and check a theme file).

    \b
    Example:
      recueil themes
      recueil --themes mes-themes.json themes --json
    """
    themes = load_themes(app.settings)
    tagged: dict[str, int] = {}
    if counts:
        from sqlalchemy import func, select

        from recueil.catalogue.models import ThemeTag

        with app.catalogue.session() as session:
            query = (
                select(ThemeTag.theme_code, func.count())
                .where(ThemeTag.active.is_(True))
                .group_by(ThemeTag.theme_code)
            )
            tagged = {code: int(n) for code, n in session.execute(query)}
    rows: list[dict[str, Any]] = []
    for theme in themes.themes:
        row: dict[str, Any] = {
            "code": theme.code,
            "label": theme.label,
            "terms": len(theme.terms),
            "acronyms": len(theme.acronyms),
        }
        if counts:
            row["documents"] = tagged.get(theme.code, 0)
        if fmt != "table":
            row |= {
                "description": theme.description,
                "term_list": list(theme.terms),
                "acronym_list": theme.acronyms,
            }
        rows.append(row)
    emit(rows, fmt)
    _progress(app, f"{len(rows)} themes from {themes.source} (digest {themes.short_digest})")


@click.command("tag")
@click.argument("document_id", type=int)
@click.option("--add", "add", multiple=True, metavar="CODE", help="Add a theme (repeatable).")
@click.option(
    "--remove", "remove", multiple=True, metavar="CODE", help="Remove a theme (repeatable)."
)
@output_options
@pass_app
def tag_command(
    app: AppContext, document_id: int, add: tuple[str, ...], remove: tuple[str, ...], fmt: str
) -> None:
    """Add or remove themes by hand; re-tagging never undoes these decisions.

    \b
    Example:
      recueil tag 12 --add parentalite --remove gouvernance
    """
    from recueil.catalogue.models import Document
    from recueil.catalogue.repository import set_manual_tags, sync_themes
    from recueil.catalogue.vocabulary import TagSource

    themes = load_themes(app.settings)
    _check_codes(themes, [*add, *remove])
    both = set(add) & set(remove)
    if both:
        raise click.UsageError(f"both added and removed: {', '.join(sorted(both))}")
    with app.catalogue.transaction() as session:
        document = session.get(Document, document_id)
        if document is None:
            raise NotFoundError(f"no document with id {document_id}")
        sync_themes(session, themes)
        set_manual_tags(session, document, add, remove)
        result = {
            "id": document.id,
            "title": document.title,
            "themes": document.active_theme_codes,
            "manual": {
                t.theme_code: t.active for t in document.tags if t.source == TagSource.MANUAL
            },
        }
    emit_object(result, fmt)


@click.command("retag")
@click.option("--theme", "theme", metavar="CODE", help="Only re-tag this theme.")
@click.option("--dry-run", is_flag=True, help="Show what would change, change nothing.")
@output_options
@pass_app
def retag_command(app: AppContext, theme: str | None, dry_run: bool, fmt: str) -> None:
    """Re-run the tagger on the catalogue's stored text (after editing the themes).

    Prints the documents whose themes change: themes added and removed.
    Manual tags are kept.

    \b
    Example:
      recueil retag --dry-run
      recueil --themes themes.json retag --theme numerique
    """
    from recueil.ingest.retag import retag
    from recueil.tagging.analyse import Analyser

    themes = load_themes(app.settings)
    only = [theme] if theme else None
    if only:
        _check_codes(themes, only)
    _progress(app, "Loading the French model…")
    analyser = Analyser(app.settings, themes=themes)
    seen = [0]

    def progress(count: int) -> None:
        seen[0] += count
        _progress(app, f"{seen[0]} documents analysed")

    changes = retag(app.catalogue, analyser, only_themes=only, dry_run=dry_run, progress=progress)
    changed = [c.as_row() for c in changes if c.added or c.removed]
    emit(changed, fmt, columns=["id", "title", "added", "removed"])
    verb = "would change" if dry_run else "changed"
    _progress(app, f"{seen[0]} documents re-tagged, {len(changed)} {verb}")


@click.command("explain")
@click.argument("document_id", type=int)
@output_options
@pass_app
def explain_command(app: AppContext, document_id: int, fmt: str) -> None:
    """Show why a document has its themes: scores, threshold and matched terms.

    \b
    Example:
      recueil explain 12
    """
    from recueil.catalogue.explain import explain_document
    from recueil.catalogue.models import Document

    themes = load_themes(app.settings)
    with app.catalogue.session() as session:
        document = session.get(Document, document_id)
        if document is None:
            raise NotFoundError(f"no document with id {document_id}")
        labels = {theme.code: theme.label for theme in themes.themes}
        summary, rows = explain_document(document, labels, themes.threshold)
    if fmt in ("json", "nl"):
        emit_object({**summary, "themes": rows}, fmt)
        return
    if fmt == "csv":
        emit(rows, fmt)
        return
    emit_object(summary, fmt)
    sys.stdout.write("\n")
    emit(rows, fmt, columns=["theme", "score", "status", "terms", "title_hits"])


@click.command("eval")
@click.argument("gold", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--threshold", type=click.FloatRange(0, 1), help="Threshold (default: the theme data's)."
)
@click.option("--sweep", is_flag=True, help="Macro-F1 at thresholds 0.2 to 0.8 (no model re-run).")
@click.option("--documents", is_flag=True, help="One row per document: missed and extra themes.")
@output_options
@pass_app
def eval_command(
    app: AppContext, gold: Path, threshold: float | None, sweep: bool, documents: bool, fmt: str
) -> None:
    """Measure the tagger against a gold file (JSON lines): per-theme P/R/F1, macro-F1.

    Lines name a file (`path`, extracted without storing anything) or a
    catalogue document (`id`), with the expected `themes`; `maybe` themes
    are ignored.

    \b
    Example:
      recueil eval corpus/gold.jsonl
      recueil eval corpus/gold.jsonl --sweep
    """
    from recueil.ingest.gold_texts import gold_texts
    from recueil.tagging.evaluate import document_rows, metadata_report, theme_report
    from recueil.tagging.evaluate import sweep as run_sweep
    from recueil.tagging.gold_run import predict_gold

    themes = load_themes(app.settings)
    _progress(app, "Loading the French model…")
    texts = gold_texts(app.settings, gold, lambda: app.catalogue)
    pairs, skipped, gazetteer = predict_gold(app.settings, gold, themes, texts)
    for item, reason in skipped:
        _progress(app, f"line {item.line}: skipped ({reason})")
    limit = threshold if threshold is not None else themes.threshold
    if sweep:
        emit(run_sweep(pairs, themes.codes, [x / 20 for x in range(4, 17)]), fmt)
        return
    if documents:
        emit(document_rows(pairs, limit, gazetteer), fmt)
        return
    report = theme_report(pairs, themes.codes, limit)
    summary = {k: v for k, v in report.items() if k != "themes"}
    summary |= metadata_report(pairs, gazetteer)
    summary["skipped"] = len(skipped)
    wrong = [r for r in document_rows(pairs, limit, gazetteer) if r["missed"] or r["extra"]]
    if fmt in ("json", "nl"):
        emit_object({**summary, "themes": report["themes"], "wrong_documents": wrong}, fmt)
        return
    emit(report["themes"], fmt)
    if fmt == "table":
        sys.stdout.write("\n")
        emit_object(summary, fmt)
        if wrong:
            sys.stdout.write("\nDocuments with missed or extra themes:\n")
            emit(wrong, fmt, columns=["line", "document", "missed", "extra"])


commands: list[click.Command] = [
    themes_command,
    tag_command,
    retag_command,
    explain_command,
    eval_command,
]
