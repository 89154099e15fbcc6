"""Writing styled lines: through rich on a colour terminal, as plain text everywhere else."""

from __future__ import annotations

import os
from collections.abc import Iterable
from typing import IO

# (text, style) pieces of a line; styles are rich style names, ignored without colour.
Piece = tuple[str, str]


def use_color(stream: IO[str], no_color: bool) -> bool:
    """Colour only on a terminal, and never with --no-color or NO_COLOR."""
    if no_color or os.environ.get("NO_COLOR"):
        return False
    return stream.isatty()


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
