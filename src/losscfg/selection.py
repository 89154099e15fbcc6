"""Which rules are on: `select` and `ignore` layers, as in ruff."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from losscfg.registry import all_rules, expand

#: Problems that make the file impossible to check: always reported, never silenced.
ALWAYS_ON = frozenset({"LC000", "LC001"})


class Selection:
    __slots__ = ("enabled",)

    def __init__(self, enabled: frozenset[str]) -> None:
        self.enabled = enabled

    @classmethod
    def everything(cls) -> Selection:
        return cls(frozenset(r.code for r in all_rules()))

    @classmethod
    def from_layers(cls, layers: Iterable[tuple[Sequence[str] | None, Sequence[str]]]) -> Selection:
        """Apply (select, ignore) layers in order: settings first, the command line last.

        A layer's `select` replaces what was on; its `ignore` turns codes off. Selectors are
        codes, prefixes (`LC2`), rule names or `ALL`; an unknown one raises UnknownSelector.
        """
        enabled = {r.code for r in all_rules()}
        for select, ignore in layers:
            if select is not None:
                enabled = set().union(*(expand(s) for s in select)) if select else set()
            for selector in ignore:
                enabled -= expand(selector)
        return cls(frozenset(enabled | ALWAYS_ON))

    def __contains__(self, code: object) -> bool:
        return code in self.enabled
