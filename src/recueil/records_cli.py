"""Commands of the records part: harvest (OAI-PMH) and export (UNIMARC, CSV, JSON, RIS).

Kept outside ``ingest/records`` so that loading the CLI does not import pymarc.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from recueil.cli_common import pass_app
from recueil.output import emit_object

PREFIXES = ("pmb_xml_unimarc", "oai_dc")
EXPORT_FORMATS = ("unimarc-xml", "marc", "csv", "json", "ris")


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
    metavar="DATE",
    help="Harvest records changed since DATE (YYYY-MM-DD); default: since the last harvest.",
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
@click.option("--json", "as_json", is_flag=True, help="Print the harvest report as JSON.")
@pass_app
def harvest(
    app: Any,
    url: str,
    set_spec: str | None,
    prefix: str,
    from_: str | None,
    attachments_dir: Path | None,
    no_tag: bool,
    no_index: bool,
    as_json: bool,
) -> None:
    """Harvest a PMB/COSOTER OAI-PMH endpoint into the catalogue (incremental).

    \b
    Example:
      recueil harvest "https://cosoter.example.org/ws/connector_out.php?source_id=2"
      recueil harvest URL --set cites_educatives --from 2024-01-01
    """
    from recueil.ingest.outcomes import IngestOptions
    from recueil.ingest.records.harvest import harvest as run_harvest

    options = IngestOptions(attachments_dir=attachments_dir, tag=not no_tag, index=not no_index)
    report = run_harvest(
        app.catalogue, url, prefix=prefix, set_spec=set_spec, from_=from_, options=options
    )
    if as_json:
        emit_object(report.as_dict(), "json")
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
        click.echo(f"Error [{report.error.code}]: {report.error.message}", err=True)
        click.echo(f"Hint: {report.error.hint}", err=True)
        sys.exit(1)
    if report.run and report.run.failed:
        sys.exit(1)


@click.command()
@click.option(
    "--format",
    "fmt",
    type=click.Choice(EXPORT_FORMATS),
    default="unimarc-xml",
    show_default=True,
    help="UNIMARC as MARC XML or ISO 2709 (for PMB), CSV, JSON or RIS.",
)
@click.option("--theme", help="Only documents tagged with this theme code.")
@click.option("--type", "doc_type", help="Only this document type (notice, compte-rendu, …).")
@click.option("--cite", help="Only this cité éducative.")
@click.option("--year", type=int, help="Only this year.")
@click.option("--from", "date_from", help="From this date (YYYY-MM-DD).")
@click.option("--to", "date_to", help="Up to this date (YYYY-MM-DD).")
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write to this file (default: standard output).",
)
@pass_app
def export(app: Any, /, fmt: str, output: Path | None, **filters: Any) -> None:
    """Export catalogue documents (notices and PDFs) for PMB or a spreadsheet.

    UNIMARC output carries the themes as 610 keywords and the cité éducative in
    a 900 field, so that PMB imports them.

    \b
    Example:
      recueil export --format unimarc-xml --theme parentalite -o parentalite.xml
      recueil export --format csv --year 2022 > notices-2022.csv
    """
    from recueil.catalogue.queries import DocumentFilter
    from recueil.ingest.records.export import export_documents

    selection = DocumentFilter.from_options(filters)
    if output is None:
        count = export_documents(app.catalogue, fmt, sys.stdout.buffer, selection)
        sys.stdout.flush()
    else:
        with output.open("wb") as handle:
            count = export_documents(app.catalogue, fmt, handle, selection)
    click.echo(f"{count} document(s) exported" + (f" to {output}" if output else ""), err=True)


commands: list[click.Command] = [harvest, export]
