"""Every rule losscfg knows: its code, name, default severity and documentation.

A rule module (`losscfg.lint.rules.*`) defines its rules as module attributes: checks of a file's
`Context` (`@rule`), rules whose problems are found while reading, validating or running a
file (`declare`), and `@explains` functions that word a JSON Schema error as a rule's finding.
`losscfg.lint.rules.default_registry()` imports the rule modules once and builds an immutable
`Registry` of what they define (`collect`): nothing registers itself, and nothing changes
after it is built.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterable, Iterator, Mapping
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, NamedTuple

from losscfg.diagnostics import Diagnostic, Fix, Severity, Span

if TYPE_CHECKING:
    from losscfg.lint.context import Context, Finding, SchemaError

    Check = Callable[[Context], Iterable[Finding]]
    Explain = Callable[[SchemaError, Context], Iterable[Finding]]


class Rule(NamedTuple):
    code: str
    name: str
    severity: Severity
    doc: str
    check: Check | None = None
    after_dry_run: bool = False  # the check reads the dry-run's result
    run_instead: bool = False  # with a dry-run, the run itself shows this problem, in torch's words
    silenceable: bool = True  # False: the file cannot be checked; never selected off or silenced
    dialects: frozenset[str] = frozenset({"fat"})  # the dialects whose files it checks (§15)

    @property
    def summary(self) -> str:
        """The doc's first paragraph, on one line."""
        return " ".join(self.doc.split("\n\n", 1)[0].split())

    def diagnostic(
        self,
        message: str,
        *,
        span: Span | None = None,
        hint: str | None = None,
        pointer: str | None = None,
        severity: Severity | None = None,
        fix: Fix | None = None,
    ) -> Diagnostic:
        return Diagnostic(
            code=self.code,
            rule=self.name,
            severity=severity or self.severity,
            message=_capped(message),
            hint=_capped(hint) if hint is not None else None,
            pointer=pointer,
            line=span.line if span else None,
            column=span.column if span else None,
            end_line=span.end_line if span else None,
            end_column=span.end_column if span else None,
            fix=fix,
        )


#: Longer messages and hints are cut: a value quoted from a config never makes a report huge.
LONGEST_MESSAGE = 1_000


def _capped(text: str) -> str:
    return text if len(text) <= LONGEST_MESSAGE else text[: LONGEST_MESSAGE - 3] + "..."


class Explainer(NamedTuple):
    """Words the JSON Schema errors of some keywords as findings of one rule.

    `function` yields nothing for an error that is not its rule's business; the next
    explainer of the keyword is asked then. A `fallback` is asked after the others of its
    keywords, and the keyword `*` stands for every keyword.
    """

    rule: Rule
    keywords: tuple[str, ...]
    function: Explain
    fallback: bool = False


def declare(
    code: str, name: str, severity: Severity, doc: str, *, silenceable: bool = True
) -> Rule:
    """A rule whose problems are found outside a check: reading, the schema, suppressions."""
    return Rule(code, name, severity, inspect.cleandoc(doc), silenceable=silenceable)


def rule(
    code: str,
    name: str,
    severity: Severity,
    *,
    after_dry_run: bool = False,
    run_instead: bool = False,
    dialects: Iterable[str] = ("fat",),
) -> Callable[[Check], Rule]:
    """A check of a file's context; its docstring is the rule's page (`losscfg rule CODE`).

    `run_instead`: the dry-run feeds the loss as the trainer does, so with a dry-run the run
    shows the problem in torch's own words, and the check is left out. `dialects`: the files
    it checks (SPEC §15): the framework's section rules check only the framework's files.
    """

    def make(check: Check) -> Rule:
        if not check.__doc__:
            raise ValueError(f"rule {code} needs a docstring: it is the user documentation")
        doc = inspect.cleandoc(check.__doc__)
        return Rule(
            code,
            name,
            severity,
            doc,
            check,
            after_dry_run=after_dry_run,
            run_instead=run_instead,
            dialects=frozenset(dialects),
        )

    return make


def explains(owner: Rule, *keywords: str, fallback: bool = False) -> Callable[[Explain], Explainer]:
    """Word the schema errors of `keywords` as findings of `owner`."""

    def make(function: Explain) -> Explainer:
        return Explainer(owner, keywords, function, fallback)

    return make


class UnknownSelector(ValueError):
    """A code, prefix or name that matches no rule."""


class Registry:
    """Every rule by code and by name, and the explainers of schema errors by keyword."""

    def __init__(self, rules: Iterable[Rule], explainers: Iterable[Explainer] = ()) -> None:
        by_code: dict[str, Rule] = {}
        by_name: dict[str, Rule] = {}
        for new in rules:
            for known in (by_code.get(new.code), by_name.get(new.name)):
                if known is not None and known != new:
                    raise ValueError(
                        f"rule {new.code} {new.name} clashes with {known.code} {known.name}"
                    )
            by_code[new.code] = by_name[new.name] = new
        self.by_code: Mapping[str, Rule] = MappingProxyType(dict(sorted(by_code.items())))
        self.by_name: Mapping[str, Rule] = MappingProxyType(by_name)
        self.rules: tuple[Rule, ...] = tuple(self.by_code.values())
        self.checks: tuple[Rule, ...] = tuple(r for r in self.rules if r.check is not None)
        self.always_on: frozenset[str] = frozenset(r.code for r in self.rules if not r.silenceable)
        ordered = sorted(explainers, key=lambda e: (e.fallback, e.rule.code))
        for explainer in ordered:
            if explainer.rule.code not in self.by_code:
                raise ValueError(f"an explainer of {explainer.rule.code}, which is no rule")
        keyed: dict[str, list[Explainer]] = {}
        for explainer in ordered:
            for keyword in explainer.keywords:
                keyed.setdefault(keyword, []).append(explainer)
        self.explainers: Mapping[str, tuple[Explainer, ...]] = MappingProxyType(
            {keyword: tuple(found) for keyword, found in keyed.items()}
        )

    def __iter__(self) -> Iterator[Rule]:
        return iter(self.rules)

    def find(self, code_or_name: str) -> Rule | None:
        key = code_or_name.strip()
        return self.by_code.get(key.upper()) or self.by_name.get(key.lower())

    def codes_of(self, selector: str) -> frozenset[str]:
        """The codes a selector means: a code, a code prefix (`LC2`), a rule name, or `ALL`."""
        key = selector.strip()
        if key.upper() == "ALL":
            return frozenset(self.by_code)
        known = self.find(key)
        if known is not None:
            return frozenset({known.code})
        matches = frozenset(code for code in self.by_code if code.startswith(key.upper()))
        if not key or not matches:
            raise UnknownSelector(key)
        return matches

    def explainers_of(self, keyword: str) -> tuple[Explainer, ...]:
        """Who words a schema error of `keyword`, in the order they are asked."""
        return self.explainers.get(keyword, ()) + self.explainers.get("*", ())


def collect(modules: Iterable[Any]) -> Registry:
    """The registry of the rules and explainers that `modules` define."""
    rules: list[Rule] = []
    explainers: list[Explainer] = []
    for module in modules:
        for value in vars(module).values():
            if isinstance(value, Rule):
                rules.append(value)
            elif isinstance(value, Explainer) and value not in explainers:
                explainers.append(value)
    return Registry(rules, explainers)
