"""One grammar for every command, through the real CLI: dates, output options, global
options after the command, coded usage errors and exit codes."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import logging
import re
import shutil
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from pdfgen import make_truncated_pdf
from recueil.catalogue.db import open_catalogue
from recueil.catalogue.models import Document
from recueil.cli import cli
from recueil.cli_common import GLOBAL_PARAMS, parse_date_bound
from recueil.cli_reference import root_context, walk
from recueil.config import Settings

CORPUS = Path(__file__).parent.parent / "corpus"
FAST = ("--no-tag", "--no-index", "--jobs", "1")
# The dates the test gives the five web pages of corpus/pages-web, in file-name order.
DATES = [
    dt.date(2020, 11, 5),
    dt.date(2022, 3, 15),
    dt.date(2022, 6, 30),
    None,
    dt.date(2023, 1, 9),
]


@pytest.fixture
def pages(run_cli, settings: Settings, tmp_path: Path) -> dict[str, int]:
    """corpus/pages-web ingested (no tagging, no index), with known dates: name -> id."""
    inbox = tmp_path / "pages-web"
    shutil.copytree(CORPUS / "pages-web", inbox)
    result = run_cli("ingest", *FAST, "--json", str(inbox))
    assert result.exit_code == 0, result.output
    ids = {Path(i["source"]).name: i["document_id"] for i in json.loads(result.stdout)["items"]}
    catalogue = open_catalogue(settings)
    try:
        with catalogue.transaction() as session:
            for name, date in zip(sorted(ids), DATES, strict=True):
                document = session.get(Document, ids[name])
                assert document is not None
                document.date, document.year = date, date.year if date else None
    finally:
        catalogue.close()
    return ids


def listed(run_cli, *args: str) -> set[int]:
    result = run_cli("list", "--json", *args)
    assert result.exit_code == 0, result.output
    return {row["id"] for row in json.loads(result.stdout)}


def by_date(ids: dict[str, int], low: dt.date, high: dt.date) -> set[int]:
    names = sorted(ids)
    return {ids[n] for n, d in zip(names, DATES, strict=True) if d and low <= d <= high}


def test_a_date_is_a_year_a_month_or_a_day() -> None:
    assert parse_date_bound("2022") == dt.date(2022, 1, 1)
    assert parse_date_bound("2022", end=True) == dt.date(2022, 12, 31)
    assert parse_date_bound("2022-02", end=True) == dt.date(2022, 2, 28)
    assert parse_date_bound("2024-02", end=True) == dt.date(2024, 2, 29)
    assert parse_date_bound("2022-12", end=True) == dt.date(2022, 12, 31)
    assert parse_date_bound(" 2022-06-09 ") == dt.date(2022, 6, 9)
    assert parse_date_bound("09/06/2022") == dt.date(2022, 6, 9)
    for wrong in ["juin", "2022-13", "2022-02-30", "22", "20220609", "2022-06-09T10:00", ""]:
        with pytest.raises(ValueError):
            parse_date_bound(wrong)


def test_list_takes_the_same_dates_as_search(run_cli, pages: dict[str, int]) -> None:
    year_2022 = by_date(pages, dt.date(2022, 1, 1), dt.date(2022, 12, 31))
    assert len(year_2022) == 2
    assert listed(run_cli, "--from", "2022", "--to", "2022") == year_2022
    assert listed(run_cli, "--from", "2022-06") == by_date(
        pages, dt.date(2022, 6, 1), dt.date(2100, 1, 1)
    )
    assert listed(run_cli, "--to", "15/03/2022") == by_date(
        pages, dt.date(1900, 1, 1), dt.date(2022, 3, 15)
    )
    assert listed(run_cli, "--from", "2022-03-16", "--to", "2022-06") == {pages[sorted(pages)[2]]}


@pytest.mark.parametrize(
    "args",
    [
        ["list", "--to", "juin"],
        ["search", "--from", "2022-13"],
        ["export", "--to", "31/02/2022"],
        ["harvest", "http://127.0.0.1:9/oai", "--from", "hier"],
    ],
)
def test_a_wrong_date_is_a_coded_usage_error(run_cli, args: list[str]) -> None:
    result = run_cli(*args)
    assert result.exit_code == 2, result.output
    assert f" {args[0]} [OPTIONS]" in result.stderr.splitlines()[0]
    assert f"Error [E002]: Invalid value for '{args[-2]}': '{args[-1]}' is not a date" in (
        result.stderr
    )
    assert "Hint: Write a year, a month or a day" in result.stderr
    assert "Traceback" not in result.output and result.stdout == ""


def test_every_usage_error_is_coded(run_cli) -> None:
    for args, message in [
        (["lister"], "No such command 'lister'"),
        (["list", "--bogus"], "No such option"),
        (["show"], "Missing argument 'DOCUMENT_ID'"),
        (["ingest"], "give at least one PATH, or --resume RUN"),
        (["export", "--csv", "--format", "marc"], "--csv and --format marc disagree"),
        (["index", "rebuild", "--engine", "lucene"], "Invalid value for '--engine'"),
    ]:
        result = run_cli(*args)
        assert result.exit_code == 2, (args, result.output)
        assert f"Error [E002]: {message}" in result.stderr, result.stderr
        assert "Hint: " in result.stderr
    root = CliRunner().invoke(cli, ["--bogus"])
    assert root.exit_code == 2 and "Error [E002]: No such option" in root.stderr


def test_global_options_work_after_the_command(
    run_cli, pages: dict[str, int], tmp_path: Path
) -> None:
    empty = tmp_path / "empty-home"
    before = run_cli.runner.invoke(cli, [*run_cli.root_args, "list", "--json"])
    after = run_cli.runner.invoke(cli, ["list", "--json", *run_cli.root_args])
    assert before.exit_code == after.exit_code == 0, after.output
    assert json.loads(after.stdout) == json.loads(before.stdout)
    assert {row["id"] for row in json.loads(after.stdout)} == set(pages.values())
    # Typed after the command, a value wins over the one typed before it.
    overridden = run_cli.runner.invoke(
        cli, ["--home", str(empty), "list", "--json", *run_cli.root_args]
    )
    assert {row["id"] for row in json.loads(overridden.stdout)} == set(pages.values())
    assert not empty.exists()
    # A group's command too, and --quiet after the command silences the notes on stderr.
    checked = run_cli.runner.invoke(cli, ["check", "--no-checksums", *run_cli.root_args])
    quiet = run_cli.runner.invoke(cli, ["check", "--no-checksums", "--quiet", *run_cli.root_args])
    assert "documents" in checked.stderr and quiet.stderr == ""
    synced = run_cli.runner.invoke(cli, ["index", "sync", "--json", *run_cli.root_args])
    assert synced.exit_code == 0, synced.output
    assert json.loads(synced.stdout)["added"] == len(pages)


def test_verbose_after_the_command_shows_the_details(
    run_cli, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.ERROR, logger="recueil"):
        plain = run_cli("show", "999")
        assert plain.exit_code == 1 and "Error [E012]" in plain.stderr
        assert not [r for r in caplog.records if r.exc_info]
        verbose = run_cli("show", "999", "-v")
        assert verbose.exit_code == 1 and "Error [E012]" in verbose.stderr
    assert [r for r in caplog.records if r.exc_info and "E012" in str(r.exc_info[1])]


def test_every_command_takes_the_global_options() -> None:
    root = root_context()
    for command, ctx in list(walk(root.command, root))[1:]:
        names = {param.name for param in command.params}
        assert set(GLOBAL_PARAMS) <= names, ctx.command_path


def test_ingest_writes_its_report_in_every_format(run_cli, tmp_path: Path) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    shutil.copy(CORPUS / "pages-web" / "labo-cites_labellisation-2022.md", inbox)
    make_truncated_pdf(inbox / "tronque.pdf")
    result = run_cli("ingest", *FAST, "--nl", str(inbox))
    assert result.exit_code == 1  # the truncated PDF failed
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert sorted(r["outcome"] for r in rows) == ["added", "failed"]
    again = run_cli("ingest", *FAST, "--csv", str(inbox))
    assert again.exit_code == 1
    table = list(csv.DictReader(io.StringIO(again.stdout)))
    assert {r["outcome"] for r in table} == {"duplicate", "failed"}
    assert {r["error_code"] for r in table if r["outcome"] == "failed"} == {"E103"}
    report = json.loads(run_cli("ingest", *FAST, "--json", str(inbox)).stdout)
    assert report["counts"] == {"duplicate": 1, "failed": 1}


def test_object_output_honours_csv_and_nl(run_cli, pages: dict[str, int]) -> None:
    doc_id = pages[sorted(pages)[1]]
    shown = json.loads(run_cli("show", str(doc_id), "--json").stdout)
    line = run_cli("show", str(doc_id), "--nl").stdout
    assert line.count("\n") == 1 and json.loads(line) == shown
    rows = list(csv.DictReader(io.StringIO(run_cli("show", str(doc_id), "--csv").stdout)))
    assert len(rows) == 1
    assert rows[0]["id"] == str(doc_id) and rows[0]["title"] == shown["title"]
    assert rows[0]["date"] == "2022-03-15"


def test_export_takes_the_output_options(run_cli, pages: dict[str, int]) -> None:
    as_json = run_cli("export", "--json")
    assert as_json.stdout == run_cli("export", "--format", "json").stdout
    assert {e["id"] for e in json.loads(as_json.stdout)} == set(pages.values())
    lines = run_cli("export", "--nl", "--from", "2022", "--to", "2022").stdout.splitlines()
    assert {json.loads(line)["id"] for line in lines} == by_date(
        pages, dt.date(2022, 1, 1), dt.date(2022, 12, 31)
    )
    as_csv = run_cli("export", "--csv", "--format", "csv")
    assert as_csv.exit_code == 0
    assert len(list(csv.DictReader(io.StringIO(as_csv.stdout)))) == len(pages)


def test_commands_never_exit_themselves() -> None:
    """Only the root group turns outcomes into exit codes (ExitCode, coded errors)."""
    source = Path(__file__).parent.parent / "src" / "recueil"
    faces = [*source.rglob("cli.py"), *source.rglob("*_cli.py")]
    assert len(faces) >= 8
    for path in faces:
        text = path.read_text(encoding="utf-8")
        assert not re.search(r"\bsys\.exit\(|\bSystemExit\b|\bctx\.exit\(", text) or (
            path == source / "cli.py"
        ), path


def test_the_root_help_lists_every_command_with_its_short_help() -> None:
    # Commands are attached on first use (a search loads no other command's module):
    # the root help still loads them all and lists each with its short help.
    import importlib

    from recueil.cli import COMMAND_MODULES

    listed = CliRunner().invoke(cli, ["--help"]).stdout
    for module_name, names in COMMAND_MODULES.items():
        for command in importlib.import_module(module_name).commands:
            assert command.name in names
            assert re.search(rf"^  {command.name}\s+\S", listed, re.MULTILINE), command.name
            short = command.get_short_help_str(limit=45).rstrip(".")
            assert short[:30] in " ".join(listed.split()), command.name


def test_the_root_help_names_the_global_options() -> None:
    result = CliRunner().invoke(cli, ["--help"])
    assert result.exit_code == 0
    assert "also work after the command" in result.stdout
    assert isinstance(cli, click.Group)
