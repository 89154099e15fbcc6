"""Suppression comments (SPEC §7): what they silence, and where. LC005, the rule about the
comments themselves, is tested in tests/rules/test_comments.py."""

from __future__ import annotations

import pytest

from helpers import check, codes, silent
from losscfg.lint.rules import default_registry
from losscfg.lint.selection import Selection

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
    assert silent(config, "LC205", "LC211") == []


def test_yaml_syntax_errors_cannot_be_silenced() -> None:
    config = "# losscfg: disable-file=LC001\nloss: [\n"
    assert codes(config) == ["LC001"]


def test_a_hash_inside_a_string_is_no_comment() -> None:
    config = CIFAR + 'loss:\n  name: nll\n  ignore_index: 0\nnote: "x #losscfg: disable=LC205"\n'
    assert "LC205" in codes(config)
    silent(config, "LC005")


def test_lc005_can_itself_be_silenced_for_the_file() -> None:
    config = "# losscfg: disable-file=LC005\nloss:\n  name: nll  # losscfg: disable=LC999\n"
    silent(config, "LC005")
