"""The documentalist's report: progress on stderr, run summaries, per-file items."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from typing import Any

import click
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from recueil.catalogue.models import IngestionItem, IngestionRun, Outcome
from recueil.errors import NotFoundError
from recueil.ingest.discover import Input
from recueil.ingest.outcomes import ItemReport, Progress, RunReport
from recueil.safetext import visible_line

OUTCOME_LABELS = {
    Outcome.ADDED: "ajouté",
    Outcome.UPDATED: "mis à jour",
    Outcome.DUPLICATE: "doublon",
    Outcome.SKIPPED: "ignoré",
    Outcome.DELETED: "supprimé",
    Outcome.FAILED: "échec",
}


class ProgressBar:
    """A progress bar on stderr (never stdout, which carries data), opened at ``start``."""

    def __init__(self, stack: ExitStack) -> None:
        self._stack = stack
        self._bar: Any = None

    def start(self, total: int) -> None:
        if total:
            self._bar = self._stack.enter_context(
                click.progressbar(
                    length=total,
                    label="Ingestion",
                    file=sys.stderr,
                    show_pos=True,
                    item_show_func=lambda s: s,
                )
            )

    def __call__(self, item: Input, result: ItemReport | None) -> None:
        if self._bar is not None:
            label = OUTCOME_LABELS.get(result.outcome, "") if result else ""
            self._bar.update(1, f"{visible_line(item.path.name)[:40]} {label}")


@contextmanager
def progress_printer(enabled: bool) -> Iterator[Progress | None]:
    if not enabled:
        yield None
        return
    with ExitStack() as stack:
        yield ProgressBar(stack)


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
    counts: dict[int, dict[Outcome, int]] = {}
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
                **{outcome.value: c.get(outcome, 0) for outcome in Outcome},
            }
        )
    return rows


def run_items(session: Session, run_id: int, *, failed_only: bool = False) -> list[dict[str, Any]]:
    if session.get(IngestionRun, run_id) is None:
        raise NotFoundError(f"no ingestion run {run_id}", hint="`recueil runs` lists the runs.")
    query = select(IngestionItem).where(IngestionItem.run_id == run_id).order_by(IngestionItem.id)
    if failed_only:
        query = query.where(IngestionItem.outcome == Outcome.FAILED)
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
