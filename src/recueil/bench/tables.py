"""One table per stage: the recueil figure, its baselines from the same run, the ratio."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from recueil.bench.index_stages import KINDS, percentile
from recueil.bench.report import fmt, machine, rate, ratio, table

if TYPE_CHECKING:
    from recueil.bench.runner import Run


def _emit(state: Run, title: str, notes: list[str], lines: list[str]) -> None:
    state.out("")
    state.out(f"## {title}")
    state.out("")
    for note in notes:
        state.out(note)
    if notes:
        state.out("")
    for line in lines:
        state.out(line)


def header(state: Run, files: int, pdfs: int) -> None:
    plan = state.plan
    state.out("# recueil benchmark")
    state.out("")
    for line in machine():
        state.out(line)
    state.out(
        f"- plan: seed {plan.seed}; end-to-end ingest of {files} files ({pdfs} PDFs, one "
        f"file in 10, the rest text files of about {plan.words} words); extraction on "
        f"{min(pdfs, plan.pdfs)} PDFs (pdfplumber on {min(pdfs, plan.plumber_pdfs)}), tagging "
        f"on {min(pdfs, plan.tag_pdfs)}; index and queries on generated catalogues of "
        f"{', '.join(f'{s:,}' for s in plan.sizes)} documents (about {plan.words} words each); "
        f"{plan.queries} queries of each kind; commands run {plan.runs} times"
    )
    state.out(f"- corpus cache: {plan.cache} (generation this run: {state.generation_s:.0f} s)")
    state.out(
        "- every measurement runs in its own fresh process; wall times, so they move with "
        "the load average noted per stage in the last table"
    )


def extraction(state: Run, found: dict[str, Any]) -> None:
    base = rate(found["recueil"]["pages"], found["recueil"]["seconds"])
    labels = {
        "recueil": "recueil extraction, as ingest runs it (a child process per file, limits)",
        "in_process": "recueil extraction in-process (`extract_file`, no limits)",
        "pdfium": "baseline: raw pypdfium2 `get_text_range`",
        "plumber": "baseline: raw pdfplumber `extract_text`",
    }
    rows = []
    for key, label in labels.items():
        value = rate(found[key]["pages"], found[key]["seconds"])
        rows.append([label, found[key]["pages"], found[key]["seconds"], value, ratio(value, base)])
    _emit(state, "PDF text extraction, pages/s", [],
          table(["engine", "pages", "s", "pages/s", "vs recueil"], rows))  # fmt: skip


def tagging(state: Run, found: dict[str, Any]) -> None:
    base = rate(found["recueil"]["words"], found["recueil"]["seconds"])
    labels = {
        "recueil": "recueil tagger (`TaggingStep.analyse_many`, per file, as ingest)",
        "full": "baseline: `nlp.pipe`, fr_core_news_sm with all components",
        "needed": "baseline: `nlp.pipe`, only what tagging needs (no parser, senter)",
    }
    rows = []
    for key, label in labels.items():
        value = rate(found[key]["words"], found[key]["seconds"])
        rows.append([label, found[key]["words"], found[key]["seconds"], value,
                     found[key]["load_s"], ratio(value, base)])  # fmt: skip
    notes = ["Words are whitespace-separated words of the extracted text; model loading apart."]
    _emit(state, "Tagging, words/s", notes,
          table(["pipeline", "words", "s", "words/s", "load s", "vs recueil"], rows))  # fmt: skip


def ingest(
    state: Run,
    found: dict[int, Any],
    extraction: dict[str, Any],
    tagging: dict[str, Any],
    builds: dict[int, Any],
) -> None:
    rows = []
    for jobs, value in found.items():
        rows.append([f"`recueil ingest --jobs {jobs}` (`ingest_paths`)", value["pages"],
                     value["docs"], value["seconds"], rate(value["pages"], value["seconds"]),
                     rate(value["docs"], value["seconds"])])  # fmt: skip
    notes = []
    first = found[1]
    if extraction and tagging:
        small = builds[min(builds)].get("whoosh", builds[min(builds)]["recueil"])
        pdf_s = extraction["pdfium"]["seconds"] / max(extraction["pdfium"]["pages"], 1)
        word_s = tagging["needed"]["seconds"] / max(tagging["needed"]["words"], 1)
        doc_s = small["seconds"] / max(small["docs"], 1)
        seconds = first["pdf_pages"] * pdf_s + first["words"] * word_s + first["docs"] * doc_s
        rows.append(["baseline: sum of the stage baselines (pypdfium2 + `nlp.pipe` needed + "
                     "bare Whoosh)", first["pages"], first["docs"], seconds,
                     rate(first["pages"], seconds), rate(first["docs"], seconds)])  # fmt: skip
        notes.append(
            f"The baseline adds, for the same work, pypdfium2's time per PDF page "
            f"({first['pdf_pages']:,} pages), `nlp.pipe`'s time per word "
            f"({first['words']:,} words) and the bare Whoosh writer's time per document. "
            f"A text file counts as one page. --jobs 1 against the baseline: "
            f"{ratio(rate(first['pages'], first['seconds']), rate(first['pages'], seconds))}; "
            f"--jobs 2 takes {ratio(found[2]['seconds'], found[1]['seconds'])} the time of --jobs 1."
        )
    _emit(state, "End-to-end ingest, pages/s", notes,
          table(["run", "pages", "docs", "s", "pages/s", "docs/s"], rows))  # fmt: skip


def builds(state: Run, found: dict[int, Any]) -> None:
    rows = []
    for size, value in found.items():
        own = rate(value["recueil"]["docs"], value["recueil"]["seconds"])
        tantivy = rate(value["tantivy"]["docs"], value["tantivy"]["seconds"])
        own_w: float | str = "–"
        whoosh: float | str = "–"
        versus = "–"
        if "whoosh" in value:
            own_w = rate(value["recueil_whoosh"]["docs"], value["recueil_whoosh"]["seconds"])
            whoosh = rate(value["whoosh"]["docs"], value["whoosh"]["seconds"])
            versus = ratio(own_w, whoosh)
        again = rate(value["recueil_cached"]["docs"], value["recueil_cached"]["seconds"])
        rows.append([f"{size:,}", own, again, tantivy, ratio(own, tantivy),
                     ratio(again, tantivy), own_w, whoosh, versus,
                     value["recueil"]["size_mb"], value["tantivy"]["size_mb"]])  # fmt: skip
    headers = ["documents", "recueil rebuild (tantivy) docs/s", "again, texts cached, docs/s",
               "bare tantivy docs/s", "recueil / tantivy", "again / tantivy",
               "recueil rebuild (Whoosh) docs/s", "bare Whoosh docs/s",
               "recueil / Whoosh", "recueil MB", "tantivy MB"]  # fmt: skip
    notes = [
        "The bare engines get the same field values, prepared before the clock starts "
        "(bare tantivy analyses with its own Rust French analyzer). Whoosh is built up to "
        f"{state.plan.bare_whoosh_max:,} documents only (it is slow).",
        "recueil's first rebuild starts without its analysis cache, so every text is "
        "analysed; `again` rebuilds the same catalogue, whose unchanged texts the cache "
        "holds (as after a re-tag, an engine switch or a repair).",
    ]
    _emit(state, "Index build, docs/s", notes, table(headers, rows))


def _pair(values: list[float]) -> str:
    return f"{fmt(percentile(values, 0.5))} / {fmt(percentile(values, 0.95))}"


def queries(state: Run, found: dict[int, Any]) -> None:
    rows = []
    for size, value in found.items():
        for kind in KINDS:
            api, kept, tantivy = value["api"][kind], value["open"][kind], value["tantivy"][kind]
            whoosh = value["whoosh"][kind] if "whoosh" in value else None
            page = _pair(value["page"][kind]) if "page" in value else "–"
            p50 = percentile(api, 0.5)
            rows.append([f"{size:,}", kind, _pair(api), _pair(kept), page,
                         _pair(whoosh) if whoosh else "–", _pair(tantivy),
                         ratio(p50, percentile(whoosh, 0.5)) if whoosh else "–",
                         ratio(p50, percentile(tantivy, 0.5))])  # fmt: skip
    headers = ["documents", "query", "search API p50 / p95 ms", "live searcher kept open",
               "as the results page", "bare Whoosh", "bare tantivy", "API / Whoosh p50", "API / tantivy p50"]  # fmt: skip
    notes = [
        "Search API: `run_search` with no searcher, as the CLI and scripts call it (the "
        "process's first call opens the index, the next ones reuse it while it is live; passages "
        "for term/phrase/filtered, facet counts for faceted), on tantivy. Kept open: the same "
        "calls on one `LiveSearcher` (as `recueil serve` keeps it). As the results page: "
        "10 hits with passages, facet counts and suggestions for every query, on the live "
        "searcher. Bare engines: searcher kept open, top 10 titles, "
        "no passages; filtered = one theme and one year; faceted = counts of themes, cités, "
        "types, years."
    ]
    _emit(state, "Query latency, ms", notes, table(headers, rows))


def commands(state: Run, found: dict[int, Any]) -> None:
    rows = []
    for size, value in found.items():
        base = value["pass"]["median_s"]
        for key, label in (("recueil", "`recueil search \"parentalité école\"`"),
                           ("tantivy", "bare tantivy: open, one term, 10 titles"),
                           ("pass", "`python -c pass`")):  # fmt: skip
            rows.append([f"{size:,}", label, value[key]["median_s"], value[key]["best_s"],
                         ratio(value[key]["median_s"], base)])  # fmt: skip
    notes = [
        "recueil's modules byte-compiled beforehand (`compileall`), as an installed "
        "package runs, even where the environment forbids writing bytecode."
    ]
    _emit(state, "One search command, wall s", notes,
          table(["documents", "command", "median s", "best s", "vs `python -c pass`"], rows))  # fmt: skip


def _all(found: dict[str, list[float]]) -> list[float]:
    return [value for values in found.values() for value in values]


def _peak(state: Run, name: str) -> float:
    return max((m.peak_mb for m in state.measured if m.name == name), default=0.0)


def _target_rows(state: Run, size: int, value: dict[str, Any]) -> list[list[Any]]:
    builds, found = value["builds"], value["queries"]
    own = rate(builds["recueil"]["docs"], builds["recueil"]["seconds"])
    bare = rate(builds["tantivy"]["docs"], builds["tantivy"]["seconds"])
    again = rate(builds["recueil_cached"]["docs"], builds["recueil_cached"]["seconds"])
    rows = [[size, "rebuild docs/s, tantivy: recueil / bare (every text analysed)",
             ratio(own, bare), "≥ 0.67×", own / bare >= 1 / 1.5 if bare else "–"],
            [size, "rebuild docs/s, tantivy, again: recueil / bare (analysed texts cached)",
             ratio(again, bare), "≥ 0.67×", again / bare >= 1 / 1.5 if bare else "–"]]  # fmt: skip
    if "recueil_whoosh" in builds:
        own_w = rate(builds["recueil_whoosh"]["docs"], builds["recueil_whoosh"]["seconds"])
        bare_w = rate(builds["whoosh"]["docs"], builds["whoosh"]["seconds"])
        rows.append([size, "rebuild docs/s, Whoosh: recueil / bare", ratio(own_w, bare_w),
                     "≥ 0.67×", own_w / bare_w >= 1 / 1.5 if bare_w else "–"])  # fmt: skip
        api_w = percentile(_all(found["api_whoosh"]), 0.95)
        bare_q = percentile(_all(found["whoosh"]), 0.95)
        rows.append([size, "search API p95, Whoosh: recueil / bare Whoosh", ratio(api_w, bare_q),
                     "≤ 1.5× (bare without passages)", api_w <= 1.5 * bare_q])  # fmt: skip
    peak = _peak(state, f"index rebuild ({size})")
    rows.append([size, "peak RSS of the tantivy rebuild, MB", fmt(peak), "≤ 600", peak <= 600])
    api = percentile(_all(found["api"]), 0.95)
    kept = percentile(_all(found.get("page") or found["open"]), 0.95)
    rows.append([size, "search API p95 ms, tantivy (per call / live, passages + facets)",
                 f"{fmt(api)} / {fmt(kept)}", "≤ 10", kept <= 10])  # fmt: skip
    one = value["commands"]
    command, bare_one = one["recueil"]["median_s"], one["tantivy"]["median_s"]
    rows.append([size, "`recueil search` / bare tantivy one-shot", ratio(command, bare_one),
                 "≤ 4×", command <= 4 * bare_one])  # fmt: skip
    sync = value["sync"]
    rows.append([size, f"`index sync` of {sync['updated']:.0f} changed documents, s",
                 fmt(sync["seconds"]), "≤ 2", sync["seconds"] <= 2])  # fmt: skip
    return rows


def targets(state: Run, found: dict[int, Any]) -> None:
    rows = [row for size, value in found.items() for row in _target_rows(state, size, value)]
    for row in rows:
        row[0] = f"{row[0]:,}"
        row[4] = {True: "met", False: "missed"}.get(row[4], row[4])
    notes = [
        "The targets of the search-speed issue, each against a baseline measured in this run "
        "(2 cores shared: the load is in the last table). p95 over every query kind."
    ]
    _emit(state, "Targets", notes,
          table(["documents", "target", "measured", "target value", "verdict"], rows))  # fmt: skip


def memory(state: Run, total_s: float) -> None:
    rows = [[m.name, m.peak_mb, m.children_mb or "–", m.wall_s, m.cpu_s, f"{m.load:.1f}"]
            for m in state.measured]  # fmt: skip
    notes = [
        "Peak RSS of the stage's own process (VmHWM) and of the largest of its children "
        "(extraction and worker processes; for a command, the command itself). CPU s is "
        "user + system time of the stage and its children: less sensitive to the load "
        "than wall time.",
        f"Whole run: {total_s:.0f} s wall, of which {state.generation_s:.0f} s generating "
        "the corpus.",
    ]
    _emit(state, "Peak RSS per stage", notes,
          table(["stage", "peak RSS MB", "children MB", "wall s", "CPU s", "load"], rows))  # fmt: skip
