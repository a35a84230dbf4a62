"""A damaged or read-only SQLite catalogue, and restoring over one, through the real CLI.

The catalogue is real: sample corpus files are ingested, then the SQLite file
is damaged the ways disks and people damage it (pages overwritten in the
middle, header overwritten, file truncated, one index page zeroed). Every
command must end with a coded error (never a traceback), `check` must name the
damage, and the documented recoveries (restore a backup, salvage with the
sqlite3 shell) must give a home that `check` finds clean.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import random
import shutil
import sqlite3
import subprocess
import tarfile
from pathlib import Path

import pytest

from conftest import Cli
from processes import RECUEIL, recueil_env, tree_files

CORPUS = Path(__file__).resolve().parent.parent / "corpus"
SAMPLES = [
    CORPUS / "comptes-rendus" / "CR_3e_rencontre_CPO_fevrier2020.pdf",
    CORPUS / "comptes-rendus" / "2022-06-09_6e-rencontre-CPO-HDF_IREV.pdf",
    CORPUS / "pages-web" / "labo-cites_labellisation-2022.md",
    CORPUS / "pages-web" / "irev_agenda_webinaire-1000-premiers-jours.txt",
]
READING = [["list"], ["show", "1"], ["runs"], ["runs", "1"], ["check"], ["check", "--repair"]]


@pytest.fixture
def filled(tmp_path: Path) -> tuple[Cli, Path]:
    """A home with the sample files ingested and a tar.gz backup of it."""
    home = tmp_path / "maison"
    cli = Cli(home)
    result = cli("ingest", "--no-tag", "--jobs", "1", "--json", *map(str, SAMPLES))
    assert result.exit_code == 0, result.output
    backup = tmp_path / "sauvegarde.tar.gz"
    assert cli("backup", str(backup)).exit_code == 0
    return cli, backup


def catalogue_file(cli: Cli) -> Path:
    path = cli.home / "catalogue.sqlite3"
    with sqlite3.connect(path) as conn:  # fold the WAL in: the damage hits the real file
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    return path


def damage(path: Path, how: str) -> None:
    data = bytearray(path.read_bytes())
    size = len(data)
    if how == "middle":  # pages overwritten by noise, as a bad sector or a stray write
        noise = random.Random(11)
        data[size // 3 : 2 * size // 3] = bytes(noise.randrange(256) for _ in range(size // 3))
    elif how == "header":
        data[:100] = b"\xff" * 100
    elif how == "truncated":  # a copy cut short
        data = data[: size * 2 // 5]
    path.write_bytes(bytes(data))
    for suffix in ("-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


def index_root_page(path: Path, name: str) -> int:
    conn = sqlite3.connect(path)
    try:
        (page,) = conn.execute(
            "SELECT rootpage FROM sqlite_master WHERE name = ?", (name,)
        ).fetchone()
    finally:
        conn.close()
    return int(page)


def assert_coded(result, code: str) -> None:
    assert result.exit_code == 1, result.output
    assert f"Error [{code}]" in result.output and "Traceback" not in result.output


@pytest.mark.parametrize("how", ["middle", "header", "truncated"])
def test_every_command_gives_a_coded_error_on_a_damaged_catalogue(
    filled: tuple[Cli, Path], tmp_path: Path, how: str
) -> None:
    cli, backup = filled
    damage(catalogue_file(cli), how)
    for args in [*READING, ["backup", str(tmp_path / "b2.tar.gz")]]:
        result = cli(*args)
        assert_coded(result, "E015")
        assert "recueil restore --force" in result.output  # the hint names the recovery
    assert not (tmp_path / "b2.tar.gz").exists()  # no backup of a damaged catalogue
    assert_coded(cli("ingest", "--no-tag", str(SAMPLES[0])), "E015")

    # Without --force, restore refuses and says why; the damaged file is left as it was.
    before = (cli.home / "catalogue.sqlite3").read_bytes()
    refused = cli("restore", str(backup))
    assert_coded(refused, "E014")
    assert "damaged" in refused.output and "--force" in refused.output
    assert (cli.home / "catalogue.sqlite3").read_bytes() == before

    # The documented recovery: restore the backup over it; then check is clean.
    restored = cli("restore", "--force", str(backup), "--json")
    assert restored.exit_code == 0, restored.output
    assert json.loads(restored.stdout)["documents"] == len(SAMPLES)
    assert cli("check").exit_code == 0
    assert len(json.loads(cli("list", "--json").stdout)) == len(SAMPLES)
    assert not list(cli.home.glob(".restore-*"))  # the staging folder is gone


def test_check_finds_damage_that_reads_do_not_hit_and_sqlite_salvages_it(
    filled: tuple[Cli, Path],
) -> None:
    cli, _ = filled
    path = catalogue_file(cli)
    page = index_root_page(path, "ix_document_year")
    data = bytearray(path.read_bytes())
    data[(page - 1) * 4096 : page * 4096] = bytes(4096)  # one index page zeroed
    path.write_bytes(bytes(data))

    result = cli("check", "--json")
    assert result.exit_code == 1
    (problem,) = json.loads(result.stdout)["problems"]
    assert (problem["kind"], problem["repairable"]) == ("catalogue-damaged", False)
    assert "malformed" in problem["detail"] or "index" in problem["detail"]

    if shutil.which("sqlite3") is None:
        pytest.skip("the salvage step needs the sqlite3 shell (apt-get install sqlite3)")
    # The documented salvage: dump what SQLite can read into a new file, put it in place.
    recovered = cli.home / "recovered.sqlite3"
    dump = subprocess.run(["sqlite3", str(path), ".dump"], capture_output=True, check=False)
    subprocess.run(["sqlite3", str(recovered)], input=dump.stdout, check=True)
    os.replace(path, cli.home / "damaged.sqlite3")
    os.replace(recovered, path)
    after = cli("check", "--json")
    assert after.exit_code == 0, after.output
    assert json.loads(after.stdout)["documents"] == len(SAMPLES)


# -- restore validates everything before touching the current home -----------------------


def home_state(home: Path) -> tuple[bytes, set[str]]:
    return (home / "catalogue.sqlite3").read_bytes(), tree_files(home / "originals")


def rewrite_backup(backup: Path, target: Path, change, *, fix_manifest: bool = True) -> Path:
    """Unpack ``backup``, let ``change(folder)`` alter it, repack it into ``target``
    (with the manifest's checksums updated, as a backup taken of bad data would have)."""
    folder = target.with_suffix("").with_suffix("")
    with tarfile.open(backup) as tar:
        tar.extractall(folder, filter="data")
    change(folder)
    if fix_manifest:
        manifest = json.loads((folder / "manifest.json").read_text())
        for relpath in manifest["files"]:
            digest = hashlib.sha256((folder / relpath).read_bytes()).hexdigest()
            manifest["files"][relpath] = digest
        (folder / "manifest.json").write_text(json.dumps(manifest))
    with tarfile.open(target, "w:gz") as tar:
        for item in sorted(folder.iterdir()):
            tar.add(item, arcname=item.name)
    return target


def _damage_copy(folder: Path) -> None:
    damage(folder / "catalogue.sqlite3", "middle")


def _future_revision(folder: Path) -> None:
    with sqlite3.connect(folder / "catalogue.sqlite3") as conn:
        conn.execute("UPDATE alembic_version SET version_num = '9999_from_the_future'")
    conn.close()
    manifest = json.loads((folder / "manifest.json").read_text())
    manifest["schema_revision"] = "9999_from_the_future"
    (folder / "manifest.json").write_text(json.dumps(manifest))


def _alter_original(folder: Path) -> None:
    original = next((folder / "originals").rglob("*.pdf"))
    original.chmod(0o644)
    original.write_bytes(original.read_bytes() + b"\n%% altered\n")


@pytest.mark.parametrize(
    ("change", "fix_manifest", "expected"),
    [
        (_damage_copy, True, "integrity check"),
        (_damage_copy, False, "missing or altered"),
        (_future_revision, True, "newer recueil"),
        (_alter_original, True, "does not match its SHA-256"),
    ],
    ids=["damaged-catalogue", "altered-file", "newer-schema", "altered-original"],
)
def test_restore_force_never_touches_the_home_for_a_bad_backup(
    filled: tuple[Cli, Path], tmp_path: Path, change, fix_manifest: bool, expected: str
) -> None:
    cli, backup = filled
    bad = rewrite_backup(backup, tmp_path / "mauvaise.tar.gz", change, fix_manifest=fix_manifest)
    catalogue_file(cli)
    before = home_state(cli.home)
    result = cli("restore", "--force", str(bad))
    assert_coded(result, "E013")
    assert expected in result.output
    assert home_state(cli.home) == before
    assert not list(cli.home.glob(".restore-*"))
    assert cli("check").exit_code == 0
    assert len(json.loads(cli("list", "--json").stdout)) == len(SAMPLES)


def test_restore_refuses_an_archive_with_a_link(filled: tuple[Cli, Path], tmp_path: Path) -> None:
    cli, backup = filled
    sneaky = tmp_path / "lien.tar.gz"
    with tarfile.open(backup) as source, tarfile.open(sneaky, "w:gz") as out:
        for member in source.getmembers():
            out.addfile(member, source.extractfile(member) if member.isfile() else None)
        link = tarfile.TarInfo("originals/zz/lien.pdf")
        link.type = tarfile.SYMTYPE
        link.linkname = "/etc/passwd"
        out.addfile(link, io.BytesIO(b""))
    catalogue_file(cli)
    before = home_state(cli.home)
    result = cli("restore", "--force", str(sneaky))
    assert_coded(result, "E013")
    assert "unexpected member" in result.output and home_state(cli.home) == before


# -- a read-only home ----------------------------------------------------------------------


def _as_non_owner() -> list[str] | None:
    """How to run a child to which file modes apply: itself when not root; as root,
    in a new user namespace (`unshare -U`), where root's overrides do not reach files."""
    if os.geteuid() != 0:
        return []
    unshare = shutil.which("unshare")
    if unshare is None:
        return None
    probe = subprocess.run([unshare, "-U", "true"], capture_output=True, check=False)
    return [unshare, "-U"] if probe.returncode == 0 else None


def test_a_read_only_home_reads_and_refuses_writes_with_a_code(
    filled: tuple[Cli, Path], tmp_path: Path
) -> None:
    cli, _ = filled
    prefix = _as_non_owner()
    if prefix is None:
        pytest.skip("running as root without user namespaces: file modes cannot be enforced")
    catalogue_file(cli)
    for path in [cli.home, *cli.home.rglob("*")]:
        path.chmod(path.stat().st_mode & ~0o222)
    try:

        def run(*args: str) -> subprocess.CompletedProcess[str]:
            return subprocess.run(
                [*prefix, *RECUEIL, "--home", str(cli.home), *args],
                capture_output=True, text=True, env=recueil_env(), timeout=300, check=False,
            )  # fmt: skip

        listed = run("list", "--json")
        assert listed.returncode == 0, listed.stderr
        assert len(json.loads(listed.stdout)) == len(SAMPLES)
        shown = run("show", "1", "--json")
        assert shown.returncode == 0 and json.loads(shown.stdout)["id"] == 1, shown.stderr
        for args in (["runs"], ["runs", "1"], ["search", "rencontre"], ["check"]):
            done = run(*args)
            assert done.returncode == 0, (args, done.stderr)
            assert "Traceback" not in done.stderr
        ingest = run("ingest", "--no-tag", str(tmp_path / "absent.pdf"))
        assert ingest.returncode == 1 and "Error [E016]" in ingest.stderr, ingest.stderr
        assert "read-only" in ingest.stderr and "Traceback" not in ingest.stderr
    finally:
        for path in [cli.home, *cli.home.rglob("*")]:
            path.chmod(path.stat().st_mode | 0o200)
    assert cli("check").exit_code == 0  # nothing was half-written


def _newer_manifest(folder: Path) -> None:
    manifest = json.loads((folder / "manifest.json").read_text())
    manifest["schema_revision"] = "9999_from_the_future"
    (folder / "manifest.json").write_text(json.dumps(manifest))


@pytest.mark.parametrize("change", [_alter_original, _newer_manifest], ids=["original", "schema"])
def test_restore_force_validates_before_replacing_any_catalogue(
    run_cli, tmp_path: Path, change
) -> None:
    """Both engines: a PostgreSQL catalogue, too, is left as it was by a bad backup."""
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    for sample in SAMPLES[:2]:
        shutil.copy(sample, inbox / sample.name)
    assert run_cli("ingest", "--no-tag", "--jobs", "1", str(inbox)).exit_code == 0
    backup = tmp_path / "sauvegarde.tar.gz"
    assert run_cli("backup", str(backup)).exit_code == 0
    bad = rewrite_backup(backup, tmp_path / "mauvaise.tar.gz", change)
    before = json.loads(run_cli("list", "--json").stdout)
    assert_coded(run_cli("restore", "--force", str(bad)), "E013")
    assert json.loads(run_cli("list", "--json").stdout) == before
    assert run_cli("check").exit_code == 0
