"""LC110–LC115 (losscfg.lint.rules.targets): the traps of a loss named by its
torch.nn class, as Hydra's instantiate meets them (SPEC §15, DIALECT_FACTS.md)."""

from __future__ import annotations

import pytest

from helpers import check, only, position, yaml
from losscfg.diagnostics import Applicability, FixMode, Severity
from losscfg.lint.check import Options
from losscfg.workspace.fixing import fix_text


def _fixed(text: str, *, unsafe: bool = False) -> str:
    fixed, _ = fix_text(yaml(text), "c.yaml", Options(), FixMode(unsafe=unsafe, write=False))
    return fixed


@pytest.mark.parametrize(
    ("text", "where", "meant", "applicability"),
    [
        (
            "_target_: torch.nn.CrossEntropyloss\n",
            (1, 11, 1, 36),
            "torch.nn.CrossEntropyLoss",
            Applicability.SAFE,  # only the case differs
        ),
        (
            "model:\n  criterion:\n    _target_: nn.MSELoss\n",
            (3, 15, 3, 25),
            "torch.nn.MSELoss",
            Applicability.UNSAFE,
        ),
        (
            "criterion: {_target_: L1Loss}\n",
            (1, 23, 1, 29),
            "torch.nn.L1Loss",
            Applicability.UNSAFE,
        ),
        (
            "_target_: torch.nn.modules.loss.BCEwithLogitsLoss\n",
            (1, 11, 1, 50),
            "torch.nn.BCEWithLogitsLoss",
            Applicability.SAFE,
        ),
    ],
)
def test_a_target_that_hydra_cannot_import(
    text: str, where: tuple[int, int, int, int], meant: str, applicability: Applicability
) -> None:
    d = only(text, "LC110")
    target = yaml(text).split("_target_: ", 1)[1].split("}")[0].strip()
    assert d.severity == "error" and position(d) == where
    assert d.message == (
        f"_target_ {target!r} names no loss class Hydra can import: instantiate fails with "
        f"\"Error locating target '{target}'\""
    )
    assert d.hint == f"did you mean {meant!r}?"
    assert d.fix is not None and d.fix.applicability is applicability
    assert meant in _fixed(text, unsafe=True)


def test_a_loss_torch_nn_does_not_have_is_reported_without_a_guess() -> None:
    d = only("_target_: torch.nn.FocalLoss\ngamma: 2.0\n", "LC110")
    assert d.hint == "see `losscfg losses` for the classes" and d.fix is None


@pytest.mark.parametrize(
    "target",
    ["torch.nn.Linear", "my_project.losses.FocalLoss", "torch.optim.Adam", "torch.nn.Identity"],
)
def test_other_targets_are_the_project_s_business(target: str) -> None:
    assert "LC110" not in [d.code for d in check(f"net:\n  _target_: {target}\n")]


def test_a_weight_list_is_no_tensor() -> None:
    text = "criterion:\n  _target_: torch.nn.CrossEntropyLoss\n  weight: [1, 2, 1]  # per class\n"
    d = only(text, "LC111")
    assert d.severity == "error" and position(d) == (3, 11, 3, 20)
    assert d.message == (
        'weight is a YAML list, not a tensor: instantiate fails with "cannot assign '
        "'omegaconf.listconfig.ListConfig' object to buffer 'weight' (torch Tensor or None "
        'required)"'
    )
    assert d.fix is not None and d.fix.applicability is Applicability.SAFE
    # CrossEntropyLoss needs float weights: the integers are written as floats
    assert _fixed(text) == (
        "criterion:\n  _target_: torch.nn.CrossEntropyLoss\n"
        "  weight: {_target_: torch.tensor, data: [1.0, 2.0, 1.0]}  # per class\n"
    )
    assert [d.code for d in check(_fixed(text))] == ["LC203"]  # an info: no class count
    assert check(_fixed(text), num_classes=3) == []


def test_a_pos_weight_number_is_no_tensor_and_keeps_its_integers_where_they_train() -> None:
    text = "_target_: torch.nn.BCEWithLogitsLoss\npos_weight: [3]\n"
    assert "cannot assign 'omegaconf.listconfig.ListConfig'" in only(text, "LC111").message
    assert _fixed(text).endswith("pos_weight: {_target_: torch.tensor, data: [3]}\n")
    number = only("_target_: torch.nn.BCEWithLogitsLoss\npos_weight: 2.0\n", "LC111")
    assert "cannot assign 'float' object to buffer 'pos_weight'" in number.message


def test_a_block_list_is_reported_and_left_to_the_user() -> None:
    d = only("_target_: torch.nn.NLLLoss\nweight:\n  - 1.0\n  - 2.0\n", "LC111")
    assert d.fix is None and d.hint is not None and "no automatic fix" in d.hint


@pytest.mark.parametrize(
    "weight",
    [
        "{_target_: torch.tensor, data: [1.0, 2.0]}",
        "null",
        "${class_weights}",
    ],
)
def test_a_tensor_built_or_left_out_is_fine(weight: str) -> None:
    assert "LC111" not in [
        d.code for d in check(f"_target_: torch.nn.CrossEntropyLoss\nweight: {weight}\n")
    ]


def test_a_partial_loss_is_noted() -> None:
    d = only("_target_: torch.nn.CrossEntropyLoss\n_partial_: true\n", "LC112")
    assert d.severity == "info" and position(d) == (2, 1, 2, 10)
    assert "LC112" not in [
        d.code for d in check("_target_: torch.nn.CrossEntropyLoss\n_partial_: false\n")
    ]


@pytest.mark.parametrize("argument", ["size_average", "reduce"])
def test_deprecated_arguments(argument: str) -> None:
    d = only(f"_target_: torch.nn.MSELoss\n{argument}: false\n", "LC114")
    assert d.severity == "warning" and position(d) == (2, 1, 2, 1 + len(argument))
    assert d.message == f"{argument} is deprecated: torch maps it to a reduction and warns"
    assert d.hint is not None and d.hint.startswith("write reduction instead")


def test_the_framework_s_files_never_get_these_rules() -> None:
    """A framework config cannot hold a `_target_` (it would be a Hydra file), and its
    `weight` lists are what its factory wants."""
    codes = [d.code for d in check("loss:\n  name: cross_entropy\n  weight: [1.0, 2.0]\n")]
    assert not {"LC110", "LC111", "LC112", "LC114"} & set(codes)


@pytest.mark.parametrize(
    ("text", "line", "why"),
    [
        ("_target_: torch.nn.NLLLoss\nignore_index: ???\n", 2, "??? must be given when the job"),
        (
            "m:\n  class_path: torch.nn.NLLLoss\n  init_args:\n    ignore_index: ${data.ignore}\n",
            4,
            "jsonargparse resolves it only in its omegaconf parser mode",
        ),
    ],
)
def test_lc113_notes_a_value_only_the_job_knows(text: str, line: int, why: str) -> None:
    d = only(text, "LC113")
    assert d.severity is Severity.INFO and d.line == line
    assert why in d.message and d.message.endswith("so its checks are skipped")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "_target_: torch.nn.LinearCrossEntropyLoss\nin_features: 5\n",
            "torch.nn.LinearCrossEntropyLoss needs 'num_classes': instantiate fails with "
            '"TypeError: LinearCrossEntropyLoss.__init__() missing 1 required positional '
            "argument: 'num_classes'\"",
        ),
        (
            "model:\n  criterion: torch.nn.LinearCrossEntropyLoss\n",
            "torch.nn.LinearCrossEntropyLoss needs 'in_features' and 'num_classes': the parser "
            'refuses it ("the following arguments are required: in_features, num_classes")',
        ),
    ],
)
def test_lc115_a_required_argument_missing(text: str, message: str) -> None:
    d = only(text, "LC115")
    assert d.message == message and d.severity is Severity.ERROR


@pytest.mark.parametrize(
    "text",
    [
        "_target_: torch.nn.LinearCrossEntropyLoss\n_partial_: true\n",
        "_target_: torch.nn.LinearCrossEntropyLoss\n_args_: [5, 3]\n",
        "m:\n  class_path: torch.nn.LinearCrossEntropyLoss\n  init_args: {in_features: 5}\n"
        "  dict_kwargs: {num_classes: 3}\n",
    ],
)
def test_lc115_given_by_position_partial_or_dict_kwargs(text: str) -> None:
    assert "LC115" not in [d.code for d in check(text)]
