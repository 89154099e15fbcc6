"""Generate corpora of realistic training configs, shaped like ../shared/corpus/fat.

Each config has the framework's sections (seed, dataset, model, training, optimizer, scheduler,
checkpoint, progress, and often quantization, loss and amp) with values drawn at random, so no
two files are alike; about one in six holds a mistake that losscfg reports (a misspelt
parameter, a weight list of the wrong length, 1e-3 read as a string, bce under AMP, ...).

    python benchmarks/corpus.py OUT_DIR COUNT [--seed N]
"""

from __future__ import annotations

import argparse
import random
from pathlib import Path

DATASETS = [("cifar10", 10), ("cifar100", 100), ("mnist", 10), ("fashion_mnist", 10)]
MODELS = ["resnet20", "resnet32", "resnet56", "resnet110", "mobilenetv1", "cnv"]
QUANT_MODELS = ["quant_cnv", "quant_resnet20", "quant_mobilenetv1", "quant_resnet56"]
MISTAKES = [
    "misspelt_parameter",
    "exponent_string",
    "wrong_weight_length",
    "integer_weights",
    "null_ignore_index",
    "unknown_loss",
    "bce_under_amp",
    "duplicate_key",
]


def _loss(rng: random.Random, classes: int, quantized: bool) -> list[str]:
    if quantized:
        return ["loss:", '  name: "sqr_hinge"']
    kind = rng.choice(["none", "ce", "ce_smooth", "ce_weight", "ce_ignore", "nll_kl"])
    if kind == "none":
        return []
    if kind == "ce":
        return ["loss:", "  name: cross_entropy"]
    if kind == "ce_smooth":
        smoothing = rng.choice([0.05, 0.1, 0.15, 0.2])
        return ["loss:", "  name: cross_entropy", f"  label_smoothing: {smoothing}"]
    if kind == "ce_weight":
        weights = ", ".join(f"{rng.uniform(0.5, 2.0):.2f}" for _ in range(classes))
        return ["loss:", "  name: cross_entropy", f"  weight: [{weights}]"]
    if kind == "ce_ignore":
        return ["loss:", "  name: cross_entropy", "  ignore_index: 255"]
    return ["loss:", "  name: kl_div", "  reduction: batchmean", "  log_target: false"]


def _mistake(rng: random.Random, classes: int) -> list[str]:
    """A loss section (and sometimes amp) holding one mistake losscfg reports."""
    ones = ", ".join(["1.0"] * (classes - 1))
    return {
        "misspelt_parameter": ["loss:", "  name: cross_entropy", "  label_smothing: 0.1"],
        "exponent_string": ["loss:", "  name: cross_entropy", "  label_smoothing: 1e-1"],
        "wrong_weight_length": ["loss:", "  name: cross_entropy", f"  weight: [{ones}]"],
        "integer_weights": ["loss:", "  name: nll", f"  weight: [{', '.join(['1'] * classes)}]"],
        "null_ignore_index": ["loss:", "  name: cross_entropy", "  ignore_index: null"],
        "unknown_loss": ["loss:", "  name: focal"],
        "bce_under_amp": ["loss:", "  name: bce", "amp:", "  enabled: true"],
        "duplicate_key": ["loss:", "  name: cross_entropy", "  name: nll"],
    }[rng.choice(MISTAKES)]


def config(rng: random.Random) -> str:
    dataset, classes = rng.choice(DATASETS)
    quantized = rng.random() < 0.4
    model = rng.choice(QUANT_MODELS if quantized else MODELS)
    epochs = rng.choice([100, 160, 200, 300])
    lines = [
        f"# {dataset} {model}, run {rng.randrange(10**6)}",
        "seed:",
        "  enabled: true",
        f"  value: {rng.randrange(1000)}",
        f"  deterministic: {rng.choice(['true', 'false'])}",
        "",
        "dataset:",
        f'  name: "{dataset}"',
        '  root: "./data"',
        "  download: true",
        f"  num_workers: {rng.choice([2, 4, 8])}",
        "",
        "model:",
        f'  name: "{model}"',
    ]
    if classes == 100 and rng.random() < 0.5:
        lines.append("  num_classes: 100")
    if quantized:
        bits = rng.choice([2, 4, 8])
        lines += [
            "",
            "quantization:",
            "  in_weight_bit_width: 8  # input quantization",
            f"  weight_bit_width: {bits}",
            f"  act_bit_width: {bits}",
        ]
    broken = rng.random() < 1 / 6
    lines += ["", *(_mistake(rng, classes) if broken else _loss(rng, classes, quantized))]
    lines += [
        "",
        "training:",
        f"  batch_size: {rng.choice([64, 128, 256])}",
        f"  epochs: {epochs}",
        "",
        "optimizer:",
        f'  name: "{rng.choice(["sgd", "adam", "adamw"])}"',
        f"  learning_rate: {rng.choice([0.1, 0.05, 0.01, 0.001])}",
        "  momentum: 0.9",
        f"  weight_decay: {rng.choice(['5e-4', '1e-4', '0.0'])}",
        "",
        "scheduler:",
        '  name: "cosine"',
        f"  T_max: {epochs}",
        f"  warmup_epochs: {rng.choice([0, 5])}",
        "",
        "checkpoint:",
        "  enabled: true",
        '  dir: "./experiments"',
        f"  save_frequency: {rng.choice([25, 50])}",
        "  save_best: true",
        "",
        "progress:",
        "  enabled: true",
    ]
    if quantized and not broken:
        lines += ["", "amp:", "  enabled: false  # AMP stays off for quantized training"]
    return "\n".join(lines) + "\n"


def generate(folder: Path, count: int, seed: int = 0) -> list[Path]:
    """`count` configs under `folder` (created, or reused when it already holds them)."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = [folder / f"config_{index:05d}.yaml" for index in range(count)]
    if all(path.exists() for path in paths):
        return paths
    rng = random.Random(seed)
    for path in paths:
        path.write_text(config(rng), encoding="utf-8")
    return paths


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("out", type=Path)
    parser.add_argument("count", type=int)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    generate(args.out, args.count, args.seed)


if __name__ == "__main__":
    main()
