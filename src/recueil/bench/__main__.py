"""``python -m recueil.bench [--sizes 1000,10000] [--quick] [--index-only] [--out FILE]``.

``python -m recueil.bench --catalogue-only [--small N] [--records N]`` measures the
catalogue path alone (``ingest --no-tag --no-index`` beside its bare baseline).

Prints one Markdown table per stage (progress goes to stderr). Figures are
wall times on the machine at hand: they are printed, never asserted.
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
from pathlib import Path

from recueil.bench.files import TEXT_WORDS
from recueil.bench.runner import default_plan, run
from recueil.errors import RecueilError

DEFAULT_SIZES = "200,5000"
QUICK_SIZES = "200"
CATALOGUE_DEFAULT = 2000  # small files and notices of ``--catalogue-only``


def _count(text: str) -> int:
    try:
        value = int(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from exc
    if value < 1:
        raise argparse.ArgumentTypeError("a count must be a positive number")
    return value


def _sizes(text: str) -> tuple[int, ...]:
    try:
        sizes = tuple(sorted({int(part) for part in text.split(",") if part.strip()}))
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"{text!r} is not a list of numbers") from exc
    if not sizes or sizes[0] < 1:
        raise argparse.ArgumentTypeError("sizes must be positive numbers, e.g. 1000,10000")
    return sizes


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m recueil.bench",
        description="Benchmark recueil against bare baselines on a generated French corpus. "
        "The smallest size is the number of files ingested end to end (one in ten is a PDF); "
        "every size is a catalogue on which the index, queries and one command are measured.",
    )
    parser.add_argument("--sizes", type=_sizes, help=f"default {DEFAULT_SIZES}")
    parser.add_argument("--quick", action="store_true",
                        help=f"small samples and sizes {QUICK_SIZES} (a look in a minute or two)")  # fmt: skip
    parser.add_argument("--index-only", action="store_true",
                        help="only the index, query, command and sync stages (no ingest)")  # fmt: skip
    parser.add_argument("--catalogue-only", action="store_true",
                        help="only the catalogue path: ingest --no-tag --no-index of small "
                        "text files and of a records file, beside a bare baseline")  # fmt: skip
    parser.add_argument("--small", type=_count,
                        help="small text files of the catalogue path (default 2000)")  # fmt: skip
    parser.add_argument("--records", type=_count,
                        help="notices of the catalogue path's records file (default 2000)")  # fmt: skip
    parser.add_argument("--words", type=int, default=TEXT_WORDS,
                        help=f"mean words of a catalogue document (default {TEXT_WORDS})")  # fmt: skip
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--cache", type=Path, default=Path("bench-out"),
                        help="folder for the generated corpus (default bench-out)")  # fmt: skip
    parser.add_argument("--out", type=Path, help="also write the report to this file")
    args = parser.parse_args(argv)
    sizes = args.sizes or _sizes(QUICK_SIZES if args.quick else DEFAULT_SIZES)
    plan = default_plan(sizes, args.quick, args.seed, args.cache.resolve(), args.index_only)
    plan = dataclasses.replace(plan, words=max(1, args.words), catalogue_only=args.catalogue_only)
    if args.catalogue_only:
        plan = dataclasses.replace(plan, small=CATALOGUE_DEFAULT, records=CATALOGUE_DEFAULT)
    if args.small is not None:
        plan = dataclasses.replace(plan, small=args.small)
    if args.records is not None:
        plan = dataclasses.replace(plan, records=args.records)
    lines: list[str] = []

    def out(line: str) -> None:
        print(line, flush=True)
        lines.append(line)

    try:
        run(plan, out)
    except RecueilError as exc:
        print(f"Error [{exc.code}]: {exc.message}\n{exc.hint}", file=sys.stderr)
        return 1
    if args.out is not None:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
