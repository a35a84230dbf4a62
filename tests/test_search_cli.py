"""`recueil search` and `recueil similar` on a real index of French documents.

The whole module runs once per index engine (Whoosh, then tantivy).
"""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from recueil.catalogue.db import open_catalogue
from recueil.cli import cli
from recueil.config import Settings
from recueil.errors import QueryError
from recueil.index import Filters, rebuild
from recueil.search.render import highlight
from recueil.search.service import run_search, similar
from search_corpus import ENGINES, SAMPLES, engine_home, fill


@pytest.fixture(scope="module", params=ENGINES)
def collection(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[Settings, dict[str, int]]]:
    settings = engine_home(tmp_path_factory, request.param)
    catalogue = open_catalogue(settings)
    ids = fill(catalogue)
    rebuild(settings, catalogue)
    catalogue.close()
    yield settings, ids


@pytest.fixture
def ids(collection: tuple[Settings, dict[str, int]]) -> dict[str, int]:
    return collection[1]


@pytest.fixture
def cfg(collection: tuple[Settings, dict[str, int]]) -> Settings:
    return collection[0]


def found(settings: Settings, query: str, **options: object) -> set[int]:
    result = run_search(settings, query, limit=None, **options).result  # type: ignore[arg-type]
    return {hit.id for hit in result.hits}


def search_cli(settings: Settings, *args: str):
    return CliRunner().invoke(
        cli, ["--home", str(settings.home), "search", *args], catch_exceptions=False
    )


def test_ecole_in_every_form_finds_the_same_documents(cfg: Settings, ids: dict[str, int]) -> None:
    forms = ["ecole", "École", "l'école", "écoles", "L’ÉCOLE"]
    results = [found(cfg, form) for form in forms]
    assert results[0] >= {ids["cafe"], ids["orchestre"], ids["numerique"], ids["passerelle"]}
    assert all(r == results[0] for r in results)


def test_accents_do_not_matter_either_way(cfg: Settings, ids: dict[str, int]) -> None:
    assert ids["numerique"] in found(cfg, "parentalité")  # its text says "parentalite"
    assert ids["cafe"] in found(cfg, "parentalite")  # its text says "parentalité"
    assert found(cfg, "décrocheur") == found(cfg, "DECROCHEURS") == {ids["decrochage"]}


def test_boolean_operators_phrases_wildcards_fuzzy(cfg: Settings, ids: dict[str, int]) -> None:
    assert found(cfg, "orchestre musiciens") == {ids["orchestre"]}
    assert found(cfg, "orchestre OR raccrochage") == {ids["orchestre"], ids["decrochage"]}
    parents = found(cfg, "parents")
    assert found(cfg, "parents NOT collège") == parents - found(cfg, "collège")
    assert found(cfg, "parents -collège") == found(cfg, "parents NOT collège")
    assert found(cfg, '"classe passerelle"') == {ids["passerelle"]}
    assert found(cfg, '"passerelle classe"') == set()
    assert found(cfg, "orchest*") == {ids["orchestre"]}
    assert found(cfg, "rac?rochage") == {ids["decrochage"]}
    assert found(cfg, "orchestr~") == found(cfg, "orkestre~2") == {ids["orchestre"]}


def test_field_prefixes(cfg: Settings, ids: dict[str, int]) -> None:
    assert found(cfg, "titre:rencontre") == {ids["rencontre"], ids["sante"]}
    assert ids["cafe"] not in found(cfg, "titre:parentalité")
    assert found(cfg, "theme:sante") == {ids["sante"]}
    assert found(cfg, "theme:Santé") == {ids["sante"]}
    assert found(cfg, 'cite:"lille sud"') == {ids["passerelle"]}
    assert found(cfg, "type:synthese") == {ids["synthese"]}
    assert found(cfg, "annee:2021") == {ids["passerelle"], ids["sante"]}
    assert found(cfg, "annee:2022..2023") == {
        ids["cafe"],
        ids["rencontre"],
        ids["numerique"],
        ids["synthese"],
        ids["stages"],
    }
    assert found(cfg, "entite:IREV") == {ids["rencontre"]}
    assert found(cfg, f"id:{ids['guide']}") == {ids["guide"]}


def test_odd_input_gives_results_or_a_clean_error(cfg: Settings, ids: dict[str, int]) -> None:
    assert found(cfg, "09/06/2022") == {ids["rencontre"]}
    assert ids["rencontre"] in found(cfg, "REP+")
    assert found(cfg, '"unclosed quote') == set()
    for query in ["/", "a/b/c", "~", "^", "*:*", "é'"]:
        run_search(cfg, query)
    # Only operators: nothing to look for is said, not answered with every document.
    for query in ["((", ")", '"', "NOT", "AND", "titre:", " ( ) "]:
        with pytest.raises(QueryError, match="nothing was searched"):
            run_search(cfg, query)
    only_operators = search_cli(cfg, "AND")
    assert only_operators.exit_code == 1 and "Error [E310]" in only_operators.stderr
    result = search_cli(cfg, "annee:deux-mille")
    assert result.exit_code == 1
    assert "Error [E310]" in result.stderr and "Traceback" not in result.output


def test_acronyms_expand_from_the_theme_data(cfg: Settings, ids: dict[str, int]) -> None:
    # "rencontre" only says "programme de réussite éducative", "synthese" only "PRE".
    assert found(cfg, "PRE") == {ids["rencontre"], ids["synthese"]}
    assert found(cfg, "pre") == {ids["synthese"]}


def test_filters(cfg: Settings, ids: dict[str, int]) -> None:
    assert found(cfg, "", filters=Filters(themes=("parentalite",))) == {
        ids["cafe"],
        ids["passerelle"],
        ids["numerique"],
        ids["guide"],
    }
    assert found(cfg, "parents", filters=Filters(cites=("Lille Sud",))) == {ids["passerelle"]}
    assert found(cfg, "", filters=Filters(doc_types=("compte-rendu",))) == {
        ids["rencontre"],
        ids["sante"],
    }
    assert found(cfg, "", filters=Filters(years=(2019, 2020))) == {
        ids["orchestre"],
        ids["decrochage"],
    }
    result = search_cli(cfg, "--from", "2022-03", "--to", "30/06/2022", "--nl")
    assert result.exit_code == 0, result.output
    # The 2023 synthesis has only a year; the June 2022 meeting and the March fiche match.
    assert {json.loads(line)["id"] for line in result.stdout.splitlines()} == {
        ids["cafe"],
        ids["rencontre"],
    }
    result = search_cli(cfg, "--from", "2023-06", "--json")
    assert {row["id"] for row in json.loads(result.stdout)} == {ids["synthese"]}
    bad_date = search_cli(cfg, "--from", "juin")
    assert bad_date.exit_code == 2 and "Error [E002]" in bad_date.stderr


def test_facet_counts_cover_every_match(cfg: Settings) -> None:
    result = run_search(cfg, "", limit=2).result
    assert len(result.hits) == 2 and result.total == len(SAMPLES)
    themes = Counter(code for sample in SAMPLES for code in sample.themes)
    assert dict(result.facets["themes"]) == dict(themes)
    assert dict(result.facets["types"]) == dict(Counter(s.doc_type for s in SAMPLES))
    assert dict(result.facets["cites"]) == dict(Counter(s.cite for s in SAMPLES if s.cite))
    years = Counter(str(s.year or s.date.year) for s in SAMPLES if s.year or s.date)
    assert dict(result.facets["years"]) == dict(years)
    output = search_cli(cfg, "parents", "--facets", "--csv").stdout
    rows = list(csv.DictReader(io.StringIO(output)))
    assert {"facet": "cites", "value": "Lille Sud", "count": "1"} in rows


def test_sort_by_date_and_title(cfg: Settings) -> None:
    hits = run_search(cfg, "", sort="date", limit=None).result.hits
    days = [h.date or (f"{h.year}-00-00" if h.year else "") for h in hits]
    assert days == sorted(days, reverse=True)
    assert days[-1] == ""  # undated last
    titles = [h.title for h in run_search(cfg, "", sort="title", limit=None).result.hits]
    assert titles[0].startswith("6ème") and titles[-1].startswith("Synthèse")


def test_paging_covers_every_hit_once(cfg: Settings) -> None:
    pages = [run_search(cfg, "", sort="date", page=p, limit=3).result for p in (1, 2, 3, 4)]
    assert [len(p.hits) for p in pages] == [3, 3, 3, 1]
    assert [h.rank for h in pages[1].hits] == [4, 5, 6]
    assert len({h.id for p in pages for h in p.hits}) == len(SAMPLES)
    assert pages[0].pages == 4


def test_table_output_shows_title_type_date_cite_themes_passage_id(
    cfg: Settings, ids: dict[str, int]
) -> None:
    result = search_cli(cfg, "coéducation")
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "document" in out and "Café des parents au collège Jean-Macé" in out
    assert "fiche-experience · 2022-03-15 · Roubaix · parentalite" in out
    assert f"[id {ids['cafe']}]" in out and "coéducation" in out
    assert "\x1b[" not in out  # not a terminal: no colour


def test_passages_mark_the_matched_words(cfg: Settings) -> None:
    hit = run_search(cfg, "orchestre").result.hits[0]
    marked = {hit.passage[a:b].lower() for a, b in hit.marks}
    assert marked == {"orchestre", "l'orchestre"}  # the elided article is part of the word
    coloured = highlight(hit.passage, hit.marks, colour=True)
    assert "\x1b[" in coloured and "orchestre" in coloured


def test_exports_carry_every_field_and_every_row(cfg: Settings) -> None:
    rows = json.loads(search_cli(cfg, "", "--json").stdout)
    assert len(rows) == len(SAMPLES)  # no cap without --limit
    assert set(rows[0]) == {
        "rank",
        "id",
        "score",
        "title",
        "doc_type",
        "date",
        "year",
        "cite",
        "themes",
        "source",
        "filename",
        "entities",
        "passage",
        "page",
    }
    lines = search_cli(cfg, "", "--nl", "--limit", "4", "--page", "2").stdout.splitlines()
    assert [json.loads(line)["rank"] for line in lines] == [5, 6, 7, 8]
    table = list(csv.DictReader(io.StringIO(search_cli(cfg, "parents", "--csv").stdout)))
    assert table and table[0]["passage"]


def test_did_you_mean(cfg: Settings, ids: dict[str, int]) -> None:
    outcome = run_search(cfg, "décrochaje scolaire")
    assert outcome.result.total == 0
    assert outcome.suggestion == "décrochage scolaire"
    assert outcome.suggestion_total == 1
    assert (
        "Vouliez-vous dire : « décrochage scolaire »"
        in search_cli(cfg, "décrochaje scolaire").stdout
    )
    assert run_search(cfg, "orchestre").suggestion is None


def test_similar_documents(cfg: Settings, ids: dict[str, int]) -> None:
    hits = similar(cfg, ids["guide"], limit=3)
    assert ids["guide"] not in {h.id for h in hits}
    # The guide to coéducation is most like the parents' café (familles, parents, école).
    assert hits[0].id == ids["cafe"]
    result = CliRunner().invoke(
        cli, ["--home", str(cfg.home), "similar", str(ids["cafe"]), "--json"]
    )
    assert [row["id"] for row in json.loads(result.stdout)] == [
        h.id for h in similar(cfg, ids["cafe"])
    ]
    missing = CliRunner().invoke(cli, ["--home", str(cfg.home), "similar", "9999"])
    assert missing.exit_code == 1 and "Error [E012]" in missing.stderr


# What a search never needs: the catalogue, NLP, PDF and record libraries, the web
# site, the other commands' modules (and their packages' sub-modules).
NOT_FOR_A_SEARCH = (
    "spacy", "thinc", "pdfplumber", "pypdfium2", "sqlalchemy", "alembic", "pymarc",
    "pytesseract", "platformdirs", "starlette", "uvicorn", "jinja2", "recueil.catalogue", "recueil.tagging", "recueil.ingest", "recueil.web",
    "recueil.maintenance", "recueil.index.cli", "recueil.index.writer",
)  # fmt: skip


def loaded_by_the_program(*args: str) -> tuple[str, set[str]]:
    """Run recueil as its installed program does (``recueil.cli:main``) in a fresh
    process: its standard output and the modules it had loaded when it exited."""
    code = (
        "import atexit, sys\n"
        "atexit.register(lambda: print(*sorted(sys.modules), file=sys.stderr))\n"
        "from recueil.cli import main\n"
        f"sys.argv = ['recueil', *{list(args)!r}]\n"
        "main()\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return done.stdout, set(done.stderr.split())


def test_search_loads_only_what_a_search_needs(cfg: Settings) -> None:
    from recueil.index.generations import live_engine_name

    engine = live_engine_name(cfg.index_dir)
    other = {"tantivy": "whoosh", "whoosh": "tantivy"}[str(engine)]
    stdout, modules = loaded_by_the_program("--home", str(cfg.home), "search", "PRE")
    assert "Synthèse nationale" in stdout
    unwanted = {*NOT_FOR_A_SEARCH, other, f"recueil.index.{other}_engine"}
    if engine == "tantivy":
        unwanted.add("logging")  # nothing on the path logs (Whoosh itself imports logging)
    assert engine in modules and f"recueil.index.{engine}_engine" in modules
    assert {m for m in modules if any(m == u or m.startswith(f"{u}.") for u in unwanted)} == set()
    # -v asks for the logs: then (and only then) logging is set up.
    _, verbose = loaded_by_the_program("--home", str(cfg.home), "-v", "search", "PRE")
    assert "logging" in verbose


def test_search_command_runs_as_a_program(cfg: Settings, ids: dict[str, int]) -> None:
    exe = Path(sys.executable).with_name("recueil")
    done = subprocess.run(
        [str(exe), "--home", str(cfg.home), "search", "orchestre", "--json"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert [row["id"] for row in json.loads(done.stdout)] == [ids["orchestre"]]
