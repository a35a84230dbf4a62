"""A damaged index (files truncated or deleted) on both engines: a coded error naming the
repair on every command, `check` detects it, `check --repair` and `index rebuild` recover
it from the catalogue alone (real files, real CLI)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from conftest import Cli

TEXT = "Compte rendu : la cité éducative de {} ouvre un lieu d'accueil enfants-parents.\n"


def truncate(paths: list[Path]) -> None:
    assert paths, "nothing to damage"
    for path in paths:
        with path.open("r+b") as handle:
            handle.truncate(min(50, path.stat().st_size // 2))


def delete(paths: list[Path]) -> None:
    assert paths, "nothing to damage"
    for path in paths:
        path.unlink()


DAMAGES: dict[str, Callable[[Path], None]] = {
    "whoosh-truncated-segment": lambda g: truncate(list(g.glob("*.seg"))),
    "whoosh-deleted-toc": lambda g: delete(list(g.glob("*.toc"))),
    "tantivy-truncated-store": lambda g: truncate(list(g.glob("*.store")) + list(g.glob("*.term"))),
    "tantivy-deleted-meta": lambda g: delete([g / "meta.json"]),
}


@pytest.fixture
def sqlite_cli(tmp_path: Path) -> Cli:
    home = tmp_path / "home"
    home.mkdir()
    return Cli(home)


@pytest.mark.parametrize("damage", sorted(DAMAGES))
def test_a_damaged_index_is_reported_and_repaired(
    sqlite_cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, damage: str
) -> None:
    engine = damage.split("-")[0]
    monkeypatch.setenv("RECUEIL_INDEX_ENGINE", engine)
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    for town in ("Roubaix", "Lens", "Calais"):
        (inbox / f"{town}.txt").write_text(TEXT.format(town) * 5, encoding="utf-8")
    ingested = sqlite_cli("ingest", "--no-tag", "--json", str(inbox))
    assert ingested.exit_code == 0, ingested.output
    (generation,) = (sqlite_cli.home / "index").glob("gen-*")
    DAMAGES[damage](generation)

    for command in (["search", "accueil"], ["index", "info"], ["similar", "1"]):
        result = sqlite_cli(*command)
        assert result.exit_code == 1, (command, result.output)
        assert "Error [E305]" in result.stderr and "recueil index rebuild" in result.stderr
        assert "Traceback" not in result.output and "Aborted" not in result.output

    checked = json.loads(sqlite_cli("check", "--json").stdout)
    assert not checked["ok"]
    assert [p["kind"] for p in checked["problems"]] == ["index-damaged"]

    repaired = json.loads(sqlite_cli("check", "--repair", "--json").stdout)
    assert all(p["repaired"] for p in repaired["problems"]), repaired
    assert json.loads(sqlite_cli("check", "--json").stdout)["ok"]
    found = json.loads(sqlite_cli("search", "accueil", "--json").stdout)
    assert len(found) == 3


def test_index_rebuild_recovers_a_damaged_index(sqlite_cli: Cli, tmp_path: Path) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "cr.txt").write_text(TEXT.format("Douai") * 5, encoding="utf-8")
    assert sqlite_cli("ingest", "--no-tag", str(inbox)).exit_code == 0
    for generation in (sqlite_cli.home / "index").glob("gen-*"):
        for path in generation.iterdir():
            if path.name != "recueil-index.json" and path.stat().st_size > 10:
                truncate([path])

    rebuilt = sqlite_cli("index", "rebuild")

    assert rebuilt.exit_code == 0, rebuilt.output
    assert json.loads(sqlite_cli("check", "--json").stdout)["ok"]
    assert len(json.loads(sqlite_cli("search", "Douai", "--json").stdout)) == 1
