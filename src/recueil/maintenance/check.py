"""`recueil check`: the catalogue itself, then against the originals, the index and the runs.

The catalogue file is checked first (SQLite's ``PRAGMA integrity_check``, or
``quick_check`` with ``checksums=False``): a damaged catalogue is reported as
``catalogue-damaged`` and nothing else is checked, since every other check reads it.

The catalogue is the truth. What can be rebuilt from it is repaired with
``repair=True``: the index (sync or rebuild), originals re-archived from their
source file when it is still there with the same checksum, orphan files and
temporary files left in the archive by a crash, runs left "running" by a
killed process (marked interrupted; ``ingest --resume`` finishes them).
"""

from __future__ import annotations

import os
import socket
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from recueil.catalogue.db import Catalogue, integrity_problems
from recueil.catalogue.models import Document, IngestionItem, IngestionRun, RunStatus, utcnow
from recueil.errors import CatalogueDamagedError, SearchIndexError
from recueil.ingest.archive import archive_original, sha256_file

TEMP_PREFIX = ".tmp-"


@dataclass
class Problem:
    kind: str  # see the KINDS of docs/maintenance.md
    subject: str  # document id, file, run id or "index"
    detail: str
    repairable: bool
    repaired: bool = False

    def as_row(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class CheckReport:
    documents: int = 0
    originals: int = 0
    problems: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def remaining(self) -> list[Problem]:
        return [p for p in self.problems if not p.repaired]

    @property
    def ok(self) -> bool:
        return not self.remaining

    def as_dict(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "documents": self.documents,
            "originals": self.originals,
            "problems": [p.as_row() for p in self.problems],
            "notes": self.notes,
        }


def check_home(
    catalogue: Catalogue, *, repair: bool = False, checksums: bool = True
) -> CheckReport:
    """Check (and optionally repair) one home: catalogue, originals, runs, index."""
    report = CheckReport()
    for staging in sorted(catalogue.settings.home.glob(".restore-*")):
        report.notes.append(
            f"{staging.name} was left by an interrupted restore (it may hold the previous "
            "originals); remove it once the home is as it should be"
        )
    try:
        problems = integrity_problems(catalogue.engine, quick=not checksums)
        if not problems:
            live_runs = _check_runs(catalogue, report, repair)
            _check_originals(catalogue, report, repair=repair, checksums=checksums, busy=live_runs)
            _check_index(catalogue, report, repair)
            return report
    except CatalogueDamagedError as exc:
        problems = [exc.message]
    report.problems.append(
        Problem(
            "catalogue-damaged",
            "catalogue",
            "; ".join(problems[:5]) + f" ({CatalogueDamagedError.hint})",
            repairable=False,
        )
    )
    return report


# -- runs ---------------------------------------------------------------------------


def _pid_alive(pid: int) -> bool:
    # A recycled pid makes a dead run look alive: it is then left alone, never
    # marked interrupted while it might still be writing.
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _check_runs(catalogue: Catalogue, report: CheckReport, repair: bool) -> list[int]:
    """Report runs left "running" by a dead process; return the ids still alive."""
    host = socket.gethostname()
    alive: list[int] = []
    with catalogue.transaction() as session:
        for run in session.scalars(
            select(IngestionRun).where(IngestionRun.status == RunStatus.RUNNING)
        ):
            pid = (run.arguments or {}).get("pid")
            if run.host != host or not isinstance(pid, int):
                report.notes.append(f"run {run.id} is running on {run.host or 'another host'}")
                alive.append(run.id)
                continue
            if _pid_alive(pid):
                alive.append(run.id)
                continue
            done = session.scalar(
                select(func.count())
                .select_from(IngestionItem)
                .where(IngestionItem.run_id == run.id)
            )
            total = len((run.arguments or {}).get("inputs") or [])
            problem = Problem(
                "interrupted-run",
                f"run {run.id}",
                f"process {pid} died after {done} of {total or '?'} inputs; "
                f"finish it with `recueil ingest --resume {run.id}`",
                repairable=True,
            )
            if repair:
                run.status = RunStatus.INTERRUPTED
                run.finished_at = utcnow()
                problem.repaired = True
            report.problems.append(problem)
        for run_id in session.scalars(
            select(IngestionRun.id).where(IngestionRun.status == RunStatus.INTERRUPTED)
        ):
            report.notes.append(
                f"run {run_id} is interrupted: `recueil ingest --resume {run_id}` finishes it"
            )
    return alive


# -- originals ------------------------------------------------------------------------


def _archive_files(root: Path) -> Iterator[Path]:
    if root.is_dir():
        yield from (p for p in root.rglob("*") if p.is_file() or p.is_symlink())


def _expected_sha(relpath: str) -> str:
    # Content-addressed: originals/ab/<sha256><suffix>
    return Path(relpath).name.split(".", 1)[0]


def _check_originals(
    catalogue: Catalogue, report: CheckReport, *, repair: bool, checksums: bool, busy: list[int]
) -> None:
    home = catalogue.settings.home
    with catalogue.session() as session:
        rows = session.execute(select(Document.id, Document.original_path, Document.source)).all()
    report.documents = len(rows)
    referenced: dict[str, tuple[int, str]] = {}
    for doc_id, relpath, source in rows:
        if relpath:
            referenced.setdefault(relpath, (doc_id, source))
    for relpath, (doc_id, source) in sorted(referenced.items()):
        path = home / relpath
        if not path.is_file():
            problem = Problem(
                "missing-original", f"document {doc_id}", f"{relpath} is missing", False
            )
        elif checksums and sha256_file(path) != _expected_sha(relpath):
            problem = Problem(
                "checksum-mismatch",
                f"document {doc_id}",
                f"{relpath} does not match its SHA-256",
                False,
            )
        else:
            continue
        problem.repairable = _source_matches(source, relpath)
        if repair and problem.repairable:
            _rearchive(catalogue, Path(source), relpath)
            problem.repaired = True
        report.problems.append(problem)
    report.originals = len(referenced)
    for path in _archive_files(catalogue.settings.originals_dir):
        relpath = path.relative_to(home).as_posix()
        if relpath in referenced:
            continue
        temp = path.name.startswith(TEMP_PREFIX)
        kind = "temp-file" if temp else "orphan-original"
        detail = "left by an interrupted copy" if temp else "no document refers to it"
        problem = Problem(kind, relpath, detail, repairable=not busy)
        if busy:
            problem.detail += f" (not removed while run {busy[0]} is running)"
        elif repair:
            if temp:
                path.unlink(missing_ok=True)
            else:  # never deleted: after a salvaged catalogue, orphans are the documents lost
                _quarantine(catalogue.settings.home, path)
            problem.repaired = True
        report.problems.append(problem)


def _source_matches(source: str, relpath: str) -> bool:
    path = Path(source)
    try:
        return path.is_file() and sha256_file(path) == _expected_sha(relpath)
    except OSError:
        return False


def _quarantine(home: Path, path: Path) -> None:
    aside = home / "quarantine" / path.name
    aside.parent.mkdir(parents=True, exist_ok=True)
    os.replace(path, aside)


def _rearchive(catalogue: Catalogue, source: Path, relpath: str) -> None:
    target = catalogue.settings.home / relpath
    if target.exists():  # a damaged copy: move it aside, never silently lose it
        _quarantine(catalogue.settings.home, target)
    archive_original(catalogue.settings, source, _expected_sha(relpath))


# -- index ------------------------------------------------------------------------------


def _check_index(catalogue: Catalogue, report: CheckReport, repair: bool) -> None:
    from recueil import index
    from recueil.errors import IndexDamagedError, IndexMissingError

    settings = catalogue.settings
    try:
        pending = index.pending(settings, catalogue)
    except IndexMissingError as exc:
        if report.documents == 0:
            return
        problem = Problem("index-missing", "index", exc.message, True)
        _index_repair(problem, repair, lambda: index.rebuild(settings, catalogue))
        report.problems.append(problem)
        return
    except SearchIndexError as exc:  # damaged files, outdated schema or analyzer
        kind = "index-damaged" if isinstance(exc, IndexDamagedError) else "index-outdated"
        problem = Problem(kind, "index", exc.message, True)
        _index_repair(problem, repair, lambda: index.rebuild(settings, catalogue))
        report.problems.append(problem)
        return
    found = [
        ("index-missing-documents", pending.added, "catalogue documents not in the index"),
        ("index-stale", pending.updated, "indexed documents older than the catalogue"),
        ("index-orphaned", pending.removed, "indexed documents no longer in the catalogue"),
    ]
    problems = [Problem(kind, "index", f"{n} {what}", True) for kind, n, what in found if n]
    if problems and repair:
        try:
            index.sync(settings, catalogue)
            for problem in problems:
                problem.repaired = True
        except SearchIndexError as exc:
            for problem in problems:
                problem.detail += f" (repair failed: {exc.message})"
    report.problems.extend(problems)


def _index_repair(problem: Problem, repair: bool, action: Any) -> None:
    if not repair:
        return
    try:
        action()
        problem.repaired = True
    except SearchIndexError as exc:
        problem.detail += f" (repair failed: {exc.message})"
