"""LC208-LC211, LC401, LC402: valid values that defeat their purpose or the trainer."""

from __future__ import annotations

import pytest

from helpers import codes, only, position

SINGLE_LABEL = ["cifar10", "cifar100", "mnist", "fashion_mnist", "imagenet", "CIFAR10"]


def test_full_label_smoothing() -> None:
    d = only("loss:\n  name: cross_entropy\n  label_smoothing: 1.0\n", "LC208")
    assert d.severity == "warning" and position(d) == (3, 20, 3, 23)
    assert "uniform" in d.message


@pytest.mark.parametrize("value", ["0.99", "0.1", "0"])
def test_label_smoothing_below_one(value: str) -> None:
    assert "LC208" not in codes(f"loss:\n  name: cross_entropy\n  label_smoothing: {value}\n")


def test_beta_zero_is_l1() -> None:
    d = only("loss:\n  name: smooth_l1\n  beta: 0\n", "LC209")
    assert d.severity == "info" and "exactly l1" in d.message and d.pointer == "/loss/beta"
    assert "LC209" not in codes("loss:\n  name: smooth_l1\n  beta: 0.5\n")


@pytest.mark.parametrize("loss", ["mse", "l1", "smooth_l1", "bce", "bce_with_logits", "kl_div"])
@pytest.mark.parametrize("dataset", SINGLE_LABEL)
def test_loss_task_mismatch(loss: str, dataset: str) -> None:
    d = only(f"dataset:\n  name: {dataset}\nloss:\n  name: {loss}\n", "LC210")
    assert d.severity == "warning" and d.pointer == "/loss/name"
    assert f"{loss} needs targets shaped like the logits" in d.message


@pytest.mark.parametrize(
    "config",
    [
        "dataset:\n  name: chest_xray\nloss:\n  name: bce_with_logits\n",
        "dataset:\n  name: cifar10\nloss:\n  name: cross_entropy\n",
        "dataset:\n  name: cifar10\nloss:\n  name: sqr_hinge\n",
        "loss:\n  name: mse\n",
    ],
)
def test_loss_task_mismatch_near_misses(config: str) -> None:
    assert "LC210" not in codes(config, datasets={"chest_xray": 14})


def test_nll_needs_log_probabilities() -> None:
    d = only("loss:\n  name: nll\n", "LC211")
    assert d.severity == "info" and "log-probabilities" in d.message
    assert "LC211" not in codes("loss:\n  name: cross_entropy\n")


def test_kl_div_mean() -> None:
    d = only("loss:\n  name: kl_div\n  reduction: mean\n", "LC401")
    assert d.severity == "warning" and position(d) == (3, 14, 3, 18)
    assert d.hint and "batchmean" in d.hint


def test_kl_div_none() -> None:
    d = only("loss:\n  name: kl_div\n  reduction: none\n", "LC402")
    assert d.severity == "error" and "backward()" in d.message


@pytest.mark.parametrize("reduction", ["batchmean", "sum"])
def test_kl_div_good_reductions(reduction: str) -> None:
    found = codes(f"loss:\n  name: kl_div\n  reduction: {reduction}\n")
    assert "LC401" not in found and "LC402" not in found
