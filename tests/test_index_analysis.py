"""The French analysis shared by documents and queries."""

from __future__ import annotations

import re
import unicodedata

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


def test_acute_accent_as_apostrophe_elides_like_the_others() -> None:
    assert french.terms("l´école d´été") == french.terms("l'école d’été") == ["ecol", "ete"]
    assert french.fold("L´École") == "l'ecole"


def test_no_term_holds_white_space() -> None:
    # The tantivy writer separates terms with spaces: every character whose
    # compatibility form holds white space must fold into a term without it.
    import sys

    spaced = [chr(c) for c in range(sys.maxunicode + 1)
              if any(w in unicodedata.normalize("NFKD", chr(c)) for w in " \t\n\r\f\v")]  # fmt: skip
    assert len(spaced) > 20  # U+00A0, U+00B4, U+2000…, Arabic isolated marks…
    for char in spaced:
        for text in (f"a{char}b", f"{char}b", f"Ab{char}", f"l{char}école"):
            for term in [*french.terms(text), *french.terms(text, stem=False)]:
                assert not any(c.isspace() for c in term), (hex(ord(char)), term)
            for word in french.WORD_RE.findall(text):
                assert not any(c.isspace() for c in french.spelling_word(word))


LIGATURES = str.maketrans({"œ": "oe", "Œ": "OE", "æ": "ae", "Æ": "AE", "ß": "ss"})
_REFERENCE_CODE_RE = re.compile(r"(?<![\w+])[A-Z][A-Z0-9]{1,4}\+{0,2}(?![\w+])")


@given(st.text(alphabet=st.sampled_from("AREPQVZ09+ é'-é\n_aB"), max_size=60))
def test_codes_pattern_matches_like_the_plain_look_behind(text: str) -> None:
    # CODE_RE tests the capital before its look-behind, for speed only.
    assert french.CODE_RE.findall(text) == _REFERENCE_CODE_RE.findall(text)
    assert french.codes(text) == list(
        dict.fromkeys(c for c in _REFERENCE_CODE_RE.findall(text) if sum(map(str.isupper, c)) >= 2)
    )


_LATIN_AND_MORE = st.characters(max_codepoint=0x5FF) | st.sampled_from("’ʼ‘´`'ﬁİßœÆͺﹰ…\u0301")
_APOSTROPHES = re.compile("[’ʼ‘´`]")


def _reference_fold(text: str) -> str:
    """Folding by Unicode decomposition alone (what ``french.fold`` takes a table for)."""
    decomposed = unicodedata.normalize("NFKD", _APOSTROPHES.sub("'", text).translate(LIGATURES))
    decomposed = unicodedata.normalize("NFKD", decomposed.lower())
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return _APOSTROPHES.sub("'", stripped.translate(LIGATURES))


@given(st.text(alphabet=_LATIN_AND_MORE, max_size=24))
def test_folding_by_table_equals_folding_by_unicode_decomposition(text: str) -> None:
    assert french.fold(text) == _reference_fold(text)
    for word in french.WORD_RE.findall(text):
        folded, _ = french.strip_elision(_reference_fold(word).replace(" ", ""))
        assert french.fold_word(word) == folded
        lowered, _ = french.strip_elision(_APOSTROPHES.sub("'", word.translate(LIGATURES).lower()))
        stop = not lowered or _reference_fold(lowered) in french.STOP_WORDS or lowered.isdigit()
        assert french.spelling_word(word) == ("" if stop else lowered)


def test_characters_folded_together_as_one_by_one() -> None:
    # Latin, Greek, Cyrillic, combining marks, Latin extended additional, full-width
    # forms, compatibility forms that decompose into a space and a mark.
    codes = [*range(0x20, 0x600), *range(0x1E00, 0x2070), *range(0xFB00, 0xFB07),
             *range(0xFE70, 0xFE80), *range(0xFF01, 0xFF5F)]  # fmt: skip
    chars = [chr(code) for code in codes]
    assert french.fold_each(chars) == [_reference_fold(c) for c in chars]
    assert french.fold_each(chars) == [french.fold(c) for c in chars]


# Separators a text is split at (white space of every kind), and characters that
# only look like one (no-break space inside a word is white space to ``str.split``).
_SEPARATORS = st.sampled_from([" ", "\n", "\t", "\u00a0", "\u2009", "\u3000", "\x1c", "  ", "-"])


@given(
    st.lists(st.text(alphabet=_LATIN_AND_MORE, min_size=1, max_size=12), max_size=30),
    st.lists(_SEPARATORS, min_size=30, max_size=30),
)
def test_words_analysed_in_bulk_as_one_by_one(words: list[str], separators: list[str]) -> None:
    # The bulk path splits the text at white space and analyses each chunk once.
    text = "".join(word + sep for word, sep in zip(words, separators, strict=False))
    assert french.terms(text) == [t.term for t in french.tokens(text)]
    french.collect_new_chunks()
    joined = french.joined_terms(text)
    assert joined.split() == french.terms(text)
    new = french.new_chunks()
    assert sorted(new) == sorted(set(text.split()))  # each chunk reported once
    assert french.joined_terms(text) == joined and french.new_chunks() == []
    assert french.spellings(new) == {t.term for t in french.spelling_tokens(text)}
    french.collect_new_chunks(False)
