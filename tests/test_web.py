"""The search site over HTTP (Starlette's TestClient), on a real home and a real index.

The home is ingested once per session with the real CLI from part of the
sample corpus plus documents that try to inject HTML; each index engine
(Whoosh, then tantivy) gets a copy of it with its own index. Every route,
filter, facet, page, error and header is checked on the HTML and the JSON.
"""

from __future__ import annotations

import base64
import json
import re
import shutil
from collections.abc import Iterator
from html import unescape
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from starlette.testclient import TestClient

from recueil.catalogue.db import open_catalogue
from recueil.catalogue.models import Document
from recueil.cli import cli
from recueil.config import Settings, resolve_settings
from recueil.index import info, rebuild
from search_corpus import ENGINES

CORPUS = Path(__file__).resolve().parent.parent / "corpus"
PDFS = [
    "fiches/fiche-experience_Roubaix_cafe-des-parents-college.pdf",
    "fiches/grigny_fiche_raccrochage_16-18.pdf",
    "fiches/Lille-Sud_classe-passerelle_LAEP.pdf",
    "fiches/Clichy-sous-Bois_equipement-numerique-et-mediation-familles.pdf",
    "comptes-rendus/2022-06-09_6e-rencontre-CPO-HDF_IREV.pdf",
    "comptes-rendus/VillesAuCarre_rencontre-regionale_sante-mentale_2021.pdf",
]
TRAP_TITLE = '<script>alert("titre")</script> Parentalité "><img src=x onerror=alert(1)>'
TRAP_TEXT = (
    "Les parents et la parentalité au collège. <script>alert('texte')</script> "
    '"><img src=x onerror=alert(2)> Un lien javascript:alert(3) et une séquence '
    "\x1b[31mrouge\x1b[0m dans le terminal. Café des parents chaque mardi."
)
TRAP_HTML = f"""<!doctype html>
<html lang="fr"><head><meta charset="utf-8">
<title>&lt;script&gt;alert(4)&lt;/script&gt; Coéducation &quot;&gt;&lt;img src=x onerror=alert(5)&gt;</title>
</head><body>
<h1>&lt;script&gt;alert(4)&lt;/script&gt; Coéducation avec les familles</h1>
<p>La coéducation avec les parents : <a href="javascript:alert(6)">cliquez ici</a>.
&lt;img src=x onerror=alert(7)&gt; Les familles du quartier participent.</p>
<p>{"Accompagnement des parents d'élèves en réunion. " * 5}</p>
</body></html>
"""


def ingest_base(root: Path) -> Path:
    """A home ingested with the real CLI: fiches, comptes rendus, web pages, notices, traps."""
    source = root / "entrees"
    for part in ("pages-web", "notices"):
        shutil.copytree(CORPUS / part, source / part)
    for name in PDFS:
        (source / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(CORPUS / name, source / name)
    traps = source / "pieges"
    traps.mkdir()
    (traps / "piege-titre.txt").write_text(f"{TRAP_TITLE}\n\n{TRAP_TEXT}\n", encoding="utf-8")
    (traps / "piege-page.html").write_text(TRAP_HTML, encoding="utf-8")
    home = root / "home"
    env = {"RECUEIL_DATABASE_URL": "", "RECUEIL_THEMES": "", "RECUEIL_INDEX_ENGINE": "whoosh"}
    result = CliRunner().invoke(
        cli, ["--home", str(home), "-q", "ingest", str(source)], env=env, catch_exceptions=False
    )
    assert result.exit_code in (0, 1), result.output
    return home


_BASE: dict[str, Path] = {}


@pytest.fixture(scope="session")
def base_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Ingested once per session, whichever test module asks first."""
    if "home" not in _BASE:
        _BASE["home"] = ingest_base(tmp_path_factory.mktemp("web-base"))
    return _BASE["home"]


def engine_copy(base: Path, root: Path, engine: str) -> Settings:
    """A copy of the base home whose index is rebuilt with ``engine``."""
    home = root / "home"
    shutil.copytree(base, home)
    settings = resolve_settings(home=home).with_changes(index_engine=engine)
    catalogue = open_catalogue(settings)
    try:
        rebuild(settings, catalogue)
    finally:
        catalogue.close()
    return settings


@pytest.fixture(scope="module", params=ENGINES)
def web_settings(
    request: pytest.FixtureRequest, base_home: Path, tmp_path_factory: pytest.TempPathFactory
) -> Settings:
    return engine_copy(base_home, tmp_path_factory.mktemp(f"web-{request.param}"), request.param)


@pytest.fixture(scope="module")
def client(web_settings: Settings) -> Iterator[TestClient]:
    from recueil.web import create_app

    with TestClient(create_app(web_settings), raise_server_exceptions=False) as test_client:
        yield test_client


def documents(settings: Settings) -> list[Document]:
    catalogue = open_catalogue(settings)
    try:
        with catalogue.session() as session:
            return list(session.query(Document).order_by(Document.id))
    finally:
        catalogue.close()


def doc_id(settings: Settings, fragment: str) -> int:
    return next(d.id for d in documents(settings) if fragment in (d.filename or d.source))


def api(client: TestClient, url: str) -> Any:
    response = client.get(url)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("application/json")
    return response.json()


def links(html: str) -> list[str]:
    return [value.replace("&amp;", "&") for value in re.findall(r'href="([^"]*)"', html)]


# --- pages -------------------------------------------------------------------------


def test_home_shows_search_box_themes_with_counts_and_latest(client: TestClient) -> None:
    response = client.get("/")
    assert response.status_code == 200
    html = response.text
    assert '<html lang="fr">' in html and '<label for="q">' in html
    assert 'role="search"' in html and "<main" in html and "<nav" in html
    data = api(client, "/api/accueil")
    assert len(data["themes"]) == 11
    for theme in data["themes"]:
        assert f'href="{theme["url"]}"' in html
        assert api(client, "/api/search?" + theme["url"].split("?")[1])["total"] == theme["count"]
    assert data["latest"] and all(f'/document/{hit["id"]}"' in html for hit in data["latest"])


def test_results_page_shows_total_hits_passages_and_facets(client: TestClient) -> None:
    response = client.get("/recherche", params={"q": "parents"})
    assert response.status_code == 200
    html = response.text
    data = api(client, "/api/search?q=parents")
    assert data["total"] > 1 and f"<strong>{data['total']}</strong> documents trouvés" in html
    assert "<mark>" in html
    for hit in data["hits"]:
        assert f'/document/{hit["id"]}?q=parents"' in html
    for name in ("Thèmes", "Cités", "Types", "Années"):
        assert f"<h3>{name}</h3>" in html


def test_api_hits_have_the_fields_of_search_json(
    client: TestClient, web_settings: Settings
) -> None:
    data = api(client, "/api/search?q=parents")
    runner = CliRunner()
    out = runner.invoke(
        cli, ["--home", str(web_settings.home), "-q", "search", "parents", "--json", "--limit", "10"],
        env={"RECUEIL_DATABASE_URL": "", "RECUEIL_THEMES": ""}, catch_exceptions=False,
    )  # fmt: skip
    expected = json.loads(out.stdout)
    assert data["hits"] == expected
    assert set(data) >= {"total", "page", "hits", "facets", "suggestion"}
    assert {"id", "title", "passage", "themes", "cite"} <= set(data["hits"][0])


def test_repeated_filters_mean_any_of_the_values(client: TestClient) -> None:
    one = api(client, "/api/search?theme=parentalite")
    two = api(client, "/api/search?theme=numerique")
    both = api(client, "/api/search?theme=parentalite&theme=numerique")
    ids = lambda data: {h["id"] for h in data["hits"]}  # noqa: E731
    assert both["total"] >= max(one["total"], two["total"])
    assert both["total"] <= one["total"] + two["total"]
    years = [row["value"] for row in one["facets"]["years"]][:2]
    by_year = api(client, "/api/search?" + "&".join(f"annee={y}" for y in years))
    assert all(h["year"] in {int(y) for y in years} for h in by_year["hits"])
    cite = api(client, "/api/search")["facets"]["cites"][0]["value"]
    assert all(h["cite"] == cite for h in api(client, f"/api/search?cite={cite}")["hits"])
    kind = api(client, "/api/search?type=page-web")
    assert kind["total"] and all(h["doc_type"] == "page-web" for h in kind["hits"])
    assert ids(one) <= ids(api(client, "/api/search?theme=parentalite&theme=parentalite"))


def test_facet_links_add_then_remove_a_filter(client: TestClient) -> None:
    html = client.get("/recherche?q=parents").text
    theme_links = [u for u in links(html) if "theme=" in u and u.startswith("/recherche")]
    assert theme_links
    first = theme_links[0]
    chosen = parse_qs(urlsplit(first).query)["theme"][0]
    filtered = client.get(first).text
    assert 'aria-current="true"' in filtered and "Filtres actifs" in filtered
    data = api(client, "/api/search?" + urlsplit(first).query)
    assert all(chosen in hit["themes"] for hit in data["hits"])
    remove = [u for u in links(filtered) if "theme=" not in u and u.startswith("/recherche?q=")]
    assert "/recherche?q=parents" in remove


def test_paging_and_sorting(client: TestClient) -> None:
    first = api(client, "/api/search?q=cit%C3%A9")
    assert first["pages"] >= 2
    second = api(client, "/api/search?q=cit%C3%A9&page=2")
    assert second["page"] == 2 and second["hits"][0]["rank"] == 11
    assert not {h["id"] for h in first["hits"]} & {h["id"] for h in second["hits"]}
    html = client.get("/recherche?q=cit%C3%A9&page=2").text
    assert 'rel="prev"' in html and '<ol class="hits" start="11">' in html
    dated = api(client, "/api/search?tri=date")["hits"]
    dates = [h["date"] for h in dated if h["date"]]
    assert dates == sorted(dates, reverse=True)
    beyond = client.get(f"/recherche?q=cit%C3%A9&page={first['pages'] + 1}")
    assert beyond.status_code == 200 and "Aucun document ne correspond" in beyond.text


def test_did_you_mean_is_a_link(client: TestClient) -> None:
    data = api(client, "/api/search?q=d%C3%A9crochaje")
    assert data["suggestion"]["query"] == "décrochage"
    html = client.get("/recherche", params={"q": "décrochaje"}).text
    assert "Vouliez-vous dire" in html and 'href="/recherche?q=d%C3%A9crochage"' in html


def test_acronym_expansion_is_shown(client: TestClient) -> None:
    html = client.get("/recherche?q=PRE").text
    assert "programme de réussite éducative" in html
    assert '<abbr title="programme de réussite éducative">PRE</abbr>' in html
    data = api(client, "/api/search?q=PRE")
    assert data["acronyms"] == [{"acronym": "PRE", "expansion": "programme de réussite éducative"}]


@pytest.mark.parametrize(
    ("query", "french"),
    [
        ("parents~5", "est trop grande"),
        ("annee:deux", "n'est pas une année"),
        ("id:abc", "n'est pas un numéro de document"),
        ("(" * 30 + "école", "parenthèses imbriquées"),
    ],
)
def test_query_errors_are_french_400_pages(client: TestClient, query: str, french: str) -> None:
    response = client.get("/recherche", params={"q": query})
    assert response.status_code == 400
    assert (
        french in unescape(response.text)
        and "E310" in response.text
        and 'role="alert"' in response.text
    )
    api_error = client.get("/api/search", params={"q": query})
    assert api_error.status_code == 400 and french in api_error.json()["erreur"]["message"]
    assert api_error.json()["erreur"]["conseil"]


@pytest.mark.parametrize(
    "query",
    [
        "page=-1",
        "page=0",
        "page=abc",
        "page=%C2%B9",
        "page=%1B%5B2J",
        "tri=%1B%5B31m",
        "annee=%C2%B9%C2%B2%C2%B3%E2%81%B4",
        "page=99999999999999999999",
        "page=1&page=2",
        "q=a&q=b",
        "tri=hasard",
        "tri=date&tri=titre",
        "annee=20x2",
        "annee=-5",
        "q=" + "mot%20" * 700,
        "theme=" + "&theme=".join(str(i) for i in range(60)),
        "cite=" + "x" * 300,
    ],
)
def test_bad_parameters_give_a_french_400(client: TestClient, query: str) -> None:
    response = client.get(f"/recherche?{query}")
    assert response.status_code == 400, query
    assert "Requête incorrecte" in response.text and '<html lang="fr">' in response.text
    assert "\x1b" not in response.text
    assert client.get(f"/api/search?{query}").status_code == 400


def test_unknown_pages_and_ids_give_a_french_404(client: TestClient) -> None:
    for url in ["/document/999999", "/document/0", "/document/abc", "/document/-1",
                "/document/99999999999999999999999", "/nulle-part", "/document/999999/original",
                "/static/../catalogue.sqlite3", "/static/%2e%2e/catalogue.sqlite3"]:  # fmt: skip
        response = client.get(url)
        assert response.status_code == 404, url
        assert "Page introuvable" in response.text, url
    missing = client.get("/api/document/999999")
    assert missing.status_code == 404 and missing.json()["erreur"]["statut"] == 404
    assert client.post("/recherche?q=x").status_code == 405


def test_document_page(client: TestClient, web_settings: Settings) -> None:
    number = doc_id(web_settings, "cafe-des-parents")
    response = client.get(f"/document/{number}?q=parents")
    assert response.status_code == 200
    html = response.text
    data = api(client, f"/api/document/{number}")
    assert data["title"] in unescape(html)
    assert data["themes"] and data["themes"][0]["label"] in html and "Pourquoi" in html
    assert data["themes"][0]["terms"], "the evidence of the theme"
    assert "score " in html
    assert data["dates"] and "Dates trouvées" in html and "Origine" in html
    assert data["entities"] and ("Lieux" in html or "Organisations" in html)
    assert "<mark>parents</mark>" in html
    assert f'href="/document/{number}/original"' in html
    assert data["similar"] and f'/document/{data["similar"][0]["id"]}"' in html
    assert data["cite"] == "Roubaix" and "Roubaix" in html


def test_original_is_the_archived_file(client: TestClient, web_settings: Settings) -> None:
    document = next(d for d in documents(web_settings) if "cafe-des-parents" in (d.filename or ""))
    response = client.get(f"/document/{document.id}/original")
    assert response.status_code == 200
    archived = (web_settings.home / str(document.original_path)).read_bytes()
    assert response.content == archived
    assert response.content == (CORPUS / "fiches" / str(document.filename)).read_bytes()
    assert response.headers["content-type"] == "application/pdf"
    assert "attachment" in response.headers["content-disposition"]
    assert str(document.filename) in response.headers["content-disposition"]
    assert response.headers["content-security-policy"].startswith("sandbox")
    # Served by id only: a path outside the archive, or none, is never followed.
    catalogue = open_catalogue(web_settings)
    try:
        for path in ("originals/../catalogue.sqlite3", "/etc/passwd", None):
            with catalogue.transaction() as session:
                session.get(Document, document.id).original_path = path  # type: ignore[union-attr]
            assert client.get(f"/document/{document.id}/original").status_code == 404, path
            assert client.get(f"/document/{document.id}").status_code == 200
    finally:
        with catalogue.transaction() as session:
            session.get(Document, document.id).original_path = document.original_path  # type: ignore[union-attr]
        catalogue.close()


def test_themes_chart_table_and_links(client: TestClient) -> None:
    html = client.get("/themes").text
    assert "<svg" in html and "<table" in html and "<caption>" in html
    data = api(client, "/api/themes")
    assert len(data["themes"]) == 11 and data["years"]
    busiest = max(data["themes"], key=lambda t: t["total"])
    year, count = max(busiest["years"].items(), key=lambda kv: kv[1])
    assert count > 0
    url = f"/recherche?theme={busiest['code']}&annee={year}"
    assert f'href="{url.replace("&", "&amp;")}"' in html
    assert api(client, "/api/search?" + url.split("?")[1])["total"] == count


def test_health(client: TestClient, web_settings: Settings) -> None:
    index = info(web_settings)
    for url in ("/sante", "/healthz"):
        data = api(client, url)
        assert data["statut"] == "ok"
        assert data["generation"] == index.generation and data["documents"] == index.documents


def test_security_headers_everywhere(client: TestClient, web_settings: Settings) -> None:
    number = doc_id(web_settings, "cafe-des-parents")
    for url in ["/", "/recherche?q=x", "/nulle-part", "/recherche?page=-1", "/api/search",
                "/static/recueil.css", f"/document/{number}"]:  # fmt: skip
        headers = client.get(url).headers
        assert "frame-ancestors 'none'" in headers["content-security-policy"], url
        assert "script-src" not in headers["content-security-policy"]
        assert headers["x-content-type-options"] == "nosniff"
        assert headers["x-frame-options"] == "DENY"
        assert headers["referrer-policy"] == "same-origin"


# --- safety --------------------------------------------------------------------------


def assert_inert(html: str) -> None:
    lowered = html.lower()
    assert "<script" not in lowered
    assert "<img" not in lowered
    assert not re.search(r"<[a-z][^>]*\sonerror\s*=", lowered)
    assert 'href="javascript:' not in lowered and "href='javascript:" not in lowered
    assert "\x1b" not in html


def test_everything_from_documents_is_escaped(client: TestClient, web_settings: Settings) -> None:
    trap = doc_id(web_settings, "piege-titre")
    page = doc_id(web_settings, "piege-page")
    urls = ["/", "/recherche?q=parents", "/recherche?q=script", "/recherche?q=alert",
            "/recherche?q=onerror", "/recherche?q=javascript", "/recherche?q=coéducation",
            f"/document/{trap}", f"/document/{trap}?q=script", f"/document/{page}",
            f"/document/{page}?q=alert"]  # fmt: skip
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        assert_inert(response.text)
    html = client.get(f"/document/{trap}").text
    assert "&lt;script&gt;alert(" in html
    assert "&#34;&gt;&lt;img src=x onerror=alert(1)&gt;" in html
    found = client.get("/recherche?q=onerror").text
    assert "&lt;img src=x onerror=alert(" in found
    # A query echoed back is escaped too.
    echoed = client.get("/recherche", params={"q": '"><script>alert(9)</script>'}).text
    assert_inert(echoed)
    original = client.get(f"/document/{page}/original")
    assert original.headers["content-security-policy"].startswith("sandbox")
    assert "attachment" in original.headers["content-disposition"]


# --- operating -----------------------------------------------------------------------


def test_token_protects_the_whole_site(web_settings: Settings) -> None:
    from recueil.web import create_app

    with TestClient(create_app(web_settings, token="s3cret-jeton")) as protected:
        refused = protected.get("/")
        assert refused.status_code == 401 and "Basic" in refused.headers["www-authenticate"]
        assert "mot de passe" in refused.text
        assert protected.get("/api/search?q=x").status_code == 401
        wrong = base64.b64encode(b"cpo:mauvais").decode()
        assert protected.get("/", headers={"Authorization": f"Basic {wrong}"}).status_code == 401
        right = base64.b64encode(b"cpo:s3cret-jeton").decode()
        assert protected.get("/", headers={"Authorization": f"Basic {right}"}).status_code == 200
        bearer = {"Authorization": "Bearer s3cret-jeton"}
        assert protected.get("/api/search?q=parents", headers=bearer).status_code == 200
        assert protected.get("/sante").status_code == 200  # monitoring stays open
        assert protected.get("/", headers={"Authorization": "Basic %%%"}).status_code == 401


def test_one_log_line_per_request(client: TestClient, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level("INFO", logger="recueil.web"):
        timed = client.get("/recherche?q=parents")
        client.get("/nulle-part%1B%5B2J")
    timings = timed.headers.get_list("server-timing")
    assert any(t.startswith("app;dur=") for t in timings)
    assert any(t.startswith("search;dur=") for t in timings)
    lines = [r.getMessage() for r in caplog.records if r.name == "recueil.web"]
    assert len(lines) == 2
    assert '"GET /recherche?q=parents" 200' in lines[0] and lines[0].endswith("ms")
    assert " 404 " in lines[1] and "\x1b" not in lines[1]


def test_serve_is_a_command(web_settings: Settings) -> None:
    result = CliRunner().invoke(cli, ["serve", "--help"])
    assert result.exit_code == 0
    assert "--workers" in result.output and "RECUEIL_WEB_TOKEN" in result.output
    assert "127.0.0.1" in result.output


@hypothesis_settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    q=st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=60),
    page=st.one_of(st.none(), st.text(max_size=6), st.integers(-5, 2000).map(str)),
    tri=st.sampled_from([None, "pertinence", "date", "titre", "ancien", "n'importe"]),
)
def test_any_query_gives_a_page_or_a_french_400(
    client: TestClient, q: str, page: str | None, tri: str | None
) -> None:
    params = {
        "q": q,
        **({"page": page} if page is not None else {}),
        **({"tri": tri} if tri else {}),
    }
    response = client.get("/recherche", params=params)
    assert response.status_code in (200, 400), (params, response.status_code)
    assert '<html lang="fr">' in response.text
    assert_inert(response.text)
