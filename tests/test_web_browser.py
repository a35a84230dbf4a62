"""A person's path through the site in a real browser (headless Chromium, system package).

Open the home page, type a query, submit, click a theme facet, open a
document, follow the download link. The server runs for real (uvicorn on
loopback). Nothing downloads a browser: the test uses Debian's chromium and
is skipped, with the reason, where it is not installed.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from recueil.catalogue.db import open_catalogue
from recueil.catalogue.models import Document
from test_web import base_home, engine_copy  # noqa: F401  (base_home is a fixture)
from test_web_live import LiveServer

CHROMIUM = Path("/usr/bin/chromium")
ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
]  # fmt: skip

pytestmark = pytest.mark.skipif(
    not CHROMIUM.exists(),
    reason="needs Debian's chromium at /usr/bin/chromium (apt-get install chromium)",
)


def test_find_filter_read_and_download_in_a_browser(
    base_home: Path,  # noqa: F811
    tmp_path: Path,
) -> None:
    sync_api = pytest.importorskip("playwright.sync_api")
    from recueil.web import create_app

    settings = engine_copy(base_home, tmp_path / "site", "tantivy")
    with LiveServer(create_app(settings)) as server, sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            page = browser.new_page(accept_downloads=True, viewport={"width": 1200, "height": 900})
            page.goto(server.url + "/")
            page.get_by_label("Rechercher dans les documents").fill("parents")
            page.get_by_role("button", name="Rechercher").click()
            page.wait_for_url("**/recherche?q=parents")
            assert page.locator("h1").inner_text() == "Résultats pour « parents »"
            total = int(page.locator(".summary strong").first.inner_text())
            assert total > 1

            facet = page.locator(".facet a[href*='theme=parentalite']")
            facet.first.click()
            page.wait_for_url("**theme=parentalite**")
            assert page.locator(".active-filters").is_visible()
            assert int(page.locator(".summary strong").first.inner_text()) <= total
            page.screenshot(path=str(tmp_path / "resultats.png"), full_page=True)

            page.locator(".hit h3 a").first.click()
            page.wait_for_url("**/document/**")
            assert page.locator("#titre-themes").is_visible()
            assert page.locator("mark").count() > 0  # the query's words, highlighted
            with page.expect_download() as download_info:
                page.get_by_role("link", name="Télécharger l'original").click()
            download = download_info.value
            saved = tmp_path / "telechargement"
            download.save_as(saved)
            number = int(page.url.split("/document/")[1].split("?")[0])
            page.screenshot(path=str(tmp_path / "document.png"), full_page=True)
        finally:
            browser.close()
    catalogue = open_catalogue(settings)
    try:
        with catalogue.session() as session:
            document = session.get(Document, number)
            assert document is not None
            archived = settings.home / str(document.original_path)
            assert download.suggested_filename == document.filename
    finally:
        catalogue.close()
    assert saved.read_bytes() == archived.read_bytes()
    assert (tmp_path / "resultats.png").stat().st_size > 10_000
    print(f"screenshots: {tmp_path / 'resultats.png'}, {tmp_path / 'document.png'}")
