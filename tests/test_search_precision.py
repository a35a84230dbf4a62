"""Passages (bounded scan, page numbers), bounded wildcards, codes, accent slips, PDF keywords."""

from __future__ import annotations

import pytest

from recueil.catalogue.db import Catalogue
from recueil.config import Settings
from recueil.index import french, rebuild
from recueil.querylang import parse_query
from recueil.search.passages import Highlighter, passage
from recueil.search.searcher import open_searcher, page_at
from recueil.search.service import run_search
from search_corpus import SAMPLES, Sample, add_sample, indexed_fixture, sample_ids_fixture  # noqa: F401

QUERIES = ["parentalité", "école", '"moins de 3 ans"', "y", "ô", "l'école", "orchest*", "rac?rochage", '"petite enfance"',
           "parents OR familles", "décrochage NOT collège", "orkestre~2", "2022", "œuvre",
           "numérique inclusion", "aujourd'hui", "santé mentale", "*ment", "cité éducative"]  # fmt: skip


def full_scan(text: str, highlighter: Highlighter) -> list[french.Token]:
    """Every word of the text analysed in turn: no window, no candidate regex, no
    comparison of first letters (how passages were found before they were bounded)."""
    found: list[french.Token] = []
    for match in french.WORD_RE.finditer(text):
        term = french.normalise_word(match.group())
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


def test_codes_are_searched_as_written_and_accent_slips_get_a_suggestion(
    settings: Settings, catalogue: Catalogue
) -> None:
    pre = add_sample(catalogue, Sample("pre", "Bilan du PRE", "synthese",
                                       ["Le PRE accompagne 40 enfants en REP+ à Calais."]))  # fmt: skip
    near = add_sample(catalogue, Sample("pres", "Cantine", "notice",
                                        ["Près de l'école, la pré-inscription au repas."]))  # fmt: skip
    add_sample(catalogue, Sample("peri", "Accueil périscolaire", "notice",
                                 ["L'accueil périscolaire du soir."]))  # fmt: skip
    for engine in ("whoosh", "tantivy"):
        rebuild(settings, catalogue, engine=engine)

        def ids(query: str) -> set[int]:
            return {h.id for h in run_search(settings, query, limit=None).result.hits}

        assert ids("PRE") == {pre}  # the programme, not "près" or "pré-"
        assert ids("REP+") == {pre}  # not "repas"
        assert near in ids("pré") and near in ids("repas")
        assert ids("CANTINE") == {near}  # capitals the collection never writes: a word
        hit = run_search(settings, "REP+").result.hits[0]
        assert "REP+" in [hit.passage[a:b] for a, b in hit.marks]
        assert run_search(settings, "periscolère").suggestion == "périscolaire"


def test_pdf_subject_and_keywords_are_searchable(settings: Settings, catalogue: Catalogue) -> None:
    from recueil.catalogue.models import Document, MetadataEntry

    doc = add_sample(catalogue, Sample("meta", "Rapport", "synthese", ["Un bilan chiffré."]))
    add_sample(catalogue, Sample("other", "Autre", "notice", ["Rien sur le sujet."]))
    with catalogue.transaction() as session:
        document = session.get(Document, doc)
        assert document is not None
        document.metadata_entries = [
            MetadataEntry(namespace="pdf", key="Subject", value="Soutien à la parentalité"),
            MetadataEntry(namespace="xmp", key="dc:subject", value="coéducation"),
            MetadataEntry(namespace="pdf", key="Producer", value="Ghostscript"),
        ]
    for engine in ("whoosh", "tantivy"):
        rebuild(settings, catalogue, engine=engine)
        for query in ("parentalite", "coéducation"):
            assert [h.id for h in run_search(settings, query).result.hits] == [doc]
        assert run_search(settings, "ghostscript").result.total == 0


def test_candidate_words_cover_case_accents_ligatures_and_elisions() -> None:
    from recueil.index.plan import Match, Pattern

    text = ("Le CŒUR de l'Œuvre, une œuvre, les oeuvres, d’ŒUVRES; Cœurs et coeur. "
            "L'ÉCOLE, l’école, Écoles; pas xoeuvre ni _oeuvre.")  # fmt: skip
    terms = {french.normalise_word(w) for w in ("œuvre", "cœur", "école")}
    highlighter = Highlighter(terms={t for t in terms if t})
    assert highlighter.starts == frozenset({"oeuv", "coeu", "eco"})
    _, words = marked(text, highlighter)
    assert words == marked(text, highlighter, finder=full_scan)[1]
    assert "CŒUR" in words and "d’ŒUVRES" in words and "l’école" in words
    assert "oeuvre" in words and not any("xoeuvre" in w for w in words)  # as the index cuts
    # A term is looked for by its first letters less its last two (stemming may alter
    # them: "application" -> "appliqu"), less its last one up to five letters, by its
    # whole self up to two: five letters at most.
    assert Highlighter(terms={"ai", "oeuvr"}).starts == frozenset({"ai", "oeuv"})
    assert Highlighter.of(Match("text", "oeuvr")).starts == frozenset({"oeuv"})
    assert Highlighter(terms={"appliqu", "3"}).starts == frozenset({"appli", "3"})
    assert Highlighter.of(Pattern("text", "*ment")).starts is None  # every word may match


def test_candidate_words_of_long_terms_and_of_texts_beyond_latin_1() -> None:
    from recueil.search import passages

    words = ("application", "applications", "apparemment", "différemment", "éducatives",
             "Ｅｄｕｃａｔｉｖｅ", "ÉDUCATION", "Ḗducation", "Ŝcolarité", "scolarité", "ŞCOLAIRE")  # fmt: skip
    text = " ; ".join(f"mot{n} {word}" for n, word in enumerate(words)) + ", l’apparemment."
    searched = ("application", "apparemment", "différemment", "éducatives", "scolarité")
    highlighter = Highlighter(terms={french.normalise_word(w) for w in searched})
    assert not passages.plain_letters(text, len(text))
    _, found = marked(text, highlighter)
    assert found == marked(text, highlighter, finder=full_scan)[1]
    assert {"Ｅｄｕｃａｔｉｖｅ", "Ḗducation", "Ŝcolarité", "l’apparemment"} <= set(found)
    plain = (
        text.replace("Ｅｄｕｃａｔｉｖｅ", "x")
        .replace("Ḗ", "É")
        .replace("Ŝ", "S")
        .replace("Ş", "S")
    )
    assert passages.plain_letters(plain, len(plain))
    _, found = marked(plain, highlighter)
    assert found == marked(plain, highlighter, finder=full_scan)[1] and "Scolarité" in found


def test_the_first_match_is_looked_for_in_a_bounded_part_of_a_long_text() -> None:
    from recueil.search import passages

    filler = "Des mots sans rapport avec la question posée. " * 2000  # ~94,000 characters
    highlighter = Highlighter(terms={french.normalise_word("robotique")})
    near = filler + "Le club de robotique ouvre. " + filler
    shown, words = marked(near, highlighter)
    assert words == ["robotique"] and "club de robotique" in shown
    far = filler * (passages.MATCH_SCAN // len(filler) + 1) + "Le club de robotique ouvre."
    shown, words = marked(far, highlighter)
    assert words == [] and shown.startswith("Des mots sans rapport")


def test_plain_texts_and_the_regex_path_mark_the_same_words(
    settings: Settings, indexed: dict[str, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Sample texts are found by ``bytes.find`` on their folded bytes; the regex that
    other texts go through marks the same words in them."""
    from recueil.search import passages, wordstarts

    texts = ["\n\n".join(p for p in s.pages if p) for s in SAMPLES]
    texts.append("L’ŒUVRE, les cœurs, l'Æsthétique, la GROSSE ßonne, l’Œuvre ; ½ école²")
    with open_searcher(settings) as searcher:
        highlighters = [Highlighter.of(searcher.plan(parse_query(q))) for q in
                        [*QUERIES, "œuvre cœur", "esthétique", "grosse", "école"]]  # fmt: skip
    assert all(wordstarts.word_starts(t, frozenset({"ec"}), len(t)) is not None for t in texts)
    fast = [marked(t, h) for h in highlighters for t in texts]
    assert fast == [marked(t, h, finder=full_scan) for h in highlighters for t in texts]
    monkeypatch.setattr(passages, "word_starts", lambda *args: None)
    assert fast == [marked(t, h) for h in highlighters for t in texts]
    assert sum(bool(words) for _, words in fast) > 20
    assert wordstarts.word_starts("Ｅｃｏｌｅ", frozenset({"ec"}), 5) is None  # not plain


def test_every_word_of_the_french_word_list_starts_as_its_term_says() -> None:
    """What ``Highlighter.starts`` relies on: a word that does not start with the start
    of a term (``term_start``) never analyses to that term."""
    import gzip
    from importlib import resources

    from recueil.search.passages import term_start

    data = resources.files("recueil") / "data" / "french_words.txt.gz"
    with gzip.open(str(data), "rt", encoding="utf-8") as handle:
        words = handle.read().split()
    words += [str(number) for number in range(200)] + ["1er", "3e", "l'an", "y", "Œuvres"]
    assert len(words) > 100_000
    wrong = [
        (word, term) for word in words
        if (term := french.normalise_word(word))
        and not french.fold_word(word).startswith(term_start(term))
    ]  # fmt: skip
    assert wrong == []
    assert (
        term_start("appliqu") == "appli" and term_start("caf") == "ca" and term_start("an") == "an"
    )
