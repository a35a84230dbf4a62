"""Text normalisation and text-quality figures: rules, and idempotence under hypothesis."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from recueil.ingest.normalise import (
    clean_characters,
    join_hyphenated,
    normalise_pages,
    normalise_text,
    remove_running_lines,
    repair_ti_slashes,
)
from recueil.ingest.quality import (
    french_words,
    garbage_ratio,
    is_french_word,
    measure_page,
    page_needs_ocr,
    word_ratio,
)


def test_unicode_nfc_ligatures_and_apostrophes() -> None:
    text = (
        "L\u2019e\u0301le\u0300ve a\u0301 l\u2018\ufb01n de l\u02bcann\u00e9e : re\u0301\ufb02exion"
    )
    assert normalise_text(text) == "L'élève á l'fin de l'année : réflexion"
    assert normalise_text("ﬀ ﬁ ﬂ ﬃ ﬄ ﬅ ﬆ \uf001") == "ff fi fl ffi ffl st st fi"


def test_spaces_and_paragraphs() -> None:
    text = "1\u202f000\u00a0élèves\t\tinscrits  ici\r\n\r\n\r\n\r\nSuite\u2009:\x0cfin  "
    assert normalise_text(text) == "1 000 élèves inscrits ici\n\nSuite :\nfin"


def test_cid_glyph_ids_and_control_characters_removed() -> None:
    assert clean_characters("(cid:224) la cit(cid:12)é\x07 \ufffd\ue000") == "la cité"
    assert clean_characters("(ci(cid:1)d:2)x") == "x"
    assert clean_characters("/uni00E9cole /g123 ok") == "école ok"


def test_soft_hyphens() -> None:
    assert normalise_text("accom\xadpagne\xad\nment") == "accompagnement"


def test_end_of_line_hyphenation() -> None:
    words = french_words()
    assert join_hyphenated("accompa-\ngnement", words) == "accompagnement"
    assert join_hyphenated("la dé-\ncrochage", words) == "la décrochage"
    assert join_hyphenated("Saint-\nQuentin", words) == "Saint-Quentin"
    assert join_hyphenated("des petits-\ndéjeuners", words) == "des petits-déjeuners"
    assert join_hyphenated("le porte-\nparole", words) == "le porte-parole"
    assert join_hyphenated("en 2020-\n2022", words) == "en 2020-2022"
    assert join_hyphenated("liste -\n- item", words) == "liste -\n- item"
    assert join_hyphenated("forma-\ntion et ac-\ncompa-\ngnement", words) == (
        "formation et accompagnement"
    )


def test_calibri_ti_ligature_repaired_only_into_words() -> None:
    words = french_words()
    assert repair_ti_slashes("un projet par/cipa/f de forma/on", words) == (
        "un projet participatif de formation"
    )
    assert repair_ti_slashes("et/ou Lille/Roubaix 09/06", words) == "et/ou Lille/Roubaix 09/06"


def test_running_headers_footers_and_page_numbers() -> None:
    bodies = [
        ("Le diagnostic.", "Trois écoles REP+."),
        ("Les actions.", "Un café des parents."),
        ("Le budget.", "Crédits 2022 : 40 000 euros."),
        ("Les suites.", "Prochain COPIL en juin."),
    ]
    pages = [
        f"Cité éducative de Lens – COPIL du 09/06/2022\n{a}\n{b}\nPage {n} sur 4"
        for n, (a, b) in enumerate(bodies, start=1)
    ]
    assert remove_running_lines(pages) == [f"{a}\n{b}" for a, b in bodies]
    lone = ["Introduction\nLe texte.\n- 1 -", "2\nSuite du texte.\nFin."]
    assert remove_running_lines(lone) == ["Introduction\nLe texte.", "Suite du texte.\nFin."]
    # A single page has no running lines; body lines that merely look alike stay.
    assert remove_running_lines(["Titre\nCorps"]) == ["Titre\nCorps"]
    body = ["Contexte\nA.\nB.\nC.\nD.\nE.\nF.", "Objectifs\nG.\nH.\nI.\nJ.\nK.\nL."]
    assert remove_running_lines(body) == body


def test_normalise_pages_joins_everything() -> None:
    pages = [
        "Rapport – IREV\nLe projet d\u2019accompa-\ngnement\n3/12",
        "Rapport – IREV\nLa par/cipa/on des familles\n4/12",
    ]
    assert normalise_pages(pages) == [
        "Le projet d'accompagnement",
        "La participation des familles",
    ]


def test_quality_figures() -> None:
    assert garbage_ratio("") == 0.0
    assert garbage_ratio("(cid:1)(cid:2)") == 1.0
    assert garbage_ratio("abcd(cid:3)") == 7 / 11
    assert garbage_ratio("école \x01\ue001\ufffd") == 3 / 8
    assert garbage_ratio("/uni00E9t/uni00E9") == 16 / 17
    assert word_ratio("") is None
    assert word_ratio("La cité éducative accompagne les familles") == 1.0
    assert word_ratio("Qxzv plorb la cité") == 0.5
    assert is_french_word("Déjeuners") and not is_french_word("gnement")


def test_needs_ocr_rule() -> None:
    assert page_needs_ocr(0.5, 500, 80, 100, has_images=False)  # glyph ids
    assert page_needs_ocr(0.0, 14, 2, 3, has_images=True)  # a stamp on a scan
    assert not page_needs_ocr(0.0, 14, 2, 3, has_images=False)  # a short cover page
    assert page_needs_ocr(0.0, 400, 5, 60, has_images=False)  # letter soup
    assert not page_needs_ocr(0.0, 400, 50, 60, has_images=True)  # text over a picture
    prose = "La cité éducative accompagne les familles du quartier chaque semaine. " * 3
    quality = measure_page(prose, normalise_text(prose), has_images=False)
    assert not quality.needs_ocr and quality.word_ratio == 1.0


# --- invariants ---------------------------------------------------------------

PDF_PIECES = [
    *"aeéèiouçlrtns AEQ-\n\t/(:)0123.,'’",
    *("(cid:12)", "\u00ad", "\ufb01", "\ufffe", "\u202f", "\u00a0", "\x02", "\r\n"),
    *("/uni00E9", "e\u0301", "Page 2 sur 4", "accompa-\n", "gnement"),
]
PDFISH = st.lists(st.sampled_from(PDF_PIECES), max_size=80).map("".join)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=300))
def test_normalise_text_is_idempotent_on_any_text(text: str) -> None:
    once = normalise_text(text)
    assert normalise_text(once) == once


@settings(max_examples=300, deadline=None)
@given(PDFISH)
def test_normalise_text_is_idempotent_on_pdf_like_text(text: str) -> None:
    once = normalise_text(text)
    assert normalise_text(once) == once
    assert "(cid:" not in once and "\ufffe" not in once and "\r" not in once


@settings(max_examples=150, deadline=None)
@given(st.lists(PDFISH, max_size=6))
def test_normalise_pages_is_idempotent(pages: list[str]) -> None:
    once = normalise_pages(pages)
    assert len(once) == len(pages)
    assert normalise_pages(once) == once


# -- the plain-text fast path gives what every step gives --------------------------------


def _clean_every_step(text: str) -> str:
    """``clean_characters`` as it reads without its fast path: every step, in order."""
    from recueil.ingest import normalise as n

    text = n._clean_rare(text)
    lines = [n.SPACES.sub(" ", line).strip() for line in text.split("\n")]
    return n.BLANK_RUNS.sub("\n\n", "\n".join(lines)).strip("\n")


TRICKY_PIECES = [
    *"ab é-/ \n\t\r\x0b\x0c\x1c\x85\xa0\u2009\u202f\u2028\u3000\ufffe\x02\xad",
    *("\u00b4", "\u1ffd", "\u2019", "\ufb01", "\u200b", "\ue000", "\ufffd", "e\u0301"),
    *("(cid:12)", "/uni00E9", "/g12", "\u2000", "\u2126", "  ", " \n", "\n\n\n"),
]
TRICKY = st.lists(st.sampled_from(TRICKY_PIECES), max_size=60).map("".join)


@settings(max_examples=500, deadline=None)
@given(st.one_of(TRICKY, st.text(max_size=200)))
def test_clean_characters_fast_path_is_every_step(text: str) -> None:
    assert clean_characters(text) == _clean_every_step(text)


def test_odd_spaces_are_every_space_but_blank_and_newline() -> None:
    import re

    from recueil.ingest.normalise import ODD_SPACES

    odd = re.compile(f"[{ODD_SPACES}]")
    spaces = [chr(c) for c in range(0x110000) if chr(c).isspace()]
    assert [c for c in spaces if c not in " \n"] == [c for c in spaces if odd.match(c)]
    assert not any(odd.match(chr(c)) for c in range(0x110000) if not chr(c).isspace())


def test_plain_text_is_normalised_as_before() -> None:
    text = "Titre  de la page\n\n\n\nPremier paragraphe, l'élève.\nSuite du para-\ngraphe \n"
    expected = "Titre de la page\n\nPremier paragraphe, l'élève.\nSuite du paragraphe"
    assert normalise_text(text) == expected
