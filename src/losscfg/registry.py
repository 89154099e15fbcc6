"""Every rule losscfg knows: its code, name, default severity and documentation.

A rule is either a check (a function of the file's `Context`, registered with `@rule`) or a
declaration (`declare`) for problems found while reading, validating or dry-running a file.
The modules of `losscfg.rules` register themselves on import; `all_rules()` imports them all.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, NamedTuple

from losscfg.diagnostics import Diagnostic, Severity, Span

if TYPE_CHECKING:
    from losscfg.context import Context, Finding

    Check = Callable[[Context], Iterable[Finding]]


class Rule(NamedTuple):
    code: str
    name: str
    severity: Severity
    doc: str
    check: Check | None = None

    @property
    def summary(self) -> str:
        return self.doc.split("\n", 1)[0].strip()

    def diagnostic(
        self,
        message: str,
        *,
        span: Span | None = None,
        hint: str | None = None,
        pointer: str | None = None,
        severity: Severity | None = None,
    ) -> Diagnostic:
        return Diagnostic(
            code=self.code,
            rule=self.name,
            severity=severity or self.severity,
            message=message,
            hint=hint,
            pointer=pointer,
            line=span.line if span else None,
            column=span.column if span else None,
            end_line=span.end_line if span else None,
            end_column=span.end_column if span else None,
        )


_RULES: dict[str, Rule] = {}
_BY_NAME: dict[str, Rule] = {}
_LOADED = False


def _register(new: Rule) -> Rule:
    for known in (_RULES.get(new.code), _BY_NAME.get(new.name)):
        if known is not None and (known.code, known.name) != (new.code, new.name):
            raise ValueError(f"rule {new.code} {new.name} clashes with {known.code} {known.name}")
    _RULES[new.code] = new
    _BY_NAME[new.name] = new
    return new


def declare(code: str, name: str, severity: Severity, doc: str) -> Rule:
    """A rule whose diagnostics are made outside `losscfg.rules` (reading, schema, dry-run)."""
    return _register(Rule(code, name, severity, inspect.cleandoc(doc)))


def rule(code: str, name: str, severity: Severity) -> Callable[[Check], Rule]:
    """Register a check; its docstring is the rule's documentation (`losscfg rule CODE`)."""

    def register(check: Check) -> Rule:
        if not check.__doc__:
            raise ValueError(f"rule {code} needs a docstring: it is the user documentation")
        return _register(Rule(code, name, severity, inspect.cleandoc(check.__doc__), check))

    return register


def all_rules() -> list[Rule]:
    """Every rule, sorted by code (imports every module of `losscfg.rules` once)."""
    global _LOADED
    if not _LOADED:
        import losscfg.rules as package

        for module in pkgutil.iter_modules(package.__path__):
            importlib.import_module(f"{package.__name__}.{module.name}")
        _LOADED = True
    return sorted(_RULES.values(), key=lambda r: r.code)


def checks() -> list[Rule]:
    """The rules that are checks of a file's context, by code."""
    global _CHECKS
    if _CHECKS is None:
        _CHECKS = [r for r in all_rules() if r.check is not None]
    return _CHECKS


_CHECKS: list[Rule] | None = None


def find(code_or_name: str) -> Rule | None:
    all_rules()
    key = code_or_name.strip()
    return _RULES.get(key.upper()) or _BY_NAME.get(key.lower())


class UnknownSelector(ValueError):
    """A code, prefix or name that matches no rule."""


def expand(selector: str) -> set[str]:
    """The codes a selector means: a code, a code prefix (`LC2`), a rule name, or `ALL`."""
    key = selector.strip()
    if key.upper() == "ALL":
        return {r.code for r in all_rules()}
    known = find(key)
    if known is not None:
        return {known.code}
    matches = {r.code for r in all_rules() if r.code.startswith(key.upper())}
    if not key or not matches:
        raise UnknownSelector(key)
    return matches
