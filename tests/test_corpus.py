"""The real configs of the framework (../shared/corpus/fat): clean as they are, and each
mistake a user makes in them is reported at the line where it was made."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest

from helpers import CORPUS
from losscfg.cli import app
from losscfg.diagnostics import Severity
from losscfg.lint.check import Options, check_path, check_source

REAL_CONFIGS = sorted(CORPUS.glob("*.yaml")) if CORPUS.is_dir() else []
needs_corpus = pytest.mark.skipif(not REAL_CONFIGS, reason=f"no shared corpus at {CORPUS}")


@needs_corpus
@pytest.mark.parametrize("config", REAL_CONFIGS, ids=lambda p: p.name)
def test_real_config_has_no_error_and_no_warning(config: Path) -> None:
    report = check_path(str(config), Options())
    serious = [d for d in report.diagnostics if d.severity != Severity.INFO]
    assert serious == []
    assert report.num_classes in (10, 100)
    assert report.num_classes_source in ("dataset.name", "model.num_classes")


def test_the_whole_corpus_from_the_command_line(cli, corpus: Path) -> None:  # type: ignore[no-untyped-def]
    result = cli.invoke(app, ["check", "--strict", str(corpus)])
    assert result.exit_code == 0
    assert result.stdout == f"No errors or warnings in {len(list(corpus.glob('*.yaml')))} files.\n"


def _section(lines: list[str], key: str) -> tuple[int, int] | None:
    """[start, end) of a top-level section's lines (its key line and indented children)."""
    start = next((i for i, line in enumerate(lines) if re.match(rf"{key}:\s*(#.*)?$", line)), None)
    if start is None:
        return None
    end = start + 1
    while end < len(lines) and (lines[end].startswith((" ", "\t")) or not lines[end].strip()):
        end += 1
    return start, end


def _replace(lines: list[str], key: str, body: list[str]) -> tuple[list[str], int]:
    """The config with section `key` rewritten as `body`, at the end; the 1-based line of its
    first child."""
    found = _section(lines, key)
    if found:
        lines = lines[: found[0]] + lines[found[1] :]
    while lines and not lines[-1].strip():
        lines = lines[:-1]
    lines = [*lines, f"{key}:", *(f"  {line}" for line in body)]
    return lines, len(lines) - len(body) + 1


def misspelt_loss(lines: list[str]) -> tuple[list[str], int]:
    return _replace(lines, "loss", ["name: sqr_hinj"])


def misspelt_parameter(lines: list[str]) -> tuple[list[str], int]:
    new, first = _replace(lines, "loss", ["name: cross_entropy", "label_smothing: 0.1"])
    return new, first + 1


def wrong_weight_length(lines: list[str]) -> tuple[list[str], int]:
    new, first = _replace(lines, "loss", ["name: cross_entropy", "weight: [1.0, 2.0, 3.0]"])
    return new, first + 1


def null_ignore_index(lines: list[str]) -> tuple[list[str], int]:
    new, first = _replace(lines, "loss", ["name: nll", "ignore_index: null"])
    return new, first + 1


def exponent_label_smoothing(lines: list[str]) -> tuple[list[str], int]:
    new, first = _replace(lines, "loss", ["name: cross_entropy", "label_smoothing: 1e-1"])
    return new, first + 1


def amp_for_sqr_hinge(lines: list[str]) -> tuple[list[str], int]:
    new, _ = _replace(lines, "loss", ["name: sqr_hinge"])
    return _replace(new, "amp", ["enabled: true"])


def duplicated_key(lines: list[str]) -> tuple[list[str], int]:
    found = _section(lines, "dataset")
    assert found is not None
    name = next(i for i in range(*found) if lines[i].strip().startswith("name:"))
    return [*lines[: name + 1], lines[name], *lines[name + 1 :]], name + 2


MUTATIONS: list[tuple[Callable[[list[str]], tuple[list[str], int]], str, str]] = [
    (misspelt_loss, "LC101", "did you mean 'sqr_hinge'?"),
    (misspelt_parameter, "LC102", "did you mean 'label_smoothing'?"),
    (wrong_weight_length, "LC201", "weight has 3 entries but there are "),
    (null_ignore_index, "LC106", "omit ignore_index"),
    (exponent_label_smoothing, "LC108", "0.1"),
    (amp_for_sqr_hinge, "LC302", "amp.enabled: false"),
    (duplicated_key, "LC002", "line"),
]


@needs_corpus
@pytest.mark.parametrize(("mutate", "code", "words"), MUTATIONS, ids=[m[1] for m in MUTATIONS])
def test_mutations_are_reported_at_the_mutated_line(
    mutate: Callable[[list[str]], tuple[list[str], int]], code: str, words: str
) -> None:
    for config in REAL_CONFIGS:
        lines, line = mutate(config.read_text(encoding="utf-8").splitlines())
        report = check_source("\n".join(lines) + "\n", config.name, Options())
        found = [d for d in report.diagnostics if d.code == code]
        assert [d.line for d in found] == [line], (config.name, report.diagnostics)
        text = f"{found[0].message} {found[0].hint}"
        assert words in text, (config.name, text)


FAT_REPO = CORPUS.parent / "fat-repo"


def test_the_framework_s_141_configs_have_exactly_its_four_duplicate_keys(cli) -> None:  # type: ignore[no-untyped-def]
    configs = FAT_REPO / "configs"
    if not configs.is_dir():
        pytest.skip(f"the shared corpus is absent: no folder {configs}")
    import json

    result = cli.invoke(app, ["check", "--strict", "--format", "json", str(configs)])
    report = json.loads(result.stdout)
    # The framework's 8 evaluation configs (name, seed, checkpoint, ...) are no training configs.
    assert report["summary"]["files"] == 133
    skipped = [Path(s["path"]).parent.name for s in report["skipped"]]
    assert skipped == ["examples"] * 8
    failing = [
        (Path(f["path"]).name, d["code"], d["line"], d["column"])
        for f in report["files"]
        for d in f["diagnostics"]
        if d["severity"] != "info"
    ]
    stem = "quant_mobilenet_large_inw8_{}_cifar100_fat_activations_relu_{}_random.yaml"
    assert sorted(failing) == sorted(
        (stem.format(bits, relu), "LC002", 49, 3) for bits in ("w4_a4", "w8_a8") for relu in (3, 5)
    )
    assert result.exit_code == 1
