"""The documentation is kept honest: the CLI reference, the examples of every command,
the README's error table and its Python examples, and the public API."""

from __future__ import annotations

import contextlib
import io
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

import recueil
from recueil import errors
from recueil.cli import cli
from recueil.cli_reference import render, root_context, walk

ROOT = Path(__file__).parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_the_cli_reference_is_up_to_date() -> None:
    checked_in = (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")
    assert checked_in == render(), "docs/cli.md is out of date: run `make docs`"


def test_the_cli_reference_names_every_command_and_option() -> None:
    reference = (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")
    root = root_context()
    commands = list(walk(root.command, root))
    assert len(commands) > 20
    for command, ctx in commands:
        section = reference.split(f"\n## {ctx.command_path}\n", 1)[1].split("\n## ", 1)[0]
        for param in command.params:
            for option in [*param.opts, *param.secondary_opts]:
                if option.startswith("-"):
                    assert re.search(rf"(^|[\s,/]){re.escape(option)}\b", section), (
                        ctx.command_path,
                        option,
                    )


def test_every_command_help_has_an_example() -> None:
    root = root_context()
    runner = CliRunner()
    for _command, ctx in walk(root.command, root):
        path = ctx.command_path.split()[1:]
        result = runner.invoke(cli, [*path, "--help"])
        assert result.exit_code == 0, ctx.command_path
        example = result.stdout.split("Example:", 1)
        assert len(example) == 2, f"`{ctx.command_path} --help` has no example"
        assert "recueil " in example[1].split("Options:", 1)[0], ctx.command_path


def defined_codes() -> set[str]:
    classes = [errors.RecueilError]
    found = set()
    while classes:
        cls = classes.pop()
        found.add(cls.code)
        classes.extend(cls.__subclasses__())
    return found


def test_every_error_code_is_in_the_readme_table() -> None:
    table = set(re.findall(r"^\| (E\d{3}) \|", README, flags=re.MULTILINE))
    codes = defined_codes()
    assert len(codes) > 30
    assert codes - table == set(), "add these codes to the README's error table"
    assert table - codes == set(), "the README names codes that do not exist"


def test_the_public_api() -> None:
    for name in recueil.__all__:
        assert getattr(recueil, name) is not None, name
    exported = {name for name in recueil.__all__ if name.endswith("Error")}
    assert exported == {
        cls.__name__
        for cls in vars(errors).values()
        if isinstance(cls, type) and cls.__module__ == errors.__name__
    }
    assert recueil.run_search.__module__ == "recueil.search.service"
    with pytest.raises(AttributeError):
        recueil.no_such_name  # noqa: B018


def test_importing_recueil_loads_nothing_heavy() -> None:
    code = (
        "import sys, recueil\n"
        "recueil.Settings, recueil.QueryError\n"
        "heavy = [m for m in ('sqlalchemy', 'spacy', 'click', 'whoosh', 'tantivy', 'pymarc')"
        " if m in sys.modules]\n"
        "print(heavy)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"


@pytest.mark.slow
def test_the_readme_python_examples_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The README's Python blocks, run as written, in a folder holding a few corpus files
    (corpus/pages-web), with ~ a temporary folder: they build ~/recueil and search it."""
    section = README.split("### Using recueil from Python", 1)[1].split("\n### ", 1)[0]
    blocks = re.findall(r"```python\n(.*?)```", section, flags=re.DOTALL)
    assert len(blocks) >= 3
    (tmp_path / "corpus").mkdir()
    shutil.copytree(ROOT / "corpus" / "pages-web", tmp_path / "corpus" / "pages-web")
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.chdir(tmp_path)
    namespace: dict[str, object] = {"__name__": "readme"}
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        for block in blocks:
            exec(compile(block, "README.md", "exec"), namespace)
    printed = out.getvalue()
    assert (tmp_path / "recueil" / "catalogue.sqlite3").exists()
    assert printed.startswith("1 {'added': 5}\n")
    assert "Numérique éducatif" in printed and "semblable" in printed
    assert len(re.findall(r"^\d page-web 20\d\d ", printed, flags=re.MULTILINE)) == 5
    assert printed.rstrip().splitlines()[-1].startswith("E310 ")
