"""The rule registry: codes and names are unique, and every rule is documented."""

from __future__ import annotations

import pytest

from losscfg.diagnostics import Severity
from losscfg.lint.registry import Registry, declare
from losscfg.lint.rules import all_rules, default_registry, find


def test_a_code_or_name_is_taken_only_once() -> None:
    rules = list(all_rules())
    with pytest.raises(ValueError, match="LC201 other-name clashes with LC201 weight-length"):
        Registry([*rules, declare("LC201", "other-name", Severity.ERROR, "Another rule.")])
    with pytest.raises(ValueError, match="LC999 weight-length clashes with LC201 weight-length"):
        Registry([*rules, declare("LC999", "weight-length", Severity.ERROR, "Another rule.")])
    assert find("LC999") is None


def test_the_same_rule_twice_is_one_rule() -> None:
    rules = list(all_rules())
    assert Registry([*rules, *rules]).rules == default_registry().rules


def test_the_registry_is_built_once_and_cannot_change() -> None:
    registry = default_registry()
    assert default_registry() is registry
    with pytest.raises(TypeError):
        registry.by_code["LC999"] = registry.by_code["LC201"]  # type: ignore[index]


@pytest.mark.parametrize("rule", all_rules(), ids=lambda r: r.code)
def test_every_rule_has_a_four_part_doc(rule) -> None:  # type: ignore[no-untyped-def]
    for heading in ("## What it does", "## Why is this bad?", "## Example", "## Fix"):
        assert heading in rule.doc, f"{rule.code} lacks {heading}"
