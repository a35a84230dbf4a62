"""The ``recueil_themes`` spaCy component: theme terms matched, scores in ``doc.cats``.

Three PhraseMatchers: the folded lower-case form without plural ``s``
(written into ``NORM``: case, accents, ``œ`` and plurals do not matter), the lemma (plurals and inflections),
and the exact spelling for acronyms (``PRE`` is not ``pré``, ``CLAS`` is not
``classe``). Overlapping matches keep the longest. The hits go to
``doc.user_data["recueil_themes"]`` so that the chunks of a long document
can be merged and scored together; ``doc.cats`` holds the scores of this doc.
"""

from __future__ import annotations

import re
from typing import Any

from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc

from recueil.tagging.scoring import Hits, TermInfo, build_lexicon, score_themes, term_key
from recueil.tagging.text import clean_text, match_form
from recueil.tagging.themes import ThemeSet, load_themes

USER_DATA_KEY = "recueil_themes"
TITLE_CHARS_KEY = "recueil_title_chars"
LEMMA_PIPES = ("tok2vec", "morphologizer", "attribute_ruler", "lemmatizer")
# A heading line: numbered ("2.", "II -", "a)"), markdown, or written in capitals.
_NUMBERED = re.compile(r"^\s*(?:#+\s|(?:\d+(?:\.\d+)*|[IVX]+|[a-hA-H])\s?[.)\-–]\s+\S)")
_GUARD_LEN = 4


def heading_spans(text: str) -> list[tuple[int, int]]:
    spans = []
    offset = 0
    for line in text.split("\n"):
        stripped = line.strip()
        letters = [c for c in stripped if c.isalpha()]
        if (
            0 < len(stripped) <= 100
            and not stripped.endswith((".", ",", ";"))
            and (_NUMBERED.match(line) or (len(letters) >= 4 and all(c.isupper() for c in letters)))
        ):
            spans.append((offset, offset + len(line)))
        offset += len(line) + 1
    return spans


class ThemeScorer:
    def __init__(self, nlp: Language, name: str) -> None:
        self.nlp = nlp
        self.name = name
        self.themes: ThemeSet | None = None
        self.lexicon: dict[str, TermInfo] = {}
        self.norm_matcher = PhraseMatcher(nlp.vocab, attr="NORM")
        self.lemma_matcher = PhraseMatcher(nlp.vocab, attr="LEMMA")
        self.exact_matcher = PhraseMatcher(nlp.vocab, attr="ORTH")
        self.has_lemma_patterns = False

    def set_themes(self, themes: ThemeSet) -> None:
        """Build the matchers from the theme data (lemmas need the pipeline before us)."""
        self.themes = themes
        self.lexicon = build_lexicon(themes)
        vocab = self.nlp.vocab
        self.norm_matcher = PhraseMatcher(vocab, attr="NORM")
        self.lemma_matcher = PhraseMatcher(vocab, attr="LEMMA")
        self.exact_matcher = PhraseMatcher(vocab, attr="ORTH")
        words = [info for info in self.lexicon.values() if not info.acronym]
        for info in self.lexicon.values():
            if info.acronym:
                forms = [info.text] + ([info.text + "s"] if info.text[-1].isalpha() else [])
                self.exact_matcher.add(info.key, [self.nlp.make_doc(f) for f in forms])
        for info in words:
            doc = self.nlp.make_doc(clean_text(info.text))
            _fold_norms(doc)
            self.norm_matcher.add(info.key, [doc])
        lemma_pipes = [p for p in LEMMA_PIPES if p in self.nlp.pipe_names]
        self.has_lemma_patterns = "lemmatizer" in lemma_pipes
        if self.has_lemma_patterns:
            with self.nlp.select_pipes(enable=lemma_pipes):
                docs = self.nlp.pipe([clean_text(info.text) for info in words])
                for info, doc in zip(words, docs, strict=True):
                    self.lemma_matcher.add(info.key, [doc])

    def __call__(self, doc: Doc) -> Doc:
        if self.themes is None:
            self.set_themes(load_themes())
        assert self.themes is not None
        hits = self.match(doc)
        words = sum(1 for t in doc if t.is_alpha)
        doc.user_data[USER_DATA_KEY] = {
            "hits": {k: h.as_list() for k, h in hits.items()},
            "words": words,
        }
        scores = score_themes(hits, self.lexicon, words, self.themes)
        doc.cats = {
            code: scores[code].score if code in scores else 0.0 for code in self.themes.codes
        }
        return doc

    def match(self, doc: Doc) -> dict[str, Hits]:
        _fold_norms(doc)
        strings = self.nlp.vocab.strings
        found: list[tuple[int, int, str]] = [
            (start, end, strings[mid]) for mid, start, end in self.norm_matcher(doc)
        ]
        if self.has_lemma_patterns and doc.has_annotation("LEMMA"):
            found.extend((start, end, strings[mid]) for mid, start, end in self.lemma_matcher(doc))
        for mid, start, end in self.exact_matcher(doc):
            if not _in_capitals_run(doc, start, end, self.lexicon):
                found.append((start, end, strings[mid]))
        # Longest match first; a token belongs to one match only.
        found.sort(key=lambda m: (m[0] - m[1], m[0], m[2]))
        taken = bytearray(len(doc))
        title_chars = int(doc.user_data.get(TITLE_CHARS_KEY, 0))
        headings = heading_spans(doc.text)
        hits: dict[str, Hits] = {}
        for start, end, key in found:
            if any(taken[start:end]):
                continue
            taken[start:end] = b"\x01" * (end - start)
            char = doc[start].idx
            hit = hits.setdefault(key, Hits())
            if char < title_chars:
                hit.title += 1
                continue
            hit.body += 1
            if any(s <= char < e for s, e in headings):
                hit.heading += 1
        return hits


def _fold_norms(doc: Doc) -> None:
    for token in doc:
        token.norm_ = match_form(token.lower_)


def _in_capitals_run(doc: Doc, start: int, end: int, lexicon: dict[str, TermInfo]) -> bool:
    """An acronym inside a line of capitals ("PRE INSCRIPTION") is likely an ordinary word."""
    if end - start != 1 or len(doc[start].text) > _GUARD_LEN:
        return False
    for index in (start - 1, end):
        if 0 <= index < len(doc):
            word = doc[index].text
            if (
                len(word) >= _GUARD_LEN
                and word.isalpha()
                and word.isupper()
                and term_key(word, True) not in lexicon
            ):
                return True
    return False


@Language.factory("recueil_themes")
def make_theme_scorer(nlp: Language, name: str) -> ThemeScorer:
    return ThemeScorer(nlp, name)


def theme_hits(doc: Doc) -> tuple[dict[str, Hits], int]:
    """The hits and word count the component left on a doc."""
    data: dict[str, Any] = doc.user_data.get(USER_DATA_KEY, {"hits": {}, "words": 0})
    return {k: Hits(*v) for k, v in data["hits"].items()}, int(data["words"])
