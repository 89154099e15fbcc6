"""The rule registry: codes and names are unique, and every rule is documented."""

from __future__ import annotations

import pytest

from losscfg.diagnostics import Severity
from losscfg.registry import all_rules, declare, find


def test_a_code_or_name_is_taken_only_once() -> None:
    all_rules()
    with pytest.raises(ValueError, match="LC201 other-name clashes with LC201 weight-length"):
        declare("LC201", "other-name", Severity.ERROR, "Another rule.")
    with pytest.raises(ValueError, match="LC999 weight-length clashes with LC201 weight-length"):
        declare("LC999", "weight-length", Severity.ERROR, "Another rule.")
    assert find("LC999") is None


def test_declaring_the_same_rule_again_is_harmless() -> None:
    rule = find("LC001")
    assert rule is not None and rule.check is None
    assert declare(rule.code, rule.name, rule.severity, rule.doc) == rule


@pytest.mark.parametrize("rule", all_rules(), ids=lambda r: r.code)
def test_every_rule_has_a_four_part_doc(rule) -> None:  # type: ignore[no-untyped-def]
    for heading in ("## What it does", "## Why is this bad?", "## Example", "## Fix"):
        assert heading in rule.doc, f"{rule.code} lacks {heading}"
