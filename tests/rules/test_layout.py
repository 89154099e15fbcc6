"""The tests mirror the house: each module of `losscfg.lint.rules` has its test file,
tests/rules/test_<module>.py, and that file names every code the module defines."""

from __future__ import annotations

import importlib
import pkgutil
import re
from pathlib import Path

import pytest

import losscfg.lint.rules
from losscfg.lint.registry import Rule
from losscfg.lint.rules import default_registry

HERE = Path(__file__).resolve().parent
MODULES = sorted(module.name for module in pkgutil.iter_modules(losscfg.lint.rules.__path__))


def codes_of(name: str) -> list[str]:
    """The codes of the rules that the module `losscfg.lint.rules.<name>` defines."""
    module = importlib.import_module(f"{losscfg.lint.rules.__name__}.{name}")
    return sorted(v.code for v in vars(module).values() if isinstance(v, Rule))


def test_every_rule_lives_in_a_module_of_its_family() -> None:
    assert "catalogue" in MODULES and "syntax" in MODULES
    found = sorted(code for name in MODULES for code in codes_of(name))
    assert found == sorted(default_registry().by_code)  # each rule once, in one module


@pytest.mark.parametrize("name", MODULES)
def test_every_rules_module_has_its_test_file(name: str) -> None:
    assert (HERE / f"test_{name}.py").is_file(), (
        f"losscfg.lint.rules.{name} has no tests/rules/test_{name}.py"
    )


@pytest.mark.parametrize("name", MODULES)
def test_the_test_file_names_every_code_of_its_module(name: str) -> None:
    path = HERE / f"test_{name}.py"
    if not path.is_file():
        pytest.fail(f"losscfg.lint.rules.{name} has no {path.name}")
    text = path.read_text(encoding="utf-8")
    missing = [code for code in codes_of(name) if not re.search(rf"\b{code}\b", text)]
    assert missing == [], f"{path.name} never names {', '.join(missing)}"
