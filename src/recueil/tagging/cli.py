"""Commands of the tagging part: themes, tag, retag, explain, eval, train, review.

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
    """Show why a document has its themes: scores, thresholds, matched terms, model words.

    `score` is the rules and the learned model combined (a theme is tagged
    from 0.5), `rules` and `model` each source's own score.

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
    emit(rows, fmt, columns=["theme", "score", "rules", "model", "status", "terms", "model_words"])


@click.command("eval")
@click.argument("gold", type=click.Path(exists=True, path_type=Path))
@click.option(
    "--threshold", type=click.FloatRange(0, 1), help="Rules threshold (default: the theme data's)."
)
@click.option("--sweep", is_flag=True, help="Rules' macro-F1 at thresholds 0.2 to 0.8.")
@click.option("--documents", is_flag=True, help="One row per document: missed and extra themes.")
@click.option(
    "--split",
    type=click.Choice(["heldout", "train"]),
    default="heldout",
    show_default=True,
    help="Part of a development set (corpus-dev/) to measure on.",
)
@output_options
@pass_app
def eval_command(
    app: AppContext,
    gold: Path,
    threshold: float | None,
    sweep: bool,
    documents: bool,
    split: str,
    fmt: str,
) -> None:
    """Measure rules, learned model and combined side by side: P/R/F1 per theme, macro-F1.

    GOLD is a gold file (JSON lines naming a file `path` or a catalogue
    document `id`, with the expected `themes`; `maybe` themes are ignored)
    or a development set (the corpus-dev folder: its held-out part by
    default, the documents whose text is at hand).

    \b
    Example:
      recueil eval corpus/gold.jsonl
      recueil eval corpus-dev
      recueil eval corpus/gold.jsonl --sweep
    """
    from recueil.tagging.evaluate import document_rows, metadata_report, sources_report
    from recueil.tagging.evaluate import sweep as run_sweep

    themes = load_themes(app.settings)
    pairs, gazetteer, skipped = _gold_predictions(app, gold, themes, split)
    limit = threshold if threshold is not None else themes.threshold
    if sweep:
        emit(run_sweep(pairs, themes.codes, [x / 20 for x in range(4, 17)]), fmt)
        return
    rows = document_rows(pairs, limit, gazetteer)
    if documents:
        emit(rows, fmt)
        return
    report = sources_report(pairs, themes.codes, limit)
    summary = {k: v for k, v in report.items() if k not in ("themes", "decided")}
    summary |= metadata_report(pairs, gazetteer) if gazetteer is not None else {}
    summary["skipped"] = skipped
    wrong = [r for r in rows if r["missed"] or r["extra"]]
    if fmt in ("json", "nl"):
        emit_object({**summary, "themes": report["themes"], "wrong_documents": wrong}, fmt)
        return
    emit(report["themes"], fmt, columns=EVAL_COLUMNS)
    if fmt == "table":
        sys.stdout.write("\n")
        emit_object(summary, fmt)
        if wrong:
            sys.stdout.write("\nDocuments with missed or extra themes (combined):\n")
            emit(wrong, fmt, columns=["line", "document", "missed", "extra"])


def _gold_predictions(app: AppContext, gold: Path, themes: ThemeSet, split: str) -> Any:
    """(gold item, prediction) pairs, the gazetteer (None for a development set), skipped."""
    from recueil.tagging.devset import dev_documents, is_dev_set
    from recueil.tagging.gold_run import predict_dev, predict_gold

    if is_dev_set(gold):
        docs, missing = dev_documents(gold, themes.codes, split)
        if missing:
            _progress(app, f"{missing} texts of the {split} part are not at hand: skipped")
        _progress(app, "Loading the French model…")
        return predict_dev(app.settings, docs, themes), None, missing
    from recueil.ingest.gold_texts import gold_texts

    _progress(app, "Loading the French model…")
    texts = gold_texts(app.settings, gold, lambda: app.catalogue)
    pairs, skipped, gazetteer = predict_gold(app.settings, gold, themes, texts)
    for item, reason in skipped:
        _progress(app, f"line {item.line}: skipped ({reason})")
    return pairs, gazetteer, len(skipped)


EVAL_COLUMNS = [
    "theme",
    *(f"{s}_{m}" for s in ("rules", "model", "combined") for m in ("p", "r", "f1")),
]


@click.command("train")
@click.option(
    "--dev",
    "dev",
    type=click.Path(exists=True, path_type=Path),
    help="A development set to measure on (default: ./corpus-dev when present).",
)
@output_options
@pass_app
def train_command(app: AppContext, dev: Path | None, fmt: str) -> None:
    """Re-train the learned theme model from this home's manual decisions.

    Every `recueil tag` decision (a theme added or removed by hand) extends
    the built-in model; the result is written to <home>/theme_model.json.gz,
    which later ingests and `recueil retag` use. With a development set at
    hand, prints the model's macro-F1 on its held-out part, before and after.

    \b
    Example:
      recueil train
      recueil retag
    """
    from recueil.catalogue.tag_queries import manual_decisions
    from recueil.tagging.classifier import load_model, manual_example
    from recueil.tagging.learned import extend_model, heldout_figures, home_model_path, write_model

    themes = load_themes(app.settings)
    with app.catalogue.session() as session:
        decided = list(manual_decisions(session))
    examples = [manual_example(f"{d.title}\n\n{d.text}", d.decisions) for d in decided]
    base = load_model()
    model = extend_model(base, examples, themes.codes)
    app.settings.ensure_home()
    path = home_model_path(app.settings)
    write_model(model, path)
    learned = model.trained_on["manual_decisions"]
    rows = [{"theme": code, "added": n["yes"], "removed": n["no"]} for code, n in learned.items()]
    summary: dict[str, Any] = {
        "model": str(path),
        "base": f"built-in model ({base.trained_on.get('documents')} documents)",
        "documents_decided": len(decided),
        "themes_retrained": len(learned),
    }
    local = Path("corpus-dev")
    dev = dev if dev is not None else local if (local / "labels.jsonl").is_file() else None
    if dev is not None:
        summary |= heldout_figures(dev, themes.codes, {"builtin": base, "trained": model})
    if fmt in ("json", "nl"):
        emit_object({**summary, "themes": rows}, fmt)
        return
    if rows:
        emit(rows, fmt)
    if fmt == "table":
        sys.stdout.write("\n" if rows else "")
        emit_object(summary, fmt)
    _progress(app, "Later ingests and `recueil retag` use this model.")


@click.command("review")
@click.option("--theme", "theme", metavar="CODE", help="Only this theme.")
@click.option(
    "--limit", type=int, default=50, show_default=True, help="At most this many rows (0: all)."
)
@output_options
@pass_app
def review_command(app: AppContext, theme: str | None, limit: int, fmt: str) -> None:
    """List theme decisions worth a look, most uncertain first.

    A decision is listed when the rules and the learned model disagree, or
    when the combined score sits within 0.1 of the threshold. Confirm or
    correct each with `recueil tag`; `recueil train` then learns from it.

    \b
    Example:
      recueil review --limit 20
      recueil tag 12 --add parentalite
    """
    from recueil.catalogue.tag_queries import scored_tags
    from recueil.tagging.combine import review_stored

    themes = load_themes(app.settings)
    if theme:
        _check_codes(themes, [theme])
    with app.catalogue.session() as session:
        stored = scored_tags(session, theme)
    titles = {d.document_id: d.title for d in stored}
    queue = review_stored(
        ((d.document_id, d.threshold or themes.threshold, d.tags) for d in stored),
    )
    rows = [item.as_row(titles.get(int(item.document), "")) for item in queue[: limit or None]]
    emit(rows, fmt, columns=["id", "theme", "tagged", "score", "rules", "model", "reason", "title"])
    _progress(
        app,
        f"{len(rows)} of {len(queue)} decisions to review. Confirm or correct each with "
        "`recueil tag ID --add THEME` or `recueil tag ID --remove THEME`, then `recueil train`.",
    )


commands: list[click.Command] = [
    themes_command,
    tag_command,
    retag_command,
    explain_command,
    eval_command,
    train_command,
    review_command,
]
