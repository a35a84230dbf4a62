"""Crash safety: real `recueil` processes killed with SIGKILL, then check/resume/sync.

Nothing is timed: the tests poll the catalogue (or the index folder) until the
process is demonstrably in the middle of its work, then kill it.
"""

from __future__ import annotations

import json
import signal
from pathlib import Path

from sqlalchemy import create_engine, func, select

from pdfgen import french_pages, make_pdf
from processes import run, start, wait_until
from recueil.catalogue.db import Catalogue
from recueil.catalogue.models import Document, IngestionItem, IngestionRun, Page

BATCH = 40


def count_items(url: str) -> int:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return int(conn.scalar(select(func.count()).select_from(IngestionItem)) or 0)
    except Exception:  # the schema is still being created by the process
        return 0
    finally:
        engine.dispose()


def check(root_args: list[str], *args: str) -> dict:
    done = run(root_args, "check", "--json", *args)
    return json.loads(done.stdout)


def remaining(report: dict) -> set[str]:
    return {p["kind"] for p in report["problems"] if not p["repaired"]}


def test_ingest_killed_mid_batch_then_resumed(run_cli, tmp_path: Path, settings) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    for n in range(BATCH):
        annex = f"Annexe {n} : liste des participants à la réunion numéro {n}."
        make_pdf(inbox / f"cr-{n:02d}.pdf", [*french_pages(2, 1 + n % 3), annex])
    root = run_cli.root_args
    process = start(root, "ingest", "--no-tag", "--jobs", "1", "--json", str(inbox))
    in_progress = wait_until(lambda: count_items(settings.database_url) >= 5, process)
    assert in_progress, "the ingest ended before it could be killed"
    process.send_signal(signal.SIGKILL)
    process.wait()
    assert process.returncode == -signal.SIGKILL
    killed_at = count_items(settings.database_url)
    assert 5 <= killed_at < BATCH

    report = check(root)
    assert not report["ok"]
    dead = [p for p in report["problems"] if p["kind"] == "interrupted-run"]
    assert len(dead) == 1 and "recueil ingest --resume 1" in dead[0]["detail"]
    # Anything else is what a kill may leave: half-copied files, the index behind.
    assert remaining(report) <= {
        "interrupted-run",
        "temp-file",
        "orphan-original",
        "index-missing",
        "index-missing-documents",
    }

    resumed = run(root, "ingest", "--no-tag", "--jobs", "1", "--json", "--resume", "1")
    assert resumed.returncode == 0, resumed.stderr
    report_after = json.loads(resumed.stdout)
    assert report_after["run_id"] == 1
    assert report_after["counts"].get("added", 0) == BATCH - killed_at

    report = check(root)
    assert remaining(report) <= {"temp-file"}, report  # only a crash's half copy may remain
    assert check(root, "--repair")["ok"]
    assert check(root)["ok"]

    cat = Catalogue(settings)
    try:
        with cat.session() as session:
            docs = session.scalars(select(Document)).all()
            assert len(docs) == BATCH  # nothing lost
            assert len({d.sha256 for d in docs}) == BATCH  # nothing twice
            assert {d.filename for d in docs} == {p.name for p in inbox.iterdir()}
            assert all((settings.home / str(d.original_path)).is_file() for d in docs)
            pages = session.scalar(select(func.count()).select_from(Page))
            assert pages == 3 * BATCH
            items = session.scalars(select(IngestionItem.source)).all()
            assert sorted(items) == sorted(str(p) for p in inbox.iterdir())
            assert session.get(IngestionRun, 1).status == "finished"  # type: ignore[union-attr]
    finally:
        cat.close()
    hits = json.loads(
        run(root, "search", '"liste des participants"', "--json", "--limit", "100").stdout
    )
    assert len(hits["hits"] if isinstance(hits, dict) else hits) == BATCH


def test_batched_text_ingest_killed_then_resumed(run_cli, tmp_path: Path, settings) -> None:
    """Small text files commit in batches: a kill loses the open batch, never half of it."""
    inbox = tmp_path / "pages"
    inbox.mkdir()
    count = 600
    for n in range(count):
        (inbox / f"page-{n:03d}.txt").write_text(
            f"Atelier {n}\n\nCompte rendu de l'atelier {n} : les parents et le collège.\n",
            encoding="utf-8",
        )
    root = run_cli.root_args
    process = start(root, "ingest", "--no-tag", "--no-index", "--json", str(inbox))
    in_progress = wait_until(lambda: count_items(settings.database_url) >= 1, process)
    assert in_progress, "the ingest ended before it could be killed"
    process.send_signal(signal.SIGKILL)
    process.wait()
    killed_at = count_items(settings.database_url)
    assert 1 <= killed_at < count

    cat = Catalogue(settings)
    try:  # what was committed is whole: one document and one item per input
        with cat.session() as session:
            assert session.scalar(select(func.count()).select_from(Document)) == killed_at
            assert session.scalar(select(func.count()).select_from(Page)) == killed_at
    finally:
        cat.close()

    resumed = run(root, "ingest", "--no-tag", "--no-index", "--json", "--resume", "1")
    assert resumed.returncode == 0, resumed.stderr
    assert json.loads(resumed.stdout)["counts"] == {"added": count - killed_at}
    assert remaining(check(root, "--repair")) <= {"index-missing", "index-missing-documents"}
    cat = Catalogue(settings)
    try:
        with cat.session() as session:
            docs = session.scalars(select(Document)).all()
            assert len(docs) == count and len({d.sha256 for d in docs}) == count
            assert all((settings.home / str(d.original_path)).is_file() for d in docs)
            items = session.scalars(select(IngestionItem.source)).all()
            assert sorted(items) == sorted(str(p) for p in inbox.iterdir())
    finally:
        cat.close()


def fill_catalogue(settings, count: int, start_at: int = 0) -> None:
    """Documents straight into the catalogue (rebuilds read only the catalogue)."""
    cat = Catalogue(settings)
    try:
        with cat.transaction() as session:
            for n in range(start_at, start_at + count):
                text = (
                    f"Synthèse {n} : la cité éducative de Roubaix a réuni les familles, "
                    "le collège et les associations autour de la continuité éducative. "
                ) * 20
                session.add(
                    Document(
                        source=f"synthese-{n}.pdf",
                        kind="pdf",
                        title=f"Synthèse des actions numéro {n}",
                        pages=[Page(number=1, text=text), Page(number=2, text=text)],
                    )
                )
    finally:
        cat.close()


def generations(index_dir: Path) -> set[str]:
    return {p.name for p in index_dir.glob("gen-*") if p.is_dir()}


def live_generation(index_dir: Path) -> str | None:
    try:
        return (index_dir / "CURRENT").read_text().strip()
    except OSError:
        return None


def test_index_rebuild_killed_half_way_then_sync(run_cli, settings) -> None:
    root = run_cli.root_args
    fill_catalogue(settings, 300)
    assert run(root, "-q", "index", "rebuild").returncode == 0
    before = live_generation(settings.index_dir)
    assert before is not None
    fill_catalogue(settings, 40, start_at=300)  # the live index is now behind

    process = start(root, "-q", "index", "rebuild")
    started = wait_until(lambda: bool(generations(settings.index_dir) - {before}), process)
    process.send_signal(signal.SIGKILL)
    process.wait()
    assert started or process.returncode == 0

    live = live_generation(settings.index_dir)
    # The pointer names a complete generation: the old one, or the new one if the
    # kill came after the swap. Never a half-built index.
    assert live is not None and (settings.index_dir / live).is_dir()
    found = run(root, "search", "continuité éducative", "--json", "--limit", "1")
    assert found.returncode == 0, found.stderr

    synced = run(root, "index", "sync", "--json")
    assert synced.returncode == 0, synced.stderr
    report = check(root)
    assert report["ok"], report
    hits = json.loads(run(root, "search", "Synthèse", "--json", "--limit", "1000").stdout)
    assert len(hits["hits"] if isinstance(hits, dict) else hits) == 340
    # The next rebuild clears what the killed one left behind.
    assert run(root, "-q", "index", "rebuild").returncode == 0
    assert generations(settings.index_dir) == {live_generation(settings.index_dir)}


def test_ingest_rebuild_and_searches_at_the_same_time(run_cli, tmp_path: Path, settings) -> None:
    """Searches see the old or the new state, never an error; writers all finish."""
    root = run_cli.root_args
    fill_catalogue(settings, 200)
    assert run(root, "-q", "index", "rebuild").returncode == 0
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    for n in range(8):
        annex = f"Annexe {n} : liste des participants à la réunion numéro {n}."
        make_pdf(inbox / f"cr-{n:02d}.pdf", [*french_pages(2, 1 + n % 3), annex])

    ingest = start(root, "-q", "ingest", "--no-tag", "--jobs", "1", "--json", str(inbox))
    rebuild = start(root, "-q", "index", "rebuild")
    searches = []
    while ingest.poll() is None or rebuild.poll() is None or len(searches) < 3:
        done = run(root, "search", "continuité éducative", "--json", "--limit", "1000")
        assert done.returncode == 0, done.stderr
        searches.append(len(json.loads(done.stdout)))
    out, err = ingest.communicate()
    assert ingest.returncode == 0, err
    assert json.loads(out)["counts"] == {"added": 8}
    _, err = rebuild.communicate()
    assert rebuild.returncode == 0, err
    # Every search saw at least the documents indexed before the writers started.
    assert min(searches) >= 200
    run(root, "-q", "index", "sync")  # in case the ingest's index update met the rebuild
    assert check(root)["ok"]
    found = run(root, "search", '"liste des participants"', "--json", "--limit", "100")
    assert len(json.loads(found.stdout)) == 8
