"""LC203, LC204, LC205 and the precedence of the class count's sources (SPEC §3)."""

from __future__ import annotations

import pytest

from helpers import check, only, position, silent
from losscfg.lint.check import Options, check_source


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
    silent(config, "LC203")


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
    silent(config, "LC204")


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
    silent(config, "LC205")


def test_ignore_index_with_unknown_count_is_not_judged() -> None:
    silent("loss:\n  name: nll\n  ignore_index: 0\n", "LC205")


def test_dataset_num_classes_that_the_trainer_ignores() -> None:
    d = only("dataset:\n  name: cifar10\n  num_classes: 100\n", "LC212")
    assert (d.severity, position(d), d.pointer) == (
        "warning",
        (3, 16, 3, 19),
        "/dataset/num_classes",
    )
    assert d.message == (
        "dataset.num_classes is 100 but dataset.name: cifar10 has 10 classes: the trainer never "
        "reads dataset.num_classes and trains with 10"
    )
    assert d.hint and d.hint.startswith("remove dataset.num_classes")


@pytest.mark.parametrize(
    ("config", "options"),
    [
        ("dataset:\n  name: cifar10\n  num_classes: 10\n", {}),
        ("dataset:\n  name: faces\n  num_classes: 7\n", {}),
        ("dataset:\n  name: faces\n  num_classes: 7\n", {"datasets": {"faces": 7}}),
    ],
)
def test_dataset_num_classes_near_misses(config: str, options: dict[str, object]) -> None:
    silent(config, "LC212", **options)


def test_the_class_count_ignores_dataset_num_classes_of_a_known_dataset() -> None:
    d = only(
        "dataset:\n  name: cifar10\n  num_classes: 100\nloss:\n  weight: ["
        + "1.0, " * 99
        + "1.0]\n",
        "LC201",
    )
    assert "there are 10 classes (dataset.name: cifar10)" in d.message


@pytest.mark.parametrize(
    ("name", "suggestion"),
    [
        ("cifar-10", "cifar10"),
        ("CIFAR_100", "cifar100"),
        ("imagnet", "imagenet"),
        ("mnsit", "mnist"),
        ("imagenett", "imagenet"),
        ("cifarr10", "cifar10"),
        ("mnnist", "mnist"),
        ("Fashion-Mnistt", "fashion_mnist"),
    ],
)
def test_unknown_dataset_close_to_a_known_one(name: str, suggestion: str) -> None:
    d = only(f"dataset:\n  name: {name}\n", "LC213")
    assert (d.severity, d.pointer, d.line, d.column) == ("warning", "/dataset/name", 2, 9)
    assert f"Unknown dataset: {name.lower()}" in d.message
    assert d.hint and d.hint.startswith(f"did you mean {suggestion!r}?")


@pytest.mark.parametrize(
    "name", ["tiny_imagenet", "emnist", "mnists", "imagenets", "my_faces", "svhn", "CIFAR10"]
)
def test_unknown_dataset_near_misses(name: str) -> None:
    silent(f"dataset:\n  name: {name}\n", "LC213")
