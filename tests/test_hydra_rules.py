"""The rules of SPEC §15 on Hydra sites beyond one argument's value: messages, positions,
severities; the values a site's arguments take (OmegaConf's floats, interpolations resolved
within the file, nested tensors); the class count of §15; the dry-run through Hydra."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from helpers import check, only, position, write, yaml
from losscfg.cli import app
from losscfg.diagnostics import DryRunStatus, Severity
from losscfg.dialects.hydra_values import TensorValue, Unresolved, passed
from losscfg.load.document import load


def _codes(text: str, **options: Any) -> list[tuple[str, str]]:
    return [(d.code, d.severity.value) for d in check(text, **options)]


@pytest.mark.parametrize(
    ("text", "path", "value"),
    [
        ("a: 1e-1\n", ("a",), 0.1),  # OmegaConf's float, a string to PyYAML
        ("a: '1e-1'\n", ("a",), "1e-1"),  # quoted: a string to both
        ("a: 1_000\n", ("a",), 1000),
        ("a: 2020-01-01\n", ("a",), "2020-01-01"),  # OmegaConf drops the timestamp
        ("a: ${b}\nb: 1e-2\n", ("a",), 0.01),
        ("a: ${b.c}\nb:\n  c: 3\n", ("a",), 3),
        ("x:\n  a: ${.b}\n  b: 4\n", ("x", "a"), 4),
        ("x:\n  y:\n    a: ${..b}\n  b: 5\n", ("x", "y", "a"), 5),
        ("a: ${b}\nb: ${c}\nc: 6\n", ("a",), 6),
        ("a: ${l[1]}\nl: [7, 8]\n", ("a",), 8),
    ],
)
def test_a_value_is_what_omegaconf_hands_the_constructor(
    text: str, path: tuple[Any, ...], value: Any
) -> None:
    document = load(text)
    node: Any = document.data
    for part in path:
        node = node[part]
    got = passed(document, path, node)
    assert got == value and type(got) is type(value)


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ("a: ???\n", "??? must be given when the job starts"),
        ("a: ${data.x}\n", "data.x is not in this file"),
        ("a: ${oc.env:HOME}\n", "only the job can resolve it"),
        ("a: x_${b}\nb: 1\n", "only the job can resolve it"),
        ("a: ${b}\nb: ${a}\n", "its interpolations go round in a cycle"),
    ],
)
def test_a_value_the_file_cannot_give_is_unresolved(text: str, why: str) -> None:
    document = load(text)
    got = passed(document, ("a",), document.data["a"])
    assert isinstance(got, Unresolved) and got.why == why


@pytest.mark.parametrize(
    ("spelled", "values", "dtype", "shape"),
    [
        ("{_target_: torch.tensor, data: [1.0, 2.0]}", [1.0, 2.0], "float32", (2,)),
        ("{_target_: torch.tensor, data: [1, 2]}", [1, 2], "int64", (2,)),
        ("{_target_: torch.tensor, data: [1, 2e-1]}", [1, 0.2], "float32", (2,)),
        ("{_target_: torch.tensor, data: 2.0}", 2.0, "float32", ()),
        ("{_target_: torch.FloatTensor, _args_: [[1, 2]]}", [1, 2], "float32", (2,)),
        (
            "{_target_: torch.tensor, data: [1.0], dtype: "
            "{_target_: hydra.utils.get_object, path: torch.float64}}",
            [1.0],
            "float64",
            (1,),
        ),
    ],
)
def test_a_nested_torch_tensor_is_a_tensor_of_its_data(
    spelled: str, values: Any, dtype: str, shape: tuple[int, ...]
) -> None:
    document = load(f"w: {spelled}\n")
    got = passed(document, ("w",), document.data["w"])
    assert isinstance(got, TensorValue)
    assert (got.values, got.dtype, got.shape) == (values, dtype, shape)


def test_a_quoted_number_is_an_error_with_its_position_and_a_safe_fix() -> None:
    d = only(
        """
        _target_: torch.nn.CrossEntropyLoss
        label_smoothing: '0.1'
        """,
        "LC103",
    )
    assert position(d) == (2, 18, 2, 23)
    assert d.message == (
        "label_smoothing is the string '0.1' (quoted, so not a number), not a number in [0, 1]: "
        'CrossEntropyLoss refuses it when it is built or on the first batch ("argument '
        "'label_smoothing' must be float, not str\")"
    )
    assert d.hint == "write the number without quotes: label_smoothing: 0.1"
    assert d.fix is not None and d.fix.applicability.value == "safe"


def test_an_omegaconf_float_for_an_integer_says_how_omegaconf_reads_it() -> None:
    d = only("_target_: torch.nn.NLLLoss\nignore_index: 1e2\n", "LC103")
    assert d.message.startswith(
        "ignore_index is 1e2, which OmegaConf reads as the float 100.0, not an integer"
    )
    assert d.hint == "write an integer: ignore_index: 100"


def test_a_resolved_interpolation_is_checked_where_it_is_used() -> None:
    d = only(
        """
        smoothing: 1.5
        loss:
          _target_: torch.nn.CrossEntropyLoss
          label_smoothing: ${smoothing}
        """,
        "LC104",
    )
    assert (d.line, d.column) == (4, 20)
    assert d.message.startswith("label_smoothing is 1.5; expected a number in [0, 1]")


def test_a_negative_label_smoothing_says_it_smooths_nothing() -> None:
    d = only("_target_: torch.nn.CrossEntropyLoss\nlabel_smoothing: -0.1\n", "LC104")
    assert d.message.endswith(
        "torch smooths only when it is above 0, so the loss is plain cross-entropy"
    )


def test_an_advised_range_warns() -> None:
    d = only("_target_: torch.nn.CosineEmbeddingLoss\nmargin: 1.5\n", "LC104")
    assert d.severity is Severity.WARNING
    assert "CosineEmbeddingLoss trains, but the cosine similarity lies in [-1, 1]" in d.message


def test_a_null_argument_is_an_error_with_a_fix_to_the_default() -> None:
    d = only("_target_: torch.nn.CrossEntropyLoss\nignore_index: null\n", "LC106")
    assert "must be int, not NoneType" in d.message
    assert d.hint == "remove ignore_index for torch's default (-100), or give a value"
    assert (
        _codes(
            "_target_: torch.nn.LinearCrossEntropyLoss\nin_features: 4\n"
            "num_classes: 3\nignore_index: null\n"
        )
        == []
    )


def test_unresolved_values_are_noted_and_their_checks_skipped() -> None:
    text = """
    _target_: torch.nn.CrossEntropyLoss
    ignore_index: ${data.ignore_label}
    label_smoothing: ???
    """
    found = check(text)
    assert [(d.code, d.severity, d.line) for d in found] == [
        ("LC113", Severity.INFO, 2),
        ("LC113", Severity.INFO, 3),
    ]
    assert found[0].message == (
        "ignore_index is '${data.ignore_label}': data.ignore_label is not in this file, so its "
        "checks are skipped"
    )


@pytest.mark.parametrize(
    ("trainer", "error"),
    [
        ("precision: 16-mixed", True),
        ("precision: 16", True),
        ("precision: '16'", True),
        ("precision: bf16-mixed", True),
        ("precision: 16-mixed\n  accelerator: cpu", False),
        ("precision: 32", False),
        ("precision: 16-true", False),
    ],
)
def test_bce_under_lightning_s_mixed_precision_is_an_error(trainer: str, error: bool) -> None:
    text = f"trainer:\n  {trainer}\nloss:\n  _target_: torch.nn.BCELoss\n"
    found = [d for d in check(text) if d.code == "LC301"]
    assert bool(found) == error
    if error:
        assert (found[0].line, found[0].column) == (len(trainer.splitlines()) + 3, 13)
        assert (
            "fails with 'torch.nn.functional.binary_cross_entropy and torch.nn.BCELoss are "
            "unsafe to autocast'" in found[0].message
        )
        assert found[0].fix is not None and found[0].fix.applicability.value == "unsafe"


def test_kl_div_mean_warns_in_a_hydra_file() -> None:
    d = only("_target_: torch.nn.KLDivLoss\nreduction: mean\n", "LC401")
    assert d.severity is Severity.WARNING and d.hint == "use reduction: batchmean"


@pytest.mark.parametrize(
    ("count", "options", "expected"),
    [
        ("model:\n  num_classes: 4\n", {}, [("LC201", "warning")]),
        ("", {"num_classes": 4}, [("LC201", "error")]),
        ("", {"num_classes": 3}, []),
        ("", {}, [("LC203", "info")]),
        ("a:\n  num_classes: 3\nb:\n  num_classes: 4\n", {}, [("LC203", "info")]),
        ("n: 4\nmodel:\n  num_classes: ${n}\n", {}, [("LC201", "warning")]),
    ],
)
def test_the_class_count_of_a_hydra_file(count: str, options: Any, expected: Any) -> None:
    text = count + "loss:\n  _target_: torch.nn.CrossEntropyLoss\n"
    text += "  weight: {_target_: torch.tensor, data: [1.0, 2.0, 0.5]}\n"
    assert _codes(text, **options) == expected


def test_linear_cross_entropy_counts_its_own_classes() -> None:
    d = only(
        "_target_: torch.nn.LinearCrossEntropyLoss\nin_features: 8\nnum_classes: 4\n"
        "weight: {_target_: torch.tensor, data: [1.0, 2.0]}\n",
        "LC201",
    )
    assert d.severity is Severity.ERROR and "(its num_classes: 4)" in d.message


def test_integer_tensor_weights_are_fixed_as_floats_in_place() -> None:
    d = only(
        "_target_: torch.nn.NLLLoss\nweight: {_target_: torch.tensor, data: [1, 2]}\n", "LC207"
    )
    assert d.message.startswith("weight is an int64 tensor (its data holds only integers)")
    assert d.fix is not None
    assert (
        _codes(
            "_target_: torch.nn.BCEWithLogitsLoss\n"
            "weight: {_target_: torch.tensor, data: [1, 2]}\n",
            num_classes=2,
        )
        == []
    )


def test_zero_tensor_weights_are_an_error() -> None:
    d = only(
        "_target_: torch.nn.CrossEntropyLoss\nweight: {_target_: torch.tensor, data: [0.0, 0.0]}\n",
        "LC206",
    )
    assert d.line == 2


def test_a_hydra_file_is_dry_run_with_hydra(cli: CliRunner, in_tmp: Path) -> None:
    write(in_tmp, "ok.yaml", "_target_: torch.nn.CrossEntropyLoss\nlabel_smoothing: 0.1\n")
    write(
        in_tmp,
        "bad.yaml",
        yaml(
            """
            model:
              criterion:
                _target_: torch.nn.TripletMarginWithDistanceLoss
                distance_function: {_target_: my.missing.distance}
            """
        ),
    )
    result = cli.invoke(app, ["dry-run", "ok.yaml", "bad.yaml"])
    assert result.exit_code == 1
    assert (
        "bad.yaml:3:15: error LC501 building torch.nn.TripletMarginWithDistanceLoss at "
        "/model/criterion failed: InstantiationException: Error locating target "
        "'my.missing.distance'" in result.stdout
    )
    assert "1 passed, 1 failed" in result.stdout


def test_a_dry_run_without_hydra_is_a_usage_error_naming_the_extra(
    cli: CliRunner, in_tmp: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from losscfg.dryrun import builders

    monkeypatch.setattr(builders.importlib.util, "find_spec", lambda name: None)
    write(in_tmp, "ce.yaml", "_target_: torch.nn.CrossEntropyLoss\n")
    result = cli.invoke(app, ["dry-run", "ce.yaml"])
    assert result.exit_code == 2
    assert "pip install 'losscfg[hydra]'" in result.stderr


def test_the_dry_run_status_of_a_hydra_file_with_no_torch_loss() -> None:
    from losscfg.lint.check import Options, check_source

    report = check_source("model:\n  _target_: my.Net\n", "m.yaml", Options(), dry_run=_never)
    assert report.dry_run_status is DryRunStatus.NOT_RUN
    assert report.not_run_because == "the file has no torch.nn loss to build"


def _never(context: Any) -> Any:
    raise AssertionError("a file with no torch.nn loss was dry-run")
