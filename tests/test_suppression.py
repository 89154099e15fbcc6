"""Suppression comments (SPEC §7) and LC005."""

from __future__ import annotations

import pytest

from helpers import check, codes, only, position
from losscfg.rules import default_registry
from losscfg.selection import Selection

CIFAR = "dataset:\n  name: cifar10\n"


@pytest.mark.parametrize("selector", ["LC205", "ignore-index-is-class", "LC2"])
def test_line_suppression_by_code_name_or_prefix(selector: str) -> None:
    config = CIFAR + f"loss:\n  name: nll\n  ignore_index: 0  # losscfg: disable={selector}\n"
    assert codes(config) == ["LC211"]


def test_line_suppression_applies_to_its_line_only() -> None:
    config = CIFAR + "loss:  # losscfg: disable=LC205\n  name: nll\n  ignore_index: 0\n"
    found = codes(config, selection=Selection.everything(default_registry()))
    assert "LC205" in found
    assert [d.severity for d in check(config) if d.code == "LC005"] == ["info"]


def test_file_suppression_anywhere() -> None:
    config = (
        "# losscfg: disable-file=LC211, LC205\n" + CIFAR + "loss:\n  name: nll\n  ignore_index: 0\n"
    )
    assert codes(config) == []


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
    assert "LC005" not in codes(config, selection=everything_but)


def test_yaml_syntax_errors_cannot_be_silenced() -> None:
    config = "# losscfg: disable-file=LC001\nloss: [\n"
    assert codes(config) == ["LC001"]


def test_reading_errors_name_why_they_cannot_be_silenced() -> None:
    config = "# losscfg: disable-file=LC001\nloss:\n  name: nll\n"
    d = only(config, "LC005")
    assert "cannot be silenced" in d.message


def test_a_hash_inside_a_string_is_no_comment() -> None:
    config = CIFAR + 'loss:\n  name: nll\n  ignore_index: 0\nnote: "x #losscfg: disable=LC205"\n'
    assert "LC205" in codes(config)
    assert "LC005" not in codes(config)


def test_lc005_can_itself_be_silenced_for_the_file() -> None:
    config = "# losscfg: disable-file=LC005\nloss:\n  name: nll  # losscfg: disable=LC999\n"
    assert "LC005" not in codes(config)
