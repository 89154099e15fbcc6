"""LC401, LC402 (losscfg.lint.rules.reduction): kl_div's reductions that are not the KL divergence,
or not a scalar."""

from __future__ import annotations

import pytest

from helpers import only, position, silent, triggers


def test_kl_div_mean() -> None:
    d = only("loss:\n  name: kl_div\n  reduction: mean\n", "LC401")
    assert d.severity == "warning" and position(d) == (3, 14, 3, 18)
    assert d.hint and "batchmean" in d.hint


def test_kl_div_none() -> None:
    d = only("loss:\n  name: kl_div\n  reduction: none\n", "LC402")
    assert d.severity == "error" and "backward()" in d.message


@pytest.mark.parametrize("reduction", ["batchmean", "sum"])
def test_kl_div_good_reductions(reduction: str) -> None:
    silent(f"loss:\n  name: kl_div\n  reduction: {reduction}\n", "LC401", "LC402")


# (config, code, severity, (line, column, end_line, end_column), words in the message, hint)
TRIGGERS = [
    pytest.param(
        """
        loss:
          name: kl_div
          reduction: mean
        """,
        "LC401",
        "warning",
        (3, 14, 3, 18),
        ["reduction mean divides by the batch size and the class count", "torch warns"],
        ["use reduction: batchmean (or omit it: batchmean is the trainer's default)"],
        id="LC401",
    ),
    pytest.param(
        """
        loss:
          name: KL_Div
          log_target: true
          reduction: "mean"
        """,
        "LC401",
        "warning",
        (4, 14, 4, 20),
        ["not the KL divergence"],
        ["batchmean"],
        id="LC401-quoted",
    ),
    pytest.param(
        """
        loss:
          name: kl_div
          reduction: none
        """,
        "LC402",
        "error",
        (3, 14, 3, 18),
        ["reduction none makes the loss an (N, C) tensor", "only for scalar outputs"],
        ["use reduction: batchmean (the KL divergence) or sum"],
        id="LC402",
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
    ("config", "codes"),
    [
        pytest.param("loss:\n  name: kl_div\n", ["LC401", "LC402"], id="default-reduction"),
        pytest.param("loss:\n  name: kl_div\n  reduction: avg\n", ["LC401", "LC402"], id="LC105"),
        pytest.param(
            "loss:\n  name: kl_div\n  reduction: [mean]\n", ["LC401", "LC402"], id="not-a-string"
        ),
        pytest.param("loss:\n  name: mse\n  reduction: mean\n", ["LC401"], id="mse-takes-none"),
        pytest.param("loss:\n  name: l1\n  reduction: none\n", ["LC402"], id="l1-takes-none"),
    ],
)
def test_near_misses(config: str, codes: list[str]) -> None:
    silent(config, *codes)
