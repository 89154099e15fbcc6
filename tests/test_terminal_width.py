"""Every table and page fits the terminal: rich lays them out at its width (COLUMNS, else the
terminal's, else 80), wraps texts under their own column, and never hard-wraps a source line.

The dry-run's table is tested here on made-up results; tests/dryrun/test_table_width.py runs
the real command."""

from __future__ import annotations

import io
import itertools
import os
import re
import subprocess
import sys
from collections.abc import Iterable
from pathlib import Path

import pytest
from typer.testing import CliRunner

from losscfg.catalogue.schema import catalogue, default_schema
from losscfg.cli import app
from losscfg.diagnostics import (
    DryRunOptions,
    DryRunResult,
    DryRunStatus,
    FileReport,
    Outcome,
)
from losscfg.lint.check import Options, check_source
from losscfg.lint.rules import all_rules, find
from losscfg.report.page import markdown_lines, rule_page
from losscfg.report.runs import render_table
from losscfg.report.tables import losses_table, rules_table
from losscfg.report.terminal import Piece, width, write_lines
from losscfg.report.text import TextOptions, render

WIDTHS = [60, 80, 120]
ANSI = re.compile("\x1b\\[[0-9;]*m")
# Every word of the dry-run table's headers: a header split mid-word (`a` over `mp`) is not one.
HEADER_WORDS = {
    *("config", "loss", "classes", "targets", "amp", "value", "dtype", "grad", "norm"),
    *("fwd", "bwd", "ms", "peak", "mem", "status"),
}


def plain(lines: Iterable[list[Piece]]) -> list[str]:
    return ["".join(text for text, _ in pieces) for pieces in lines]


def too_long(lines: list[str], columns: int) -> list[str]:
    return [line for line in lines if len(line) > columns]


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


# The width ------------------------------------------------------------------------------------


def test_columns_sets_the_width(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "72")
    assert width(io.StringIO()) == 72
    assert width(Terminal()) == 72


@pytest.mark.parametrize("columns", [None, "", "wide", "0", "-5"])
def test_piped_without_columns_is_80(monkeypatch: pytest.MonkeyPatch, columns: str | None) -> None:
    if columns is None:
        monkeypatch.delenv("COLUMNS", raising=False)
    else:
        monkeypatch.setenv("COLUMNS", columns)
    assert width(io.StringIO()) == 80
    assert width(Terminal()) == 80  # says it is a terminal, but has no size


def test_a_tiny_columns_is_raised_to_a_usable_width(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "5")
    assert width(io.StringIO()) == 20


def test_a_terminal_gives_its_own_width(monkeypatch: pytest.MonkeyPatch) -> None:
    pty = pytest.importorskip("pty")
    monkeypatch.delenv("COLUMNS", raising=False)
    leader, follower = pty.openpty()
    _set_size(follower, 67)
    with os.fdopen(follower, "w") as stream:
        assert width(stream) == 67
    os.close(leader)


def _set_size(fd: int, columns: int, rows: int = 40) -> None:
    import fcntl
    import struct
    import termios

    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", rows, columns, 0, 0))


# The dry-run's table --------------------------------------------------------------------------


def _run(
    path: str,
    loss: str,
    value: float,
    *,
    amp: str | None = None,
    memory: int | None = None,
    status: DryRunStatus = DryRunStatus.PASSED,
) -> FileReport:
    device = "cuda:0" if memory is not None else "cpu"
    result = DryRunResult(
        loss,
        device,
        10,
        amp_dtype=amp,
        targets="labels",
        loss_value=value,
        loss_dtype="float32",
        grad_norm=0.8765,
        forward_ms=12.35,
        backward_ms=3.21,
        peak_memory_bytes=memory,
    )
    return FileReport(path, loss=loss, dry_run=result, dry_run_status=status)


def _outcome(*, cuda: bool) -> Outcome:
    memory = 3 << 20 if cuda else None
    reports = [
        _run("configs/cifar10_resnet20.yaml", "cross_entropy", 2.303, memory=memory),
        _run(
            "configs/imagenet_vit_amp.yaml", "bce_with_logits", 0.6931, amp="float16", memory=memory
        ),
        _run("configs/mnist_mlp.yaml", "nll", 2.298, memory=memory),
    ]
    device = "cuda" if cuda else "cpu"
    return Outcome(reports, DryRunOptions(device), "2.13.0+cu126" if cuda else "2.13.0+cpu")


def _table(lines: list[str]) -> tuple[list[str], list[str]]:
    """The header lines and the row lines of the table: the block after the first blank line,
    its header ending with the line that starts with `config`."""
    start = lines.index("") + 1
    block = lines[start : lines.index("", start)]
    rows = next(i for i, line in enumerate(block) if line.startswith("config")) + 1
    return block[:rows], block[rows:]


@pytest.mark.parametrize("cuda", [False, True], ids=["cpu", "cuda"])
@pytest.mark.parametrize("columns", WIDTHS)
def test_the_dry_run_table_fits(columns: int, cuda: bool) -> None:
    outcome = _outcome(cuda=cuda)
    lines = plain(render_table(outcome, width=columns))
    assert not too_long(lines, columns)
    header, rows = _table(lines)
    assert len(rows) == len(outcome.reports)  # a row a run, on one line
    for line, report in zip(rows, outcome.reports, strict=True):
        assert line.startswith(Path(report.path).name)
        assert report.loss is not None and f"  {report.loss}  " in line
        assert line.endswith("passed")
    assert 1 <= len(header) <= 2 and header[-1].startswith("config")
    for line in header:
        assert set(line.split()) <= HEADER_WORDS, line
    assert lines[-1] == "3 passed, 0 failed, 0 not run (3 configs)"


@pytest.mark.parametrize("cuda", [False, True], ids=["cpu", "cuda"])
def test_the_dry_run_table_has_every_measure_at_120(cuda: bool) -> None:
    lines = plain(render_table(_outcome(cuda=cuda), width=120))
    header, rows = _table(lines)
    words = " ".join(header).split()
    for word in ("loss", "classes", "targets", "amp", "value", "grad", "norm", "fwd", "bwd"):
        assert word in words
    assert ("peak" in words and "mem" in words) is cuda  # measured on CUDA only
    for value in ("2.303", "10", "labels", "0.8765", "12.35", "3.21"):
        assert value in rows[0].split()
    assert "float16" in rows[1].split()
    assert ("3.0 MiB" in rows[0]) is cuda


def test_columns_give_way_as_the_terminal_narrows() -> None:
    outcome = _outcome(cuda=True)
    shown = []
    for columns in (200, 120, 100, 80, 60):
        header, _ = _table(plain(render_table(outcome, width=columns)))
        shown.append(set(" ".join(header).split()))
    assert shown[0] == HEADER_WORDS  # wide: everything, the dtype too
    for wider, narrower in itertools.pairwise(shown):
        assert narrower <= wider
    assert {"config", "loss", "status"} <= shown[-1]
    assert "value" in shown[-2]  # the loss value still fits at 60


def test_without_a_width_the_table_has_every_column_on_one_line() -> None:
    lines = plain(render_table(_outcome(cuda=True)))
    header, rows = _table(lines)
    assert len(header) == 1 and header[0].split()[-3:] == ["peak", "mem", "status"]
    assert "float32" in rows[0] and "3.0 MiB" in rows[0]


def test_a_long_config_path_folds_rather_than_overflowing() -> None:
    report = _run("a_" + "very_" * 20 + "long_name.yaml", "cross_entropy", 2.303)
    lines = plain(render_table(Outcome([report], DryRunOptions(), "2.13.0"), width=60))
    assert not too_long(lines, 60)
    header, rows = _table(lines)
    assert header[-1].split() == ["config", "loss", "status"]
    assert "".join(line.split()[0] for line in rows) == report.path
    assert rows[0].split()[1:] == ["cross_entropy", "passed"]


def test_the_not_run_reason_keeps_its_command_whole() -> None:
    """Why a config was not run is not wrapped, as the check's report is not: its command goes
    on a line of its own, whole (to copy), where the line would be too wide."""
    ran = _run("configs/cifar10_resnet20.yaml", "cross_entropy", 2.303)
    not_run = FileReport("configs/a_config_with_a_long_name.yaml", loss="focal")
    not_run.dry_run_status = DryRunStatus.NOT_RUN
    outcome = Outcome([ran, not_run], DryRunOptions(), "2.13.0")
    lines = plain(render_table(outcome, width=60, rerun="losscfg check --num-classes 10"))
    _, rows = _table(lines)
    assert len(rows) == 2 and rows[1].endswith("not run") and len(rows[1]) <= 60
    reason = "(see losscfg check --num-classes 10 configs/a_config_with_a_long_name.yaml)"
    at = lines.index(f"  {reason}")
    assert lines[at - 1] == (
        "configs/a_config_with_a_long_name.yaml: not run: 0 errors in the static check"
    )
    wide = plain(render_table(outcome, width=200, rerun="losscfg check --num-classes 10"))
    assert (
        f"configs/a_config_with_a_long_name.yaml: not run: 0 errors in the static check {reason}"
        in wide
    )


def test_the_table_is_coloured_only_with_colour() -> None:
    lines = list(render_table(_outcome(cuda=False), width=80))
    stream = Terminal()
    write_lines(lines, stream, color=True)
    assert "\x1b[32mpassed\x1b[0m" in stream.getvalue()  # the status, green
    assert ANSI.sub("", stream.getvalue()) == "\n".join(plain(lines)) + "\n"
    piped = io.StringIO()
    write_lines(lines, piped, color=False)
    assert "\x1b[" not in piped.getvalue()


# `losscfg rules` and `losscfg losses` ---------------------------------------------------------


def _invoke(columns: int, *args: str, env: dict[str, str] | None = None) -> str:
    result = CliRunner().invoke(app, list(args), env={"COLUMNS": str(columns), **(env or {})})
    assert result.exit_code == 0, result.output
    return result.stdout


@pytest.mark.parametrize("columns", WIDTHS)
def test_rules_fit_and_wrap_under_their_column(columns: int) -> None:
    lines = _invoke(columns, "rules", env={"NO_COLOR": "1"}).splitlines()
    assert not too_long(lines, columns)
    header = lines[0]
    stacked = "name, what it checks" in header
    column = header.index("name, what it checks" if stacked else "what it checks")
    blocks: list[list[str]] = []
    for line in lines[1:]:
        if line.startswith("LC"):
            blocks.append([line])
        else:  # a hanging indent: it goes on under its own column
            assert len(line) - len(line.lstrip()) == column, line
            blocks[-1].append(line)
    rules = all_rules()
    assert [block[0].split()[0] for block in blocks] == [rule.code for rule in rules]
    for block, rule in zip(blocks, rules, strict=True):
        text = " ".join(line[column:].strip() for line in block)
        assert text == (f"{rule.name} {rule.summary}" if stacked else rule.summary)
        if not stacked:
            assert block[0].split()[1:3] == [rule.name, str(rule.severity)]


def test_rules_keep_one_line_a_rule_where_it_is_wide() -> None:
    lines = _invoke(400, "rules").splitlines()
    assert len(lines) == len(all_rules()) + 1


@pytest.mark.parametrize("columns", WIDTHS)
def test_losses_fit_and_wrap_under_their_column(columns: int) -> None:
    text = _invoke(columns, "losses", env={"NO_COLOR": "1"})
    lines = text.splitlines()
    assert not too_long(lines, columns)
    words = " ".join(text.split())
    known = catalogue()
    classes = default_schema().classes()
    for loss in [*known.losses.values(), *classes.values()]:
        assert loss.torch_class in words and " ".join(loss.description.split()) in words
        for name, parameter in loss.parameters.items():
            assert f"{name} {parameter.expected}" in words
            assert " ".join(parameter.description.split()) in words
    for block in text.split("\n\n"):  # a loss: its name, what it expects, its parameters
        heading, *rest = block.splitlines()
        if not rest and heading.endswith(":"):  # "The framework's losses", "torch.nn loss classes"
            continue
        assert not heading.startswith(" ")
        indents = {len(line) - len(line.lstrip()) for line in rest}
        assert 2 in indents and len(indents - {2}) <= 1, block  # a description's indent


def test_losses_are_a_table_where_it_is_wide() -> None:
    lines = _invoke(200, "losses").splitlines()
    row = next(line for line in lines if line.startswith("  label_smoothing"))
    assert re.fullmatch(r"  label_smoothing\s+a number in \[0, 1\]\s+default 0\.0\s+Share .*", row)


def test_tables_without_a_width_do_not_wrap() -> None:
    rules = plain(rules_table(all_rules()))
    assert len(rules) == len(all_rules()) + 1
    losses = plain(losses_table(list(catalogue().losses.values()), "cross_entropy"))
    assert sum(line.startswith("  label_smoothing") for line in losses) == 1
    assert not any(line.startswith("    ") for line in losses)


# `losscfg rule CODE` ---------------------------------------------------------------------------


@pytest.mark.parametrize("columns", WIDTHS)
def test_a_rule_page_is_laid_out_at_the_width(columns: int) -> None:
    rule = find("LC301")
    assert rule is not None
    lines = plain(markdown_lines(rule_page(rule), columns))
    assert not too_long(lines, columns)
    text = "\n".join(lines)
    assert "amp-unsafe-loss (LC301)" in text and "Default severity: error" in text
    assert "What it does" in text and "## What it does" not in text
    assert "`" not in text  # inline code is styled, not quoted
    if columns == 120:  # paragraphs reflow: the docstring's lines are at most 95 wide
        assert max(len(line) for line in lines) > 95


def test_a_rule_page_piped_is_the_markdown_itself() -> None:
    rule = find("LC301")
    assert rule is not None
    for columns in WIDTHS:
        assert _invoke(columns, "rule", "LC301") == rule_page(rule) + "\n"
    assert rule_page(rule).startswith("# amp-unsafe-loss (LC301)\n\nDefault severity: error\n\n")


def test_a_rule_page_is_laid_out_when_colour_is_forced() -> None:
    out = _invoke(60, "rule", "LC301", env={"FORCE_COLOR": "1"})
    assert "\x1b[" in out
    lines = ANSI.sub("", out).splitlines()
    assert not too_long(lines, 60) and "## What it does" not in out


def test_a_rule_page_on_a_terminal(in_tmp: Path) -> None:
    pytest.importorskip("pty")
    out = _on_a_terminal(["rule", "LC301"], columns=60)
    assert "\x1b[" in out
    lines = ANSI.sub("", out).splitlines()
    assert lines and not too_long(lines, 60)
    assert any("amp-unsafe-loss (LC301)" in line for line in lines)
    assert "## What it does" not in out


def _on_a_terminal(args: list[str], *, columns: int) -> str:
    """What `losscfg ARGS` writes to a terminal `columns` wide (no COLUMNS set)."""
    import pty

    leader, follower = pty.openpty()
    _set_size(follower, columns)
    drop = ("NO_COLOR", "FORCE_COLOR", "COLUMNS", "LINES")
    environment = {k: v for k, v in os.environ.items() if k not in drop}
    process = subprocess.Popen(
        [sys.executable, "-m", "losscfg", *args],
        stdin=subprocess.DEVNULL,
        stdout=follower,
        stderr=follower,
        env=environment,
    )
    os.close(follower)
    chunks = []
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # the terminal's other end is closed: the command is done
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(leader)
    assert process.wait() == 0
    return b"".join(chunks).decode("utf-8").replace("\r\n", "\n")


def test_rules_on_a_terminal_take_its_width() -> None:
    pytest.importorskip("pty")
    lines = ANSI.sub("", _on_a_terminal(["rules"], columns=60)).splitlines()
    assert not too_long(lines, 60) and lines[0].split()[:2] == ["code", "severity"]


# The text report: source lines and carets are never wrapped -----------------------------------

LONG = ", ".join(["1.0"] * 45)  # a source line of 150 characters: cut at 120 around the span
CONFIG = f"model:\n  num_classes: 3\nloss:\n  name: cross_entropy\n  weight: [{LONG}]\n"


@pytest.mark.parametrize("columns", WIDTHS)
def test_source_lines_and_carets_are_exact_at_any_width(
    monkeypatch: pytest.MonkeyPatch, columns: int
) -> None:
    monkeypatch.setenv("COLUMNS", str(columns))
    report = check_source(CONFIG, "configs/c.yaml", Options())
    lines = list(render([report], TextOptions()))
    source = next(line for line in plain(lines) if line.startswith("  5 | "))
    caret = plain(lines)[plain(lines).index(source) + 1]
    assert len(source) > columns and caret.strip(" |").startswith("^")

    coloured = Terminal()
    write_lines(lines, coloured, color=True)
    piped = io.StringIO()
    write_lines(lines, piped, color=False)
    assert "\x1b[" in coloured.getvalue()
    assert ANSI.sub("", coloured.getvalue()) == piped.getvalue()  # nothing wrapped or reflowed
    written = ANSI.sub("", coloured.getvalue()).splitlines()
    assert source in written and written[written.index(source) + 1] == caret
