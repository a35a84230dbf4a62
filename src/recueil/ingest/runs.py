"""Ingestion runs: open, resume and close the run that groups a batch's items."""

from __future__ import annotations

import os
import socket
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from recueil.catalogue.models import IngestionItem, IngestionRun, utcnow
from recueil.errors import NotFoundError


def open_run(session: Session, arguments: dict[str, Any]) -> int:
    run = IngestionRun(
        command="ingest",
        status="running",
        host=socket.gethostname(),
        arguments={**arguments, "pid": os.getpid()},
    )
    session.add(run)
    session.flush()
    return run.id


def reopen_run(session: Session, run_id: int) -> tuple[int, set[str]]:
    """Mark a run running again; return its id and the sources it already recorded."""
    run = session.get(IngestionRun, run_id)
    if run is None:
        raise NotFoundError(f"no ingestion run {run_id}", hint="`recueil runs` lists the runs.")
    run.status = "running"
    run.finished_at = None
    run.arguments = {**(run.arguments or {}), "pid": os.getpid()}
    done = set(session.scalars(select(IngestionItem.source).where(IngestionItem.run_id == run.id)))
    return run.id, done


def close_run(session: Session, run_id: int, status: str) -> None:
    run = session.get(IngestionRun, run_id)
    if run is not None:
        run.status = status
        run.finished_at = utcnow()
