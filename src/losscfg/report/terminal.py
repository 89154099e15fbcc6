"""Writing styled lines: through rich on a colour terminal, as plain text everywhere else.

Tables and pages are laid out by rich at a width (`width`: the terminal's, COLUMNS, or 80) and
come back as lines of styled pieces (`rendered`, `wrapped`), written like any other line.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from typing import IO, TYPE_CHECKING

if TYPE_CHECKING:
    from rich.console import Console, RenderableType

# (text, style) pieces of a line; styles are rich style names, ignored without colour.
Piece = tuple[str, str]

_NARROWEST = 20  # no layout is tried below this width (a COLUMNS of 5, say)
_WIDEST = 100_000  # "as wide as it wants"


def use_color(stream: IO[str], no_color: bool) -> bool:
    """Colour only on a terminal, as CPython 3.13 decides it: --no-color wins, then a non-empty
    NO_COLOR turns colour off, then a non-empty FORCE_COLOR turns it on off a terminal too."""
    if no_color or os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    return stream.isatty()


def width(stream: IO[str]) -> int:
    """The width to lay tables and pages out at: COLUMNS when it is set (as rich and `shutil`
    read it), else the terminal's width on a terminal, else 80 (piped, or a file)."""
    columns = os.environ.get("COLUMNS", "").strip()
    if columns.isdigit() and int(columns) > 0:
        return max(int(columns), _NARROWEST)
    try:
        if stream.isatty():
            return max(os.get_terminal_size(stream.fileno()).columns or 80, _NARROWEST)
    except (OSError, ValueError, AttributeError):  # not a real terminal after all
        pass
    return 80


def write_lines(lines: Iterable[list[Piece]], stream: IO[str], *, color: bool) -> None:
    if not color:
        for pieces in lines:
            stream.write("".join(text for text, _ in pieces) + "\n")
        return
    from rich.console import Console
    from rich.text import Text

    console = Console(file=stream, soft_wrap=True, highlight=False, force_terminal=True)
    for pieces in lines:
        console.print(Text.assemble(*pieces))


def rendered(renderable: RenderableType, width: int | None) -> list[list[Piece]]:
    """The lines rich lays `renderable` out in at `width` (None: as wide as it wants, so that
    nothing wraps), trailing blanks trimmed unless they carry a background colour."""
    console = _console()
    if width is None:
        width = max(measure(renderable)[1], 1)
    options = console.options.update(width=width)
    lines = []
    for line in console.render_lines(renderable, options, pad=False):
        pieces: list[tuple[str, str, bool]] = []  # text, style, has a background
        for segment in line:
            if segment.control or not segment.text:
                continue
            style = segment.style
            name = str(style) if style else ""
            background = style is not None and style.bgcolor is not None
            if pieces and pieces[-1][1] == name:
                pieces[-1] = (pieces[-1][0] + segment.text, name, background)
            else:
                pieces.append((segment.text, name, background))
        while pieces and not pieces[-1][2] and not pieces[-1][0].rstrip():
            pieces.pop()
        if pieces and not pieces[-1][2]:
            pieces[-1] = (pieces[-1][0].rstrip(), pieces[-1][1], False)
        lines.append([(text, style) for text, style, _ in pieces])
    return lines


def wrapped(pieces: Sequence[Piece], width: int | None, *, indent: int = 2) -> list[list[Piece]]:
    """One line of pieces word-wrapped at `width` (None: not wrapped), the lines after the first
    indented by `indent` (a hanging indent)."""
    if width is None:
        return [list(pieces)]
    from rich.padding import Padding
    from rich.text import Text

    text = Text.assemble(*pieces, end="")
    first = text.wrap(_console(), width)[0]
    head, *tail = text.divide([len(first.plain)])
    lines = rendered(head, width)
    if tail and tail[0].plain.strip():
        rest = tail[0]
        blank = len(rest.plain) - len(rest.plain.lstrip())
        rest = rest.divide([blank])[-1] if blank else rest
        lines += rendered(Padding(rest, (0, 0, 0, indent)), max(width, indent + 1))
    return lines


def measure(renderable: RenderableType) -> tuple[int, int]:
    """The narrowest and the widest rich lays `renderable` out in (wider: nothing wraps)."""
    console = _console()
    measurement = console.measure(renderable, options=console.options.update(width=_WIDEST))
    return measurement.minimum, measurement.maximum


def _console() -> Console:
    """A console that renders (to nothing) for `rendered`: its width is always given."""
    import io

    from rich.console import Console

    return Console(
        file=io.StringIO(),
        width=80,
        force_terminal=True,
        color_system="truecolor",
        highlight=False,
        markup=False,
        emoji=False,
        legacy_windows=False,
    )
