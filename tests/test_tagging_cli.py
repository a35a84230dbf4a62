"""The tagging commands on a real SQLite catalogue: themes, tag, retag, explain, eval."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from recueil.catalogue.db import Catalogue
from recueil.catalogue.models import Document, MetadataEntry, Page, ThemeTag

PARENTS = (
    "Café des parents au collège Boris Vian",
    "Contexte\nLa cité éducative de Lille secteur Sud ouvre un café des parents le mardi 11 février.\n"
    "Objectifs\nRenforcer la place des parents et la coéducation avec l'école.\n"
    "Public visé\nParents d'élèves du collège.\nPartenaires\nCentre social, REAAP.\n"
    "Contact\nMarie Dupont, coordinatrice.",
)
NUMERIQUE = (
    "Inclusion numérique des familles",
    "Des conseillers numériques de Roubaix accompagnent les familles face à l'illectronisme ; "
    "les élèves reçoivent des tablettes et utilisent l'ENT. Un atelier de médiation numérique "
    "a lieu chaque semaine.",
)


def add_document(catalogue: Catalogue, title: str, text: str, **fields: Any) -> int:
    with catalogue.transaction() as session:
        document = Document(
            source=f"test:{title}", kind="pdf", title=title, filename="doc.pdf", **fields
        )
        document.pages = [Page(number=i, text=t) for i, t in enumerate(text.split("\f"), start=1)]
        document.metadata_entries = [
            MetadataEntry(namespace="pdf", key="CreationDate", value="D:20200301120000")
        ]
        session.add(document)
        session.flush()
        return document.id


def tags(catalogue: Catalogue, doc_id: int) -> dict[str, tuple[str, bool]]:
    with catalogue.session() as session:
        rows = session.scalars(select(ThemeTag).where(ThemeTag.document_id == doc_id))
        return {t.theme_code: (t.source, t.active) for t in rows}


def test_themes_lists_the_theme_data(run_cli: Any) -> None:
    result = run_cli("themes", "--json")
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert len(rows) == 11 and rows[0]["code"] == "petite-enfance"
    assert rows[1]["acronym_list"]["OEPRE"].startswith("ouvrir l'école")


def test_themes_reports_a_broken_theme_file(run_cli: Any, tmp_path: Path) -> None:
    broken = tmp_path / "themes.json"
    broken.write_text('{"themes": [\n {"code": "x", "label": ""}\n]}', "utf-8")
    result = run_cli("--themes", str(broken), "themes")
    assert result.exit_code == 1
    assert (
        "Error [E200]" in result.stderr and "line 2, theme #1 (x), field 'label'" in result.stderr
    )


@pytest.mark.slow
def test_retag_tag_explain_and_manual_tags_survive(run_cli: Any, catalogue: Catalogue) -> None:
    parents = add_document(catalogue, *PARENTS)
    numerique = add_document(catalogue, *NUMERIQUE, doc_type="plaquette")

    dry = run_cli("retag", "--dry-run", "--json")
    assert dry.exit_code == 0, dry.output
    assert {r["id"]: r["added"] for r in json.loads(dry.stdout)} == {
        parents: ["parentalite"],
        numerique: ["numerique"],
    }
    assert tags(catalogue, parents) == {}  # a dry run changes nothing

    result = run_cli("retag", "--json")
    assert result.exit_code == 0, result.output
    assert tags(catalogue, parents)["parentalite"] == ("rules+model", True)
    with catalogue.session() as session:
        doc = session.get(Document, parents)
        assert doc is not None
        assert doc.cite_educative == "Lille Sud" and doc.doc_type == "fiche-experience"
        assert (
            str(doc.date) == "2020-02-11" and doc.date_source == "text (day)"
        )  # year from the PDF date
        assert any(e.text == "Marie Dupont" and e.label == "PER" for e in doc.entities)
        assert doc.tagger_version is not None and doc.tagged_at is not None
        assert doc.doc_type_by_rules and doc.cite_by_rules
        kept = session.get(Document, numerique)
        assert kept is not None and kept.doc_type == "plaquette"  # the format's type is kept

    # manual decisions: remove a theme the rules found, add one they did not
    result = run_cli("tag", str(parents), "--remove", "parentalite", "--add", "sante", "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["themes"] == ["sante"]

    again = run_cli("retag", "--json")
    assert again.exit_code == 0
    assert json.loads(again.stdout) == []  # nothing changes: manual tags win
    assert tags(catalogue, parents)["parentalite"] == ("manual", False)
    assert tags(catalogue, parents)["sante"] == ("manual", True)

    explained = run_cli("explain", str(parents), "--json")
    assert explained.exit_code == 0, explained.output
    data = json.loads(explained.stdout)
    rows = {r["theme"]: r for r in data["themes"]}
    assert rows["parentalite"]["status"] == "removed by hand"
    assert "café des parents" in rows["parentalite"]["evidence"]["terms"]
    assert data["cite_educative"] == "Lille Sud"
    table = run_cli("explain", str(parents))
    assert "removed by hand" in table.stdout

    only = run_cli("retag", "--theme", "numerique", "--json")
    assert only.exit_code == 0 and json.loads(only.stdout) == []


def test_tag_errors(run_cli: Any, catalogue: Catalogue) -> None:
    doc = add_document(catalogue, "Note", "Un texte court.")
    unknown = run_cli("tag", str(doc), "--add", "jardinage")
    assert unknown.exit_code == 1 and "Error [E203]" in unknown.stderr
    missing = run_cli("tag", "9999", "--add", "sante")
    assert missing.exit_code == 1 and "Error [E012]" in missing.stderr


@pytest.mark.slow
def test_eval_on_catalogue_ids(run_cli: Any, catalogue: Catalogue, tmp_path: Path) -> None:
    parents = add_document(catalogue, *PARENTS)
    numerique = add_document(catalogue, *NUMERIQUE)
    gold = tmp_path / "gold.jsonl"
    gold.write_text(
        json.dumps(
            {
                "id": parents,
                "themes": ["parentalite"],
                "maybe": ["reussite-scolaire"],
                "cite": "Lille secteur Sud",
            }
        )
        + "\n"
        + json.dumps({"id": numerique, "themes": ["numerique", "sante"], "cite": "—"})
        + "\n"
        + json.dumps({"path": "absent.pdf", "themes": []})
        + "\n",
        "utf-8",
    )
    result = run_cli("eval", str(gold), "--json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    rows = {r["theme"]: r for r in report["themes"]}
    assert (rows["parentalite"]["tp"], rows["numerique"]["tp"], rows["sante"]["fn"]) == (1, 1, 1)
    assert report["skipped"] == 1 and report["cite_accuracy"] == 1.0
    assert 0 < report["macro_f1"] < 1
    # The document that missed "sante" is listed among the wrong ones.
    assert [(w["document"], w["missed"]) for w in report["wrong_documents"]] == [
        (numerique, ["sante"])
    ]
    table = run_cli("eval", str(gold))
    assert "Documents with missed or extra themes" in table.stdout
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": 1, "themes": ["jardinage"]}\n', "utf-8")
    failed = run_cli("eval", str(bad))
    assert failed.exit_code == 1 and "line 1, field 'themes'" in failed.stderr
