"""`losscfg rules` and `losscfg losses` as aligned text tables (styled pieces per line)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any, Protocol

from losscfg.diagnostics import RuleDoc
from losscfg.terminal import Piece
from losscfg.values import show


class ParameterDoc(Protocol):
    @property
    def expected(self) -> str: ...  # "a number in [0, 1]"
    @property
    def has_default(self) -> bool: ...
    @property
    def default(self) -> Any: ...
    @property
    def description(self) -> str: ...


class LossDoc(Protocol):
    @property
    def name(self) -> str: ...
    @property
    def torch_class(self) -> str: ...
    @property
    def description(self) -> str: ...
    @property
    def parameters(self) -> Mapping[str, ParameterDoc]: ...


def rules_table(rules: Sequence[RuleDoc]) -> Iterator[list[Piece]]:
    rows = [(r.code, r.name, str(r.severity), r.summary) for r in rules]
    yield from _table(("code", "name", "severity", "what it checks"), rows)


def losses_table(losses: Sequence[LossDoc], default_loss: str) -> Iterator[list[Piece]]:
    for index, loss in enumerate(losses):
        if index:
            yield []
        default = "  (the default)" if loss.name == default_loss else ""
        yield [(loss.name, "bold"), (default, ""), ("  " + loss.torch_class, "cyan")]
        yield [("  " + loss.description, "")]
        rows = [
            (
                name,
                parameter.expected,
                f"default {show(parameter.default)}" if parameter.has_default else "no default",
                parameter.description,
            )
            for name, parameter in loss.parameters.items()
        ]
        if rows:
            yield from _table(None, rows, indent="  ")
        else:
            yield [("  no parameters besides name", "dim")]


def _table(
    header: Sequence[str] | None, rows: Sequence[Sequence[str]], indent: str = ""
) -> Iterator[list[Piece]]:
    every = [header, *rows] if header else list(rows)
    widths = [max(len(row[i]) for row in every) for i in range(len(every[0]) - 1)]
    if header:
        yield [(indent + _join(header, widths), "bold")]
    for row in rows:
        yield [(indent + row[0].ljust(widths[0]), "bold"), ("  " + _join(row[1:], widths[1:]), "")]


def _join(cells: Sequence[str], widths: Sequence[int]) -> str:
    padded = [cell.ljust(width) for cell, width in zip(cells, widths, strict=False)]
    return "  ".join([*padded, *cells[len(widths) :]]).rstrip()
