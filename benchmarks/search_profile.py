"""Where a directory search's extra time goes, in-process: named files against the folder.

    python benchmarks/search_profile.py [--files 10000] [--rounds 5] [--top 15]

Run from the repository's root (the folder is given as `benchmarks/corpora/N/`, as a user
would). Run `run.py --search` once first: it makes the corpus folder a git repository with a
`.gitignore` (without that, this repository's .gitignore skips every file of the corpus).

Prints, for the named files (absolute paths, as run.py passes them) and for the folder:
1. the median time of collecting the files (`Project.search().collect`, a fresh Project each
   round, so the settings and .gitignore caches start empty, as in a new process), per file;
2. the median time of `losscfg.workspace.pipeline.check_paths` in this process, on every core as the
   command runs it, and again in one process (`runner.PARALLEL_FROM` raised);
3. a cProfile of `check_paths` in one process, for each: the functions with the most own time,
   and those of losscfg.workspace.paths, losscfg.workspace.settings, losscfg.dialects.configs
   and pathspec.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from corpus import generate

from losscfg.workspace import runner
from losscfg.workspace.pipeline import check_paths
from losscfg.workspace.project import Project

ROOT = Path(__file__).resolve().parent.parent
WATCHED = ("paths.py", "settings.py", "configs.py", "project.py", "pathspec")


def timed(work: Callable[[list[str]], object], arguments: list[str]) -> float:
    start = time.perf_counter()
    work(arguments)
    return time.perf_counter() - start


def profile(arguments: list[str], top: int) -> None:
    profiler = cProfile.Profile()
    profiler.enable()
    check_paths(arguments, Project())
    profiler.disable()
    stats = pstats.Stats(profiler)
    stats.sort_stats("tottime").print_stats(top)
    watched = "|".join(w.replace(".", r"\.") for w in WATCHED)
    stats.sort_stats("cumulative").print_stats(watched, top)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--files", type=int, default=10000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--top", type=int, default=15)
    args = parser.parse_args()
    os.chdir(ROOT)
    folder = ROOT / "benchmarks" / "corpora" / str(args.files)
    named = [str(p) for p in generate(folder, args.files)]
    if not (folder / ".git").exists():
        sys.exit(f"{folder} is no git repository: run `run.py --search` first (see above)")
    modes = {"named files": named, "folder": [f"{folder.relative_to(ROOT)}/"]}
    counts = {mode: len(Project().search().collect(a).targets) for mode, a in modes.items()}
    assert counts["named files"] == counts["folder"], counts
    n, r = args.files, args.rounds
    print(f"{n} generated configs, median of {r} rounds (the two modes alternate)")
    times: dict[tuple[str, str], list[float]] = {}

    def measure(what: str, work: Callable[[list[str]], object]) -> None:
        for round_ in range(r):
            for mode in list(modes)[:: 1 if round_ % 2 == 0 else -1]:
                times.setdefault((what, mode), []).append(timed(work, modes[mode]))

    measure("collect", lambda a: Project().search().collect(a))
    measure("pooled", lambda a: check_paths(a, Project()))
    parallel_from, runner.PARALLEL_FROM = runner.PARALLEL_FROM, sys.maxsize
    try:
        measure("serial", lambda a: check_paths(a, Project()))
    finally:
        runner.PARALLEL_FROM = parallel_from
    for mode in modes:
        collect, pooled, serial = (
            statistics.median(times[what, mode]) for what in ("collect", "pooled", "serial")
        )
        print(
            f"  {mode:<12} collect {collect * 1e3:8.1f} ms ({collect / n * 1e6:5.1f} µs/file)"
            f"  check_paths {pooled * 1e3:8.1f} ms  in one process {serial * 1e3:8.1f} ms"
        )
    runner.PARALLEL_FROM = sys.maxsize
    for mode, arguments in modes.items():
        print(f"\n==== cProfile of check_paths, {mode}, one process ====")
        profile(arguments, args.top)


if __name__ == "__main__":
    main()
