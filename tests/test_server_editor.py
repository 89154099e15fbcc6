"""The language server's answers without the protocol (`losscfg.server.editor`)."""

from __future__ import annotations

import pytest

from losscfg.load.document import load
from losscfg.server.editor import (
    Place,
    completions,
    disable_on_line,
    hover,
    lint,
    place_at,
)

CONFIG = "loss:\n  name: nll\n  weight: [1.0, 2.0]\ndataset: {name: cifar10}\n"


@pytest.mark.parametrize(
    ("line", "column", "place"),
    [
        (0, 1, Place(("loss",), True)),
        (1, 3, Place(("loss", "name"), True)),
        (1, 9, Place(("loss", "name"), False)),
        (2, 12, Place(("loss", "weight", 0), False)),
        (2, 4, Place(("loss", "weight"), True)),
        (3, 18, Place(("dataset", "name"), False)),
    ],
)
def test_place_at_finds_the_key_or_value_under_the_cursor(
    line: int, column: int, place: Place
) -> None:
    assert place_at(load(CONFIG), line, column) == place


@pytest.mark.parametrize(
    ("text", "line", "insertion"),
    [
        ("loss:\n  name: nll\n", 1, (11, 11, "  # losscfg: disable=LC211")),
        ("loss:\n  name: nll   \n", 1, (11, 14, "  # losscfg: disable=LC211")),
        ("loss:\n  name: nll  # losscfg: disable=LC107\n", 1, (37, 37, ",LC211")),
        ("loss:\r\n  name: nll  # note\r\n", 1, (19, 19, "  # losscfg: disable=LC211")),
        ('loss:\n  name: "nll\n    "\n', 1, None),  # the comment would join the value
    ],
)
def test_disable_on_this_line(text: str, line: int, insertion: tuple[int, int, str] | None) -> None:
    assert disable_on_line(text, line, "LC211") == insertion


def test_lint_skips_what_is_no_config_and_checks_a_broken_config() -> None:
    assert lint("- id: x\n", "hooks.yaml").report is None
    report = lint("loss:\n  name: [nll\n", "c.yaml").report
    assert report is not None and [d.code for d in report.diagnostics] == ["LC001"]


def test_lint_reads_the_settings_of_the_file(tmp_path) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "pyproject.toml").write_text('[tool.losscfg]\nignore = ["LC101"]\n')
    report = lint("loss:\n  name: focal\n", str(tmp_path / "c.yaml")).report
    assert report is not None and report.diagnostics == []
    (tmp_path / "pyproject.toml").write_text("[tool.losscfg]\nbogus = 1\n")
    result = lint("loss:\n  name: focal\n", str(tmp_path / "c.yaml"))
    assert (
        result.settings_problem is not None and "unknown setting bogus" in result.settings_problem
    )
    assert result.report is not None and [d.code for d in result.report.diagnostics] == ["LC101"]


def test_hover_on_an_unknown_loss_lists_the_known_ones() -> None:
    text = "loss:\n  name: focal\n"
    answer = hover(text, 1, 9, lint(text, "c.yaml").report)
    assert answer is not None and answer.startswith("**loss.name**: one of `cross_entropy`")
    assert "**LC101** `unknown-loss` (error)" in answer


@pytest.mark.parametrize(
    ("text", "line", "column", "inserted"),
    [
        (
            "dataset:\n  name: \n",
            1,
            8,
            ["cifar10", "cifar100", "mnist", "fashion_mnist", "imagenet"],
        ),
        ("amp:\n  enabled: \n", 1, 11, ["true", "false"]),
        ("loss:\n  name: kl_div\n  log_target: \n", 2, 14, ["true", "false"]),
        ("loss:\n  name: smooth_l1\n  beta: \n", 2, 8, ["1.0"]),
        ("loss:\n  name: nll\n  weight: \n", 2, 10, ["[1.0]"]),  # the class count is unknown
        ("loss:\n  name: mse\n  \n", 2, 2, []),  # mse takes no parameters
        ("model:\n  \n", 1, 2, []),  # losscfg completes the loss section only
    ],
)
def test_completions(text: str, line: int, column: int, inserted: list[str]) -> None:
    found = completions(text, line, column, lint(text, "c.yaml").report)
    assert [c.insert for c in found] == inserted


def test_lint_checks_an_open_file_as_the_cli_checks_a_named_one(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """A document open in the editor is checked as `losscfg check FILE` checks it: exclusions
    are for searches (and --force-exclude), not for a file the user is looking at."""
    (tmp_path / "pyproject.toml").write_text('[tool.losscfg]\nextend-exclude = ["old/"]\n')
    report = lint("loss:\n  name: focal\n", str(tmp_path / "old" / "c.yaml")).report
    assert report is not None and [d.code for d in report.diagnostics] == ["LC101"]
