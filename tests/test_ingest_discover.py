"""Discovery of inputs and the content-addressed archive."""

from __future__ import annotations

import hashlib
import stat
import unicodedata
from pathlib import Path

from recueil.config import resolve_settings
from recueil.ingest.archive import archive_original, sha256_file
from recueil.ingest.discover import discover, is_documentation


def test_folders_recurse_in_order_and_skip_hidden(tmp_path: Path) -> None:
    (tmp_path / "b").mkdir()
    (tmp_path / "a" / "sous-dossier").mkdir(parents=True)
    (tmp_path / ".cache").mkdir()
    for name in ("b/2.pdf", "a/1.pdf", "a/sous-dossier/3.txt", ".cache/x.pdf", "a/.~lock.pdf"):
        (tmp_path / name).write_bytes(b"x")
    found = [Path(i.source).relative_to(tmp_path).as_posix() for i in discover([tmp_path])]
    assert found == ["a/1.pdf", "a/sous-dossier/3.txt", "b/2.pdf"]


def test_globs_missing_paths_and_each_file_once(tmp_path: Path) -> None:
    (tmp_path / "cr-2021.pdf").write_bytes(b"x")
    (tmp_path / "cr-2022.pdf").write_bytes(b"y")
    inputs = discover(
        [str(tmp_path / "cr-*.pdf"), tmp_path / "cr-2021.pdf", tmp_path / "absent.pdf"]
    )
    assert [(Path(i.source).name, i.missing) for i in inputs] == [
        ("cr-2021.pdf", False),
        ("cr-2022.pdf", False),
        ("absent.pdf", True),
    ]
    assert discover([str(tmp_path / "*.docx")])[0].missing


def test_nfd_names_are_reported_in_nfc_and_still_readable(tmp_path: Path) -> None:
    nfd = unicodedata.normalize("NFD", "Synthèse régionale.pdf")
    (tmp_path / nfd).write_bytes(b"%PDF-1.4")
    (item,) = discover([tmp_path])
    assert item.source.endswith("Synthèse régionale.pdf")
    assert unicodedata.is_normalized("NFC", item.source)
    assert item.path.read_bytes() == b"%PDF-1.4"


def test_documentation_files() -> None:
    assert is_documentation(Path("corpus/README.md"))
    assert is_documentation(Path("LISEZMOI.txt"))
    assert not is_documentation(Path("compte-rendu-readme-2022.pdf"))


def test_archive_is_content_addressed_and_read_only(tmp_path: Path) -> None:
    settings = resolve_settings(home=tmp_path / "home")
    settings.ensure_home()
    original = tmp_path / "Compte rendu.PDF"
    original.write_bytes(b"%PDF-1.4 contenu")
    sha = sha256_file(original)
    assert sha == hashlib.sha256(b"%PDF-1.4 contenu").hexdigest()
    rel = archive_original(settings, original, sha)
    assert rel == f"originals/{sha[:2]}/{sha}.pdf"
    target = settings.home / rel
    assert target.read_bytes() == original.read_bytes()
    assert not target.stat().st_mode & stat.S_IWUSR
    assert archive_original(settings, original, sha) == rel  # second time: nothing to do
    assert not list(target.parent.glob(".tmp-*"))
