"""Benchmark: parse and import a generated 3,000-record ISO 2709 file (prints, never asserts).

.venv/bin/python scripts/bench_records.py [--records 3000] [--seed 5]
"""

from __future__ import annotations

import argparse
import random
import tempfile
import time
from pathlib import Path

from pymarc import Field, Indicators, Leader, Record, Subfield

from recueil.catalogue.db import open_catalogue
from recueil.config import resolve_settings
from recueil.ingest.base import ExtractContext
from recueil.ingest.outcomes import IngestOptions
from recueil.ingest.pipeline import ingest_paths
from recueil.ingest.records.iso2709 import Iso2709Extractor

CITIES = [
    "Lille Sud",
    "Roubaix",
    "Amiens Nord",
    "Calais",
    "Grigny",
    "Nîmes",
    "Creil",
    "Denain",
    "Lens",
]
WORDS = [
    "parentalité",
    "petite",
    "enfance",
    "décrochage",
    "scolaire",
    "orientation",
    "santé",
    "mentale",
    "numérique",
    "citoyenneté",
    "égalité",
    "filles-garçons",
    "périscolaire",
    "médiathèque",
    "mission",
    "locale",
    "café",
    "des",
    "parents",
]


def sub(tag: str, *pairs: tuple[str, str], ind: str = "  ") -> Field:
    return Field(
        tag=tag, indicators=Indicators(ind[0], ind[1]), subfields=[Subfield(c, v) for c, v in pairs]
    )


def make_file(path: Path, count: int, seed: int) -> None:
    rng = random.Random(seed)
    with path.open("wb") as handle:
        for n in range(count):
            record = Record(to_unicode=True, force_utf8=True)
            record.leader = Leader("     nam  22        450 ")
            year = rng.randint(2019, 2025)
            city = rng.choice(CITIES)
            words = " ".join(rng.choices(WORDS, k=60))
            record.add_field(Field(tag="001", data=str(100000 + n)))
            record.add_field(
                Field(tag="009", data=f"{year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}")
            )
            record.add_field(
                sub(
                    "200",
                    ("a", f"Action {n} de la Cité éducative de {city}"),
                    ("e", "retour d'expérience"),
                    ind="1 ",
                )
            )
            record.add_field(
                sub("210", ("a", city), ("c", f"Cité éducative de {city}"), ("d", str(year)))
            )
            record.add_field(sub("330", ("a", words.capitalize() + ".")))
            for keyword in rng.sample(WORDS, 4):
                record.add_field(sub("610", ("a", keyword), ind="0 "))
            record.add_field(sub("700", ("a", "Martin"), ("b", "Claire"), ("4", "070"), ind=" 1"))
            handle.write(record.as_marc())


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--records", type=int, default=3000)
    parser.add_argument("--seed", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bench.mrc"
        make_file(path, args.records, args.seed)
        settings = resolve_settings(home=Path(tmp) / "home")
        started = time.perf_counter()
        parsed = sum(1 for _ in Iso2709Extractor().extract(path, ExtractContext(settings)))
        elapsed = time.perf_counter() - started
        print(
            f"parse only: {parsed} records in {elapsed:.2f} s = {parsed / elapsed:,.0f} records/s "
            f"({path.stat().st_size / 1e6:.1f} MB)"
        )
        catalogue = open_catalogue(settings)
        started = time.perf_counter()
        options = IngestOptions(tag=False, index=False, timeout_s=0)
        report = ingest_paths(catalogue.settings, [path], options, catalogue=catalogue)
        elapsed = time.perf_counter() - started
        print(
            f"import (no tagging, no index): {report.counts} in {elapsed:.2f} s = "
            f"{args.records / elapsed:,.0f} records/s"
        )
        catalogue.close()


if __name__ == "__main__":
    main()
