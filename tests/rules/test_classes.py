"""LC203, LC204, LC205 and the precedence of the class count's sources (SPEC §3)."""

from __future__ import annotations

import pytest

from helpers import check, codes, only, position
from losscfg.check import Options, check_source


def test_unknown_class_count_says_how_to_give_it() -> None:
    d = only("dataset:\n  name: faces\nloss:\n  name: nll\n  weight: [1.0, 2.0]\n", "LC203")
    assert d.severity == "info" and "weight was not checked" in d.message
    assert position(d) == (5, 3, 5, 9)
    assert d.hint and "--num-classes" in d.hint and "model.num_classes" in d.hint


def test_unknown_class_count_for_pos_weight() -> None:
    d = only("loss:\n  name: bce_with_logits\n  pos_weight: [1.0, 2.0]\n", "LC203")
    assert "pos_weight" in d.message


@pytest.mark.parametrize(
    "config",
    [
        "dataset:\n  name: cifar10\nloss:\n  name: nll\n  weight: [1.0]\n",
        "loss:\n  name: nll\n",
        "loss:\n  name: mse\n  weight: [1.0]\n",
    ],
)
def test_class_count_unknown_near_misses(config: str) -> None:
    assert "LC203" not in codes(config)


def test_fewer_model_classes_than_dataset_classes_is_an_error() -> None:
    d = only("dataset:\n  name: cifar100\nmodel:\n  num_classes: 10\n", "LC204")
    assert d.severity == "error" and position(d) == (4, 16, 4, 18)
    assert "10..99 are out of range" in d.message and "dataset.name: cifar100" in d.message


def test_more_model_classes_than_dataset_classes_is_a_warning() -> None:
    d = only("dataset:\n  name: mnist\n  num_classes: 10\nmodel:\n  num_classes: 12\n", "LC204")
    assert d.severity == "warning" and "2 outputs never see a label" in d.message


@pytest.mark.parametrize(
    "config",
    [
        "dataset:\n  name: cifar100\nmodel:\n  num_classes: 100\n",
        "dataset:\n  name: faces\nmodel:\n  num_classes: 7\n",
        "model:\n  num_classes: 7\n",
    ],
)
def test_class_count_conflict_near_misses(config: str) -> None:
    assert "LC204" not in codes(config)


def test_model_count_wins_over_dataset_as_in_training() -> None:
    found = check(
        "dataset:\n  name: cifar100\nmodel:\n  num_classes: 10\n"
        "loss:\n  name: nll\n  weight: [1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0]\n"
    )
    assert [d.code for d in found] == ["LC204", "LC211"]


def test_precedence_cli_over_model_over_dataset() -> None:
    text = "dataset:\n  name: cifar100\nmodel:\n  num_classes: 10\nloss:\n  name: nll\n"
    report = check_source(text, "c.yaml", Options())
    assert (report.num_classes, report.num_classes_source) == (10, "model.num_classes")
    report = check_source(text, "c.yaml", Options(num_classes=7))
    assert (report.num_classes, report.num_classes_source) == (7, "cli")
    report = check_source("dataset:\n  name: cifar100\n", "c.yaml", Options())
    assert (report.num_classes, report.num_classes_source) == (100, "dataset.name")
    report = check_source("dataset:\n  name: x\n  num_classes: 3\n", "c.yaml", Options())
    assert (report.num_classes, report.num_classes_source) == (3, "dataset.num_classes")
    report = check_source("dataset:\n  name: x\n", "c.yaml", Options())
    assert (report.num_classes, report.num_classes_source) == (None, None)


def test_ignore_index_that_is_a_class() -> None:
    d = only(
        "dataset:\n  name: cifar10\nloss:\n  name: cross_entropy\n  ignore_index: 0\n", "LC205"
    )
    assert d.severity == "warning" and position(d) == (5, 17, 5, 18)
    assert "classes are 0..9, dataset.name: cifar10" in d.message and "never learned" in d.message


@pytest.mark.parametrize("index", ["-100", "255", "10", "-1"])
def test_ignore_index_outside_the_classes(index: str) -> None:
    config = f"dataset:\n  name: cifar10\nloss:\n  name: nll\n  ignore_index: {index}\n"
    assert "LC205" not in codes(config)


def test_ignore_index_with_unknown_count_is_not_judged() -> None:
    assert "LC205" not in codes("loss:\n  name: nll\n  ignore_index: 0\n")
