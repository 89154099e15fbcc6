"""LC301, LC302: AMP with a loss or model that cannot or should not take it."""

from __future__ import annotations

import pytest

from helpers import codes, only, position


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
        "loss:\n  name: bce\namp:\n  enabled: 'true'\n",  # LC103 instead
    ],
)
def test_amp_unsafe_loss_near_misses(config: str) -> None:
    assert "LC301" not in codes(config)


@pytest.mark.parametrize(
    ("config", "words"),
    [
        ("loss:\n  name: sqr_hinge\namp:\n  enabled: true\n", "the loss is sqr_hinge"),
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
    assert "LC302" not in codes(config)
