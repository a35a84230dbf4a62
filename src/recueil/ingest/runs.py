"""Ingestion runs: open, resume and close the run that groups a batch's items."""

from __future__ import annotations

import os
import socket
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from recueil.catalogue.db import Catalogue
from recueil.catalogue.models import IngestionItem, IngestionRun, RunStatus, utcnow
from recueil.errors import NotFoundError
from recueil.ingest.discover import from_locator


def open_run(session: Session, arguments: dict[str, Any], *, command: str = "ingest") -> int:
    """A new run; an ingest run records its host and process (`recueil check` reads them)."""
    if command == "ingest":
        run = IngestionRun(
            command=command,
            status=RunStatus.RUNNING,
            host=socket.gethostname(),
            arguments={**arguments, "pid": os.getpid()},
        )
    else:
        run = IngestionRun(command=command, status=RunStatus.RUNNING, arguments=arguments)
    session.add(run)
    session.flush()
    return run.id


def reopen_run(session: Session, run_id: int) -> tuple[int, set[str]]:
    """Mark a run running again; return its id and the sources it already recorded."""
    run = session.get(IngestionRun, run_id)
    if run is None:
        raise NotFoundError(f"no ingestion run {run_id}", hint="`recueil runs` lists the runs.")
    run.status = RunStatus.RUNNING
    run.finished_at = None
    run.arguments = {**(run.arguments or {}), "pid": os.getpid()}
    done = set(session.scalars(select(IngestionItem.source).where(IngestionItem.run_id == run.id)))
    return run.id, done


def run_inputs(catalogue: Catalogue, run_id: int) -> list[str | Path]:
    """The inputs a run was started with (to resume it without naming them again),
    byte for byte."""
    with catalogue.session() as session:
        run = session.get(IngestionRun, run_id)
        if run is None:
            raise NotFoundError(f"no ingestion run {run_id}", hint="`recueil runs` lists the runs.")
        arguments = run.arguments or {}
    if "paths" in arguments:
        return [from_locator(text) for text in arguments["paths"]]
    return list(arguments.get("inputs", []))  # runs recorded before lossless paths


def close_run(session: Session, run_id: int, status: RunStatus) -> None:
    run = session.get(IngestionRun, run_id)
    if run is not None:
        run.status = status
        run.finished_at = utcnow()
