"""Passages: the bounded scan marks the same words as a full analysis of the text; page numbers."""

from __future__ import annotations

from recueil.catalogue.db import Catalogue
from recueil.config import Settings
from recueil.index import french, rebuild
from recueil.querylang import parse_query
from recueil.search.passages import Highlighter, _head, passage
from recueil.search.searcher import open_searcher, page_at
from recueil.search.service import run_search
from search_corpus import SAMPLES, Sample, add_sample, indexed_fixture, sample_ids_fixture  # noqa: F401

QUERIES = ["parentalité", "école", "l'école", "orchest*", "rac?rochage", '"petite enfance"',
           "parents OR familles", "décrochage NOT collège", "orkestre~2", "2022", "œuvre",
           "numérique inclusion", "aujourd'hui", "santé mentale", "*ment", "cité éducative"]  # fmt: skip


def full_scan(text: str, highlighter: Highlighter) -> list[french.Token]:
    """Every word of the text analysed in turn (how passages were found before the window)."""
    found: list[french.Token] = []
    heads = highlighter.heads()
    for match in french.WORD_RE.finditer(text):
        word = match.group()
        if heads is not None and _head(word) not in heads:
            continue
        term = french.normalise_word(word)
        if term and highlighter.matches(term):
            found.append(french.Token(term, len(found), match.start(), match.end()))
            if len(found) >= 12:
                break
    return found


def marked(text: str, highlighter: Highlighter, **kwargs: object) -> tuple[str, list[str]]:
    shown, marks, _ = passage(text, highlighter, **kwargs)  # type: ignore[arg-type]
    return shown, [shown[a:b] for a, b in marks]


def test_bounded_passages_mark_the_same_words_as_a_full_scan(
    settings: Settings, indexed: dict[str, int]
) -> None:
    texts = ["\n\n".join(p for p in s.pages if p) for s in SAMPLES]
    compared = 0
    with open_searcher(settings) as searcher:
        for query in QUERIES:
            highlighter = Highlighter.of(searcher.plan(parse_query(query)))
            for text in texts:
                new = marked(text, highlighter)
                assert new == marked(text, highlighter, finder=full_scan), (query, text[:60])
                compared += bool(new[1])
    assert compared > 20  # the queries do mark words in many documents


def test_passages_give_the_page_of_a_document_of_several_pages(
    settings: Settings, catalogue: Catalogue
) -> None:
    pages = ["Introduction générale du rapport.", "Suite sans le mot.",
             "Le club de robotique ouvre le mercredi."]  # fmt: skip
    add_sample(catalogue, Sample("multi", "Rapport annuel", "synthese", pages))
    add_sample(catalogue, Sample("one", "Note", "notice", ["Un club de robotique au collège."]))
    rebuild(settings, catalogue)
    hits = {h.title: h for h in run_search(settings, "robotique").result.hits}
    assert hits["Rapport annuel"].page == 3
    assert "robotique" in hits["Rapport annuel"].passage
    assert hits["Note"].page is None  # one page: no page number
    assert page_at([[0, 1], [35, 2], [57, 3]], 40) == 2


def test_patterns_without_leading_letters_are_bounded(
    settings: Settings, indexed: dict[str, int], run_cli, monkeypatch
) -> None:
    from recueil.search import planner

    suffix = {h.id for h in run_search(settings, "*chestre", limit=None).result.hits}
    assert suffix == {indexed["orchestre"]}
    # The sample has a few hundred words: the bounds are lowered to its size.
    monkeypatch.setattr(planner, "MAX_EXPANSIONS", 50)
    result = run_cli("search", "?*")
    assert result.exit_code == 1
    assert "Error [E310]" in result.stderr and "too many words" in result.stderr
    assert "two letters" in result.stderr
    assert run_cli("search", "*chestre").exit_code == 0
    monkeypatch.setattr(planner, "MAX_SCANNED", 10)
    result = run_cli("search", "*chestre")
    assert result.exit_code == 1 and "Error [E310]" in result.stderr
