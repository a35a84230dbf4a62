"""Every input ends with an outcome: odd file names, unreadable folders, special files,
damaged files named like a known format, text with a few bad bytes (real files, real CLI)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import unicodedata
from pathlib import Path

import pytest
from sqlalchemy import delete, select, update

from processes import RECUEIL, recueil_env
from recueil.catalogue.db import Catalogue
from recueil.catalogue.models import Document, IngestionItem, IngestionRun

LATIN1_NAME = os.fsdecode(b"compte-rendu-r\xe9union.txt")  # not UTF-8: é in Latin-1
NFD_NAME = unicodedata.normalize("NFD", "fiche-éducation-été.txt")
TEXT = "Compte rendu de la réunion du comité de pilotage de la cité éducative de {}.\n"


def ingest_json(run_cli, *args: str) -> tuple[int, dict]:
    result = run_cli("ingest", "--no-tag", "--no-index", "--json", *args)
    return result.exit_code, json.loads(result.stdout)


def test_a_name_that_is_not_utf8_is_ingested_and_shown_readably(run_cli, tmp_path: Path) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / LATIN1_NAME).write_text(TEXT.format("Roubaix"), encoding="utf-8")
    (inbox / "autre.txt").write_text(TEXT.format("Lille"), encoding="utf-8")

    code, report = ingest_json(run_cli, str(inbox))

    assert code == 0, report
    assert report["counts"] == {"added": 2}
    sources = sorted(item["source"] for item in report["items"])
    assert sources[1].endswith("compte-rendu-r\\xe9union.txt")
    listed = run_cli("runs", "1", "--json")
    assert listed.exit_code == 0
    assert sources == sorted(item["source"] for item in json.loads(listed.stdout))


def interrupt(catalogue: Catalogue, run_id: int, sources: set[str]) -> None:
    """Leave the catalogue as a kill before these inputs were reached would have."""
    with catalogue.transaction() as session:
        for doc in session.scalars(select(Document).where(Document.source.in_(sources))):
            session.delete(doc)
        session.execute(delete(IngestionItem).where(IngestionItem.source.in_(sources)))
        session.execute(
            update(IngestionRun).where(IngestionRun.id == run_id).values(status="interrupted")
        )


def test_resume_finds_files_whose_names_are_nfd_or_not_utf8(
    run_cli, catalogue: Catalogue, tmp_path: Path
) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    names = [LATIN1_NAME, NFD_NAME, "plain.txt"]
    for n, name in enumerate(names):
        (inbox / name).write_text(TEXT.format(f"Lens {n}"), encoding="utf-8")
    # As a shell glob passes them: one argument per file, NFD bytes as on disk.
    code, report = ingest_json(run_cli, *(str(inbox / name) for name in names))
    assert code == 0 and report["counts"] == {"added": 3}
    odd = {i["source"] for i in report["items"] if not i["source"].endswith("plain.txt")}
    interrupt(catalogue, report["run_id"], odd)

    code, resumed = ingest_json(run_cli, "--resume", str(report["run_id"]))

    assert code == 0, resumed
    assert resumed["counts"] == {"added": 2}, resumed["items"]
    assert {i["source"] for i in resumed["items"]} == odd


def without_root_privilege() -> list[str]:
    """A command prefix under which root, too, is refused a folder it may not list."""
    if os.geteuid() != 0:
        return []
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        pytest.skip("running as root without util-linux's setpriv to drop the override")
    drop = "-dac_override,-dac_read_search"
    return [setpriv, f"--bounding-set={drop}", f"--inh-caps={drop}"]


def test_unreadable_folder_and_special_files_get_an_outcome(tmp_path: Path) -> None:
    inbox = tmp_path / "inbox"
    (inbox / "prive").mkdir(parents=True)
    (inbox / "prive" / "secret.txt").write_text(TEXT.format("Calais"), encoding="utf-8")
    (inbox / "lisible.txt").write_text(TEXT.format("Douai"), encoding="utf-8")
    os.mkfifo(inbox / "tube.txt")
    (inbox / "prive").chmod(0o000)
    command = ["--home", str(tmp_path / "home"), "ingest", "--no-tag", "--no-index", "--json"]
    try:
        done = subprocess.run(
            [*without_root_privilege(), *RECUEIL, *command, str(inbox)],
            capture_output=True,
            text=True,
            env=recueil_env(),
            timeout=300,
            check=False,
        )
    finally:
        (inbox / "prive").chmod(0o755)
    assert done.returncode == 1, done.stderr
    items = {Path(i["source"]).name: i for i in json.loads(done.stdout)["items"]}
    assert set(items) == {"lisible.txt", "prive", "tube.txt"}
    assert items["lisible.txt"]["outcome"] == "added"
    assert (items["prive"]["outcome"], items["prive"]["error_code"]) == ("failed", "E108")
    assert "cannot read folder" in items["prive"]["message"]
    assert (items["tube.txt"]["outcome"], items["tube.txt"]["error_code"]) == ("failed", "E108")
    assert "named pipe" in items["tube.txt"]["message"]


@pytest.mark.parametrize(
    ("name", "content", "code"),
    [
        ("vide.pdf", b"", "E104"),
        ("faux.pdf", b"Ceci n'est pas un PDF mais un courriel.\n" * 20, "E103"),
        ("bruit.pdf", bytes(range(256)) * 16, "E103"),
        ("vide.mrc", b"", "E104"),
        ("bruit.mrc", (b"\x1e\x1d" + bytes(range(40, 120))) * 83, "E103"),
    ],
)
def test_a_damaged_file_named_like_a_known_format_is_one_failure(
    run_cli, tmp_path: Path, name: str, content: bytes, code: str
) -> None:
    path = tmp_path / name
    path.write_bytes(content)

    exit_code, report = ingest_json(run_cli, str(path))

    assert exit_code == 1
    assert len(report["items"]) == 1, report["items"]
    assert report["items"][0]["outcome"] == "failed"
    assert report["items"][0]["error_code"] == code


def test_utf8_text_with_a_few_bad_bytes_stays_utf8_with_a_warning(run_cli, tmp_path: Path) -> None:
    text = (
        "Périscolaire : les ateliers du mercredi à Tourcoing réunissent élèves et parents.\n"
    ) * 20
    data = bytearray(text.encode("utf-8"))
    data[200] = 0xE9  # one Latin-1 é pasted into a UTF-8 file
    data[900] = 0xFF
    path = tmp_path / "ateliers.txt"
    path.write_bytes(bytes(data))

    exit_code, report = ingest_json(run_cli, str(path))

    assert exit_code == 0
    item = report["items"][0]
    assert item["outcome"] == "added"
    assert "2 byte(s) that are not UTF-8" in item["message"]
    shown = run_cli("show", str(item["document_id"]), "--json")
    document = json.loads(shown.stdout)
    assert "Périscolaire" in json.dumps(document, ensure_ascii=False)
    assert "PÃ©riscolaire" not in json.dumps(document, ensure_ascii=False)


def test_a_cp1252_text_is_still_read_as_cp1252(run_cli, tmp_path: Path) -> None:
    path = tmp_path / "ancien.txt"
    path.write_bytes("Réunion du comité : l'école et les élèves.\n".encode("cp1252") * 5)

    exit_code, report = ingest_json(run_cli, str(path))

    assert exit_code == 0
    assert report["items"][0]["message"] is None
    shown = json.loads(run_cli("show", str(report["items"][0]["document_id"]), "--json").stdout)
    assert "Réunion du comité" in json.dumps(shown, ensure_ascii=False)
