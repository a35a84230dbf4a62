"""Benchmark of the search site: a results page (facets and passages) under load.

    .venv/bin/python scripts/bench_web.py --sizes 200,5000 [--engine tantivy] [--out FILE]
    .venv/bin/python scripts/bench_web.py --homes bench-out/seed7-docs20000-words1500

For each size, a generated catalogue (the benchmark suite's, cached in
bench-out/) is indexed, then measured three ways on the same query set:

- ``run_search``: the search API's own time, in process, as the page calls it
  (10 hits, facets, passages, suggestions, on a live searcher kept open);
- the results page ``/recherche`` served by ``recueil serve`` (uvicorn, one
  worker, a separate process) to 1 and then 20 concurrent clients (async httpx
  on loopback): the server's time from its ``Server-Timing`` header, the
  client's wall time, and errors.

Figures are printed (Markdown), never asserted. The page reports its search
call's time in a second ``Server-Timing`` entry, so "page adds" is measured on
the same requests: the median of (view time - search time), and its ratio to
the median search time ("view" is the page's data and HTML; the server's time
outside it is ASGI, the trip to the thread pool and waiting for a free thread).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import httpx

from recueil.bench.corpus import generate_catalogue
from recueil.bench.index_stages import percentile, query_cases, query_string
from recueil.bench.runner import TEXT_WORDS
from recueil.catalogue.db import open_catalogue
from recueil.config import Settings, resolve_settings
from recueil.index import Filters, info, rebuild
from recueil.search.live import LiveSearcher
from recueil.search.service import run_search

CONCURRENCY = (1, 20)


def home_for(cache: Path, size: int, seed: int, engine: str) -> Settings:
    """A generated catalogue of ``size`` documents, indexed with ``engine`` (cached)."""
    home = cache / f"web-seed{seed}-docs{size}-words{TEXT_WORDS}"
    done = home / "catalogue.done"
    if not done.exists():
        generate_catalogue(resolve_settings(home=home), size, TEXT_WORDS, seed)
        done.write_text(f"{size}\n", encoding="utf-8")
    return existing_home(home, engine)[1]


def existing_home(home: Path, engine: str) -> tuple[int, Settings]:
    """An existing home (e.g. a catalogue of ``make bench-large``), indexed with ``engine``."""
    settings = resolve_settings(home=home.resolve()).with_changes(index_engine=engine)
    try:
        current = info(settings)
    except Exception:  # no index yet
        current = None
    if current is None or current.engine != engine:
        catalogue = open_catalogue(settings)
        try:
            rebuild(settings, catalogue)
        finally:
            catalogue.close()
        current = info(settings)
    return current.documents, settings


def cpu_seconds(pid: int) -> float:
    """User + system CPU seconds of a process and its children (Linux ``/proc``; else 0)."""
    total = 0.0
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        total = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
        for task in Path(f"/proc/{pid}/task").iterdir():
            for child in (task / "children").read_text().split():
                total += cpu_seconds(int(child))
    except (OSError, ValueError, IndexError):
        pass
    return total


def page_params(case: dict[str, Any]) -> dict[str, Any]:
    params: dict[str, Any] = {"q": query_string(case)}
    if case["kind"] == "filtered":
        params.update(theme=case["theme"], annee=case["year"])
    return params


def api_times(settings: Settings, cases: list[dict[str, Any]]) -> list[float]:
    """Milliseconds of run_search per case, called as the results page calls it (on a
    live searcher kept open, as the site keeps one)."""
    times = []
    live = LiveSearcher(settings)
    for case in [cases[0], *cases]:  # one warm-up
        params = page_params(case)
        filters = Filters(
            themes=(params["theme"],) if "theme" in params else (),
            years=(int(params["annee"]),) if "annee" in params else (),
        )
        started = time.perf_counter()
        run_search(settings, params["q"], filters=filters, limit=10, searcher=live)
        times.append((time.perf_counter() - started) * 1000)
    live.close()
    return times[1:]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_server(settings: Settings, port: int, workers: int) -> subprocess.Popen[bytes]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("RECUEIL_")}
    command = [sys.executable, "-c", "from recueil.cli import main; main()",
               "--home", str(settings.home), "serve", "--port", str(port),
               "--workers", str(workers)]  # fmt: skip
    server = subprocess.Popen(command, env=env, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/sante", timeout=2).status_code == 200:
                return server
        except httpx.HTTPError:
            time.sleep(0.2)
    server.kill()
    raise RuntimeError("recueil serve did not answer on /sante within 60 s")


async def load(base: str, urls: list[str], clients: int) -> dict[str, Any]:
    """Every URL once, ``clients`` at a time; server and wall milliseconds, errors."""
    queue: asyncio.Queue[str] = asyncio.Queue()
    for url in urls:
        queue.put_nowait(url)
    server_ms: list[float] = []
    search_ms: list[float] = []
    view_ms: list[float] = []
    wall_ms: list[float] = []
    errors = 0

    async def client(http: httpx.AsyncClient) -> None:
        nonlocal errors
        while not queue.empty():
            url = queue.get_nowait()
            started = time.perf_counter()
            try:
                response = await http.get(url)
            except httpx.HTTPError:
                errors += 1
                continue
            wall_ms.append((time.perf_counter() - started) * 1000)
            if response.status_code != 200:
                errors += 1
            timings = server_timing(response)
            if "app" in timings:
                server_ms.append(timings["app"])
            if "search" in timings and "view" in timings:
                search_ms.append(timings["search"])
                view_ms.append(timings["view"])

    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    async with httpx.AsyncClient(base_url=base, timeout=120, limits=limits) as http:
        await http.get(urls[0])  # warm-up
        started = time.perf_counter()
        await asyncio.gather(*(client(http) for _ in range(clients)))
        elapsed = time.perf_counter() - started
    return {"server": server_ms, "search": search_ms, "view": view_ms, "wall": wall_ms,
            "errors": errors,
            "rate": len(urls) / elapsed}  # fmt: skip


def server_timing(response: httpx.Response) -> dict[str, float]:
    """``app;dur=12.3, search;dur=10.1`` -> {"app": 12.3, "search": 10.1}."""
    found = {}
    for header in response.headers.get_list("server-timing"):
        for entry in header.split(","):
            name, _, rest = entry.strip().partition(";dur=")
            try:
                found[name] = float(rest)
            except ValueError:
                continue
    return found


def p50_p95(values: list[float]) -> str:
    return f"{statistics.median(values):.1f} / {percentile(values, 0.95):.1f}" if values else "-"


def measure(
    settings: Settings, cases: list[dict[str, Any]], rounds: int, workers: int
) -> dict[str, Any]:
    api = api_times(settings, cases)
    urls = ["/recherche?" + urlencode(page_params(case)) for case in cases]
    port = free_port()
    server = start_server(settings, port, workers)
    try:
        found = {"api": api}
        for clients in CONCURRENCY:
            load_average, cpu = os.getloadavg()[0], cpu_seconds(server.pid)
            found[clients] = asyncio.run(load(f"http://127.0.0.1:{port}", urls * rounds, clients))
            found[clients].update(load=load_average, cpu=cpu_seconds(server.pid) - cpu)
    finally:
        server.terminate()
        server.wait(timeout=30)
    return found


def page_share(row: dict[str, Any]) -> str:
    """What the page's own work adds to its search call: median of (view - search) / search."""
    if not row["search"]:
        return "-"
    extra = [view - search for view, search in zip(row["view"], row["search"], strict=True)]
    search = statistics.median(row["search"])
    return f"{statistics.median(extra):.1f} ms ({statistics.median(extra) / search:+.0%})"


def serving(row: dict[str, Any]) -> str:
    """The server's time outside the view: ASGI, the trip to the thread pool, queueing."""
    if not row["view"] or len(row["view"]) != len(row["server"]):
        return "-"
    rest = [app - view for app, view in zip(row["server"], row["view"], strict=True)]
    return f"{statistics.median(rest):.1f}"


def report(size: int, engine: str, found: dict[str, Any]) -> list[str]:
    lines = []
    for clients in CONCURRENCY:
        row = found[clients]
        lines.append(
            f"| {size:,} | {engine} | {p50_p95(found['api'])} | {clients} | "
            f"{p50_p95(row['search'])} | {p50_p95(row['server'])} | {p50_p95(row['wall'])} | "
            f"{row['rate']:.0f} | {row['errors']} | {page_share(row)} | {serving(row)} | "
            f"{row['cpu']:.1f} | {row['load']:.1f} |"
        )
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="200,5000")
    parser.add_argument("--homes", default="",
                        help="existing homes to measure instead of generated sizes (comma-separated)")  # fmt: skip
    parser.add_argument("--engine", default="tantivy", choices=("tantivy", "whoosh"))
    parser.add_argument("--queries", type=int, default=10, help="queries of each kind")
    parser.add_argument("--rounds", type=int, default=3, help="times each URL is asked")
    parser.add_argument("--workers", type=int, default=1, help="processes of recueil serve")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--cache", type=Path, default=Path("bench-out"))
    parser.add_argument("--out", type=Path)
    args = parser.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    cases = query_cases(args.seed, args.queries)
    lines = [
        "## Search site: results page under load",
        "",
        f"{len(cases)} queries (term, phrase, filtered, faceted) × {args.rounds} rounds; "
        f"{args.workers} uvicorn worker(s); times in ms (p50 / p95); server = Server-Timing "
        "header (from the request's arrival: includes waiting for a free worker); server CPU s = "
        "CPU seconds of the server's processes during the run; load = 1-minute load average "
        "at its start.",
        "",
        "| documents | engine | run_search alone p50/p95 | clients | search in page p50/p95 "
        "| page server p50/p95 | page wall p50/p95 | pages/s | errors | page adds (p50) "
        "| outside the view (p50) | server CPU s | load |",
        "|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    homes = [Path(h) for h in args.homes.split(",") if h.strip()]
    for size in [] if homes else sizes:
        print(f"[bench web] {size} documents …", file=sys.stderr, flush=True)
        settings = home_for(args.cache.resolve(), size, args.seed, args.engine)
        lines.extend(report(size, args.engine, measure(settings, cases, args.rounds, args.workers)))
    for home in homes:
        print(f"[bench web] {home} …", file=sys.stderr, flush=True)
        size, settings = existing_home(home, args.engine)
        lines.extend(report(size, args.engine, measure(settings, cases, args.rounds, args.workers)))
    print("\n".join(lines))
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
