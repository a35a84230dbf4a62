"""Rules and learned model wired into the catalogue: stored tags, train, review, eval.

Real CLI, real SQLite, the real French model and the built-in theme model.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from recueil.catalogue.db import Catalogue
from recueil.catalogue.models import Document, ThemeTag
from recueil.catalogue.vocabulary import TagSource

ROOT = Path(__file__).resolve().parents[1]
SPORT = ROOT / "corpus" / "fiches" / "Calais-Beau-Marais_sport-au-feminin.pdf"
WEBINAIRE = ROOT / "corpus" / "pages-web" / "irev_agenda_webinaire-1000-premiers-jours.txt"
CAFE = ROOT / "corpus" / "fiches" / "fiche-experience_Roubaix_cafe-des-parents-college.pdf"


def stored(catalogue: Catalogue) -> dict[str, dict[str, ThemeTag]]:
    """Tags by document file name and theme."""
    with catalogue.session() as session:
        out: dict[str, dict[str, ThemeTag]] = {}
        for document in session.scalars(select(Document)).all():
            out[document.filename or ""] = {t.theme_code: t for t in document.tags}
        session.expunge_all()
        return out


def tags_of(catalogue: Catalogue, name: str) -> dict[str, ThemeTag]:
    with catalogue.session() as session:
        document = session.scalars(select(Document).where(Document.filename == name)).one()
        found = {t.theme_code: t for t in document.tags}
        session.expunge_all()
        return found


def doc_id(catalogue: Catalogue, name: str) -> int:
    with catalogue.session() as session:
        return session.scalars(select(Document.id).where(Document.filename == name)).one()


@pytest.fixture
def ingested(run_cli: Any, catalogue: Catalogue) -> Catalogue:
    result = run_cli("ingest", str(SPORT), str(WEBINAIRE), str(CAFE), "--no-index")
    assert result.exit_code == 0, result.output
    return catalogue


@pytest.mark.slow
def test_ingest_stores_source_scores_and_evidence_of_rules_and_model(ingested: Catalogue) -> None:
    sport = tags_of(ingested, SPORT.name)
    # Both sources find sport: the rules' terms and the model's words are both kept.
    both = sport["culture-sport"]
    assert both.source is TagSource.RULES_MODEL and both.active
    assert both.rules_score is not None and both.rules_score >= 0.35
    assert both.model_score is not None and both.model_score >= 0.5
    assert 0.5 <= both.score <= 1.0
    assert both.evidence is not None and "sport" in " ".join(both.evidence["terms"])
    assert "sport" in both.evidence["model_words"] or "sports" in both.evidence["model_words"]
    # Equality of girls and boys: under the rules' threshold, the model carries it.
    equality = sport["egalite-inclusion"]
    assert equality.source is TagSource.MODEL and equality.active
    assert equality.rules_score is not None and equality.rules_score < 0.35
    assert {"filles", "egalite"} & set(equality.evidence["model_words"])  # type: ignore[index]
    # Inactive tags keep the figures too (below the combined threshold of 0.5).
    assert all(t.score < 0.5 for t in sport.values() if not t.active)
    for tags in stored(ingested).values():
        for tag in tags.values():
            assert tag.tagger_version is not None and "+model:" in tag.tagger_version
            assert tag.active == (tag.score >= 0.5)


@pytest.mark.slow
def test_show_and_explain_give_the_models_words(run_cli: Any, ingested: Catalogue) -> None:
    sport = doc_id(ingested, SPORT.name)
    shown = json.loads(run_cli("show", str(sport), "--json").stdout)
    by_theme = {t["theme"]: t for t in shown["tags"]}
    assert by_theme["egalite-inclusion"]["source"] == "model"
    assert by_theme["egalite-inclusion"]["model_words"]
    explained = json.loads(run_cli("explain", str(sport), "--json").stdout)
    rows = {r["theme"]: r for r in explained["themes"]}
    assert rows["egalite-inclusion"]["status"] == "active (model)"
    assert rows["egalite-inclusion"]["model"] >= 0.5 > rows["egalite-inclusion"]["rules"]
    assert explained["threshold"] == 0.5 and explained["rules_threshold"] == 0.35
    table = run_cli("explain", str(sport)).stdout
    assert "model_words" in table and "active (rules+model)" in table


@pytest.mark.slow
def test_a_decision_then_train_moves_the_next_prediction(
    run_cli: Any, ingested: Catalogue, home: Path
) -> None:
    sport, webinaire = doc_id(ingested, SPORT.name), doc_id(ingested, WEBINAIRE.name)
    before_removed = tags_of(ingested, SPORT.name)["egalite-inclusion"].model_score
    before_added = tags_of(ingested, WEBINAIRE.name).get("sante")
    before_added_score = before_added.model_score if before_added else 0.0
    assert before_removed is not None and before_added_score is not None
    assert run_cli("tag", str(sport), "--remove", "egalite-inclusion").exit_code == 0
    assert run_cli("tag", str(webinaire), "--add", "sante").exit_code == 0

    trained = run_cli("train", "--json")
    assert trained.exit_code == 0, trained.output
    report = json.loads(trained.stdout)
    assert report["documents_decided"] == 2 and report["themes_retrained"] == 2
    assert {r["theme"]: (r["added"], r["removed"]) for r in report["themes"]} == {
        "egalite-inclusion": (0, 1),
        "sante": (1, 0),
    }
    assert (home / "theme_model.json.gz").is_file()

    assert run_cli("retag").exit_code == 0  # the home's model now tags
    removed = tags_of(ingested, SPORT.name)["egalite-inclusion"]
    added = tags_of(ingested, WEBINAIRE.name)["sante"]
    assert removed.source is TagSource.MANUAL and not removed.active  # the decision stays
    assert added.source is TagSource.MANUAL and added.active
    assert removed.model_score is not None and removed.model_score < before_removed
    assert added.model_score is not None and added.model_score > before_added_score
    # A theme no decision touched predicts as before.
    assert tags_of(ingested, SPORT.name)["culture-sport"].source is TagSource.RULES_MODEL


@pytest.mark.slow
def test_train_without_decisions_predicts_as_the_built_in_model(run_cli: Any) -> None:
    trained = run_cli("train", "--dev", str(ROOT / "corpus-dev"), "--json")
    assert trained.exit_code == 0, trained.output
    report = json.loads(trained.stdout)
    assert report["documents_decided"] == 0 and report["themes"] == []
    assert report["heldout_documents"] >= 7
    assert report["heldout_trained_macro_f1"] == report["heldout_builtin_macro_f1"]


def add_scored(catalogue: Catalogue, title: str, tags: list[tuple[str, float, float, str]]) -> int:
    """A document with stored tags: (theme, rules score, model score, source)."""
    from recueil.catalogue.models import Theme
    from recueil.tagging.combine import combine

    with catalogue.transaction() as session:
        for code in {t[0] for t in tags}:
            if session.get(Theme, code) is None:
                session.add(Theme(code=code, label=code, description="", position=0))
        document = Document(source=f"test:{title}", kind="pdf", title=title, tag_threshold=0.35)
        for code, rules, model, source in tags:
            c = combine({code: rules}, {code: model}, 0.35)[code]
            document.tags.append(
                ThemeTag(
                    theme_code=code,
                    score=c.score,
                    rules_score=rules,
                    model_score=model,
                    source=TagSource(source),
                    active=c.tagged,
                )
            )
        session.add(document)
        session.flush()
        return document.id


def test_review_lists_uncertain_decisions_most_uncertain_first(
    run_cli: Any, catalogue: Catalogue
) -> None:
    sure = add_scored(catalogue, "Sûr", [("sante", 0.9, 0.99, "rules+model")])
    near = add_scored(catalogue, "Limite", [("sante", 0.33, 0.52, "model")])
    split = add_scored(catalogue, "Désaccord", [("numerique", 0.6, 0.05, "rules")])
    faint = add_scored(catalogue, "Faible", [("numerique", 0.05, 0.3, "rules")])
    decided = add_scored(catalogue, "Décidé", [("sante", 0.34, 0.5, "manual")])
    result = run_cli("review", "--json")
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert [(r["id"], r["theme"]) for r in rows] == [(near, "sante"), (split, "numerique")]
    assert rows[0]["uncertainty"] >= rows[1]["uncertainty"]
    assert rows[1]["reason"] == "disagree" and not rows[1]["tagged"]
    assert {sure, faint, decided}.isdisjoint(r["id"] for r in rows)
    assert "recueil tag" in result.stderr and "recueil train" in result.stderr
    only = json.loads(run_cli("review", "--theme", "numerique", "--json").stdout)
    assert [r["id"] for r in only] == [split]
    table = run_cli("review", "--csv").stdout
    assert next(csv.reader(io.StringIO(table)))[:3] == ["id", "theme", "tagged"]
    assert run_cli("review", "--theme", "jardinage").exit_code == 1


@pytest.mark.slow
def test_eval_puts_rules_model_and_combined_side_by_side(run_cli: Any) -> None:
    result = run_cli("eval", str(ROOT / "corpus-dev"), "--json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["documents"] >= 7 and report["skipped"] == 51 - report["documents"]
    for source in ("rules", "model", "combined"):
        assert 0.0 <= report[f"{source}_macro_f1"] <= 1.0
    assert report["macro_f1"] == report["combined_macro_f1"]
    assert report["combined_macro_f1"] >= report["rules_macro_f1"]
    row = report["themes"][0]
    assert {"rules_f1", "model_f1", "combined_f1", "rules_p", "model_r"} <= set(row)
    table = run_cli("eval", str(ROOT / "corpus-dev")).stdout
    header = table.splitlines()[0].split()
    assert header[:4] == ["theme", "rules_p", "rules_r", "rules_f1"]
    assert header[-1] == "combined_f1"
    train = json.loads(
        run_cli("eval", str(ROOT / "corpus-dev"), "--split", "train", "--json").stdout
    )
    assert train["documents"] >= 4


@pytest.mark.slow
def test_a_broken_model_file_is_a_coded_error_and_train_writes_it_again(
    run_cli: Any, catalogue: Catalogue, home: Path
) -> None:
    broken = home / "theme_model.json.gz"
    home.mkdir(parents=True, exist_ok=True)
    broken.write_bytes(b"\x1f\x8b\x08\x00garbage")
    ingest = run_cli("ingest", str(WEBINAIRE), "--no-index")
    assert ingest.exit_code == 1 and "Error [E205]" in ingest.stderr
    assert "recueil train" in ingest.stderr
    with catalogue.session() as session:
        assert session.scalars(select(Document)).first() is None  # nothing half-stored
    retag = run_cli("retag")
    assert retag.exit_code == 1 and "Error [E205]" in retag.stderr
    trained = run_cli("train")
    assert trained.exit_code == 0, trained.output
    again = run_cli("ingest", str(WEBINAIRE), "--no-index")
    assert again.exit_code == 0, again.output
