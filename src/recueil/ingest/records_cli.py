"""Commands of the records part: harvest (OAI-PMH) and export (UNIMARC, CSV, JSON, RIS).

Beside ``ingest/records`` rather than in it: importing that package registers its
extractors (and loads pymarc), which the command line must not do at start-up.
"""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path
from typing import Any

import click
from click.core import ParameterSource

from recueil.cli_common import DATE_FROM, AppContext, ExitCode, date_range_options, pass_app
from recueil.output import emit_object, output_options

PREFIXES = ("pmb_xml_unimarc", "oai_dc")
EXPORT_FORMATS = ("unimarc-xml", "marc", "csv", "json", "nl", "ris")


@click.command()
@click.argument("url")
@click.option("--set", "set_spec", help="OAI set to harvest (setSpec).")
@click.option(
    "--prefix",
    type=click.Choice(PREFIXES),
    default="pmb_xml_unimarc",
    show_default=True,
    help="Metadata format: PMB's UNIMARC (complete) or Dublin Core (fallback).",
)
@click.option(
    "--from",
    "from_",
    type=DATE_FROM,
    help="Harvest records changed since DATE (2024, 2024-03 or 2024-03-01); "
    "default: since the last harvest.",
)
@click.option(
    "--attachments",
    "attachments_dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder holding the PDFs that records point to.",
)
@click.option("--no-tag", is_flag=True, help="Do not run theme tagging (`recueil retag` later).")
@click.option(
    "--no-index", is_flag=True, help="Do not update the index (`recueil index sync` later)."
)
@output_options
@pass_app
def harvest(
    app: AppContext,
    url: str,
    set_spec: str | None,
    prefix: str,
    from_: dt.date | None,
    attachments_dir: Path | None,
    no_tag: bool,
    no_index: bool,
    fmt: str,
) -> ExitCode:
    """Harvest a PMB/COSOTER OAI-PMH endpoint into the catalogue (incremental).

    \b
    Example:
      recueil harvest "https://cosoter.example.org/ws/connector_out.php?source_id=2"
      recueil harvest URL --set cites_educatives --from 2024-01-01

    The report goes to stderr, or to stdout with --json, --nl or --csv. The exit
    code is 1 when the harvest stopped on an error or a record failed.
    """
    from recueil.ingest.outcomes import IngestOptions
    from recueil.ingest.records.harvest import harvest as run_harvest

    options = IngestOptions(attachments_dir=attachments_dir, tag=not no_tag, index=not no_index)
    since = from_.isoformat() if from_ else None
    report = run_harvest(
        app.catalogue, url, prefix=prefix, set_spec=set_spec, from_=since, options=options
    )
    if fmt != "table":
        emit_object(report.as_dict(), fmt)
    else:
        counts = ", ".join(
            f"{k}: {v}" for k, v in sorted((report.run.counts if report.run else {}).items())
        )
        click.echo(
            f"{len(report.pages)} page(s), {report.records} record(s) harvested"
            f"{' since ' + report.from_ if report.from_ else ''}"
            f"{f', {report.retries} retried request(s)' if report.retries else ''}"
            f"{'; ' + counts if counts else ''}",
            err=True,
        )
        if report.run:
            click.echo(
                f"Run {report.run.run_id}: `recueil runs {report.run.run_id}` lists each record.",
                err=True,
            )
    if report.error is not None:
        raise report.error
    return ExitCode.FAILED if report.run and report.run.failed else ExitCode.OK


@click.command()
@click.option(
    "--format",
    "export_format",
    type=click.Choice(EXPORT_FORMATS),
    default="unimarc-xml",
    show_default=True,
    help="UNIMARC as MARC XML or ISO 2709 (for PMB), CSV, JSON, JSON lines (nl) or RIS.",
)
@click.option("--theme", help="Only documents tagged with this theme code.")
@click.option("--type", "doc_type", help="Only this document type (notice, compte-rendu, …).")
@click.option("--cite", help="Only this cité éducative.")
@click.option("--year", type=int, help="Only this year.")
@date_range_options
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write to this file (default: standard output).",
)
@output_options(table=False)
@pass_app
def export(
    app: AppContext,
    /,
    export_format: str,
    fmt: str | None,
    output: Path | None,
    **filters: Any,
) -> None:
    """Export catalogue documents (notices and PDFs) for PMB or a spreadsheet.

    UNIMARC output carries the themes as 610 keywords and the cité éducative in
    a 900 field, so that PMB imports them.

    \b
    Example:
      recueil export --format unimarc-xml --theme parentalite -o parentalite.xml
      recueil export --csv --year 2022 > notices-2022.csv

    --json, --nl and --csv are short for --format json, nl and csv.
    """
    from recueil.catalogue.queries import DocumentFilter
    from recueil.ingest.records.export import export_documents

    ctx = click.get_current_context()
    if fmt is not None:
        chosen = ctx.get_parameter_source("export_format") != ParameterSource.DEFAULT
        if chosen and export_format != fmt:
            raise click.UsageError(f"--{fmt} and --format {export_format} disagree", ctx)
        export_format = fmt
    selection = DocumentFilter(**filters)
    if output is None:
        count = export_documents(app.catalogue, export_format, sys.stdout.buffer, selection)
        sys.stdout.flush()
    else:
        with output.open("wb") as handle:
            count = export_documents(app.catalogue, export_format, handle, selection)
    click.echo(f"{count} document(s) exported" + (f" to {output}" if output else ""), err=True)


commands: list[click.Command] = [harvest, export]
