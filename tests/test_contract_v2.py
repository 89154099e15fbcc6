"""Contract version 2 (SPEC §1-§4): each example is reported with its code, severity, line and
column, and the configs that train as written get no error."""

from __future__ import annotations

import pytest

from helpers import check, yaml
from losscfg.diagnostics import Severity
from losscfg.lint.check import Options, check_source

E, W = Severity.ERROR, Severity.WARNING


def found(text: str) -> list[tuple[str, Severity, int | None, int | None]]:
    return [(d.code, d.severity, d.line, d.column) for d in check(text) if d.code != "LC901"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param(
            """
            loss:
              name: cross_entropy
              label_smoothing: 1e-1
            """,
            [("LC108", W, 3, 20)],
            id="LC108-exponent",
        ),
        pytest.param(
            """
            loss:
              name: smooth_l1
              beta: 1e-3
            """,
            [("LC108", W, 3, 9)],
            id="LC108-beta",
        ),
        pytest.param(
            """
            loss:
              name: cross_entropy
              label_smoothing: "0.1"
              ignore_index: "5"
            """,
            [("LC108", W, 3, 20), ("LC108", W, 4, 17)],
            id="LC108-quoted",
        ),
        pytest.param(
            """
            loss:
              name: kl_div
              log_target: "true"
            """,
            [("LC108", W, 3, 15)],
            id="LC108-bool",
        ),
        pytest.param(
            """
            loss:
              name: kl_div
              log_target: "false"
            """,
            [("LC103", E, 3, 15)],
            id="LC103-false-is-true",
        ),
        pytest.param(
            """
            loss:
              name: cross_entropy
              label_smoothing: -.1
            """,
            [("LC104", E, 3, 20), ("LC108", W, 3, 20)],
            id="LC104-signed-leading-dot",
        ),
        pytest.param(
            """
            loss:
              name: bce_with_logits
              pos_weight: 2.0
            """,
            [],
            id="pos_weight-scalar",
        ),
        pytest.param(
            """
            loss:
              name: bce_with_logits
              pos_weight: 0
            """,
            [("LC104", E, 3, 15)],
            id="pos_weight-scalar-zero",
        ),
        pytest.param(
            """
            dataset:
              name: cifar10
              num_classes: 100
            loss:
              name: cross_entropy
              weight: [1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0]
            """,
            [("LC212", W, 3, 16), ("LC201", E, 6, 11)],
            id="LC212-dataset-num-classes-ignored",
        ),
        pytest.param(
            """
            dataset:
              name: my_faces
              num_classes: 3
            loss:
              name: cross_entropy
              weight: [1.0, 2.0, 1.0]
            """,
            [],
            id="custom-dataset-documents-its-count",
        ),
        pytest.param(
            """
            loss:
              name: cross_entropy
            label_smoothing: 0.1
            """,
            [("LC109", W, 3, 1)],
            id="LC109",
        ),
        pytest.param(
            """
            amp:
              enabled: "false"
            loss:
              name: bce
            """,
            [("LC103", E, 2, 12), ("LC301", E, 4, 9)],
            id="LC301-truthy-false",
        ),
        pytest.param(
            """
            amp:
              enabled: 1
            loss:
              name: bce
            """,
            [("LC108", W, 2, 12), ("LC301", E, 4, 9)],
            id="LC301-truthy-one",
        ),
        pytest.param(
            """
            model:
              name: QUANT_CNV
            amp:
              enabled: true
            """,
            [("LC302", W, 4, 12)],
            id="LC302-lower-cased",
        ),
        pytest.param("", [("LC003", E, None, None)], id="LC003-empty"),
        pytest.param("# only a comment\n", [("LC003", E, None, None)], id="LC003-comment-only"),
        pytest.param(
            """
            dataset:
              name: cifar-10
            """,
            [("LC213", W, 2, 9)],
            id="LC213",
        ),
        pytest.param(
            """
            dataset:
              name: tiny_imagenet
            """,
            [],
            id="LC213-not-for-another-dataset",
        ),
        pytest.param(
            """
            activation_fault_injection:
              probability: 0.1
              probability: 0.2
            """,
            [("LC002", E, 3, 3)],
            id="LC002-any-depth",
        ),
        pytest.param(
            """
            dataset:
              name: cifar10
            loss:
              name: mse
            """,
            [("LC210", E, 4, 9)],
            id="LC210-error",
        ),
    ],
)
def test_v2_examples(text: str, expected: list[tuple[str, Severity, int, int]]) -> None:
    assert sorted(found(text), key=str) == sorted(expected, key=str)


def test_a_config_that_trains_as_written_has_no_error() -> None:
    report = check_source(
        yaml(
            """
            dataset:
              name: CIFAR10
            model:
              name: resnet20
            loss:
              name: cross_entropy
              label_smoothing: 1e-1
              weight: [1.0, 2.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0]
            amp:
              enabled: "true"
            """
        ),
        "c.yaml",
        Options(),
    )
    assert report.loss == "cross_entropy" and report.num_classes == 10
    assert [d.severity for d in report.diagnostics] == [W, W]


@pytest.mark.parametrize(
    ("text", "code", "message", "hint"),
    [
        (
            "loss:\n  name: cross_entropy\n  label_smoothing: -.1\n",
            "LC108",
            "PyYAML (YAML 1.1) reads a number with a leading dot only without a sign",
            "write a number in [0, 1] (this value is out of range: LC104)",
        ),
        (
            "loss:\n  name: kl_div\n  reduction: None\n",
            "LC105",
            "loss.reduction is 'None'; expected one of: batchmean, sum, mean, none",
            "omit reduction to get the default ('batchmean')",
        ),
        (
            "loss:\n  name: cross_entropy\n  n\u0430me: x\n",
            "LC102",
            "unknown parameter 'n\\u0430me' (with U+0430 CYRILLIC SMALL LETTER A)",
            "did you mean 'name'?",
        ),
        (
            "loss:\n  name: cross_entropy\n  label_smoothing: .nan\n",
            "LC104",
            "loss.label_smoothing is .nan; expected a finite number in [0, 1]",
            "torch treats a NaN label_smoothing as 0.0, so the loss trains without smoothing",
        ),
        (
            "loss:\n  name: cross_entropy\n    label_smoothing: 0.1\n",
            "LC001",
            "mapping values are not allowed",
            "label_smoothing is indented 4 spaces, deeper than name above it (2)",
        ),
        (
            "amp: true\n",
            "LC003",
            "amp is a boolean (true); expected a mapping of keys",
            "write amp as a mapping (amp:, then an indented enabled: true)",
        ),
        (
            "amp:\n  enabled: 'true'\n",
            "LC108",
            "the trainer tests it for truthiness, which gives true",
            "any non-empty string, even 'false', is true",
        ),
        (
            "loss:\n  name: cross_entropy\n  label_smoothing: 1.0e+308\n",
            "LC104",
            "expected a number in [0, 1]",
            "use a number in [0, 1]",
        ),
        (
            "loss:\n  name: cross_entropy\n  ignore_index: 1e308\n",
            "LC103",
            "the trainer's int() cannot read it",
            "write 1",
        ),
    ],
)
def test_messages_tell_the_truth(text: str, code: str, message: str, hint: str) -> None:
    [diagnostic] = [d for d in check(text) if d.code == code]
    assert message in diagnostic.message
    assert diagnostic.hint is not None and hint in diagnostic.hint
    assert diagnostic.hint.count(" or ") <= 1 and "1.0e+308 or 1.0e+308" not in diagnostic.hint


def test_exponent_strings_in_a_weight_list_are_one_diagnostic_at_the_first() -> None:
    diagnostics = check("loss:\n  name: cross_entropy\n  weight: [1e-1, 1e-2, 1e-3]\n")
    assert [(d.code, d.line, d.column) for d in diagnostics] == [("LC103", 3, 12)]
    assert diagnostics[0].hint == "write the numbers: [0.1, 0.01, 0.001]"


# Found by a review of this contract's first implementation; each a regression example.


def test_a_quoted_index_torch_cannot_hold_is_lc104_and_its_hint_proposes_no_value() -> None:
    diagnostics = check('loss:\n  name: cross_entropy\n  ignore_index: "99999999999999999999"\n')
    assert sorted(d.code for d in diagnostics) == ["LC104", "LC108"]
    [coerced] = [d for d in diagnostics if d.code == "LC108"]
    assert coerced.hint == "write an integer (this value is out of range: LC104)"


@pytest.mark.parametrize("value", ["2", "-1", ".nan", "1.0"])
def test_a_number_for_weight_gets_a_hint_of_one_number_per_class(value: str) -> None:
    [d] = [d for d in check(f"loss:\n  weight: {value}\n") if d.code == "LC103"]
    assert d.hint == "write a list of numbers, one per class, such as weight: [1.0, 1.0]"


@pytest.mark.parametrize("beta", ['"0"', "0e0", "-0.0", "0"])
def test_beta_zero_in_any_spelling_is_l1(beta: str) -> None:
    assert "LC209" in [d.code for d in check(f"loss:\n  name: smooth_l1\n  beta: {beta}\n")]


def test_a_string_dataset_num_classes_is_a_warning_that_does_not_contradict_itself() -> None:
    [d] = [
        d for d in check('dataset:\n  name: cifar10\n  num_classes: "10"\n') if d.code != "LC901"
    ]
    assert (d.code, d.severity) == ("LC103", W)
    assert "passes it on" not in d.message and "never reads dataset.num_classes" in d.message
