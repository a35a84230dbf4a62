"""`recueil index rebuild|sync|info`: keep the full-text index in step with the catalogue.

Nothing heavy at import time: the index engine is imported inside the commands.
"""

from __future__ import annotations

import contextlib
import sys
import time
from typing import Any

import click

from recueil.cli_common import AppContext, pass_app
from recueil.output import emit_object, output_options

ENGINE_CHOICES = ("whoosh", "tantivy")  # recueil.index.engine.ENGINES, without importing it


@click.group("index")
def index_group() -> None:
    """Maintain the full-text index (derived from the catalogue).

    \b
    Example:
      recueil index rebuild
      recueil index sync
      recueil index info
    """


@index_group.command("rebuild")
@click.option(
    "--engine",
    type=click.Choice(ENGINE_CHOICES),
    help="Index engine: tantivy (the default of a new home) or whoosh (pure Python). "
    "Default: RECUEIL_INDEX_ENGINE, else the current index's, else tantivy.",
)
@click.option(
    "--jobs",
    type=click.IntRange(min=1),
    help="Processes that analyse the text while one writer feeds the engine (default: 2 "
    "or the number of cores if fewer).",
)
@pass_app
def rebuild_command(app: AppContext, engine: str | None, jobs: int | None) -> None:
    """Rebuild the whole index from the catalogue, then swap it in atomically.

    Searches keep answering from the old index until the new one is complete;
    an interrupted rebuild leaves the old index intact. No PDF is read again.
    With --engine, the home switches to that engine in the same atomic swap;
    searches, sync and ingestion then use it.

    \b
    Example:
      recueil index rebuild
      recueil index rebuild --engine tantivy --jobs 2
    """
    from recueil.index import rebuild

    started = time.perf_counter()
    with contextlib.ExitStack() as stack:
        bars: list[Any] = []

        def progress(done: int, total: int) -> None:
            if app.quiet:
                return
            if not bars:
                bar = click.progressbar(length=total, label="Indexing", file=sys.stderr)
                bars.append(stack.enter_context(bar))
            bars[0].update(1)

        count = rebuild(app.settings, app.catalogue, progress=progress, engine=engine, procs=jobs)
    elapsed = time.perf_counter() - started
    if not app.quiet:
        rate = count / elapsed if elapsed > 0 else 0.0
        click.echo(f"Indexed {count} documents in {elapsed:.1f} s ({rate:.0f} docs/s).", err=True)


@index_group.command("sync")
@output_options
@pass_app
def sync_command(app: AppContext, fmt: str) -> None:
    """Add, update and remove only the documents that differ from the catalogue.

    \b
    Example:
      recueil index sync
    """
    from dataclasses import asdict

    from recueil.index import sync

    emit_object(asdict(sync(app.settings, app.catalogue)), fmt)


@index_group.command("info")
@output_options
@pass_app
def info_command(app: AppContext, fmt: str) -> None:
    """Show the index: documents, engine, schema version, size, what a sync would do.

    \b
    Example:
      recueil index info --json
    """
    from dataclasses import asdict

    from recueil.index import info, pending

    data: dict[str, Any] = asdict(info(app.settings))
    report = pending(app.settings, app.catalogue)
    data["out_of_date"] = report.added + report.updated + report.removed
    emit_object(data, fmt)


commands: list[click.Command] = [index_group]
