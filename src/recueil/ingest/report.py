"""The documentalist's report: progress on stderr, run summaries, per-file items."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import click
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from recueil.catalogue.db import Catalogue
from recueil.catalogue.models import IngestionItem, IngestionRun
from recueil.errors import NotFoundError
from recueil.ingest.discover import Input, from_locator
from recueil.ingest.outcomes import ItemReport, Progress, RunReport

OUTCOME_LABELS = {
    "added": "ajouté",
    "updated": "mis à jour",
    "duplicate": "doublon",
    "skipped": "ignoré",
    "deleted": "supprimé",
    "failed": "échec",
}


@contextmanager
def progress_printer(total: int, enabled: bool) -> Iterator[Progress | None]:
    """A progress bar on stderr (never stdout, which carries data)."""
    if not enabled or total == 0:
        yield None
        return
    with click.progressbar(
        length=total, label="Ingestion", file=sys.stderr, show_pos=True, item_show_func=lambda s: s
    ) as bar:

        def advance(item: Input, result: ItemReport | None) -> None:
            name = item.path.name
            bar.update(1, f"{name[:40]} {OUTCOME_LABELS.get(result.outcome, '') if result else ''}")

        yield advance


def summary_rows(report: RunReport) -> list[dict[str, Any]]:
    return [
        {
            "outcome": item.outcome,
            "id": item.document_id,
            "code": item.error_code or "",
            "source": _short(item.source),
            "message": item.message or "",
        }
        for item in report.items
    ]


def _short(source: str, width: int = 60) -> str:
    return source if len(source) <= width else "…" + source[-(width - 1) :]


def run_rows(session: Session) -> list[dict[str, Any]]:
    counts: dict[int, dict[str, int]] = {}
    for run_id, outcome, n in session.execute(
        select(IngestionItem.run_id, IngestionItem.outcome, func.count()).group_by(
            IngestionItem.run_id, IngestionItem.outcome
        )
    ):
        counts.setdefault(run_id, {})[outcome] = n
    rows = []
    for run in session.scalars(select(IngestionRun).order_by(IngestionRun.id)):
        c = counts.get(run.id, {})
        rows.append(
            {
                "id": run.id,
                "started": run.started_at.isoformat(timespec="seconds"),
                "status": run.status,
                "items": sum(c.values()),
                **{k: c.get(k, 0) for k in ("added", "updated", "duplicate", "skipped", "failed")},
            }
        )
    return rows


def run_items(session: Session, run_id: int, *, failed_only: bool = False) -> list[dict[str, Any]]:
    if session.get(IngestionRun, run_id) is None:
        raise NotFoundError(f"no ingestion run {run_id}", hint="`recueil runs` lists the runs.")
    query = select(IngestionItem).where(IngestionItem.run_id == run_id).order_by(IngestionItem.id)
    if failed_only:
        query = query.where(IngestionItem.outcome == "failed")
    return [
        {
            "source": item.source,
            "outcome": item.outcome,
            "document_id": item.document_id,
            "error_code": item.error_code,
            "message": item.message,
            "duration_s": round(item.duration_s or 0.0, 3),
            "pages": item.pages,
            "sha256": item.sha256,
        }
        for item in session.scalars(query)
    ]


def run_inputs(catalogue: Catalogue, run_id: int | None) -> list[str | Path]:
    """The inputs a run was started with (for --resume without PATH), byte for byte."""
    with catalogue.session() as session:
        run = session.get(IngestionRun, run_id)
        if run is None:
            raise NotFoundError(f"no ingestion run {run_id}", hint="`recueil runs` lists the runs.")
        arguments = run.arguments or {}
    if "paths" in arguments:
        return [from_locator(text) for text in arguments["paths"]]
    return list(arguments.get("inputs", []))  # runs recorded before lossless paths
