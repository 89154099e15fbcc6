"""LC102 and LC105 on Hydra's sites (losscfg.lint.rules.arguments): arguments the class does not
take, and values outside their choices, as the constructor and the first batch meet them."""

from __future__ import annotations

import pytest

from helpers import check, only, position, yaml
from losscfg.diagnostics import Applicability, FixMode
from losscfg.lint.check import Options
from losscfg.workspace.fixing import fix_text


def test_an_argument_the_class_does_not_take() -> None:
    text = "criterion:\n  _target_: torch.nn.CrossEntropyLoss\n  weigth: null\n"
    d = only(text, "LC102")
    assert d.severity == "error" and position(d) == (3, 3, 3, 9)
    assert d.message == (
        "unknown argument 'weigth' for torch.nn.CrossEntropyLoss: instantiate fails with "
        "\"TypeError: CrossEntropyLoss.__init__() got an unexpected keyword argument 'weigth'\""
    )
    assert d.hint == "did you mean 'weight'?"
    assert d.fix is not None and d.fix.applicability is Applicability.UNSAFE
    fixed, _ = fix_text(yaml(text), "c.yaml", Options(), FixMode(unsafe=True, write=False))
    assert "  weight: null\n" in fixed


def test_an_argument_far_from_any_lists_what_the_class_takes() -> None:
    d = only("_target_: torch.nn.L1Loss\ngamma: 2\n", "LC102")
    assert d.hint == "remove 'gamma'; L1Loss takes: size_average, reduce, reduction"
    assert d.fix is None


@pytest.mark.parametrize("key", ["_args_", "_partial_", "_convert_", "_recursive_"])
def test_hydra_s_own_keys_are_no_arguments(key: str) -> None:
    value = "[]" if key == "_args_" else "false" if key != "_convert_" else "none"
    codes = [d.code for d in check(f"_target_: torch.nn.MSELoss\n{key}: {value}\n")]
    assert "LC102" not in codes


@pytest.mark.parametrize(
    ("text", "where", "message", "hint"),
    [
        (
            "_target_: torch.nn.CrossEntropyLoss\nreduction: mean_\n",
            (2, 12, 2, 17),
            "reduction is 'mean_'; expected one of: none, mean, sum: CrossEntropyLoss refuses "
            "it when it is built or first runs",
            "did you mean 'mean'?",
        ),
        (
            "_target_: torch.nn.KLDivLoss\nreduction: batch_mean\n",
            (2, 12, 2, 22),
            "reduction is 'batch_mean'; expected one of: none, batchmean, sum, mean: KLDivLoss "
            "refuses it when it is built or first runs",
            "did you mean 'batchmean'?",
        ),
        (
            "_target_: torch.nn.MultiMarginLoss\np: 3\n",
            (2, 4, 2, 5),
            "p is 3; expected one of: 1, 2: MultiMarginLoss refuses it when it is built or "
            "first runs",
            "write one of: 1, 2",
        ),
    ],
)
def test_a_value_outside_its_choices(
    text: str, where: tuple[int, int, int, int], message: str, hint: str
) -> None:
    d = only(text, "LC105")
    assert (d.severity, position(d), d.message, d.hint) == ("error", where, message, hint)


@pytest.mark.parametrize("value", ["none", "sum", "${loss.reduction}", "'???'"])
def test_a_valid_or_interpolated_choice_is_fine(value: str) -> None:
    codes = [d.code for d in check(f"_target_: torch.nn.MSELoss\nreduction: {value}\n")]
    assert "LC105" not in codes
