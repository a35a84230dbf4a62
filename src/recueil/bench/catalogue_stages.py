"""The catalogue path: ingestion without NLP or index, next to a bare baseline.

``recueil ingest --no-tag --no-index`` over small text files (web-page
exports) and over one records file (PMB UNIMARC XML), each measured in the
same run as a bare baseline that reads the inputs, hashes them and writes
one row per document with a single bulk insert into a fresh SQLite file: the
least any catalogue could do.
"""

from __future__ import annotations

import hashlib
import resource
import sqlite3
import tempfile
import time
from pathlib import Path
from xml.sax.saxutils import escape

from recueil.bench.corpus import doc_rng, make_doc, text_words
from recueil.config import resolve_settings

SMALL_WORDS = 150  # a short web-page export
RECORD_TEMPLATE = """  <notice>
    <rs>n</rs><dt>a</dt><bl>m</bl><hl>0</hl><el>1</el><ru>i</ru>
    <f c="001">{id}</f>
    <f c="009" ind="  "><s c="a">{date}</s></f>
    <f c="101" ind="0 "><s c="a">fre</s></f>
    <f c="200" ind="1 "><s c="a">{title}</s></f>
    <f c="210" ind="  "><s c="a">{place}</s><s c="c">IREV</s><s c="d">{year}</s></f>
    <f c="330" ind="  "><s c="a">{summary}</s></f>
    <f c="606" ind="  "><s c="a">{subject}</s></f>
    <f c="610" ind="0 "><s c="a">{keyword}</s></f>
    <f c="700" ind=" 1"><s c="a">Lemaire</s><s c="b">Sophie</s><s c="4">070</s></f>
  </notice>
"""
PLACES = ["Roubaix", "Tourcoing", "Lille", "Marseille", "Nîmes", "Creil", "Grigny"]
SUBJECTS = ["Petite enfance", "Parentalité", "Numérique", "Santé", "Orientation"]


def ensure_small_files(folder: Path, seed: int, count: int) -> list[Path]:
    """``count`` short text files (about 150 words each), written once per seed."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for index in range(count):
        path = folder / f"page-{index:05d}.txt"
        if not path.exists():
            doc = make_doc(seed + 101, index, text_words(seed + 101, index, SMALL_WORDS))
            path.write_text(f"{doc.title}\n\n{doc.text}\n", encoding="utf-8")
        paths.append(path)
    return paths


def ensure_records_file(folder: Path, seed: int, count: int) -> Path:
    """One PMB UNIMARC XML file of ``count`` notices, written once per seed and size."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"notices-{count}.xml"
    if path.exists():
        return path
    parts = ['<?xml version="1.0" encoding="utf-8"?>\n<unimarc>\n']
    for index in range(count):
        rng = doc_rng(seed + 202, index)
        doc = make_doc(seed + 202, index, 60)
        year = 2019 + index % 6
        parts.append(
            RECORD_TEMPLATE.format(
                id=100000 + index,
                date=f"{year}-{1 + index % 12:02d}-{1 + index % 28:02d}",
                title=escape(doc.title),
                place=rng.choice(PLACES),
                year=year,
                summary=escape(doc.text),
                subject=rng.choice(SUBJECTS),
                keyword=escape(doc.title.split()[0]),
            )
        )
    parts.append("</unimarc>\n")
    tmp = path.with_suffix(".tmp")
    tmp.write_text("".join(parts), encoding="utf-8")
    tmp.replace(path)
    return path


def ingest_plain(paths: list[Path], jobs: int) -> dict[str, float]:
    """``ingest_paths`` with ``--no-tag --no-index`` into a fresh home."""
    from recueil.catalogue.db import open_catalogue
    from recueil.catalogue.models import Outcome
    from recueil.ingest.outcomes import IngestOptions
    from recueil.ingest.pipeline import ingest_paths

    with tempfile.TemporaryDirectory(prefix="recueil-bench-") as home:
        catalogue = open_catalogue(resolve_settings(home=Path(home)))
        options = IngestOptions(tag=False, index=False, jobs=jobs)
        started, cpu = time.perf_counter(), cpu_seconds()
        report = ingest_paths(catalogue.settings, paths, options, catalogue=catalogue)
        seconds, cpu = time.perf_counter() - started, cpu_seconds() - cpu
        catalogue.close()
    return {
        "docs": report.counts.get(Outcome.ADDED, 0),
        "failed": report.counts.get(Outcome.FAILED, 0),
        "seconds": seconds,
        "cpu_s": cpu,
    }


def cpu_seconds() -> float:
    """User + system time of this process and of its children that have ended (the
    ingest's workers and extraction children are joined before it returns)."""
    mine = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return mine.ru_utime + mine.ru_stime + children.ru_utime + children.ru_stime


def bare_files(paths: list[Path]) -> dict[str, float]:
    """Read and hash every file, then one bulk insert of their text into SQLite."""
    with tempfile.TemporaryDirectory(prefix="recueil-bench-") as home:
        started, cpu = time.perf_counter(), cpu_seconds()
        rows = []
        for path in paths:
            data = path.read_bytes()
            rows.append((hashlib.sha256(data).hexdigest(), path.name, data.decode("utf-8")))
        _bulk_insert(Path(home) / "bare.sqlite3", rows)
        seconds, cpu = time.perf_counter() - started, cpu_seconds() - cpu
    return {"docs": len(rows), "seconds": seconds, "cpu_s": cpu}


def bare_records(path: Path) -> dict[str, float]:
    """Read and hash the records file, parse its notices, one bulk insert of them."""
    from xml.etree import ElementTree

    with tempfile.TemporaryDirectory(prefix="recueil-bench-") as home:
        started, cpu = time.perf_counter(), cpu_seconds()
        data = path.read_bytes()
        hashlib.sha256(data).hexdigest()
        rows = []
        for notice in ElementTree.fromstring(data).iter("notice"):
            text = " ".join(t.strip() for t in notice.itertext() if t.strip())
            rows.append((hashlib.sha256(text.encode()).hexdigest(), path.name, text))
        _bulk_insert(Path(home) / "bare.sqlite3", rows)
        seconds, cpu = time.perf_counter() - started, cpu_seconds() - cpu
    return {"docs": len(rows), "seconds": seconds, "cpu_s": cpu}


def _bulk_insert(database: Path, rows: list[tuple[str, str, str]]) -> None:
    conn = sqlite3.connect(database)
    try:
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("CREATE TABLE document (sha256 TEXT UNIQUE, name TEXT, text TEXT)")
        with conn:
            conn.executemany("INSERT INTO document VALUES (?, ?, ?)", rows)
    finally:
        conn.close()


def table_lines(found: dict[str, dict[str, float]], jobs: int) -> tuple[list[str], list[str]]:
    """Notes and rows of the catalogue-path table: recueil beside its bare baseline, by
    wall time and by CPU time (the figure the load moves least)."""
    from recueil.bench.report import fmt, rate, ratio, table

    rows = []
    for kind, label, unit in (
        ("files", "small text files", "docs"),
        ("records", "records", "records"),
    ):
        ours, bare = found[kind], found[f"bare_{kind}"]
        wall = rate(ours["docs"], ours["seconds"]), rate(bare["docs"], bare["seconds"])
        cpu = rate(ours["docs"], ours["cpu_s"]), rate(bare["docs"], bare["cpu_s"])
        rows.append([f"`recueil ingest --no-tag --no-index --jobs {jobs}`: {label}", ours["docs"],
                     ours["seconds"], ours["cpu_s"], f"{fmt(wall[0])} {unit}/s",
                     f"{fmt(cpu[0])} {unit}/s", ratio(wall[0], wall[1]), ratio(cpu[0], cpu[1]),
                     f"{ours.get('load', 0.0):.1f}"])  # fmt: skip
        rows.append([f"bare baseline: {label} (read + hash + one bulk insert)", bare["docs"],
                     bare["seconds"], bare["cpu_s"], f"{fmt(wall[1])} {unit}/s",
                     f"{fmt(cpu[1])} {unit}/s", "1.00×", "1.00×",
                     f"{bare.get('load', 0.0):.1f}"])  # fmt: skip
    notes = [
        f"Small text files of about {SMALL_WORDS} words, and one PMB UNIMARC XML file of "
        f"{found['records']['docs']:.0f} notices, into a fresh SQLite catalogue. recueil also "
        "extracts and normalises the text, measures its quality, archives the originals "
        "(flushed to disk), keeps one ingestion item per input and stays resumable. CPU s: "
        "user + system time of the stage and of its worker processes, over the timed part "
        "only; per CPU s, the throughput the load moves least. Load: the 1-minute load "
        "average when the stage ended.",
    ]
    headers = ["stage", "items", "wall s", "CPU s", "per wall s", "per CPU s",
               "share of the baseline (wall)", "share of the baseline (CPU)", "load"]  # fmt: skip
    return notes, table(headers, rows)
