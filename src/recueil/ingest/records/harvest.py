"""Incremental OAI-PMH harvest into the catalogue.

Each response page is saved under ``<home>/harvest/<endpoint>/<timestamp>-<n>.xml``
(so a harvest can be replayed with ``recueil ingest``) and the pages go through
the ingestion pipeline: new records are added, changed ones updated (same id),
deleted ones removed. ``HarvestState`` keeps, per endpoint, set and prefix, the
date of the last complete harvest (the next run asks only for what changed
since) or, after a failure, the resumptionToken of the next page. The client
bounds what a server can make recueil do (``HarvestLimits``: pages, deadline,
page size, request time, redirects); whatever stops a harvest, the pages
received before are kept and ingested.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import select

from recueil.catalogue.db import Catalogue
from recueil.catalogue.models import HarvestState
from recueil.errors import HarvestError, HarvestLoopError
from recueil.ingest.outcomes import IngestOptions, RunReport
from recueil.ingest.records.fetch import HarvestLimits
from recueil.ingest.records.oai import OaiClient, OaiPage, ResumptionTokenExpired, format_from


@dataclass(slots=True)
class HarvestReport:
    endpoint: str
    prefix: str
    set_spec: str
    from_: str | None
    resumed: bool = False
    pages: list[Path] = field(default_factory=list)
    records: int = 0
    retries: int = 0
    complete: bool = False
    error: HarvestError | None = None
    run: RunReport | None = None
    next_from: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "endpoint": self.endpoint, "prefix": self.prefix, "set": self.set_spec or None,
            "from": self.from_, "resumed": self.resumed, "pages": len(self.pages), "records": self.records,
            "retries": self.retries, "complete": self.complete,
            "error": f"[{self.error.code}] {self.error.message}" if self.error else None,
            "run_id": self.run.run_id if self.run else None,
            "counts": self.run.counts if self.run else {}, "next_from": self.next_from,
        }  # fmt: skip


def endpoint_slug(url: str) -> str:
    """``https://pmb.example.org/ws/connector_out.php?source_id=2`` -> ``pmb.example.org-ws-connector_out.php-source_id-2``."""
    text = re.sub(r"^[a-z]+://", "", url.strip().lower())
    return re.sub(r"[^a-z0-9._]+", "-", text).strip("-.")[:120] or "endpoint"


def _now() -> str:
    return dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _state(
    catalogue: Catalogue, endpoint: str, set_spec: str, prefix: str
) -> tuple[str | None, str | None]:
    with catalogue.session() as session:
        state = session.scalar(
            select(HarvestState).where(
                HarvestState.endpoint == endpoint,
                HarvestState.set_spec == set_spec,
                HarvestState.prefix == prefix,
            )
        )
        return (state.last_harvest, state.resumption_token) if state else (None, None)


def _save_state(
    catalogue: Catalogue,
    endpoint: str,
    set_spec: str,
    prefix: str,
    *,
    last_harvest: str | None,
    token: str | None,
) -> None:
    with catalogue.transaction() as session:
        state = session.scalar(
            select(HarvestState).where(
                HarvestState.endpoint == endpoint,
                HarvestState.set_spec == set_spec,
                HarvestState.prefix == prefix,
            )
        )
        if state is None:
            state = HarvestState(endpoint=endpoint, set_spec=set_spec, prefix=prefix)
            session.add(state)
        if last_harvest is not None:
            state.last_harvest = last_harvest
        state.resumption_token = token


def harvest(
    catalogue: Catalogue,
    url: str,
    *,
    prefix: str = "pmb_xml_unimarc",
    set_spec: str | None = None,
    from_: str | None = None,
    options: IngestOptions | None = None,
    client: OaiClient | None = None,
    limits: HarvestLimits | None = None,
) -> HarvestReport:
    """Harvest ``url`` and ingest what changed; never raises for a server failure mid-way."""
    from recueil.ingest.pipeline import ingest_paths

    client = client or OaiClient(url, limits=limits)
    set_key = set_spec or ""
    last_harvest, stored_token = _state(catalogue, url, set_key, prefix)
    token = stored_token if from_ is None else None
    report = HarvestReport(url, prefix, set_key, from_ or last_harvest, resumed=token is not None)
    folder = catalogue.settings.home / "harvest" / endpoint_slug(url)
    folder.mkdir(parents=True, exist_ok=True)
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S%fZ")
    started = _now()
    next_token = token
    try:
        since = from_ or last_harvest
        since = format_from(since, client.granularity()) if since and not token else since
        first, pages = _first_page(client, prefix, set_spec, since, token, folder, report)
        # The next incremental run starts at the server's date of the first response.
        started = first.response_date or started
        for number, page in enumerate(_chain(first, pages), 1):
            path = page.path.replace(folder / f"{stamp}-{number:04d}.xml")
            report.pages.append(path)
            report.records += page.records
            next_token = page.token
        report.complete = True
    except HarvestError as exc:
        report.error = exc
        if isinstance(exc, HarvestLoopError):  # resuming on a looping token would loop again
            next_token = None
    report.retries = client.retries
    if report.records:
        report.run = ingest_paths(
            catalogue.settings,
            [str(p) for p in report.pages],
            options or IngestOptions(),
            catalogue=catalogue,
        )
    if report.complete:
        report.next_from = started
        _save_state(catalogue, url, set_key, prefix, last_harvest=started, token=None)
    else:
        _save_state(catalogue, url, set_key, prefix, last_harvest=None, token=next_token)
    return report


def _first_page(
    client: OaiClient,
    prefix: str,
    set_spec: str | None,
    since: str | None,
    token: str | None,
    folder: Path,
    report: HarvestReport,
) -> tuple[OaiPage, Iterator[OaiPage]]:
    """The first page and the rest; a stored token the server forgot starts over."""
    try:
        pages = client.list_records(prefix, set_spec, since, token, folder)
        return next(pages), pages
    except ResumptionTokenExpired:
        report.resumed = False
        pages = client.list_records(prefix, set_spec, since if not token else None, None, folder)
        return next(pages), pages


def _chain(first: OaiPage, rest: Iterator[OaiPage]) -> Iterator[OaiPage]:
    yield first
    yield from rest
