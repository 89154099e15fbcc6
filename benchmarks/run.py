"""losscfg check against check-jsonschema on the same files, side by side in one run.

    python benchmarks/run.py [--sizes 1,100,1000,10000] [--rounds 5] [--markdown]
    python benchmarks/run.py --search [--baseline OTHER_LOSSCFG] [--sizes 1000,10000] ...

Generates the corpora (benchmarks/corpus.py, under benchmarks/corpora/), then for each size
runs the two commands on the same file list, `--rounds` times each: with hyperfine when it is
installed (its medians), else alternately, round by round, in this harness:

    losscfg check --quiet --exit-zero FILES...
    check-jsonschema --schemafile schemas/losscfg.schema.json FILES...

and prints the median wall time of each (hyperfine's, or the harness's), their ratio against
SPEC §12's budget, the time per file, and the peak RSS of each command's whole process tree
(sampled from /proc every 5 ms).
Run it on a quiet machine, with bytecode written (unset PYTHONDONTWRITEBYTECODE). For the
numbers users see, give each tool its own plain (not editable) install; see README.md here.

With `--search`, each size also times the directory search on the same files, and prints one
row per command: `losscfg check --quiet --exit-zero benchmarks/corpora/N/` with a `.gitignore`
of a few patterns (none matches a config) in the corpus folder, made a git repository of its
own (`git init`; without it the repository's own .gitignore, which ignores benchmarks/corpora/,
would skip every file), and the same with that `.gitignore` moved aside. All commands run from
the repository's root, in an order rotated round by round. `--baseline` adds another build of
losscfg on the named files (e.g. the commit before a change), in the same rounds; it runs from a
temporary folder holding this repository's pyproject.toml with an empty [tool.losscfg] table,
so it parses the same file and meets no setting it may not know (the build before issue 13
refuses this repository's `extend-exclude`).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from corpus import generate

ROOT = Path(__file__).resolve().parent.parent
BUDGET = {1: 0.7, 1000: 0.2, 10000: 0.12}  # SPEC §12: at most this ratio


def tree_rss_kib(pid: int) -> int:
    """Resident memory of a process and all its descendants, in KiB (Linux /proc)."""
    total, pending = 0, [pid]
    while pending:
        current = pending.pop()
        try:
            with open(f"/proc/{current}/status", encoding="ascii") as status:
                for line in status:
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1])
                        break
            for task in os.listdir(f"/proc/{current}/task"):
                with open(f"/proc/{current}/task/{task}/children", encoding="ascii") as children:
                    pending.extend(int(child) for child in children.read().split())
        except (FileNotFoundError, ProcessLookupError, PermissionError):
            continue
    return total


def timed(command: list[str], cwd: str | None = None) -> tuple[float, int]:
    """Wall time in seconds and peak RSS of the process tree in KiB."""
    peak = 0
    start = time.perf_counter()
    process = subprocess.Popen(
        command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=cwd
    )
    done = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not done.is_set():
            peak = max(peak, tree_rss_kib(process.pid))
            done.wait(0.005)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    process.wait()
    elapsed = time.perf_counter() - start
    done.set()
    sampler.join()
    return elapsed, peak


def with_hyperfine(
    hyperfine: str, ours: list[str], theirs: list[str], rounds: int
) -> tuple[float, float]:
    """Median wall times measured by hyperfine (the paths hold no spaces: no shell needed)."""
    with tempfile.TemporaryDirectory() as scratch:
        export = Path(scratch) / "times.json"
        subprocess.run(
            [
                hyperfine,
                "--shell=none",
                "--warmup",
                "1",
                "--runs",
                str(rounds),
                "--export-json",
                str(export),
                " ".join(ours),
                " ".join(theirs),
            ],
            check=True,
            stdout=subprocess.DEVNULL,
        )
        results = json.loads(export.read_text(encoding="utf-8"))["results"]
    return results[0]["median"], results[1]["median"]


#: The `.gitignore` that `--search` puts in a corpus folder: a training repository's usual
#: outputs and scratch, a negation and anchored patterns. No generated config matches one.
GITIGNORE = """\
# outputs and scratch of a training repository
*.tmp
*.bak
*~
/runs/
outputs/
**/wandb/
lightning_logs/
drafts/*.yaml
!drafts/keep.yaml
config_*.draft.yaml
"""


def prepare_search(folder: Path) -> Path:
    """Make `folder` a git repository of its own with GITIGNORE; return the .gitignore."""
    if not (folder / ".git").exists():
        if shutil.which("git"):
            subprocess.run(["git", "init", "-q", str(folder)], check=True)
        else:  # losscfg only looks for a .git entry to find the repository's root
            (folder / ".git").mkdir()
    ignore = folder / ".gitignore"
    aside = folder / ".gitignore.off"
    if aside.exists() and not ignore.exists():
        aside.rename(ignore)
    ignore.write_text(GITIGNORE, encoding="utf-8")
    return ignore


def neutral_settings() -> str:
    """The repository's pyproject.toml with its [tool.losscfg] table emptied: the baseline
    parses a file of the same size, as the build under test does, and no setting it may not
    know."""
    kept, inside = [], False
    for line in (ROOT / "pyproject.toml").read_text(encoding="utf-8").splitlines():
        if line.startswith("["):
            inside = line.strip() == "[tool.losscfg]"
        elif inside and line.strip() and not line.lstrip().startswith("#"):
            continue
        kept.append(line)
    return "\n".join(kept) + "\n"


def timed_search(command: list[str], ignore: Path, label: str) -> tuple[float, int]:
    """`timed(command)`; with the .gitignore moved aside while it runs for "no .gitignore";
    the baseline from an empty folder."""
    if label.startswith("baseline"):
        with tempfile.TemporaryDirectory() as folder:
            settings = Path(folder) / "pyproject.toml"
            settings.write_text(neutral_settings(), encoding="utf-8")
            return timed(command, cwd=folder)
    if "no .gitignore" not in label:
        return timed(command)
    aside = ignore.with_name(".gitignore.off")
    ignore.rename(aside)
    try:
        return timed(command)
    finally:
        aside.rename(ignore)


def search_rows(args: argparse.Namespace, checker: str, schema: Path) -> list[tuple[str, ...]]:
    """One row per size and command: median wall time, ratio to check-jsonschema and to
    losscfg on the named files, ms per file and peak RSS of the process tree."""
    rows: list[tuple[str, ...]] = []
    for size in (int(s) for s in args.sizes.split(",")):
        folder = ROOT / "benchmarks" / "corpora" / str(size)
        files = [str(p) for p in generate(folder, size)]
        ignore = prepare_search(folder)
        shown = f"{folder.relative_to(ROOT)}/"
        commands: dict[str, list[str]] = {
            "check-jsonschema FILES": [checker, "--schemafile", str(schema), *files],
            "losscfg FILES": [args.losscfg, "check", "--quiet", "--exit-zero", *files],
            "losscfg DIR/ (.gitignore)": [args.losscfg, "check", "--quiet", "--exit-zero", shown],
            "losscfg DIR/ (no .gitignore)": [
                args.losscfg,
                "check",
                "--quiet",
                "--exit-zero",
                shown,
            ],
        }
        if args.baseline:
            commands["baseline FILES"] = [args.baseline, "check", "--quiet", "--exit-zero", *files]

        labels = list(commands)
        results: dict[str, list[tuple[float, int]]] = {label: [] for label in labels}
        for label in labels:
            timed_search(commands[label], ignore, label)  # warm up
        for round_ in range(args.rounds):
            shift = round_ % len(labels)
            for label in labels[shift:] + labels[:shift]:
                results[label].append(timed_search(commands[label], ignore, label))
            each = ", ".join(f"{label} {results[label][-1][0]:.3f}" for label in labels)
            print(f"... round {round_ + 1}: {each}", file=sys.stderr)  # an outlier shows here
        theirs = statistics.median(t for t, _ in results["check-jsonschema FILES"])
        named = statistics.median(t for t, _ in results["losscfg FILES"])
        budget = BUDGET.get(size)
        for label in labels:
            median = statistics.median(t for t, _ in results[label])
            ratio = median / theirs
            ours = label != "check-jsonschema FILES"
            verdict = "-"
            if ours and budget is not None:
                verdict = f"<= {budget} {'ok' if ratio <= budget else 'MISSED'}"
            rows.append(
                (
                    str(size),
                    label,
                    f"{median:.3f}",
                    f"{ratio:.3f}" if ours else "1",
                    verdict,
                    f"{median / named:.3f}" if ours else "-",
                    f"{median / size * 1000:.3f}",
                    f"{max(m for _, m in results[label]) / 1024:.0f}",
                )
            )
        print(f"... {size} files done", file=sys.stderr)
    return rows


def print_table(header: tuple[str, ...], lines: list[tuple[str, ...]], markdown: bool) -> None:
    if markdown:
        print("| " + " | ".join(header) + " |")
        print("|" + "---|" * len(header))
        for line in lines:
            print("| " + " | ".join(line) + " |")
    else:
        widths = [max(len(h), *(len(line[i]) for line in lines)) for i, h in enumerate(header)]
        print("  ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)))
        for line in lines:
            print("  ".join(c.ljust(w) for c, w in zip(line, widths, strict=True)))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default="1,100,1000,10000")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--markdown", action="store_true", help="print a markdown table")
    parser.add_argument("--losscfg", default=shutil.which("losscfg"), help="the executable")
    parser.add_argument(
        "--check-jsonschema", default=shutil.which("check-jsonschema"), help="the executable"
    )
    parser.add_argument("--no-hyperfine", action="store_true", help="time with the harness")
    parser.add_argument(
        "--search", action="store_true", help="also time the directory search (the harness)"
    )
    parser.add_argument("--baseline", help="with --search: another losscfg, on the named files")
    args = parser.parse_args()
    hyperfine = None if args.no_hyperfine else shutil.which("hyperfine")
    losscfg, checker = args.losscfg, args.check_jsonschema
    if not losscfg or not checker:
        sys.exit("needs losscfg and check-jsonschema: on PATH, or --losscfg / --check-jsonschema")
    schema = ROOT / "schemas" / "losscfg.schema.json"
    cores = len(os.sched_getaffinity(0))
    python = sys.version.split()[0]
    if args.search:
        search_table = search_rows(args, checker, schema)
        print(f"median of {args.rounds} rotated rounds; {cores} cores; Python {python}")
        search_header = (
            "files",
            "command",
            "median s",
            "vs check-jsonschema",
            "budget",
            "vs losscfg FILES",
            "ms/file",
            "peak RSS MiB",
        )
        print_table(search_header, search_table, args.markdown)
        return
    rows = []
    for size in (int(s) for s in args.sizes.split(",")):
        files = [str(p) for p in generate(ROOT / "benchmarks" / "corpora" / str(size), size)]
        ours_cmd = [losscfg, "check", "--quiet", "--exit-zero", *files]
        theirs_cmd = [checker, "--schemafile", str(schema), *files]
        ours, theirs = [], []
        timed(ours_cmd), timed(theirs_cmd)  # warm the page cache and bytecode
        for _ in range(args.rounds if not hyperfine else 1):  # with hyperfine: for the RSS
            ours.append(timed(ours_cmd))
            theirs.append(timed(theirs_cmd))
        if hyperfine:
            our_time, their_time = with_hyperfine(hyperfine, ours_cmd, theirs_cmd, args.rounds)
        else:
            our_time = statistics.median(t for t, _ in ours)
            their_time = statistics.median(t for t, _ in theirs)
        rows.append(
            (
                size,
                our_time,
                their_time,
                our_time / their_time,
                BUDGET.get(size),
                our_time / size * 1000,
                max(m for _, m in ours) / 1024,
                max(m for _, m in theirs) / 1024,
            )
        )
        print(f"... {size} files done", file=sys.stderr)
    header = (
        "files",
        "losscfg s",
        "check-jsonschema s",
        "ratio",
        "budget",
        "ms/file (losscfg)",
        "peak RSS losscfg MiB",
        "peak RSS check-jsonschema MiB",
    )
    lines = []
    for size, ours_s, theirs_s, ratio, budget, per_file, rss, their_rss in rows:
        verdict = "-" if budget is None else f"<= {budget} {'ok' if ratio <= budget else 'MISSED'}"
        lines.append(
            (
                str(size),
                f"{ours_s:.3f}",
                f"{theirs_s:.3f}",
                f"{ratio:.3f}",
                verdict,
                f"{per_file:.3f}",
                f"{rss:.0f}",
                f"{their_rss:.0f}",
            )
        )
    print(f"median of {args.rounds} alternating rounds; {cores} cores; Python {python}")
    print_table(header, lines, args.markdown)


if __name__ == "__main__":
    main()
