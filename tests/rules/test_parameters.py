"""LC208, LC209 (losscfg.lint.rules.parameters): valid parameter values that defeat their
purpose."""

from __future__ import annotations

import pytest

from helpers import only, position, silent, triggers


def test_full_label_smoothing() -> None:
    d = only("loss:\n  name: cross_entropy\n  label_smoothing: 1.0\n", "LC208")
    assert d.severity == "warning" and position(d) == (3, 20, 3, 23)
    assert "uniform" in d.message


@pytest.mark.parametrize("value", ["0.99", "0.1", "0"])
def test_label_smoothing_below_one(value: str) -> None:
    silent(f"loss:\n  name: cross_entropy\n  label_smoothing: {value}\n", "LC208")


def test_beta_zero_is_l1() -> None:
    d = only("loss:\n  name: smooth_l1\n  beta: 0\n", "LC209")
    assert d.severity == "info" and "exactly l1" in d.message and d.pointer == "/loss/beta"
    silent("loss:\n  name: smooth_l1\n  beta: 0.5\n", "LC209")


# (config, code, severity, (line, column, end_line, end_column), words in the message, hint)
TRIGGERS = [
    pytest.param(
        """
        loss:
          name: cross_entropy
          label_smoothing: 1
        """,
        "LC208",
        "warning",
        (3, 20, 3, 21),
        ["label_smoothing 1", "makes every target uniform", "learns nothing"],
        ["use a small share such as 0.1"],
        id="LC208-integer-one",
    ),
    pytest.param(
        """
        model:
          num_classes: 10
        loss:
          name: Cross_Entropy
          label_smoothing: 1.0  # the maximum
        """,
        "LC208",
        "warning",
        (5, 20, 5, 23),
        ["label_smoothing 1.0 makes every target uniform"],
        ["0.1"],
        id="LC208-any-case",
    ),
    pytest.param(
        """
        loss:
          name: smooth_l1
          beta: 0.0
        """,
        "LC209",
        "info",
        (3, 9, 3, 12),
        ["beta 0 makes smooth_l1 exactly l1", "torch calls l1_loss"],
        ["write name: l1 and drop beta"],
        id="LC209-float-zero",
    ),
]


@pytest.mark.parametrize(("config", "code", "severity", "where", "message", "hint"), TRIGGERS)
def test_rule_triggers(
    config: str,
    code: str,
    severity: str,
    where: tuple[int, int, int, int],
    message: list[str],
    hint: list[str],
) -> None:
    assert triggers(config, code, where, message, hint).severity == severity


@pytest.mark.parametrize(
    ("config", "code"),
    [
        pytest.param("loss:\n  name: cross_entropy\n", "LC208", id="LC208-default"),
        pytest.param("loss:\n  label_smoothing: 0.2\n", "LC208", id="LC208-default-loss"),
        pytest.param("loss:\n  name: smooth_l1\n", "LC209", id="LC209-default"),
        pytest.param("loss:\n  name: smooth_l1\n  beta: 1.0\n", "LC209", id="LC209-one"),
        pytest.param("loss:\n  name: l1\n", "LC209", id="LC209-l1"),
    ],
)
def test_near_misses(config: str, code: str) -> None:
    silent(config, code)
