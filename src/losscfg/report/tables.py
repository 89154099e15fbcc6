"""`losscfg rules` and `losscfg losses` as tables laid out by rich at the terminal's width,
their texts wrapped under their own column (styled pieces per line)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Protocol

from losscfg.diagnostics import RuleDoc
from losscfg.load.values import show
from losscfg.report.terminal import Piece, measure, rendered, wrapped

if TYPE_CHECKING:
    from rich.table import Table


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


def rules_table(rules: Sequence[RuleDoc], width: int | None = None) -> Iterator[list[Piece]]:
    """One row a rule; what it checks wraps under its own column. Where that column would be
    narrower than `_NARROWEST_TEXT`, the name goes above it, after the code and severity."""
    from rich.text import Text

    grid = _grid("code", "name", "severity", "what it checks")
    for rule in rules:
        grid.add_row(Text(rule.code, style="bold"), rule.name, str(rule.severity), rule.summary)
    if not _fits(grid, width):
        grid = _grid("code", "severity", "name, what it checks")
        for rule in rules:
            what = Text.assemble(rule.name, "\n", rule.summary)
            grid.add_row(Text(rule.code, style="bold"), str(rule.severity), what)
    yield from rendered(grid, width)


def losses_table(
    losses: Sequence[LossDoc], default_loss: str, width: int | None = None
) -> Iterator[list[Piece]]:
    """Each loss: its name and torch class, what it expects, and a row a parameter whose
    description wraps under its own column; where that column would be narrower than
    `_NARROWEST_TEXT` (for any loss), a parameter's type, default and description go one above
    the other beside its name."""
    from rich.padding import Padding
    from rich.text import Text

    grids = [_parameters(loss, stacked=False) for loss in losses]
    if not all(_fits(grid, width, indent=2) for grid in grids if grid.row_count):
        grids = [_parameters(loss, stacked=True) for loss in losses]
    for index, (loss, grid) in enumerate(zip(losses, grids, strict=True)):
        if index:
            yield []
        default = "  (the default)" if loss.name == default_loss else ""
        builds = "  " + loss.torch_class if loss.torch_class != loss.name else ""
        yield from wrapped([(loss.name, "bold"), (default, ""), (builds, "cyan")], width)
        yield from rendered(Padding(Text(loss.description), (0, 0, 0, 2)), width)
        if grid.row_count:
            yield from rendered(Padding(grid, (0, 0, 0, 2)), width)
        else:
            yield [
                (
                    "  no parameters besides name"
                    if loss.torch_class != loss.name
                    else "  no arguments",
                    "dim",
                )
            ]


_NARROWEST_TEXT = 30  # the narrowest a column of descriptions is worth


def _parameters(loss: LossDoc, *, stacked: bool) -> Table:
    from rich.text import Text

    grid = _grid(None, None, None, None) if not stacked else _grid(None, None)
    for name, parameter in loss.parameters.items():
        default = f"default {show(parameter.default)}" if parameter.has_default else "no default"
        if stacked:
            what = f"{parameter.expected}  {default}\n{parameter.description}"
            grid.add_row(Text(name, style="bold"), what)
        else:
            grid.add_row(
                Text(name, style="bold"), parameter.expected, default, parameter.description
            )
    return grid


def _grid(*headers: str | None) -> Table:
    """A table without lines, two spaces between its columns; the last column (the text)
    wraps, the others do not; no header row when the headers are None."""
    from rich.table import Table

    grid = Table(
        box=None,
        padding=(0, 1),
        pad_edge=False,
        show_edge=False,
        show_header=headers[0] is not None,
        header_style="bold",
    )
    for index, header in enumerate(headers):
        last = index == len(headers) - 1
        grid.add_column(
            header or "",
            no_wrap=not last,
            min_width=_NARROWEST_TEXT if last else None,
            overflow="fold",
        )
    return grid


def _fits(grid: Table, width: int | None, *, indent: int = 0) -> bool:
    """Whether `grid`, `indent` columns in, leaves its last column (the text, which wraps)
    `_NARROWEST_TEXT` columns at least, the others at their widest (they do not wrap)."""
    if width is None:
        return True
    *fixed, _ = grid.columns
    cells = [[column.header, *column.cells] for column in fixed]
    used = sum(max(measure(cell)[1] for cell in column) for column in cells)
    return indent + used + 2 * len(fixed) + _NARROWEST_TEXT <= width
