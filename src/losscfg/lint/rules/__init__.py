"""One module per family of rules. A module defines its rules as module attributes (see
`losscfg.lint.registry`); adding a rule is one function with its docstring in the module of its
family, plus its tests and its row in the README."""

from __future__ import annotations

import importlib
import pkgutil
from functools import cache

from losscfg.lint.registry import Registry, Rule, collect


@cache
def default_registry() -> Registry:
    """Every rule of the modules of this package, built once per process."""
    return collect(
        importlib.import_module(f"{__name__}.{module.name}")
        for module in pkgutil.iter_modules(__path__)
    )


def all_rules() -> tuple[Rule, ...]:
    """Every rule, sorted by code."""
    return default_registry().rules


def find(code_or_name: str) -> Rule | None:
    return default_registry().find(code_or_name)
