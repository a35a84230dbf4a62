"""Harvest against a hostile or broken OAI-PMH server on loopback: coded errors, nothing lost.

The server answers the first ListRecords page with one good record, then misbehaves
in the way each test names: repeated token, endless empty pages, trickled or huge
body, redirects elsewhere, 503 then 500. Every harvest must end with its coded
error and keep the record received before.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlparse
from xml.sax.saxutils import escape

import pytest
from sqlalchemy import select

from pdfgen import french_pages, make_pdf
from recueil.catalogue.db import Catalogue
from recueil.catalogue.models import Document
from recueil.ingest.records.harvest import endpoint_slug

OAI = "http://www.openarchives.org/OAI/2.0/"
FAST = ("--no-tag", "--no-index")
Handler = Callable[[BaseHTTPRequestHandler, str | None], None]


def record(nid: str, title: str, attachments: tuple[str, ...] = ()) -> str:
    files = "".join(f'<f c="897"><s c="f">{escape(a)}</s></f>' for a in attachments)
    return (
        f"<record><header><identifier>oai:cosoter.example.org:{nid}</identifier>"
        f"<datestamp>2024-03-01T10:00:00Z</datestamp></header><metadata><unimarc><notice>"
        f'<rs>n</rs><dt>a</dt><bl>m</bl><f c="001">{nid}</f>'
        f'<f c="200" ind="1 "><s c="a">{escape(title)}</s></f>{files}</notice></unimarc>'
        f"</metadata></record>"
    )


def page(records: str, token: str | None) -> bytes:
    resumption = f"<resumptionToken>{token}</resumptionToken>" if token is not None else ""
    return (
        f'<?xml version="1.0" encoding="UTF-8"?><OAI-PMH xmlns="{OAI}">'
        f"<responseDate>2024-03-02T08:00:00Z</responseDate><request/>"
        f"<ListRecords>{records}{resumption}</ListRecords></OAI-PMH>"
    ).encode()


def send(handler: BaseHTTPRequestHandler, status: int, body: bytes, **headers: str) -> None:
    handler.send_response(status)
    handler.send_header("Content-Type", "text/xml; charset=utf-8")
    for name, value in headers.items():
        handler.send_header(name.replace("_", "-"), value)
    handler.end_headers()
    handler.wfile.write(body)


class Server:
    """A real HTTP server on 127.0.0.1; ``then`` says how pages after the first are served."""

    def __init__(self) -> None:
        self.then: Handler = lambda h, token: send(h, 200, page("", None))
        self.first = record("901", "Petite enfance à Lens")
        self.requests: list[str | None] = []
        state = self

        class Handle(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                query = parse_qs(urlparse(self.path).query)
                if query.get("verb") == ["Identify"]:
                    send(self, 200, b"<OAI-PMH/>")
                    return
                token = query.get("resumptionToken", [None])[0]
                state.requests.append(token)
                try:
                    if token is None:
                        send(self, 200, page(state.first, "t1"))
                    else:
                        state.then(self, token)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the harvester hung up, as it should

            def log_message(self, *args: Any) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handle)
        self.httpd.daemon_threads = True
        self.port = self.httpd.server_port
        self.url = f"http://127.0.0.1:{self.port}/ws/connector_out.php?source_id=2"


@pytest.fixture
def server() -> Iterator[Server]:
    state = Server()
    thread = threading.Thread(target=state.httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield state
    finally:
        state.httpd.shutdown()
        state.httpd.server_close()


def harvested(catalogue: Catalogue) -> set[str | None]:
    with catalogue.session() as session:
        return {d.external_id for d in session.scalars(select(Document))}


def run_harvest(run_cli: Any, server: Server, *options: str) -> Any:
    return run_cli("harvest", server.url, *FAST, *options)


def assert_stopped(result: Any, code: str, catalogue: Catalogue, home: Path, url: str) -> None:
    """Exit 1 with the coded error, the first page's record kept, no partial page left."""
    assert result.exit_code == 1, result.output
    assert f"Error [{code}]" in result.stderr
    assert "unimarc:901" in harvested(catalogue)
    folder = home / "harvest" / endpoint_slug(url)
    assert not list(folder.glob("*.part"))


def test_repeated_token_ends_the_harvest(
    run_cli: Any, catalogue: Catalogue, server: Server
) -> None:
    server.then = lambda h, token: send(h, 200, page(record("902", "Café des parents"), "t1"))
    result = run_harvest(run_cli, server)
    assert_stopped(result, "E401", catalogue, run_cli.home, server.url)
    assert "resumptionToken 't1' a second time" in result.stderr
    assert harvested(catalogue) == {"unimarc:901", "unimarc:902"}
    assert server.requests == [None, "t1"]  # not one request more


def test_endless_empty_pages_end_the_harvest(
    run_cli: Any, catalogue: Catalogue, server: Server
) -> None:
    server.then = lambda h, token: send(h, 200, page("", f"{token}x"))
    result = run_harvest(run_cli, server)
    assert_stopped(result, "E401", catalogue, run_cli.home, server.url)
    assert "pages in a row without any record" in result.stderr
    assert len(server.requests) == 52  # the first page, then 51 empty ones


def test_page_cap(run_cli: Any, catalogue: Catalogue, server: Server) -> None:
    server.then = lambda h, token: send(
        h, 200, page(record(f"9{len(token or '')}0", "Mentorat à Creil"), f"{token}x")
    )
    result = run_harvest(run_cli, server, "--max-pages", "3")
    assert_stopped(result, "E402", catalogue, run_cli.home, server.url)
    assert len(server.requests) == 3
    assert len(harvested(catalogue)) == 3  # the three pages received were ingested


def trickle(handler: BaseHTTPRequestHandler, token: str | None) -> None:
    handler.send_response(200)
    handler.send_header("Content-Type", "text/xml")
    handler.end_headers()
    body = page(record("903", "Savoir nager"), None)
    for byte in body:
        handler.wfile.write(bytes([byte]))
        handler.wfile.flush()
        time.sleep(0.1)


def test_trickling_server_is_cut_off(run_cli: Any, catalogue: Catalogue, server: Server) -> None:
    server.then = trickle
    result = run_harvest(run_cli, server, "--request-timeout", "0.6", "--retries", "1")
    assert_stopped(result, "E405", catalogue, run_cli.home, server.url)
    assert "failed 2 times" in result.stderr and "was still sending after" in result.stderr


def test_deadline_covers_the_whole_harvest(
    run_cli: Any, catalogue: Catalogue, server: Server
) -> None:
    server.then = trickle
    result = run_harvest(run_cli, server, "--deadline", "1")
    assert_stopped(result, "E402", catalogue, run_cli.home, server.url)
    assert "harvest deadline" in result.stderr


def huge(handler: BaseHTTPRequestHandler, token: str | None) -> None:
    handler.send_response(200)
    handler.send_header("Content-Type", "text/xml")
    handler.end_headers()  # no Content-Length: the size is known only by reading
    chunk = b"<!-- " + b"x" * 65_000 + b" -->"
    for _ in range(64):  # about 4 MB
        handler.wfile.write(chunk)


def test_huge_body_is_refused_while_streaming(
    run_cli: Any, catalogue: Catalogue, server: Server
) -> None:
    server.then = huge
    result = run_harvest(run_cli, server, "--max-response-size", "1")
    assert_stopped(result, "E403", catalogue, run_cli.home, server.url)
    assert server.requests == [None, "t1"]  # not retried: the server is not busy


def test_declared_huge_body_is_refused_before_reading(
    run_cli: Any, catalogue: Catalogue, server: Server
) -> None:
    server.then = lambda h, token: send(h, 200, b"<x/>", Content_Length=str(50 * 1024 * 1024))
    result = run_harvest(run_cli, server, "--max-response-size", "1")
    assert_stopped(result, "E403", catalogue, run_cli.home, server.url)


@pytest.mark.parametrize(
    "target",
    [
        "http://localhost:{port}/ws/connector_out.php?verb=ListRecords&resumptionToken=t2",
        "file:///etc/passwd",
        "ftp://127.0.0.1/pub/page.xml",
    ],
)
def test_redirects_leave_neither_scheme_nor_host(
    run_cli: Any, catalogue: Catalogue, server: Server, target: str
) -> None:
    location = target.format(port=server.port)
    server.then = lambda h, token: send(h, 302, b"", Location=location)
    result = run_harvest(run_cli, server)
    assert_stopped(result, "E404", catalogue, run_cli.home, server.url)
    assert location in result.stderr


def test_redirect_to_an_allowed_host_is_followed(
    run_cli: Any, catalogue: Catalogue, server: Server
) -> None:
    moved = (
        f"http://localhost:{server.port}/ws/connector_out.php?verb=ListRecords&resumptionToken=t2"
    )

    def then(handler: BaseHTTPRequestHandler, token: str | None) -> None:
        if token == "t1":
            send(handler, 302, b"", Location=moved)
        else:
            send(handler, 200, page(record("904", "Orchestre à l'école"), None))

    server.then = then
    result = run_harvest(run_cli, server, "--allow-redirect-host", "localhost")
    assert result.exit_code == 0, result.output
    assert harvested(catalogue) == {"unimarc:901", "unimarc:904"}


def test_retries_report_every_cause(run_cli: Any, catalogue: Catalogue, server: Server) -> None:
    answers = iter([503, 500, 500])

    def then(handler: BaseHTTPRequestHandler, token: str | None) -> None:
        status = next(answers, 500)
        send(handler, status, b"indisponible", Retry_After="0")

    server.then = then
    result = run_harvest(run_cli, server, "--retries", "2")
    assert_stopped(result, "E400", catalogue, run_cli.home, server.url)
    assert (
        "failed 3 times: HTTP 503 Service Unavailable, then HTTP 500 Internal Server Error (×2)"
        in result.stderr
    )
    # The next run resumes from the page that failed.
    server.then = lambda h, token: send(h, 200, page(record("905", "Santé à Nîmes"), None))
    again = run_harvest(run_cli, server)
    assert again.exit_code == 0, again.output
    assert server.requests[-1] == "t1"
    assert harvested(catalogue) == {"unimarc:901", "unimarc:905"}


def test_only_http_addresses_are_harvested(run_cli: Any) -> None:
    result = run_cli("harvest", "file:///etc/passwd", *FAST)
    assert result.exit_code == 1
    assert "Error [E404]" in result.stderr


def test_harvested_records_attach_only_from_the_attachments_folder(
    run_cli: Any, catalogue: Catalogue, server: Server, tmp_path: Path
) -> None:
    """A harvested record never reaches a local file outside --attachments."""
    secret = tmp_path / "secret.pdf"
    make_pdf(secret, ["Document confidentiel"])
    pdfs = tmp_path / "pdfs"
    pdfs.mkdir()
    make_pdf(pdfs / "bilan-lens.pdf", french_pages(1))
    folder = run_cli.home / "harvest" / endpoint_slug(server.url)
    folder.mkdir(parents=True)
    make_pdf(folder / "depose.pdf", ["Fichier déposé à côté des pages"])
    server.first = record(
        "901", "Petite enfance à Lens", (str(secret), "depose.pdf", "bilan-lens.pdf")
    )
    result = run_harvest(run_cli, server, "--attachments", str(pdfs), "--json")
    assert result.exit_code == 1  # the absolute path was refused
    with catalogue.session() as session:
        pdf_names = {d.filename for d in session.scalars(select(Document)) if d.kind == "pdf"}
    assert pdf_names == {"bilan-lens.pdf"}
    items = run_cli("runs", "1", "--failed", "--json").output
    assert "E111" in items and str(secret) in items
