"""`losscfg dry-run` on one config against a bare Python script that runs the same forward and
backward (SPEC §8: at most 1.2x). Whole processes, alternated round by round.

    python benchmarks/dry_run_overhead.py [--rounds 7] [--losscfg PATH]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

CONFIG = "dataset:\n  name: cifar10\nloss:\n  name: cross_entropy\n  label_smoothing: 0.1\n"

# What the dry-run does for that config, and nothing else: build the loss, an nn.Linear over
# random features, the trainer's int64 labels, three forward and backward passes.
BARE = """
import torch
from torch import nn
torch.manual_seed(0)
criterion = nn.CrossEntropyLoss(label_smoothing=0.1)
model = nn.Linear(16, 10)
features = torch.randn(8, 16)
labels = torch.randint(0, 10, (8,))
for _ in range(3):
    model.zero_grad(set_to_none=True)
    loss = criterion(model(features), labels)
    loss.backward()
print(float(loss))
"""


def timed(command: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(command, check=True, capture_output=True)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--losscfg", default=str(Path(sys.executable).parent / "losscfg"))
    options = parser.parse_args()
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    os.environ.clear()
    os.environ.update(env)
    with tempfile.TemporaryDirectory() as folder:
        config = Path(folder) / "config.yaml"
        config.write_text(CONFIG, encoding="utf-8")
        commands = {
            "losscfg dry-run": [options.losscfg, "dry-run", "--steps", "3", str(config)],
            "bare script": [sys.executable, "-c", BARE],
        }
        for command in commands.values():  # warm the page cache and compile bytecode
            timed(command)
        times: dict[str, list[float]] = {name: [] for name in commands}
        for _ in range(options.rounds):
            for name, command in commands.items():
                times[name].append(timed(command))
    medians = {name: statistics.median(values) for name, values in times.items()}
    for name, median in medians.items():
        print(f"{name:16} median {median:.3f} s  (min {min(times[name]):.3f})")
    ratio = medians["losscfg dry-run"] / medians["bare script"]
    print(f"ratio {ratio:.3f} (budget <= 1.2: {'ok' if ratio <= 1.2 else 'over'})")


if __name__ == "__main__":
    main()
