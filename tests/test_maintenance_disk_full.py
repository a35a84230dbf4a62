"""A full disk in the middle of a batch: a coded error (E017), nothing half-written that
`check` does not clean, and a resumed run leaves catalogue and index consistent.

The home lives on a small real tmpfs mounted for the test (root only; skipped elsewhere).
"""

from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from processes import run

PARAGRAPH = (
    "Compte rendu du comité de pilotage de la cité éducative de {town} : le programme de "
    "réussite éducative, les ateliers parents-enfants et l'accueil périscolaire du mercredi "
    "réunissent les écoles, le collège, la CAF et les associations du quartier ({n}).\n"
)


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    mount_point = tmp_path / "disk"
    mount_point.mkdir()
    if os.geteuid() != 0:
        pytest.skip("mounting a small tmpfs needs root")
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=3m", "tmpfs", str(mount_point)],
        capture_output=True,
        check=False,
    )
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {mounted.stderr.decode().strip()}")
    try:
        yield mount_point
    finally:
        subprocess.run(["umount", "-l", str(mount_point)], check=False)


def test_disk_full_mid_ingest_is_coded_and_resumable(small_disk: Path, tmp_path: Path) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    for n in range(60):
        text = "".join(PARAGRAPH.format(town=f"Ville {n}", n=i) for i in range(120))
        (inbox / f"cr-{n:02d}.txt").write_text(text, encoding="utf-8")
    root = ["--home", str(small_disk / "home")]

    full = run(root, "ingest", "--no-tag", "--jobs", "1", str(inbox))

    assert full.returncode == 1, full.stderr
    assert "Error [E017]" in full.stderr and "--resume" in full.stderr
    assert "Traceback" not in full.stderr

    subprocess.run(["mount", "-o", "remount,size=200m", str(small_disk)], check=True)
    resumed = run(root, "ingest", "--no-tag", "--jobs", "1", "--json", "--resume", "1")
    assert resumed.returncode == 0, resumed.stderr
    run(root, "check", "--repair")  # what the crash left half-copied (temporary files)
    report = json.loads(run(root, "check", "--json").stdout)
    assert report["ok"], report["problems"]
    listed = json.loads(run(root, "list", "--json").stdout)
    assert len(listed) == 60
    found = json.loads(run(root, "search", "périscolaire", "--limit", "100", "--json").stdout)
    assert len(found) == 60
