"""LC201, LC202, LC206, LC207: class weights against the class count and torch's dtypes."""

from __future__ import annotations

import pytest

from helpers import only, position, silent


def test_weight_length_names_the_source_of_the_class_count() -> None:
    # torch: "weight tensor should be defined either for all 100 classes or no classes"
    d = only(
        """
        dataset:
          name: cifar100
        loss:
          name: cross_entropy
          weight: [1.0, 2.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0]
        """,
        "LC201",
    )
    assert d.message == "weight has 10 entries but there are 100 classes (dataset.name: cifar100)"
    assert position(d) == (5, 11, 5, 61)
    assert d.hint and "100 entries" in d.hint


@pytest.mark.parametrize(
    ("extra", "options", "origin"),
    [
        ("model:\n  num_classes: 3\n", {}, "model.num_classes: 3"),
        ("dataset:\n  name: faces\n  num_classes: 3\n", {}, "dataset.num_classes: 3"),
        ("dataset:\n  name: faces\n", {"datasets": {"faces": 3}}, "dataset.name: faces"),
        ("", {"num_classes": 3}, "--num-classes 3"),
        ("model:\n  num_classes: 2\n", {"num_classes": 3}, "--num-classes 3"),
    ],
)
def test_weight_length_sources(extra: str, options: dict[str, object], origin: str) -> None:
    config = "loss:\n  name: nll\n  weight: [1.0, 2.0]\n" + extra
    d = only(config, "LC201", **options)
    assert d.message.endswith(f"there are 3 classes ({origin})")


def test_empty_weight_is_a_length_problem() -> None:
    d = only("loss:\n  name: nll\n  weight: []\n", "LC201")
    assert "empty" in d.message and position(d) == (3, 11, 3, 13)


@pytest.mark.parametrize(
    "config",
    [
        "dataset: {name: cifar10}\nloss:\n  name: nll\n  weight: [1, 2.0, 1, 1, 1, 1, 1, 1, 1, 1]",
        "model: {num_classes: 2}\nloss:\n  name: cross_entropy\n  weight: [0.5, 1.5]\n",
        "loss:\n  name: cross_entropy\n  weight: [1.0, 2.0]\n",  # count unknown: LC203 only
        "dataset: {name: cifar10}\nloss:\n  name: mse\n",
    ],
)
def test_weight_near_misses(config: str) -> None:
    silent(config, "LC201", "LC206", "LC207")


def test_pos_weight_length() -> None:
    # torch: "The size of tensor a (4) must match the size of tensor b (5) at dimension 1"
    d = only(
        """
        model:
          num_classes: 5
        loss:
          name: bce_with_logits
          pos_weight: [2.0, 2.0]
        """,
        "LC202",
    )
    assert "pos_weight has 2 entries" in d.message and "1 (for every class) or 5" in d.message
    assert "model.num_classes: 5" in d.message and position(d) == (5, 15, 5, 25)


@pytest.mark.parametrize("weights", ["[2.0]", "[1.0, 2.0, 3.0, 4.0, 5.0]", "[1, 2, 3, 4, 5]"])
def test_pos_weight_of_one_or_all(weights: str) -> None:
    config = f"model:\n  num_classes: 5\nloss:\n  name: bce_with_logits\n  pos_weight: {weights}\n"
    silent(config, "LC202")


def test_zero_weights() -> None:
    # torch: the mean reduction divides by the sum of the targets' weights -> nan
    d = only("loss:\n  name: cross_entropy\n  weight: [0.0, 0.0]\n", "LC206")
    assert "NaN" in d.message and position(d) == (3, 11, 3, 21)


def test_some_zero_weights_are_fine() -> None:
    silent("loss:\n  name: cross_entropy\n  weight: [0.0, 1.0]\n", "LC206")


def test_integer_weights() -> None:
    # torch: "RuntimeError: expected scalar type Float but found Long"
    d = only("loss:\n  name: nll\n  weight: [1, 2, 1]\n", "LC207")
    assert "int64" in d.message and "expected scalar type Float but found Long" in d.message
    assert d.hint == "write floats: weight: [1.0, 2.0, 1.0]"


@pytest.mark.parametrize("weights", ["[1, 2.0]", "[1.0, 2.0]", "[true, 1]"])
def test_integer_weights_near_misses(weights: str) -> None:
    silent(f"loss:\n  name: nll\n  weight: {weights}\n", "LC207")
