"""The site served for real by uvicorn on loopback while other processes change the index.

A rebuild (even one that switches the engine) never makes a request fail, and
documents added and synced by another process appear without a restart.
"""

from __future__ import annotations

import datetime as dt
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import uvicorn

from processes import run, start
from recueil.catalogue.db import open_catalogue
from recueil.catalogue.models import Document, Page, ThemeTag
from recueil.config import Settings
from test_web import base_home, engine_copy  # noqa: F401  (base_home is a fixture)

REQUESTERS = 4


class LiveServer:
    """uvicorn serving an ASGI app in a thread, on a free loopback port."""

    def __init__(self, app: object) -> None:
        self.socket = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.socket.bind(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self.socket.getsockname()[1]}"
        config = uvicorn.Config(app, log_level="warning", access_log=False)  # type: ignore[arg-type]
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(
            target=self.server.run, kwargs={"sockets": [self.socket]}, daemon=True
        )

    def __enter__(self) -> LiveServer:
        self.thread.start()
        deadline = time.monotonic() + 30
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("uvicorn did not start")
            time.sleep(0.05)
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=30)
        self.socket.close()


@pytest.fixture
def live(base_home: Path, tmp_path: Path) -> Iterator[tuple[Settings, LiveServer]]:  # noqa: F811
    from recueil.web import create_app

    settings = engine_copy(base_home, tmp_path, "tantivy")
    with LiveServer(create_app(settings)) as server:
        yield settings, server


def test_rebuilds_in_another_process_never_fail_a_request(
    live: tuple[Settings, LiveServer],
) -> None:
    settings, server = live
    stop = threading.Event()
    statuses: list[int] = []
    failures: list[str] = []
    urls = ["/recherche?q=parents", "/api/search?q=famille&theme=parentalite", "/themes", "/"]

    def requester(offset: int) -> None:
        with httpx.Client(base_url=server.url, timeout=60) as http:
            i = offset
            while not stop.is_set():
                url = urls[i % len(urls)]
                try:
                    status = http.get(url).status_code
                except httpx.HTTPError as exc:
                    failures.append(f"{url}: {exc!r}")
                    continue
                statuses.append(status)
                if status != 200:
                    failures.append(f"{url}: {status}")
                i += 1

    threads = [threading.Thread(target=requester, args=(n,)) for n in range(REQUESTERS)]
    for thread in threads:
        thread.start()
    try:
        root = ["--home", str(settings.home)]
        for engine in ("whoosh", "tantivy", "tantivy"):
            done = run(root, "-q", "index", "rebuild", "--engine", engine)
            assert done.returncode == 0, done.stderr
    finally:
        stop.set()
        for thread in threads:
            thread.join()
    assert not failures, failures[:5]
    assert len(statuses) >= len(urls)
    health = httpx.get(f"{server.url}/sante").json()
    assert health["moteur"] == "tantivy"


def test_documents_synced_by_another_process_appear_without_restart(
    live: tuple[Settings, LiveServer],
) -> None:
    settings, server = live
    query = f"{server.url}/api/search?q=zythologie"
    assert httpx.get(query).json()["total"] == 0
    catalogue = open_catalogue(settings)
    try:
        with catalogue.transaction() as session:
            document = Document(
                source="ajout/zythologie.txt", filename="zythologie.txt", kind="web",
                doc_type="page-web", title="Atelier de zythologie des parents",
                date=dt.date(2024, 3, 5), year=2024, cite_educative="Roubaix", page_count=1,
            )  # fmt: skip
            document.pages = [Page(number=1, text="Un atelier de zythologie pour les familles.")]
            document.tags = [ThemeTag(theme_code="parentalite", source="rules", score=0.7)]
            session.add(document)
    finally:
        catalogue.close()
    before = httpx.get(f"{server.url}/sante").json()
    done = run(["--home", str(settings.home)], "-q", "index", "sync")
    assert done.returncode == 0, done.stderr
    found = httpx.get(query).json()
    assert found["total"] == 1 and found["hits"][0]["title"] == "Atelier de zythologie des parents"
    after = httpx.get(f"{server.url}/sante").json()
    assert after["documents"] == before["documents"] + 1
    page = httpx.get(f"{server.url}/recherche?q=zythologie")
    assert page.status_code == 200 and "Atelier de zythologie des parents" in page.text


@pytest.mark.parametrize("workers", ["1", "2"])
def test_recueil_serve_answers_and_logs_each_request(
    base_home: Path,  # noqa: F811
    tmp_path: Path,
    workers: str,
) -> None:
    settings = engine_copy(base_home, tmp_path, "tantivy")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = start(
        ["--home", str(settings.home)], "serve", "--port", str(port), "--workers", workers,
        RECUEIL_WEB_TOKEN="jeton-de-test",
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                health = httpx.get(f"{base}/sante", timeout=5)
                break
            except httpx.HTTPError:
                assert server.poll() is None, server.stderr.read() if server.stderr else ""
                assert time.monotonic() < deadline, "recueil serve did not start"
                time.sleep(0.2)
        assert health.status_code == 200 and health.json()["documents"] > 0
        assert httpx.get(f"{base}/recherche?q=parents").status_code == 401
        page = httpx.get(f"{base}/recherche?q=parents", auth=("cpo", "jeton-de-test"))
        assert page.status_code == 200 and "documents trouvés" in page.text
    finally:
        server.terminate()
        _, stderr = server.communicate(timeout=30)
    requests = [line for line in stderr.splitlines() if '"GET ' in line]
    assert any('"GET /recherche?q=parents" 200' in line for line in requests), stderr
    assert any('"GET /recherche?q=parents" 401' in line for line in requests), stderr
    assert "127.0.0.1" in stderr  # binds loopback by default
