"""Commands of the maintenance part: check [--repair], backup, restore."""

from __future__ import annotations

from pathlib import Path

import click

from recueil.cli_common import AppContext, ExitCode, pass_app
from recueil.output import emit, emit_object, output_options


@click.command()
@click.option("--repair", is_flag=True, help="Fix what can be fixed from the catalogue.")
@click.option(
    "--no-checksums", is_flag=True, help="Do not re-read the originals to verify their SHA-256."
)
@output_options
@pass_app
def check(app: AppContext, repair: bool, no_checksums: bool, fmt: str) -> ExitCode:
    """Compare the catalogue with the archived originals, the index and the runs.

    Reports originals missing or altered, files in the archive no document
    refers to, temporary files left by a crash, documents missing from the
    index, stale or orphaned in it, and runs left "running" by a killed
    process. Exit code 1 when problems remain.

    \b
    Example:
      recueil check
      recueil check --repair
    """
    from recueil.maintenance.check import check_home

    report = check_home(app.catalogue, repair=repair, checksums=not no_checksums)
    if fmt in ("json", "nl"):
        emit_object(report.as_dict(), fmt)
    else:
        emit([p.as_row() for p in report.problems], fmt)
    if not app.quiet:
        for note in report.notes:
            click.echo(f"Note: {note}", err=True)
        repaired = sum(p.repaired for p in report.problems)
        click.echo(
            f"{report.documents} documents, {report.originals} originals: "
            f"{len(report.remaining)} problem(s)"
            + (f", {repaired} repaired" if repair else "")
            + ("" if report.ok or repair else " (`recueil check --repair` fixes the repairable)"),
            err=True,
        )
    return ExitCode.OK if report.ok else ExitCode.FAILED


@click.command()
@click.argument("dest", type=click.Path(path_type=Path))
@output_options
@pass_app
def backup(app: AppContext, dest: Path, fmt: str) -> None:
    """Back up the catalogue and its originals into a new folder or a .tar.gz.

    \b
    Example:
      recueil backup /mnt/sauvegarde/recueil-2024-06-01.tar.gz
    """
    from recueil.maintenance.backup import backup as write_backup

    manifest = write_backup(app.catalogue, dest)
    summary = {k: v for k, v in manifest.items() if k not in ("files", "counts")}
    emit_object({"backup": str(dest), **summary}, fmt)


@click.command()
@click.argument("source", type=click.Path(exists=True, path_type=Path))
@click.option("--force", is_flag=True, help="Replace a catalogue that already has documents.")
@output_options
@pass_app
def restore(app: AppContext, source: Path, force: bool, fmt: str) -> None:
    """Restore a backup into this home (empty unless --force), then rebuild the index.

    \b
    Example:
      recueil --home ~/recueil-restaure restore recueil-2024-06-01.tar.gz
    """
    from recueil.maintenance.restore import restore as read_backup

    emit_object(read_backup(app.settings, source, force=force), fmt)


commands: list[click.Command] = [check, backup, restore]
