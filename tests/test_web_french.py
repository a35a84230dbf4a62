"""The site's French wording and its escaping helpers, without a server."""

from __future__ import annotations

import datetime as dt

import pytest
from starlette.datastructures import QueryParams

from recueil.web.base import WebError
from recueil.web.french import date_source_label, doc_type_label, french_date, query_error
from recueil.web.highlight import highlight_words, marked, query_words
from recueil.web.params import parse


def test_dates_are_written_the_french_way() -> None:
    assert french_date(dt.date(2022, 6, 9)) == "9 juin 2022"
    assert french_date("2021-06-01") == "1er juin 2021"
    assert french_date("2023-08-15") == "15 août 2023"
    assert french_date(None, 2021) == "2021"
    assert french_date(None) == "sans date"


def test_labels() -> None:
    assert doc_type_label("fiche-experience") == "Fiche expérience"
    assert doc_type_label(None) == "Type inconnu"
    assert (
        date_source_label("pdf:CreationDate (day)")
        == "métadonnées PDF (CreationDate), au jour près"
    )
    assert date_source_label("title (year)") == "titre, à l'année près"


@pytest.mark.parametrize(
    ("english", "french"),
    [
        (
            "the query is too long (2500 characters, at most 2000)",
            "La recherche est trop longue (2500 caractères, 2000 au plus).",
        ),
        ("'deux' is not a year", "« deux » n'est pas une année."),
        ("'x' is not a document id", "« x » n'est pas un numéro de document."),
        (
            "fuzzy distance 5 in 'mot~5' is too large (at most 2)",
            "La tolérance 5 de « mot~5 » est trop grande (2 au plus).",
        ),
        (
            "nothing was searched: 'AND' holds no word to look for",
            "Rien n'a été cherché : « AND » ne contient aucun mot.",
        ),
        (
            "the pattern '?*' stands for too many words (more than 1000)",
            "Le motif « ?* » correspond à trop de mots (plus de 1000).",
        ),
    ],
)
def test_query_errors_in_french(english: str, french: str) -> None:
    said = query_error(english)
    assert said.message == french and said.hint


def test_an_unknown_error_keeps_its_text_with_a_french_frame() -> None:
    said = query_error("something new")
    assert "something new" in said.message and said.message.startswith("La recherche")


def test_marks_are_escaped_and_bounded() -> None:
    html = marked("<b>école</b> & parents", [(3, 8), (15, 22), (100, 120), (5, 2)])
    assert str(html) == "&lt;b&gt;<mark>école</mark>&lt;/b&gt; &amp; <mark>parents</mark>"


def test_query_words_are_highlighted_whatever_their_form() -> None:
    words = query_words(
        'titre:parentalité OR "Écoles" PRE', {"PRE": "programme de réussite éducative"}
    )
    assert {"parentalité", "Écoles", "PRE", "programme", "réussite"} <= set(words)
    text = "La parentalite et l'école <script>; les écoles du programme."
    html = str(highlight_words(text, words))
    assert "<mark>parentalite</mark>" in html and "<mark>école</mark>" in html
    assert "<mark>écoles</mark>" in html and "<mark>programme</mark>" in html
    assert "&lt;script&gt;" in html and "<script>" not in html
    assert "<mark>La</mark>" not in html


@pytest.mark.parametrize(
    "query",
    [
        "page=0",
        "page=-3",
        "page=x",
        "page=¹",
        "page=٣",
        "q=a&q=b",
        "tri=x",
        "annee=22",
        "annee=¹²³⁴",
        "theme=" + "t" * 300,
    ],
)
def test_bad_parameters_are_web_errors(query: str) -> None:
    with pytest.raises(WebError) as caught:
        parse(QueryParams(query))
    assert caught.value.status == 400


def test_parameters_round_trip_and_toggle() -> None:
    params = parse(QueryParams("q=petite+enfance&theme=a&theme=b&annee=2022&tri=date&page=3"))
    assert params.themes == ("a", "b") and params.years == (2022,) and params.sort == "date"
    assert parse(QueryParams(params.url().split("?")[1])) == params
    removed = params.toggled("theme", "a")
    assert removed.themes == ("b",) and removed.page == 1
    assert removed.toggled("theme", "a").themes == ("b", "a")
    assert params.toggled("annee", "2021").years == (2022, 2021)


def test_fast_toggle_links_are_the_toggled_parameters() -> None:
    params = parse(
        QueryParams("q=école+&+co&theme=a&theme=b&cite=Lille+Sud&annee=2022&tri=date&page=4")
    )
    link = params.toggle_links()
    for param, value in [("theme", "a"), ("theme", "c"), ("cite", "Lille Sud"), ("type", "notice"),
                         ("annee", "2022"), ("annee", "2019")]:  # fmt: skip
        assert link(param, value) == params.toggled(param, value).url()
    assert parse(QueryParams("theme=a")).toggle_links()("theme", "a") == "/recherche"
