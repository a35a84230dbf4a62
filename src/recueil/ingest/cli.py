"""Commands of the ingestion part: ingest, show, list, runs."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from recueil.cli_common import AppContext, pass_app
from recueil.output import emit, emit_object, output_options


@click.command()
@click.argument("paths", nargs=-1, required=False)
@click.option("--password", help="Password of encrypted PDFs (tried on every encrypted file).")
@click.option(
    "--max-size",
    "max_mb",
    type=float,
    default=200.0,
    show_default=True,
    help="Largest file accepted, in MB.",
)
@click.option(
    "--timeout",
    "timeout_s",
    type=float,
    default=120.0,
    show_default=True,
    help="Time limit per document in seconds (0: none).",
)
@click.option(
    "--ocr",
    type=click.Choice(["auto", "always", "never"]),
    default="auto",
    show_default=True,
    help="OCR scanned PDFs with Tesseract.",
)
@click.option(
    "--attachments",
    "attachments_dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder holding the PDFs that records point to.",
)
@click.option(
    "--no-tag", is_flag=True, help="Do not run theme tagging (faster; `recueil retag` later)."
)
@click.option(
    "--no-index", is_flag=True, help="Do not update the index (`recueil index sync` later)."
)
@click.option(
    "--resume",
    "resume_run",
    type=int,
    metavar="RUN",
    help="Continue an interrupted run, skipping inputs already done.",
)
@click.option(
    "--jobs",
    "-j",
    type=int,
    default=None,
    help="Worker processes for extraction and tagging (default: number of cores).",
)
@click.option("--json", "as_json", is_flag=True, help="Print the run report as JSON.")
@pass_app
def ingest(
    app: AppContext,
    paths: tuple[str | Path, ...],
    password: str | None,
    max_mb: float,
    timeout_s: float,
    ocr: str,
    attachments_dir: Path | None,
    no_tag: bool,
    no_index: bool,
    resume_run: int | None,
    jobs: int | None,
    as_json: bool,
) -> None:
    """Ingest PDFs, web-page exports and records (files, folders, globs).

    \b
    Example:
      recueil ingest corpus/ ~/Téléchargements/*.pdf
      recueil ingest --password cites2024 protege.pdf
      recueil runs --failed        # what failed and why
    """
    from recueil.ingest.pipeline import IngestOptions, IngestPipeline, default_jobs
    from recueil.ingest.report import progress_printer, summary_rows

    if not paths and resume_run is None:
        raise click.UsageError("give at least one PATH, or --resume RUN")
    options = IngestOptions(
        password=password,
        max_bytes=int(max_mb * 1024 * 1024),
        timeout_s=timeout_s,
        ocr=ocr,
        attachments_dir=attachments_dir,
        tag=not no_tag,
        index=not no_index,
        resume_run=resume_run,
        jobs=jobs if jobs is not None else default_jobs(),
    )
    tagging = None
    if not no_tag:
        from recueil.ingest.tagging_step import TaggingStep

        tagging = TaggingStep(app.settings)
    pipeline = IngestPipeline(app.catalogue, options, tagging)
    if not paths and resume_run is not None:
        from recueil.ingest.report import run_inputs

        paths = tuple(run_inputs(app.catalogue, resume_run))
    from recueil.ingest.discover import discover

    inputs = discover(paths)
    with progress_printer(len(inputs), enabled=not app.quiet and not as_json) as progress:
        report = pipeline.run_inputs(inputs, progress)
    if as_json:
        emit_object(
            {
                "run_id": report.run_id,
                "counts": report.counts,
                "duration_s": round(report.duration_s, 2),
                "pages": report.pages,
                "index_error": report.index_error,
                "items": [i.as_dict() for i in report.items],
            },
            "json",
        )
    else:
        emit(summary_rows(report), "table")
        counts = ", ".join(f"{k}: {v}" for k, v in sorted(report.counts.items()))
        click.echo(f"\nRun {report.run_id}: {counts} ({report.duration_s:.1f} s)", err=True)
        if report.index_error:
            click.echo(f"Warning: the index was not updated: {report.index_error}", err=True)
    if report.failed:
        sys.exit(1)


@click.command()
@click.argument("document_id", type=int)
@click.option("--lines", default=8, show_default=True, help="Lines of text to show.")
@output_options
@pass_app
def show(app: AppContext, document_id: int, lines: int, fmt: str) -> None:
    """Show one document: metadata, themes, entities, text, original.

    \b
    Example:
      recueil show 12
    """
    from recueil.catalogue.queries import document_details

    with app.catalogue.session() as session:
        details = document_details(session, app.settings, document_id, text_lines=lines)
    emit_object(details, fmt)


@click.command(name="list")
@click.option("--type", "doc_type", help="Document type (compte-rendu, fiche-experience, …).")
@click.option("--theme", help="Theme code.")
@click.option("--cite", help="Cité éducative.")
@click.option("--year", type=int, help="Year of the document.")
@click.option("--from", "date_from", help="From this date (YYYY-MM-DD).")
@click.option("--to", "date_to", help="Up to this date (YYYY-MM-DD).")
@click.option(
    "--outcome",
    type=click.Choice(["added", "updated", "duplicate", "skipped", "deleted", "failed"]),
    help="Last ingestion outcome of the document's source.",
)
@click.option("--needs-ocr", is_flag=True, help="Only documents with pages that need OCR.")
@click.option("--limit", type=int, default=0, help="At most this many rows (0: all).")
@output_options
@pass_app
def list_documents(app: AppContext, /, fmt: str, limit: int, **filters: Any) -> None:
    """List catalogue documents with filters.

    \b
    Example:
      recueil list --type fiche-experience --year 2022
    """
    from recueil.catalogue.queries import DocumentFilter
    from recueil.catalogue.queries import list_documents as query

    with app.catalogue.session() as session:
        rows = query(session, DocumentFilter.from_options(filters), limit=limit)
    emit(
        rows,
        fmt,
        columns=None if fmt != "table" else ["id", "date", "type", "cite", "themes", "title"],
    )


@click.command()
@click.argument("run_id", type=int, required=False)
@click.option("--failed", is_flag=True, help="Only the inputs that failed.")
@output_options
@pass_app
def runs(app: AppContext, run_id: int | None, failed: bool, fmt: str) -> None:
    """List ingestion runs, or the per-file report of one run.

    \b
    Example:
      recueil runs
      recueil runs 3 --failed
    """
    from recueil.ingest.report import run_items, run_rows

    with app.catalogue.session() as session:
        if run_id is None:
            emit(run_rows(session), fmt)
        else:
            emit(
                run_items(session, run_id, failed_only=failed),
                fmt,
                columns=None
                if fmt != "table"
                else ["source", "outcome", "document_id", "error_code", "message"],
            )


commands: list[click.Command] = [ingest, show, list_documents, runs]
