"""The learned theme model, the combination rule and the development gold set."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from recueil.errors import GoldFileError, ThemeModelError
from recueil.tagging.classifier import (
    Example,
    examples_from_labels,
    load_model,
    manual_example,
    save_model,
    train,
    words,
)
from recueil.tagging.combine import COMBINED_THRESHOLD, combine, margin, review_queue
from recueil.tagging.devset import Judged, read_dev_labels, text_digest, theme_table
from recueil.tagging.themes import load_themes

ROOT = Path(__file__).resolve().parents[1]
CODES = ["sante", "numerique"]

TINY = [
    (
        "Atelier santé : prévention, sommeil et alimentation des enfants avec l'infirmière.",
        ["sante"],
    ),
    ("Dépistage visuel et bilan de santé des élèves par le médecin scolaire.", ["sante"]),
    ("La santé mentale des adolescents : écoute, psychologue et bien-être.", ["sante"]),
    ("Prêt de tablettes et d'ordinateurs aux familles, médiation numérique.", ["numerique"]),
    ("Ateliers de codage et de robotique au collège, usages numériques.", ["numerique"]),
    ("Inclusion numérique : conseillers numériques et accès à internet.", ["numerique"]),
    ("Fête de quartier avec jeux et goûter pour les habitants.", []),
    ("Réunion du conseil municipal sur les travaux de voirie.", []),
]
# A text between both worlds: a sleep-hygiene workshop run on tablets.
PROBE = "Atelier sur le sommeil et les écrans : les tablettes des familles et le bien-être."


def tiny_examples() -> list[Example]:
    return examples_from_labels(((t, th, []) for t, th in TINY), CODES)


def test_words_are_folded_and_without_function_words() -> None:
    assert words("Les Crèches de l'École ŒUVRENT") == ["creches", "ecole", "oeuvrent"]


def test_a_manual_decision_moves_the_next_prediction_its_way() -> None:
    before = train(tiny_examples(), CODES).predict(PROBE)
    added = train([*tiny_examples(), manual_example(PROBE, {"numerique": True})], CODES)
    removed = train([*tiny_examples(), manual_example(PROBE, {"sante": False})], CODES)
    assert added.predict(PROBE)["numerique"].score > before["numerique"].score
    assert removed.predict(PROBE)["sante"].score < before["sante"].score
    # The decision on one theme leaves the model's view of the other theme's examples alone.
    assert added.trained_on["positives"]["numerique"] == 4


def test_predictions_give_calibrated_scores_and_evidence_words() -> None:
    model = train(tiny_examples(), CODES)
    got = model.predict("Le médecin scolaire organise un dépistage et parle de santé mentale.")
    assert 0.0 <= got["numerique"].score < got["sante"].score <= 1.0
    assert "sante" in got["sante"].evidence or "scolaire" in got["sante"].evidence
    assert model.predict("")["sante"].evidence == ()


def test_maybe_themes_are_left_out_of_that_themes_examples() -> None:
    examples = examples_from_labels([("texte", ["sante"], ["numerique"])], CODES)
    assert examples[0].labels == {"sante": 1}


def test_training_is_deterministic_and_the_file_round_trips(tmp_path: Path) -> None:
    first, second = tmp_path / "a.json.gz", tmp_path / "b.json.gz"
    save_model(train(tiny_examples(), CODES), first)
    save_model(train(tiny_examples(), CODES), second)
    assert first.read_bytes() == second.read_bytes()
    loaded = load_model(first)
    fresh = train(tiny_examples(), CODES)
    assert loaded.predict(PROBE)["sante"].score == pytest.approx(
        fresh.predict(PROBE)["sante"].score, abs=1e-4
    )


def test_training_without_examples_or_with_one_class_says_so() -> None:
    with pytest.raises(GoldFileError):
        train([], CODES)
    model = train(
        examples_from_labels([("santé", ["sante"], []), ("soin santé", ["sante"], [])], CODES),
        CODES,
    )
    assert model.themes == []  # nothing to separate: no theme learnt


def test_a_broken_model_file_is_a_coded_error(tmp_path: Path) -> None:
    bad = tmp_path / "model.json.gz"
    bad.write_bytes(b"not gzip")
    with pytest.raises(ThemeModelError) as caught:
        load_model(bad)
    assert caught.value.code == "E205"
    bad.write_bytes(gzip.compress(json.dumps({"format": 99}).encode()))
    with pytest.raises(ThemeModelError, match="not a recueil theme model"):
        load_model(bad)


def test_the_shipped_model_knows_every_theme_and_tags_a_plain_case() -> None:
    model = load_model()
    assert set(model.themes) == set(load_themes().codes)
    text = (
        "Le lieu d'accueil enfants-parents reçoit les tout-petits de moins de 3 ans avec leurs "
        "parents ; la crèche et l'école maternelle préparent la première scolarisation."
    )
    assert "petite-enfance" in model.tagged(text)


def test_margins_put_each_threshold_at_one_half() -> None:
    assert margin(0.35, 0.35) == pytest.approx(0.5)
    assert margin(0.0, 0.35) == 0.0
    assert margin(1.0, 0.35) == pytest.approx(1.0)
    assert margin(0.175, 0.35) == pytest.approx(0.25)


def test_combination_rule() -> None:
    both = combine({"sante": 0.4}, {"sante": 0.6}, 0.35)["sante"]
    assert both.tagged and both.source == "rules+model"
    confident_model = combine({"sante": 0.3}, {"sante": 0.95}, 0.35)["sante"]
    assert confident_model.tagged and confident_model.source == "model"
    lukewarm = combine({"sante": 0.3}, {"sante": 0.45}, 0.35)["sante"]
    assert not lukewarm.tagged and lukewarm.score < COMBINED_THRESHOLD
    unknown_to_model = combine({"nouveau": 0.5}, {}, 0.35)["nouveau"]
    assert unknown_to_model.tagged and unknown_to_model.model == 0.0


def test_the_development_gold_set_is_complete_and_split() -> None:
    codes = list(load_themes().codes)
    docs = read_dev_labels(ROOT / "corpus-dev" / "labels.jsonl", codes)
    assert len(docs) >= 150
    assert {d.split for d in docs} == {"train", "heldout"}
    for code in codes:  # every theme is represented on both sides of the split
        assert any(code in d.themes for d in docs if d.split == "heldout"), code
        assert any(code in d.themes for d in docs if d.split == "train"), code
    assert all(d.url.startswith("http") and d.licence and d.reason for d in docs)
    shipped = [d for d in docs if d.redistributable]
    assert shipped
    for doc in shipped:
        text = (ROOT / "corpus-dev" / "texts" / f"{doc.id}.txt").read_text(encoding="utf-8")
        assert text_digest(text) == doc.sha256, doc.id


def test_dev_labels_errors_name_the_line(tmp_path: Path) -> None:
    path = tmp_path / "labels.jsonl"
    line = {
        "id": "x",
        "url": "https://example.org",
        "licence": "l",
        "title": "t",
        "themes": ["inconnu"],
        "maybe": [],
        "reason": "r",
        "split": "train",
    }
    path.write_text(json.dumps(line) + "\n", encoding="utf-8")
    with pytest.raises(GoldFileError, match="line 1, field 'themes'"):
        read_dev_labels(path, CODES)


def test_theme_table_ignores_maybe_themes() -> None:
    judged = [
        Judged(frozenset({"sante"}), frozenset({"numerique"}), frozenset({"sante", "numerique"})),
        Judged(frozenset(), frozenset(), frozenset({"sante"})),
    ]
    table = theme_table(judged, CODES)
    sante = next(r for r in table["themes"] if r["theme"] == "sante")
    assert (sante["tp"], sante["fp"], sante["fn"]) == (1, 1, 0)
    numerique = next(r for r in table["themes"] if r["theme"] == "numerique")
    assert numerique["tp"] + numerique["fp"] + numerique["fn"] == 0


def test_review_queue_puts_disagreements_and_near_misses_first() -> None:
    docs = [
        ("a", combine({"sante": 0.9}, {"sante": 0.95}, 0.35)),  # both sure: not listed
        ("b", combine({"sante": 0.36}, {"sante": 0.1}, 0.35)),  # rules for, model against
        ("c", combine({"sante": 0.34}, {"sante": 0.5}, 0.35)),  # model for, rules just under
        ("d", combine({"sante": 0.0}, {"sante": 0.02}, 0.35)),  # both sure it is not
    ]
    queue = review_queue(docs)
    assert [(i.document, i.reason) for i in queue] == [("c", "disagree"), ("b", "disagree")]
    assert queue[0].uncertainty > queue[1].uncertainty
    assert review_queue(docs, limit=1)[0].document == "c"


def test_extending_a_model_without_decisions_changes_no_prediction() -> None:
    from recueil.tagging.learned import extend_model

    base = train(tiny_examples(), CODES)
    same = extend_model(base, [], CODES)
    for text, _ in [*TINY, (PROBE, [])]:
        before, after = base.predict(text), same.predict(text)
        assert {t: s.score for t, s in before.items()} == {t: s.score for t, s in after.items()}
    assert same.trained_on["manual_documents"] == 0


def test_extending_a_model_moves_the_decided_theme_only() -> None:
    from recueil.tagging.learned import extend_model

    base = train(tiny_examples(), CODES)
    text = TINY[2][0]  # mental health: sante, not numerique
    assert base.vector(text)  # it shares words with the base model
    before = base.predict(text)
    added = extend_model(base, [manual_example(text, {"numerique": True})], CODES)
    removed = extend_model(base, [manual_example(text, {"sante": False})], CODES)
    assert added.predict(text)["numerique"].score > before["numerique"].score
    assert added.predict(text)["sante"].score == before["sante"].score
    assert removed.predict(text)["sante"].score < before["sante"].score
    assert added.trained_on["manual_decisions"] == {"numerique": {"yes": 1, "no": 0}}
    # A theme the base model does not know needs a yes and a no to be learnt.
    codes = [*CODES, "culture-sport"]
    yes, no = TINY[0][0], TINY[3][0]
    one = extend_model(base, [manual_example(yes, {"culture-sport": True})], codes)
    assert "culture-sport" not in one.themes
    decisions = [
        manual_example(yes, {"culture-sport": True}),
        manual_example(no, {"culture-sport": False}),
    ]
    both = extend_model(base, decisions, codes)
    assert both.predict(yes)["culture-sport"].score > 0.5 > both.predict(no)["culture-sport"].score
