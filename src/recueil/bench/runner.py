"""The benchmark plan and its run: generate (cached), measure each stage, print tables."""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from recueil.bench import catalogue_stages as cs
from recueil.bench import docs_stages as ds
from recueil.bench import index_stages as ix
from recueil.bench.child import Measured, measure
from recueil.bench.corpus import generate_catalogue
from recueil.bench.files import PDF_EVERY, TEXT_WORDS, ensure_files, is_pdf
from recueil.bench.report import machine
from recueil.config import resolve_settings


@dataclass(frozen=True)
class Plan:
    sizes: tuple[int, ...]  # catalogue sizes for the index, query and command stages
    docs: int  # files ingested end to end (one in PDF_EVERY is a PDF)
    pdfs: int  # PDFs for the extraction stage
    plumber_pdfs: int  # of which pdfplumber reads (it is slow)
    tag_pdfs: int  # PDFs whose text is tagged
    words: int  # mean words of a catalogue document
    queries: int  # queries of each kind
    runs: int  # runs of one command
    bare_whoosh_max: int  # largest size with its own bare Whoosh build (it is slow)
    small: int  # small text files of the catalogue-path stage
    records: int  # notices of its records file
    seed: int
    cache: Path
    index_only: bool = False  # skip extraction, tagging and ingest (``make bench-large``)
    catalogue_only: bool = False  # only the catalogue path (``make bench-catalogue``)
    changed: int = 100  # documents changed before the measured ``index sync``


@dataclass
class Run:
    plan: Plan
    out: Callable[[str], None]
    measured: list[Measured] = field(default_factory=list)
    generation_s: float = 0.0

    def stage(self, name: str, func: Callable[..., Any], *args: Any) -> Any:
        self.progress(f"{name} …")
        result = measure(name, func, *args)
        self.measured.append(result)
        self.progress(f"{name}: {result.wall_s:.1f} s (load {result.load:.1f})")
        return result.value

    def progress(self, message: str) -> None:
        print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def catalogue_path(state: Run) -> None:
    """``ingest --no-tag --no-index`` over small text files and a records file, beside
    a bare read + hash + bulk insert of the same inputs."""
    plan, jobs = state.plan, cores()
    small = cs.ensure_small_files(plan.cache / f"seed{plan.seed}-small", plan.seed, plan.small)
    records = cs.ensure_records_file(plan.cache / f"seed{plan.seed}-records", plan.seed,
                                     plan.records)  # fmt: skip
    stages: dict[str, tuple[str, Callable[..., Any], tuple[Any, ...]]] = {
        "files": ("catalogue path: small files", cs.ingest_plain, (small, jobs)),
        "bare_files": ("catalogue path: bare files", cs.bare_files, (small,)),
        "records": ("catalogue path: records", cs.ingest_plain, ([records], jobs)),
        "bare_records": ("catalogue path: bare records", cs.bare_records, (records,)),
    }
    found = {}
    for key, (name, func, args) in stages.items():
        found[key] = {**state.stage(name, func, *args), "load": state.measured[-1].load}
    notes, lines = cs.table_lines(found, jobs)
    state.out("")
    state.out("## Catalogue path: ingestion without NLP or index")
    state.out("")
    for line in [*notes, "", *lines]:
        state.out(line)


def catalogue_home(plan: Plan, size: int) -> tuple[Path, float]:
    """A home whose catalogue holds ``size`` generated documents (made once, then cached)."""
    home = plan.cache / f"seed{plan.seed}-docs{size}-words{plan.words}"
    done = home / "catalogue.done"
    if done.exists():
        return home, 0.0
    if home.exists():
        import shutil

        shutil.rmtree(home)
    seconds = generate_catalogue(resolve_settings(home=home), size, plan.words, plan.seed)
    done.write_text(f"{size} documents, seed {plan.seed}\n", encoding="utf-8")
    return home, seconds


def _document_stages(state: Run, files: list[Path], pdfs: list[Path]) -> dict[str, Any]:
    """Extraction, tagging and end-to-end ingest against their baselines."""
    plan = state.plan
    extraction: dict[str, Any] = {}
    tagging: dict[str, Any] = {}
    if pdfs:
        extraction = {
            "recueil": state.stage("extraction: recueil (as ingest)", ds.extract_recueil,
                                   pdfs[: plan.pdfs], True),
            "in_process": state.stage("extraction: recueil in-process", ds.extract_recueil,
                                      pdfs[: plan.pdfs], False),
            "pdfium": state.stage("extraction: raw pypdfium2", ds.extract_pdfium, pdfs[: plan.pdfs]),
            "plumber": state.stage("extraction: raw pdfplumber", ds.extract_pdfplumber,
                                   pdfs[: plan.plumber_pdfs]),
        }  # fmt: skip
        tagging = {
            "recueil": state.stage("tagging: recueil", ds.tag_recueil, pdfs[: plan.tag_pdfs]),
            "full": state.stage("tagging: nlp.pipe, all components", ds.tag_spacy,
                                pdfs[: plan.tag_pdfs], ()),
            "needed": state.stage("tagging: nlp.pipe, what tagging needs", ds.tag_spacy,
                                  pdfs[: plan.tag_pdfs], ds.NOT_NEEDED),
        }  # fmt: skip
    ingests = {
        jobs: state.stage(f"ingest --jobs {jobs}", ds.ingest, files, jobs) for jobs in (1, 2)
    }
    catalogue_path(state)
    return {"extraction": extraction, "tagging": tagging, "ingests": ingests}


def _index_stages(state: Run, size: int, home: Path) -> dict[str, Any]:
    """Rebuild (both engines), sync, queries and one command on one catalogue size."""
    plan = state.plan
    cases = ix.query_cases(plan.seed, plan.queries)
    bare_w, bare_t = home / "bare-whoosh", home / "bare-tantivy"
    found: dict[str, Any] = {"builds": {}, "queries": {}}
    builds, queries = found["builds"], found["queries"]
    if size <= plan.bare_whoosh_max:
        builds["recueil_whoosh"] = state.stage(f"index rebuild --engine whoosh ({size})",
                                               ix.build_recueil, home, "whoosh")  # fmt: skip
        queries["api_whoosh"] = state.stage(f"queries: search API on Whoosh ({size})",
                                            ix.queries_recueil, home, cases, "per-call")  # fmt: skip
        builds["whoosh"] = state.stage(f"bare Whoosh build ({size})", ix.build_bare,
                                       "whoosh", home, bare_w)  # fmt: skip
    builds["recueil"] = state.stage(f"index rebuild ({size})", ix.build_recueil, home)
    builds["recueil_cached"] = state.stage(
        f"index rebuild again, analysed texts cached ({size})",
        ix.build_recueil, home, "tantivy", True,
    )  # fmt: skip
    builds["tantivy"] = state.stage(f"bare tantivy build ({size})", ix.build_bare, "tantivy",
                                    home, bare_t)  # fmt: skip
    if "whoosh" not in builds:  # the bare Whoosh searcher reads a Whoosh build of recueil's
        bare_w = bare_t.with_name("bare-whoosh-none")
    queries["api"] = state.stage(f"queries: search API ({size})", ix.queries_recueil, home,
                                 cases, "per-call")  # fmt: skip
    queries["open"] = state.stage(f"queries: live searcher kept open ({size})",
                                  ix.queries_recueil, home, cases, "kept-open")  # fmt: skip
    queries["page"] = state.stage(f"queries: live searcher, as the results page ({size})",
                                  ix.queries_recueil, home, cases, "page")  # fmt: skip
    if bare_w.exists():
        queries["whoosh"] = state.stage(f"queries: bare Whoosh ({size})", ix.queries_bare,
                                        "whoosh", bare_w, cases)  # fmt: skip
    queries["tantivy"] = state.stage(f"queries: bare tantivy ({size})", ix.queries_bare,
                                     "tantivy", bare_t, cases)  # fmt: skip
    found["commands"] = one_commands(state, home, bare_t, size)
    found["sync"] = state.stage(f"index sync of {plan.changed} changed ({size})",
                                ix.sync_changed, home, plan.changed)  # fmt: skip
    return found


def run_catalogue(plan: Plan, out: Callable[[str], None]) -> Run:
    """The catalogue-path stage alone (``--catalogue-only``): quick to repeat."""
    from recueil.bench import tables

    state = Run(plan, out)
    started = time.perf_counter()
    state.out("# recueil benchmark: the catalogue path")
    state.out("")
    for line in machine():
        state.out(line)
    state.out(f"- plan: seed {plan.seed}; {plan.small:,} small text files, one records file "
              f"of {plan.records:,} notices; corpus cache: {plan.cache}")  # fmt: skip
    catalogue_path(state)
    tables.memory(state, time.perf_counter() - started)
    return state


def run(plan: Plan, out: Callable[[str], None]) -> Run:
    from recueil.bench import tables

    if plan.catalogue_only:
        return run_catalogue(plan, out)
    state = Run(plan, out)
    started = time.perf_counter()
    files: list[Path] = []
    if not plan.index_only:
        files, seconds = ensure_files(plan.cache / f"seed{plan.seed}-files", plan.seed, plan.docs)
        state.generation_s += seconds
        state.progress(f"{len(files)} files ready ({seconds:.0f} s writing)")
    pdfs = [path for index, path in enumerate(files) if is_pdf(index)]
    homes = []
    for size in plan.sizes:
        home, seconds = catalogue_home(plan, size)
        state.generation_s += seconds
        homes.append(home)
    tables.header(state, len(files), len(pdfs))
    documents = None if plan.index_only else _document_stages(state, files, pdfs)
    if documents and documents["extraction"]:
        tables.extraction(state, documents["extraction"])
        tables.tagging(state, documents["tagging"])
    per_size = {size: _index_stages(state, size, home)
                for size, home in zip(plan.sizes, homes, strict=True)}  # fmt: skip
    builds = {size: value["builds"] for size, value in per_size.items()}
    if documents:
        tables.ingest(state, documents["ingests"], documents["extraction"],
                      documents["tagging"], builds)  # fmt: skip
    tables.builds(state, builds)
    tables.queries(state, {size: value["queries"] for size, value in per_size.items()})
    tables.commands(state, {size: value["commands"] for size, value in per_size.items()})
    tables.targets(state, per_size)
    tables.memory(state, time.perf_counter() - started)
    return state


TANTIVY_ONE_SHOT = (
    "import sys, tantivy; ix = tantivy.Index.open(sys.argv[1]); s = ix.searcher(); "
    "q = tantivy.Query.term_query(ix.schema, 'text', 'parentalit'); "
    "print('\\n'.join(s.doc(a)['title'][0] for _, a in s.search(q, 10).hits))"
)


def one_commands(state: Run, home: Path, bare_t: Path, size: int) -> Any:
    python = sys.executable
    recueil = str(Path(python).with_name("recueil"))
    runs = state.plan.runs
    argv = [recueil, "--home", str(home), "search", "parentalité école"]
    ix.compile_package()
    return {
        "recueil": state.stage(f"`recueil search` ({size})", ix.command, argv, runs),
        "pass": state.stage("`python -c pass`", ix.command, [python, "-c", "pass"], runs),
        "tantivy": state.stage(f"bare tantivy one-shot ({size})", ix.command,
                               [python, "-c", TANTIVY_ONE_SHOT, str(bare_t)], runs),
    }  # fmt: skip


def default_plan(
    sizes: tuple[int, ...], quick: bool, seed: int, cache: Path, index_only: bool = False
) -> Plan:
    """Samples sized so that ``make bench`` fits in 15 minutes on 2 cores."""
    docs = min(sizes)
    pdf_count = len([i for i in range(docs) if is_pdf(i)])
    return Plan(
        sizes=sizes,
        docs=docs,
        pdfs=min(pdf_count, 20 if quick else 100),
        plumber_pdfs=min(pdf_count, 3 if quick else 10),
        tag_pdfs=min(pdf_count, 5 if quick else 10),
        words=TEXT_WORDS,
        queries=10 if quick else 25,
        runs=3 if quick else 5,
        bare_whoosh_max=2000,
        small=min(max(sizes), 300 if quick else 2000),
        records=300 if quick else 2000,
        seed=seed,
        cache=cache,
        index_only=index_only,
    )


def cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not on Linux
        return os.cpu_count() or 1


__all__ = ["PDF_EVERY", "Plan", "Run", "cores", "default_plan", "run"]
