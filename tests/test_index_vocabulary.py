"""The vocabulary file of a tantivy generation: sorted words, atomic merges, prefix look-ups."""

from __future__ import annotations

from pathlib import Path

from recueil.index import vocabulary
from recueil.index.vocabulary import Vocabulary


def test_merge_keeps_one_sorted_list_and_replaces_the_file_whole(tmp_path: Path) -> None:
    vocabulary.merge(tmp_path, ["école", "écoles", "parentalité", ""])
    vocabulary.merge(tmp_path, ["ludothèque", "école"])
    assert vocabulary.read_words(tmp_path) == ["ludothèque", "parentalité", "école", "écoles"]
    assert [p.name for p in tmp_path.iterdir()] == [vocabulary.FILE]  # no temporary file left


def test_prefix_lookups_follow_code_point_order_like_the_engine(tmp_path: Path) -> None:
    vocabulary.merge(tmp_path, ["parc", "parent", "parentalité", "parents", "pari", "école"])
    words = Vocabulary(tmp_path)
    assert list(words.with_prefix("parent")) == ["parent", "parentalité", "parents"]
    assert list(words.with_prefix("é")) == ["école"]
    assert list(words.with_prefix("z")) == []
    assert "pari" in words and "paris" not in words


def test_a_vocabulary_is_read_again_only_when_its_file_changed(tmp_path: Path) -> None:
    assert list(Vocabulary(tmp_path).with_prefix("")) == []  # no file yet: no words
    vocabulary.merge(tmp_path, ["jeux"])
    words = Vocabulary(tmp_path)
    assert words.current() is words
    vocabulary.merge(tmp_path, ["ludothèque"])
    fresh = words.current()
    assert fresh is not words and "ludothèque" in fresh
    vocabulary.merge(tmp_path, ["jeux"])  # nothing new: the file is not rewritten
    assert fresh.current() is fresh
