"""Which rules are on: `select` and `ignore` layers, as in ruff."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from losscfg.lint.registry import Registry


class Selection:
    __slots__ = ("always_on", "enabled")

    def __init__(self, enabled: frozenset[str], always_on: frozenset[str] = frozenset()) -> None:
        self.enabled = enabled | always_on
        self.always_on = always_on  # problems that make a file impossible to check

    @classmethod
    def everything(cls, registry: Registry) -> Selection:
        return cls(frozenset(registry.by_code), registry.always_on)

    @classmethod
    def from_layers(
        cls,
        layers: Iterable[tuple[Sequence[str] | None, Sequence[str]]],
        registry: Registry,
    ) -> Selection:
        """Apply (select, ignore) layers in order: settings first, the command line last.

        A layer's `select` replaces what was on; its `ignore` turns codes off. Selectors are
        codes, prefixes (`LC2`), rule names or `ALL`; an unknown one raises UnknownSelector.
        """
        enabled = set(registry.by_code)
        for select, ignore in layers:
            if select is not None:
                chosen = dict.fromkeys(select)  # a selector given a million times is one
                enabled = set().union(*(registry.codes_of(s) for s in chosen)) if chosen else set()
            for selector in dict.fromkeys(ignore):
                enabled -= registry.codes_of(selector)
        return cls(frozenset(enabled), registry.always_on)

    def __contains__(self, code: object) -> bool:
        return code in self.enabled
