"""The helpers of the tests hold: `silent` fails unless the config was loaded and checked."""

from __future__ import annotations

import pytest

from helpers import silent


@pytest.mark.parametrize(
    ("config", "words"),
    [
        pytest.param("loss: [unclosed", "was not checked", id="not-yaml"),
        pytest.param("loss:\n  name: nll\n\tweight: [1.0]\n", "was not checked", id="tab"),
        pytest.param("loss: cross_entropy\n", "was not checked", id="not-a-mapping"),
        pytest.param("- loss\n- model\n", "was not checked", id="a-list"),
    ],
)
def test_silent_fails_on_a_file_that_was_not_checked(config: str, words: str) -> None:
    with pytest.raises(AssertionError, match=words):
        silent(config, "LC208")


def test_silent_fails_when_the_rule_speaks() -> None:
    with pytest.raises(AssertionError, match="expected LC211 to stay silent"):
        silent("loss:\n  name: nll\n", "LC211")
    with pytest.raises(AssertionError, match="expected LC206, LC211 to stay silent"):
        silent("loss:\n  name: nll\n", "LC206", "LC211")


def test_silent_fails_when_a_rule_about_the_name_met_no_known_loss() -> None:
    with pytest.raises(AssertionError, match="loss was not recognised"):
        silent("loss:\n  name: focal\n", "LC107")


def test_silent_returns_the_diagnostics_of_a_checked_file() -> None:
    assert [d.code for d in silent("loss:\n  name: nll\n", "LC208")] == ["LC211"]
    assert [d.code for d in silent("loss:\n  name: focal\n", "LC208")] == ["LC101"]
    assert silent("loss:\n  name: cross_entropy\n", "LC001", "LC003") == []
