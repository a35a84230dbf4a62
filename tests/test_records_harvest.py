"""OAI-PMH harvest against a real local HTTP server serving PMB-like pages."""

from __future__ import annotations

import csv
import io
import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlparse
from xml.sax.saxutils import escape

import pytest
from sqlalchemy import select

from recueil.catalogue.db import Catalogue
from recueil.catalogue.models import Document, HarvestState
from recueil.errors import HarvestError
from recueil.ingest.outcomes import IngestOptions
from recueil.ingest.records.harvest import endpoint_slug, harvest
from recueil.ingest.records.oai import OaiClient, RetryPolicy

OAI = "http://www.openarchives.org/OAI/2.0/"
FAST = IngestOptions(tag=False, index=False)


def notice_xml(nid: str, title: str) -> str:
    return (
        f'<unimarc><notice><rs>n</rs><dt>a</dt><bl>m</bl><hl>0</hl><el>1</el><ru>i</ru><f c="001">{nid}</f>'
        f'<f c="200" ind="1 "><s c="a">{escape(title)}</s></f><f c="210" ind="  "><s c="d">2024</s></f>'
        f'<f c="610" ind="0 "><s c="a">cité éducative</s></f></notice></unimarc>'
    )


def record(nid: str, title: str | None, datestamp: str = "2024-03-01T10:00:00Z") -> str:
    header = f"<identifier>oai:cosoter.example.org:{nid}</identifier><datestamp>{datestamp}</datestamp><setSpec>cites</setSpec>"
    if title is None:
        return f'<record><header status="deleted">{header}</header></record>'
    return (
        f"<record><header>{header}</header><metadata>{notice_xml(nid, title)}</metadata></record>"
    )


def envelope(body: str, request: str = "") -> bytes:
    return (
        f'<?xml version="1.0" encoding="UTF-8"?><OAI-PMH xmlns="{OAI}"><responseDate>2024-03-02T08:00:00Z</responseDate>'
        f'<request verb="ListRecords">{escape(request)}</request>{body}</OAI-PMH>'
    ).encode()


class Endpoint:
    """Serves ListRecords page by page; the second page fails once with 503 Retry-After."""

    def __init__(self) -> None:
        self.pages: dict[str, list[str]] = {}
        self.requests: list[dict[str, list[str]]] = []
        self.fail_once = {"page2"}
        self.incremental: list[str] = []

    def answer(self, params: dict[str, list[str]]) -> tuple[int, bytes, dict[str, str]]:
        self.requests.append(params)
        verb = params.get("verb", [""])[0]
        if verb == "Identify":
            return (
                200,
                envelope("<Identify><granularity>YYYY-MM-DDThh:mm:ssZ</granularity></Identify>"),
                {},
            )
        token = params.get("resumptionToken", [None])[0]
        if token in self.fail_once:
            self.fail_once.discard(token)
            return 503, b"busy", {"Retry-After": "0"}
        if token is None and "from" in params:
            records = self.incremental
            body = "".join(records) if records else ""
            if not records:
                return 200, envelope('<error code="noRecordsMatch">nothing new</error>'), {}
            return 200, envelope(f"<ListRecords>{body}</ListRecords>"), {}
        key = token or "page1"
        records = self.pages[key]
        following = {"page1": "page2", "page2": "page3"}.get(key)
        resumption = f'<resumptionToken completeListSize="5">{following or ""}</resumptionToken>'
        return 200, envelope(f"<ListRecords>{''.join(records)}{resumption}</ListRecords>"), {}


@pytest.fixture
def endpoint() -> Iterator[tuple[str, Endpoint]]:
    state = Endpoint()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            status, body, headers = state.answer(parse_qs(urlparse(self.path).query))
            self.send_response(status)
            self.send_header("Content-Type", "text/xml; charset=utf-8")
            for name, value in headers.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/ws/connector_out.php?source_id=2", state
    finally:
        server.shutdown()
        server.server_close()


def titles(catalogue: Catalogue) -> dict[str | None, str]:
    with catalogue.session() as session:
        return {d.external_id: d.title for d in session.scalars(select(Document))}


def test_harvest_pages_retry_incremental_and_deleted(
    catalogue: Catalogue, endpoint: tuple[str, Endpoint]
) -> None:
    url, server = endpoint
    server.pages = {
        "page1": [
            record("501", "Petite enfance : un LAEP à Lens"),
            record("502", "Café des parents à Arras"),
        ],
        "page2": [record("503", "Savoir nager à Roubaix"), record("504", "Mentorat à Creil")],
        "page3": [record("505", "Conseil des jeunes à Tourcoing")],
    }
    report = harvest(catalogue, url, options=FAST)
    assert report.error is None and report.complete
    assert len(report.pages) == 3 and report.records == 5
    assert report.retries == 1  # the 503 on page 2 was retried
    assert report.run is not None and report.run.counts == {"added": 5}
    folder = catalogue.settings.home / "harvest" / endpoint_slug(url)
    assert sorted(p.name for p in folder.iterdir()) == sorted(p.name for p in report.pages)
    assert titles(catalogue)["unimarc:503"] == "Savoir nager à Roubaix"
    with catalogue.session() as session:
        state = session.scalars(select(HarvestState)).one()
        assert (state.endpoint, state.prefix, state.last_harvest) == (
            url,
            "pmb_xml_unimarc",
            "2024-03-02T08:00:00Z",
        )

    # Second run: incremental (from = last harvest), one record changed, one deleted.
    server.incremental = [
        record("502", "Café des parents à Arras : bilan 2024"),
        record("504", None),
    ]
    again = harvest(catalogue, url, options=FAST)
    assert server.requests[-1]["from"] == ["2024-03-02T08:00:00Z"]
    assert again.run is not None and again.run.counts == {"updated": 1, "deleted": 1}
    found = titles(catalogue)
    assert found["unimarc:502"] == "Café des parents à Arras : bilan 2024"
    assert "unimarc:504" not in found and len(found) == 4

    # Third run: nothing new is not an error.
    server.incremental = []
    third = harvest(catalogue, url, options=FAST)
    assert third.complete and third.error is None and third.run is None


def test_harvest_failure_keeps_the_token_and_resumes(
    catalogue: Catalogue, endpoint: tuple[str, Endpoint]
) -> None:
    url, server = endpoint
    server.pages = {
        "page1": [record("601", "Numérique à Grigny")],
        "page2": [record("602", "Santé à Nîmes")],
        "page3": [],
    }
    server.fail_once = set()
    client = OaiClient(url, RetryPolicy(attempts=2, backoff_s=0))
    original = server.answer

    def broken(params: dict[str, list[str]]) -> tuple[int, bytes, dict[str, str]]:
        if params.get("resumptionToken") == ["page2"]:
            return 500, b"down", {}
        return original(params)

    server.answer = broken  # type: ignore[method-assign]
    report = harvest(catalogue, url, options=FAST, client=client)
    assert not report.complete and isinstance(report.error, HarvestError)
    assert report.run is not None and report.run.counts == {"added": 1}
    with catalogue.session() as session:
        state = session.scalars(select(HarvestState)).one()
        assert state.resumption_token == "page2" and state.last_harvest is None

    server.answer = original  # type: ignore[method-assign]
    resumed = harvest(catalogue, url, options=FAST)
    assert resumed.resumed and resumed.complete
    assert server.requests[-2]["resumptionToken"] == ["page2"]
    assert set(titles(catalogue)) == {"unimarc:601", "unimarc:602"}


def test_harvest_command(run_cli: Any, endpoint: tuple[str, Endpoint]) -> None:
    url, server = endpoint
    server.pages = {"page1": [record("701", "Orchestre à l'école")], "page2": [], "page3": []}
    server.fail_once = set()
    result = run_cli("harvest", url, "--no-tag", "--no-index", "--set", "cites")
    assert result.exit_code == 0, result.output
    listed = [r for r in server.requests if r.get("verb") == ["ListRecords"]]
    assert listed[0]["set"] == ["cites"] and listed[0]["metadataPrefix"] == ["pmb_xml_unimarc"]
    assert "1 record(s) harvested" in result.stderr


def test_unreachable_server_fails_cleanly() -> None:
    client = OaiClient("http://127.0.0.1:9/none", RetryPolicy(attempts=2, backoff_s=0, timeout_s=2))
    with pytest.raises(HarvestError, match="failed 2 times"):
        client.fetch({"verb": "Identify"})
    assert client.retries == 1


def test_harvest_command_output_options_dates_and_errors(
    run_cli: Any, endpoint: tuple[str, Endpoint]
) -> None:
    url, server = endpoint
    server.pages = {"page1": [record("801", "Parentalité à Calais")], "page2": [], "page3": []}
    server.fail_once = set()
    first = run_cli("harvest", url, "--no-tag", "--no-index", "--nl")
    assert first.exit_code == 0, first.output
    (line,) = first.stdout.splitlines()
    assert json.loads(line)["records"] == 1 and first.stderr == ""
    # --from takes the dates of every command; a year is its first day.
    server.incremental = [record("802", "Santé à Nîmes")]
    since = run_cli("harvest", url, "--no-tag", "--no-index", "--from", "2024", "--csv")
    assert since.exit_code == 0, since.output
    (row,) = csv.DictReader(io.StringIO(since.stdout))
    assert row["from"] == "2024-01-01" and row["records"] == "1"
    assert server.requests[-1]["from"] == ["2024-01-01"]
    # A harvest that stops: the report on stdout, then the coded error, exit code 1.
    refusal = envelope('<error code="badArgument">from is not a date</error>')
    server.answer = lambda params: (200, refusal, {})  # type: ignore[method-assign]
    failed = run_cli("harvest", url, "--no-tag", "--no-index", "--json", "--from", "2024-03")
    assert failed.exit_code == 1
    assert json.loads(failed.stdout)["from"] == "2024-03-01"
    assert "Error [E400]" in failed.stderr and "Hint: " in failed.stderr
