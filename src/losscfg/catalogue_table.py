"""`losscfg losses` and `losscfg rules` as aligned text tables (styled pieces per line)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from losscfg.registry import all_rules
from losscfg.schema import catalogue
from losscfg.terminal import Piece
from losscfg.values import show


def rules_table() -> Iterator[list[Piece]]:
    rows = [(r.code, r.name, str(r.severity), r.summary) for r in all_rules()]
    yield from _table(("code", "name", "severity", "what it checks"), rows)


def losses_table() -> Iterator[list[Piece]]:
    known = catalogue()
    for index, loss in enumerate(known.losses.values()):
        if index:
            yield []
        default = "  (the default)" if loss.name == known.default_loss else ""
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
