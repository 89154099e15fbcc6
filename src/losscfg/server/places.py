"""Where the cursor is in a document: the key or value under it (from the loaded document), or
the block mapping that a line being typed continues (from the text, which often does not load
while it is typed).

Positions are 0-based lines and columns in code points, as `losscfg.server.editor`'s.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any, NamedTuple

from losscfg.load.document import Document, Node

#: Where a key or value of the document stands: a path and whether the cursor is on the key.
Path_ = tuple[Any, ...]

_DASHES = re.compile(r"(?:-[ ]+)*")
_KEY = re.compile(r"[^\s#:][^:#]*:(?:\s|$)")


class Place(NamedTuple):
    path: Path_
    on_key: bool


def place_at(document: Document, line: int, column: int) -> Place | None:
    """The key or value at a position: the deepest one whose text holds it."""
    node: Node | None = document.root
    path: Path_ = ()
    found: Place | None = None
    while node is not None:
        child = None
        if node.entries is not None:
            for key, entry in node.entries.items():
                if entry.merged:
                    continue
                if _holds(entry.key_position, line, column):
                    return Place((*path, key), True)
                if _holds(entry.node.position, line, column):
                    child, path = entry.node, (*path, key)
                    found = Place(path, False)
                    break
        elif node.items is not None:
            for index, item in enumerate(node.items):
                if _holds(item.position, line, column):
                    child, path = item, (*path, index)
                    found = Place(path, False)
                    break
        node = child
    return found


def _holds(position: tuple[int, int, int, int], line: int, column: int) -> bool:
    start, end = position[:2], position[2:]
    return start <= (line, column) <= end and start != end


def key_above(lines: Sequence[str], line: int, column: int) -> int | None:
    """The line of the nearest key above `line` that starts at `column` (after a list item's
    `- `), when every line between is indented deeper: a key of the block mapping that a key
    typed at `column` on `line` joins. None when a shallower line comes first."""
    for above in range(line - 1, -1, -1):
        text = lines[above]
        content = text.lstrip(" ")
        if not content or content.startswith("#"):
            continue
        start = len(text) - len(content)
        dashes = _DASHES.match(content)
        key_column = start + (dashes.end() if dashes else 0)
        if key_column == column and _KEY.match(text, key_column):
            return above
        if start < column:
            return None
    return None
