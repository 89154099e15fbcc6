"""LC301, LC302: AMP with a loss or model that cannot or should not take it."""

from __future__ import annotations

import pytest

from helpers import only, position, silent


def test_bce_under_amp_is_an_error() -> None:
    # torch 2.13: the AutocastCUDA kernel of binary_cross_entropy raises "unsafe to autocast"
    d = only("loss:\n  name: bce\namp:\n  enabled: true\n", "LC301")
    assert d.severity == "error" and position(d) == (2, 9, 2, 12)
    assert "unsafe to autocast" in d.message and "line 4" in d.message
    assert d.hint and "bce_with_logits" in d.hint and "sigmoid" in d.hint


@pytest.mark.parametrize(
    "config",
    [
        "loss:\n  name: bce\namp:\n  enabled: false\n",
        "loss:\n  name: bce\n",
        "loss:\n  name: bce_with_logits\namp:\n  enabled: true\n",
        "loss:\n  name: bce\namp:\n  enabled: null\n",  # null leaves AMP off
        "loss:\n  name: bce\namp:\n  enabled: 0\n",
    ],
)
def test_amp_unsafe_loss_near_misses(config: str) -> None:
    silent(config, "LC301")


@pytest.mark.parametrize("enabled", ["true", "'true'", "'false'", "'no'", "1", "yes"])
def test_amp_is_on_when_the_trainer_finds_enabled_truthy(enabled: str) -> None:
    d = only(f"loss:\n  name: bce\namp:\n  enabled: {enabled}\n", "LC301")
    assert d.severity == "error" and position(d) == (2, 9, 2, 12)


@pytest.mark.parametrize(
    ("config", "words"),
    [
        ("loss:\n  name: sqr_hinge\namp:\n  enabled: true\n", "the loss is sqr_hinge"),
        ("model:\n  name: QUANT_CNV\namp:\n  enabled: 1\n", "the model QUANT_CNV is quantised"),
        ("model:\n  name: quant_cnv\namp:\n  enabled: true\n", "the model quant_cnv is quantised"),
    ],
)
def test_amp_with_quantised_training(config: str, words: str) -> None:
    d = only(config, "LC302")
    assert d.severity == "warning" and words in d.message
    assert d.pointer == "/amp/enabled" and d.hint == "set amp.enabled: false"


@pytest.mark.parametrize(
    "config",
    [
        "loss:\n  name: sqr_hinge\namp:\n  enabled: false\n",
        "model:\n  name: quant_cnv\n",
        "model:\n  name: resnet_quant_\namp:\n  enabled: true\n",
    ],
)
def test_amp_quantized_near_misses(config: str) -> None:
    silent(config, "LC302")
