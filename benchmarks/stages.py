"""Where the time of one file goes, in-process, and what each cache is worth.

    python benchmarks/stages.py [--files 1000] [--rounds 5]

Checks the generated corpus (benchmarks/corpus.py) in this process and prints the median time
per file of: loading (YAML with positions), validating against the schema, the rest (rules,
suppressions), and the whole check; then the whole check again with each cache turned off:
the plain-scalar cache of losscfg.load.document and the section-verdict cache of
losscfg.lint.validation.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from corpus import generate

from losscfg.catalogue.schema import default_schema
from losscfg.lint import validation
from losscfg.lint.check import Options, _as_trained, check_source
from losscfg.lint.rules import default_registry
from losscfg.load import document

ROOT = Path(__file__).resolve().parent.parent


def per_file(work: Callable[[], object], count: int, rounds: int) -> float:
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return statistics.median(times) / count * 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--files", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    paths = generate(ROOT / "benchmarks" / "corpora" / str(args.files), args.files)
    sources = [(p.read_bytes(), str(p)) for p in paths]
    texts = [data.decode("utf-8") for data, _ in sources]
    default_registry()
    schema = default_schema()
    validation.validators_of(schema)
    docs = [document.load(text) for text in texts]
    options = Options()

    def load_all() -> None:
        for text in texts:
            document.load(text)

    def validate_all() -> None:
        for doc in docs:
            validation.schema_errors(_as_trained(doc.data), schema)

    def check_all() -> None:
        for data, path in sources:
            check_source(data, path, options)

    n, r = args.files, args.rounds
    load_us, validate_us, check_us = (
        per_file(load_all, n, r),
        per_file(validate_all, n, r),
        per_file(check_all, n, r),
    )
    rows = [
        ("load (YAML with positions)", load_us),
        ("validate (JSON Schema)", validate_us),
        ("rules, suppressions, report", check_us - load_us - validate_us),
        ("whole check", check_us),
    ]
    cached_scalar, largest = document._plain_scalar, validation._LARGEST_CACHED
    document._plain_scalar = cached_scalar.__wrapped__  # type: ignore[assignment]
    rows.append(("whole check, no plain-scalar cache", per_file(check_all, n, r)))
    document._plain_scalar = cached_scalar
    validation._LARGEST_CACHED = -1  # every section too large to cache: validated each time
    rows.append(("whole check, no section-verdict cache", per_file(check_all, n, r)))
    validation._LARGEST_CACHED = largest
    print(f"{n} generated configs, median of {r} rounds, microseconds per file")
    for label, micros in rows:
        print(f"  {label:<40} {micros:8.1f}")


if __name__ == "__main__":
    main()
