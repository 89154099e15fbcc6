"""`losscfg dry-run` and `check --dry-run` fit the terminal: at 60, 80 and 120 columns a run is a
row on one line, no header is split mid-word, and the JSON report does not depend on the width.
The layout itself is tested on made-up results in tests/test_terminal_width.py."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from helpers import write

pytest.importorskip("torch")

from losscfg.cli import app

WIDTHS = [60, 80, 120]
HEADER_WORDS = {
    *("config", "loss", "classes", "targets", "amp", "value", "dtype", "grad", "norm"),
    *("fwd", "bwd", "ms", "peak", "mem", "status"),
}
CONFIGS = {
    "cifar10_resnet20.yaml": "dataset:\n  name: cifar10\nloss:\n  name: cross_entropy\n",
    "multilabel_bce_amp.yaml": (
        "model:\n  num_classes: 5\nloss:\n  name: bce_with_logits\namp:\n  enabled: true\n"
    ),
    "kl_div_soft_targets.yaml": "model:\n  num_classes: 4\nloss:\n  name: kl_div\n",
    "broken.yaml": "loss:\n  name: focal\n",
}


def _table(lines: list[str]) -> tuple[list[str], list[str]]:
    """The header lines and the rows: the block after the first blank line."""
    start = lines.index("") + 1
    block = lines[start : lines.index("", start)]
    rows = next(i for i, line in enumerate(block) if line.startswith("config")) + 1
    return block[:rows], block[rows:]


@pytest.fixture
def configs(in_tmp: Path) -> Path:
    for name, text in CONFIGS.items():
        write(in_tmp, f"configs/{name}", text)
    return in_tmp / "configs"


@pytest.mark.parametrize("columns", WIDTHS)
def test_the_dry_run_fits_the_terminal(cli, configs: Path, columns: int) -> None:  # type: ignore[no-untyped-def]
    result = cli.invoke(app, ["dry-run", "--steps", "1", "configs"], env={"COLUMNS": str(columns)})
    assert result.exit_code == 1, result.output  # broken.yaml is not run
    lines = result.stdout.splitlines()
    header, rows = _table(lines)
    table = [*lines[: lines.index("")], *header, *rows, lines[-1]]
    assert all(len(line) <= columns for line in table), "\n".join(table)
    for line in header:
        assert set(line.split()) <= HEADER_WORDS, line
    expected = {
        "broken.yaml": ("-", "not run"),  # focal: no loss the trainer knows
        "cifar10_resnet20.yaml": ("cross_entropy", "passed"),
        "kl_div_soft_targets.yaml": ("kl_div", "passed"),
        "multilabel_bce_amp.yaml": ("bce_with_logits", "passed"),
    }
    assert [row.split()[0] for row in rows] == list(expected)  # a run, a line
    for row, (loss, status) in zip(rows, expected.values(), strict=True):
        assert f"  {loss}  " in row and row.endswith(status)
    assert "(see losscfg check configs/broken.yaml)" in result.stdout  # whole, not wrapped
    assert lines[-1] == "3 passed, 0 failed, 1 not run (4 configs)"
    if columns == 120:  # full detail: the measures (peak memory is measured on CUDA only)
        words = " ".join(header).split()
        assert {"grad", "norm", "fwd", "bwd", "ms", "amp", "targets"} <= set(words)
        assert "bfloat16" in rows[3] and "natural" in rows[3] and "labels" in rows[1]


@pytest.mark.parametrize("columns", WIDTHS)
def test_check_dry_run_table_fits_the_terminal(cli, configs: Path, columns: int) -> None:  # type: ignore[no-untyped-def]
    args = [
        "check",
        "--dry-run",
        "configs/cifar10_resnet20.yaml",
        "configs/kl_div_soft_targets.yaml",
    ]
    result = cli.invoke(app, args, env={"COLUMNS": str(columns)})
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("losscfg dry-run on cpu"))
    _, rows = _table(lines[start:])
    assert all(len(line) <= columns for line in lines[start:])
    assert [row.split()[:2] for row in rows] == [
        ["cifar10_resnet20.yaml", "cross_entropy"],
        ["kl_div_soft_targets.yaml", "kl_div"],
    ]
    assert all(row.endswith("passed") for row in rows)
    assert lines[-1] == "2 passed, 0 failed, 0 not run (2 configs)"


def test_the_json_report_does_not_depend_on_the_width(cli, configs: Path) -> None:  # type: ignore[no-untyped-def]
    def runs(columns: int) -> list[dict[str, object]]:
        args = ["dry-run", "--format", "json", "--steps", "1", "configs"]
        result = cli.invoke(app, args, env={"COLUMNS": str(columns)})
        found: list[dict[str, object]] = json.loads(result.stdout)["runs"]
        return found

    narrow, wide = runs(60), runs(200)
    timings = ("forward_ms", "backward_ms")
    strip = [{k: v for k, v in run.items() if k not in timings} for run in narrow]
    assert strip == [{k: v for k, v in run.items() if k not in timings} for run in wide]
    assert all(set(run) >= {"grad_norm", "loss_dtype", "peak_memory_bytes"} for run in narrow)
