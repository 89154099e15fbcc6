"""LC005 (losscfg.lint.rules.comments): a suppression comment that names no rule, silences nothing,
or names a rule that cannot be silenced."""

from __future__ import annotations

import pytest

from helpers import codes, only, position, silent
from losscfg.lint.rules import default_registry
from losscfg.lint.selection import Selection

CIFAR = "dataset:\n  name: cifar10\n"


def test_unknown_code_in_a_comment_is_a_warning() -> None:
    config = CIFAR + "loss:\n  name: nll\n  ignore_index: 0  # losscfg: disable=LC250\n"
    d = only(config, "LC005")
    assert d.severity == "warning" and "'LC250'" in d.message
    assert position(d) == (5, 39, 5, 44)
    assert "LC205" in codes(config)


def test_unused_suppression_is_an_info() -> None:
    d = only("loss:\n  name: cross_entropy  # losscfg: disable=LC107\n", "LC005")
    assert d.severity == "info" and "silences nothing" in d.message


def test_unused_suppression_of_a_rule_that_is_off_is_not_reported() -> None:
    config = "loss:\n  name: cross_entropy  # losscfg: disable=LC107\n"
    everything_but = Selection.from_layers([(None, ["LC107"])], default_registry())
    silent(config, "LC005", selection=everything_but)


def test_reading_errors_name_why_they_cannot_be_silenced() -> None:
    config = "# losscfg: disable-file=LC001\nloss:\n  name: nll\n"
    d = only(config, "LC005")
    assert "cannot be silenced" in d.message


UNKNOWN_HINT = (
    "name a code (LC205) or a rule name (ignore-index-is-class); `losscfg rules` lists them"
)


@pytest.mark.parametrize(
    ("config", "severity", "where", "message", "hint"),
    [
        pytest.param(
            "loss:\n  name: nll\n  ignore_index: 0  # losscfg: disable=ignore-index-class\n",
            "warning",
            (3, 39, 3, 57),
            "unknown rule 'ignore-index-class' in a suppression comment",
            UNKNOWN_HINT,
            id="unknown-name",
        ),
        pytest.param(
            "loss:\n  name: nll  # losscfg: disable=LC211, LC299\n",
            "warning",
            (2, 40, 2, 45),
            "unknown rule 'LC299' in a suppression comment",
            UNKNOWN_HINT,
            id="unknown-code-after-a-known-one",
        ),
        pytest.param(
            "# losscfg: disable-file=LC208\nloss:\n  name: nll\n",
            "info",
            (1, 25, 1, 30),
            "disable-file=LC208 silences nothing",
            "remove it from the comment",
            id="unused-disable-file",
        ),
        pytest.param(
            "loss:\n  name: cross_entropy  # losscfg: disable=LC107\n",
            "info",
            (2, 43, 2, 48),
            "disable=LC107 silences nothing on this line",
            "remove it from the comment",
            id="unused-disable",
        ),
        pytest.param(
            "loss:\n  name: nll  # losscfg: disable=LC000\n",
            "info",
            (2, 33, 2, 38),
            "LC000 cannot be silenced: the file cannot be checked",
            "correct the problem instead",
            id="cannot-be-silenced",
        ),
    ],
)
def test_bad_suppression(
    config: str, severity: str, where: tuple[int, int, int, int], message: str, hint: str
) -> None:
    d = only(config, "LC005")
    assert (d.rule, d.severity, position(d)) == ("bad-suppression", severity, where)
    assert d.message == message and d.hint == hint
    assert d.pointer is None  # a comment is no value of the document


@pytest.mark.parametrize(
    "config",
    [
        pytest.param("loss:\n  name: Cross_Entropy  # losscfg: disable=LC107\n", id="used"),
        pytest.param("# losscfg: disable-file=LC211\nloss:\n  name: nll\n", id="used-file-wide"),
        pytest.param(
            CIFAR + "loss:\n  name: nll  # losscfg: disable=LC211\n  ignore_index: 0  # LC205\n",
            id="a-code-in-a-plain-comment",
        ),
        pytest.param("loss:\n  name: nll  #losscfg:disable=LC211\n", id="no-spaces"),
    ],
)
def test_good_suppressions_are_no_lc005(config: str) -> None:
    silent(config, "LC005")
