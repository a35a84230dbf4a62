"""`recueil ingest`: files, folders and globs into the catalogue, with a report per input."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from recueil.cli_common import AppContext, ExitCode, pass_app
from recueil.output import echo, emit, emit_object, output_options

if TYPE_CHECKING:
    from recueil.ingest.outcomes import RunReport


# The time limit of one document's extraction child, shared by `ingest` and `ocr`.
timeout_option = click.option(
    "--timeout",
    "timeout_s",
    type=float,
    default=120.0,
    show_default=True,
    help="Time limit per document in seconds (0: none).",
)


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
@timeout_option
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
@output_options
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
    fmt: str,
) -> ExitCode:
    """Ingest PDFs, web-page exports and records (files, folders, globs).

    \b
    Example:
      recueil ingest corpus/ ~/Téléchargements/*.pdf
      recueil ingest --password cites2024 protege.pdf
      recueil runs --failed        # what failed and why
      recueil ingest notices.xml --json > rapport.json

    The run report goes to stdout: a table, the run as --json, or one row per
    input with --nl or --csv. The exit code is 1 when an input failed.
    """
    from recueil.ingest.pipeline import IngestOptions, default_jobs, ingest_paths
    from recueil.ingest.report import progress_printer

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
        jobs=jobs if jobs is not None else default_jobs(),
    )
    with progress_printer(enabled=not app.quiet and fmt == "table") as progress:
        report = ingest_paths(
            app.settings,
            paths,
            options,
            resume=resume_run,
            progress=progress,
            catalogue=app.catalogue,
        )
    emit_report(report, fmt)
    return ExitCode.FAILED if report.failed else ExitCode.OK


def emit_report(report: RunReport, fmt: str) -> None:
    """The run on stdout: a table (and a summary on stderr), the run as JSON, or its items."""
    from recueil.ingest.report import summary_rows

    if fmt == "json":
        emit_object(report.as_dict(), "json")
    elif fmt in ("nl", "csv"):
        emit((i.as_dict() for i in report.items), fmt)
    else:
        emit(summary_rows(report), "table")
        counts = ", ".join(f"{k}: {v}" for k, v in sorted(report.counts.items()))
        echo(f"\nRun {report.run_id}: {counts} ({report.duration_s:.1f} s)", err=True)
        if report.index_error:
            echo(f"Warning: the index was not updated: {report.index_error}", err=True)


@click.command()
@click.argument("document_ids", type=int, nargs=-1)
@click.option("--password", help="Password of encrypted PDFs.")
@timeout_option
@click.option("--no-tag", is_flag=True, help="Do not tag the documents again.")
@output_options
@pass_app
def ocr(
    app: AppContext,
    document_ids: tuple[int, ...],
    password: str | None,
    timeout_s: float,
    no_tag: bool,
    fmt: str,
) -> ExitCode:
    """OCR the pages stored without text (flagged "needs OCR"), from the archived originals.

    Ingesting without Tesseract keeps a PDF's text pages and flags the others
    (warning W120). Once Tesseract and its French data are installed, this reads
    only the flagged pages, then tags and indexes the documents again. Without
    DOCUMENT_IDS: every document with flagged pages (`recueil list --needs-ocr`).
    The pass is a run of its own (`recueil runs`).

    \b
    Example:
      recueil ocr
      recueil ocr 12 14 --json
    """
    from recueil.ingest.ocr_pending import ocr_pending

    tagging = None
    if not no_tag:
        from recueil.ingest.tagging_step import TaggingStep

        tagging = TaggingStep(app.settings)
    report = ocr_pending(
        app.catalogue, document_ids, password=password, timeout_s=timeout_s, tagging=tagging
    )
    emit_report(report, fmt)
    return ExitCode.FAILED if report.failed else ExitCode.OK


commands: list[click.Command] = [ingest, ocr]
