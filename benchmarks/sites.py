"""`losscfg check` on a Hydra or LightningCLI file against its number of torch.nn loss sites
(issues 23 and 24: linear in the sites). In-process, the median of alternating rounds: a file
with a trainer, a model and its data, then the same file with 1, 16 and 256 sites (each a
CrossEntropyLoss with a weight, label smoothing and an interpolated ignore_index, every fourth
with a mistake), and the time each site adds. Also `losscfg check` as a process on 1 and 16
sites.

    python benchmarks/sites.py [--rounds 15]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from losscfg.lint.check import Options, check_source

BASE = """\
trainer:
  max_epochs: 10
  precision: 32
data:
  num_classes: 3
  ignore_label: 255
  batch_size: 64
model:
  _target_: my.project.Net
  hidden: 128
losses:
"""
SITE = """\
  - _target_: torch.nn.CrossEntropyLoss
    weight: {{_target_: torch.tensor, data: [1.0, 2.0, {third}]}}
    label_smoothing: {smoothing}
    ignore_index: ${{data.ignore_label}}
    reduction: mean
"""


LIGHTNING_SITE = """\
  - class_path: torch.nn.CrossEntropyLoss
    init_args:
      weight: [1.0, 2.0, {third}]
      label_smoothing: {smoothing}
      ignore_index: ${{data.ignore_label}}
"""


def config(sites: int, site: str = SITE) -> str:
    parts = [BASE] if sites else [BASE.replace("losses:\n", "")]
    if site is LIGHTNING_SITE:
        parts = [parts[0].replace("_target_: my.project.Net", "class_path: my.project.Net")]
    for n in range(sites):
        mistake = n % 4 == 3
        parts.append(
            site.format(third="1" if mistake else "0.5", smoothing="1.5" if mistake else "0.1")
        )
    return "".join(parts)


def timed(text: str, rounds: int) -> float:
    options = Options(tensor_from_list=True)
    check_source(text, "c.yaml", options)  # warm: the schema's classes are read once
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        check_source(text, "c.yaml", options)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def process(text: str, rounds: int) -> float:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder, "c.yaml")
        path.write_text(text)
        command = [sys.executable, "-m", "losscfg", "check", "-q", "--exit-zero", str(path)]
        times = []
        for _ in range(rounds):
            start = time.perf_counter()
            subprocess.run(command, check=True, capture_output=True)
            times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=15)
    rounds = parser.parse_args().rounds
    for name, site in (("Hydra", SITE), ("LightningCLI", LIGHTNING_SITE)):
        print(f"\n{name}:\n")
        measure({n: config(n, site) for n in (0, 1, 16, 256)}, rounds)


def measure(texts: dict[int, str], rounds: int) -> None:
    counts = tuple(texts)
    results: dict[int, list[float]] = {n: [] for n in counts}
    for _ in range(3):  # alternate, so that the machine's noise falls on every size alike
        for n in counts:
            results[n].append(timed(texts[n], rounds))
    medians = {n: statistics.median(results[n]) for n in counts}
    base = medians[0]
    print("| sites | check ms | ms added per site |")
    print("|---|---|---|")
    for n in counts:
        per_site = (medians[n] - base) / n * 1000 if n else 0.0
        print(f"| {n} | {medians[n] * 1000:.2f} | {per_site:.3f} |")
    ratio = (medians[16] - base) / (medians[1] - base)
    print(f"\nwork of 16 sites / work of 1 site: {ratio:.1f} (linear: 16)")
    one, sixteen = process(texts[1], 5), process(texts[16], 5)
    print(
        f"losscfg check as a process: 1 site {one * 1000:.0f} ms, 16 sites {sixteen * 1000:.0f} ms"
    )


if __name__ == "__main__":
    main()
