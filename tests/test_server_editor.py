"""The language server's answers without the protocol (`losscfg.server.editor`)."""

from __future__ import annotations

import pytest

from losscfg.diagnostics import FileReport, LossRecord
from losscfg.dialects.names import FAT
from losscfg.load.document import load
from losscfg.server.editor import (
    Place,
    completions,
    disable_on_line,
    hover,
    lint,
    place_at,
)
from losscfg.server.places import key_above

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


# Hydra's loss sites (SPEC §15): a mapping whose `_target_` is a torch.nn loss class.

HYDRA = (
    "model:\n"
    "  _target_: my.Net\n"
    "  criterion:\n"
    "    _target_: torch.nn.CrossEntropyLoss\n"
    "    ignore_index: 255\n"
    "    weigth: 1\n"
    "    _partial_: false\n"
    "losses:\n"
    "  - _target_: torch.nn.modules.loss.L1Loss\n"
    "    reduction: sum\n"
)


def hover_of(text: str, line: int, column: int) -> str:
    return hover(text, line, column, lint(text, "c.yaml").report) or ""


@pytest.mark.parametrize(("line", "column"), [(4, 6), (4, 19)])
def test_hover_on_an_argument_of_a_site_shows_it_and_its_class(line: int, column: int) -> None:
    answer = hover_of(HYDRA, line, column)
    assert answer.startswith("**ignore_index** (torch.nn.CrossEntropyLoss): an integer; ")
    assert "default `-100`" in answer
    assert "**Cross-entropy**: `torch.nn.CrossEntropyLoss`" in answer
    assert "| `label_smoothing` | a number in [0, 1] | `0.0` |" in answer


@pytest.mark.parametrize(("line", "column"), [(3, 4), (3, 20)])
def test_hover_on_the_target_shows_the_class_and_its_arguments(line: int, column: int) -> None:
    answer = hover_of(HYDRA, line, column)
    assert answer.startswith("**Cross-entropy**: `torch.nn.CrossEntropyLoss`\n\nSoftmax")
    assert "| argument | type | default |" in answer
    assert "| `weight` | a tensor | `null` |" in answer
    assert "| `ignore_index` | an integer | `-100` |" in answer


def test_hover_on_a_key_the_class_does_not_take_shows_the_class_and_the_rule() -> None:
    answer = hover_of(HYDRA, 5, 6)
    assert answer.startswith("**Cross-entropy**: `torch.nn.CrossEntropyLoss`")
    assert "**LC102**" in answer


def test_hover_on_hydra_s_own_key_says_what_hydra_does_with_it() -> None:
    assert hover_of(HYDRA, 6, 6).startswith("**_partial_** (Hydra): `true`: instantiate returns")


def test_hover_in_a_list_and_with_the_long_module_path() -> None:
    assert hover_of(HYDRA, 9, 6).startswith("**reduction** (torch.nn.L1Loss): one of: none, ")
    assert "**Mean absolute error**: `torch.nn.L1Loss`" in hover_of(HYDRA, 8, 20)


def test_hover_on_the_project_s_own_class_or_outside_a_site_shows_nothing() -> None:
    assert hover_of(HYDRA, 1, 14) == ""
    assert hover_of(HYDRA, 2, 4) == ""


def test_hover_on_a_site_at_the_root_and_under_loss_is_hydra_s_not_the_framework_s() -> None:
    root = "_target_: torch.nn.CrossEntropyLoss\nlabel_smoothing: 0.1\n"
    assert hover_of(root, 1, 3).startswith("**label_smoothing** (torch.nn.CrossEntropyLoss): ")
    under_loss = "loss:\n  _target_: torch.nn.L1Loss\n  reduction: sum\n"
    assert hover_of(under_loss, 2, 4).startswith("**reduction** (torch.nn.L1Loss): ")


def test_hover_follows_the_dialect_the_report_checked_the_file_in() -> None:
    text = "loss:\n  name: nll\n  _target_: torch.nn.NLLLoss\n"
    framework = FileReport("c.yaml", losses=[LossRecord("/loss", FAT, "torch.nn.NLLLoss")])
    assert hover(text, 1, 10, framework) == hover("loss:\n  name: nll\n", 1, 10, None)
    assert hover(text, 2, 4, None) == hover_of("_target_: torch.nn.NLLLoss\n", 0, 4)


NESTED = "model:\n  criterion:\n    _target_: torch.nn.CrossEntropyLoss\n    ignore_index: 255\n"
TENSOR = (
    "criterion:\n"
    "  _target_: torch.nn.CrossEntropyLoss\n"
    "  weight:\n"
    "    _target_: torch.tensor\n"
    "    data: [1.0, 2.0]\n"
    "  # the class count is the dataset's\n"
)


@pytest.mark.parametrize(
    ("text", "line", "column", "inserted"),
    [
        (NESTED + "    \n", 4, 4, ["weight: ", "reduction: ", "label_smoothing: "]),
        (NESTED + "    la\n", 4, 6, ["weight: ", "reduction: ", "label_smoothing: "]),
        (NESTED + "  \n", 4, 2, []),  # beside criterion: no site
        (
            "_target_: torch.nn.CrossEntropyLoss\n\n",
            1,
            0,
            ["weight: ", "ignore_index: ", "reduction: ", "label_smoothing: "],
        ),
        ("losses:\n  - _target_: torch.nn.L1Loss\n    \n", 2, 4, ["reduction: "]),
        ("loss:\n  _target_: torch.nn.L1Loss\n  \n", 2, 2, ["reduction: "]),
        (TENSOR + "  \n", 6, 2, ["ignore_index: ", "reduction: ", "label_smoothing: "]),
        (TENSOR + "    \n", 6, 4, []),  # inside torch.tensor's mapping
        ("model:\n  _target_: my.Net\n  \n", 2, 2, []),
        (
            "_target_: torch.nn.KLDivLoss\nreduction: \n",
            1,
            11,
            ["none", "batchmean", "sum", "mean"],
        ),
        ("_target_: torch.nn.KLDivLoss\nlog_target: \n", 1, 12, ["true", "false"]),
        ("_target_: torch.nn.CrossEntropyLoss\nlabel_smoothing: \n", 1, 17, ["0.0"]),
        ("_target_: torch.nn.CrossEntropyLoss\nweight: \n", 1, 8, []),  # a tensor: no list
        ("_target_: torch.nn.L1Loss\nbeta: \n", 1, 6, []),
    ],
)
def test_completions_in_a_hydra_file(
    text: str, line: int, column: int, inserted: list[str]
) -> None:
    found = completions(text, line, column, lint(text, "c.yaml").report)
    assert [c.insert for c in found] == inserted


def test_the_arguments_completed_give_their_default_and_skip_deprecated_ones() -> None:
    text = "_target_: torch.nn.LinearCrossEntropyLoss\n\n"
    found = {c.label: c for c in completions(text, 1, 0, lint(text, "c.yaml").report)}
    assert found["in_features"].detail == "an integer >= 1; required"
    assert found["label_smoothing"].detail == "a number in [0, 1]; default 0.0"
    assert found["label_smoothing"].documentation.startswith(
        "**label_smoothing** (torch.nn.LinearCrossEntropyLoss): a number in [0, 1]"
    )
    assert found["label_smoothing"].kind == "property"
    ce = "_target_: torch.nn.CrossEntropyLoss\n\n"
    assert not {"size_average", "reduce"} & {c.label for c in completions(ce, 1, 0, None)}


def test_the_target_s_value_completes_torch_nn_s_loss_classes() -> None:
    text = "loss:\n  _target_: torch.nn.\n"
    found = completions(text, 1, 21, lint(text, "c.yaml").report)
    assert len(found) == 23 and found[4].insert == "torch.nn.CrossEntropyLoss"
    assert found[4].detail == "Cross-entropy" and found[4].kind == "enum"
    assert found[4].documentation.startswith("**Cross-entropy**: `torch.nn.CrossEntropyLoss`")


@pytest.mark.parametrize(
    ("lines", "line", "column", "above"),
    [
        (["a:", "  b: 1", "  "], 2, 2, 1),
        (["a:", "  b:", "    - 1", "", "  # c", "  "], 5, 2, 1),
        (["- x: 1", "  "], 1, 2, 0),
        (["a:", "  - b: 1", "    c: 2", "    "], 3, 4, 2),
        (["a:", "  b: 1", "c: 2", "  "], 3, 2, None),
        (["a:", "  "], 1, 2, None),
    ],
)
def test_key_above_finds_a_key_of_the_mapping_a_line_continues(
    lines: list[str], line: int, column: int, above: int | None
) -> None:
    assert key_above(lines, line, column) == above


LIGHTNING = (
    "model:\n"
    "  class_path: my.Module\n"
    "  init_args:\n"
    "    criterion:\n"
    "      class_path: torch.nn.CrossEntropyLoss\n"
    "      init_args:\n"
    "        ignore_index: 3\n"
)


def test_hover_on_a_lightning_argument_and_its_class_path() -> None:
    answer = hover_of(LIGHTNING, 6, 10)
    assert answer.startswith("**ignore_index** (torch.nn.CrossEntropyLoss): an integer; ")
    assert hover_of(LIGHTNING, 4, 20).startswith("**Cross-entropy**: `torch.nn.CrossEntropyLoss`")


@pytest.mark.parametrize(
    ("text", "line", "column", "inserted"),
    [
        (LIGHTNING + "        \n", 7, 8, ["weight: ", "reduction: ", "label_smoothing: "]),
        (
            "m:\n  class_path: torch.nn.L1Loss\n  init_args:\n    \n    reduction: sum\n",
            3,
            4,
            [],
        ),
        (
            "m:\n  class_path: torch.nn.KLDivLoss\n  init_args:\n    log_target: \n",
            3,
            16,
            ["true", "false"],
        ),
    ],
)
def test_completions_in_a_lightning_file(
    text: str, line: int, column: int, inserted: list[str]
) -> None:
    found = completions(text, line, column, lint(text, "c.yaml").report)
    assert [c.insert for c in found] == inserted


def test_class_path_completes_the_torch_nn_classes() -> None:
    text = "m:\n  class_path: \n"
    found = completions(text, 1, 14, lint(text, "c.yaml").report)
    assert "torch.nn.CrossEntropyLoss" in [c.insert for c in found]
