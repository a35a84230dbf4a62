"""The French analysis shared by documents and queries."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from recueil.index import french
from recueil.index.whoosh_engine.analysis import FrenchAnalyzer


def test_elision_accents_case_and_plural_meet() -> None:
    forms = ["ecole", "École", "l'école", "L’École", "écoles", "ÉCOLES", "d'écoles"]
    assert {tuple(french.terms(f)) for f in forms} == {("ecol",)}


def test_parentalite_with_and_without_accents() -> None:
    assert (
        french.terms("parentalité") == french.terms("parentalite") == french.terms("Parentalités")
    )


def test_ligatures_and_typographic_apostrophes() -> None:
    assert french.terms("cœur") == french.terms("coeur")
    assert french.terms("Cæsar") == french.terms("caesar")
    assert french.terms("qu’il jusqu’au lorsqu'elle") == french.terms("il au elle") == []


def test_stop_words_go_but_summer_stays() -> None:
    assert french.terms("le programme de la cité") == ["programm", "cit"]
    assert french.terms("Quartiers d'été") == ["quarti", "ete"]


def test_codes_dates_and_words_with_inner_apostrophe() -> None:
    assert french.terms("REP+") == ["rep"]
    assert french.terms("09/06/2022") == ["09", "06", "2022"]
    assert french.terms("aujourd'hui") == ["aujourd'hui"]


def test_keyword_normalises_names_and_codes() -> None:
    assert french.keyword("Lille Sud") == french.keyword("lille-sud") == "lille-sud"
    assert french.keyword("Parentalité") == "parentalite"
    assert french.keyword("Nîmes") == "nimes"


def test_offsets_point_at_the_word_with_its_article() -> None:
    text = "Près de l’école maternelle, les écoles"
    found = list(french.tokens(text))
    assert [text[t.start : t.end] for t in found] == ["Près", "l’école", "maternelle", "écoles"]
    assert [t.position for t in found] == [0, 1, 2, 3]


def test_whoosh_analyzer_matches_the_shared_analysis_and_keeps_spelling_words() -> None:
    analyzer = FrenchAnalyzer()
    text = "L'École des parents : parentalité"
    assert [t.text for t in analyzer(text)] == french.terms(text)
    assert [t.text for t in analyzer(text, nomorph=True)] == ["école", "parents", "parentalité"]


@given(st.text())
def test_analysis_never_fails_and_folding_is_idempotent(text: str) -> None:
    assert french.fold(french.fold(text)) == french.fold(text)
    for token in french.tokens(text):
        assert token.term
        assert 0 <= token.start < token.end <= len(text)


@given(st.text(alphabet=st.characters(categories=["L"]), min_size=1, max_size=12))
def test_a_word_analyses_the_same_alone_and_in_a_sentence(word: str) -> None:
    assert french.terms(f"Voici {word} ici") == [
        *french.terms("Voici"),
        *french.terms(word),
        *french.terms("ici"),
    ]


def test_singular_and_plural_meet_where_snowball_splits_them() -> None:
    pairs = [("loisir", "loisirs"), ("goûter", "goûters"), ("photo", "photos"),
             ("emploi", "emplois"), ("ami", "amis"), ("foyer", "foyers"),
             ("français", "française"), ("conflit", "conflits")]  # fmt: skip
    for singular, plural in pairs:
        assert french.terms(singular) == french.terms(plural), (singular, plural)
    # Meeting does not merge unrelated words: the law is not leisure.
    assert french.terms("lois") == french.terms("loi") != french.terms("loisirs")


def test_plural_table_is_derived_from_the_word_list() -> None:
    import gzip
    from importlib import resources

    import Stemmer

    from recueil.index import plurals

    stemmer = Stemmer.Stemmer("french")
    data = resources.files("recueil") / "data" / "french_words.txt.gz"
    with gzip.open(str(data), "rt", encoding="utf-8") as handle:
        words = {french.fold_word(w.strip()) for w in handle if w.strip()[:1] not in ("", "#")}
    words = {w for w in words if w.isalpha() and w not in french.STOP_WORDS}
    derived: dict[str, str] = {}
    for singular in sorted(w for w in words if not w.endswith(("s", "x"))):
        for plural in (singular + "s", singular + "x"):
            one, many = stemmer.stemWord(singular), stemmer.stemWord(plural)
            if plural not in words or one == many or many not in (plural, plural[:-1]):
                continue
            if len(one) < len(many) - 1:
                derived[singular] = many
            else:
                derived[plural] = one
    assert {**derived, **plurals.EXTRA} == plurals.table()


def test_c_stemmer_agrees_with_the_pure_python_one_on_the_sample_words() -> None:
    # The index moved from whoosh's pure-Python Snowball to PyStemmer (C); on
    # the words of the sample collection only the plural table differs.
    from whoosh.lang.snowball.french import FrenchStemmer

    from search_corpus import SAMPLES

    old = FrenchStemmer()
    words = {french.fold_word(w) for s in SAMPLES for t in (s.title, *s.pages)
             for w in french.WORD_RE.findall(t)}  # fmt: skip
    words = {w for w in words if w and w not in french.STOP_WORDS and not w.isdigit()}
    differ = {w: (old.stem(w), french.stem(w)) for w in words if old.stem(w) != french.stem(w)}
    assert differ == {"fois": ("fois", "foi"), "sous": ("sous", "sou")}
    # Where the two Snowball versions differ, the C one keeps masculine and feminine together.
    assert french.stem("francaise") == french.stem("francais")
    assert french.stem("laicite") == old.stem("laicite")
