"""A remedy's changes as text edits by span (SPEC §13): every byte outside the edited spans
stays, comments, quoting, indentation, flow or block style and line endings included.

A change that cannot be made by a span of its own raises `Unfixable` with the reason: a value
reached through an alias or a merge key (editing the anchor would change every place that uses
it), a value spread over several lines, a key that shares its line with another.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator
from typing import Any

from losscfg.diagnostics import Edit
from losscfg.fix.remedies import Change, MoveEntry, RemoveEntry, RenameKey, SetValue
from losscfg.load.document import Document, Entry, Node
from losscfg.load.reading import split_lines

_BREAK = re.compile("\r\n|[\r\n\x85\u2028\u2029]")
_PROPERTIES = re.compile(r"(?:[&!][^\s]*\s+)*")
_REST_OF_LINE = re.compile(r"[ \t]*(#.*)?")


class Unfixable(Exception):
    """Why a change cannot be made by editing a span of its own."""


class Lines:
    """Offsets of the lines of a text (without its byte-order mark), as YAML counts lines."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.starts = [0] + [match.end() for match in _BREAK.finditer(text)]
        first = _BREAK.search(text)
        self.break_ = first.group() if first else "\n"

    def offset(self, line: int, column: int) -> int:
        """The offset of a 0-based line and column."""
        return self.starts[line] + column if line < len(self.starts) else len(self.text)

    def end(self, line: int) -> int:
        """Where the content of a 0-based line ends (before its line break)."""
        following = self.next_start(line)
        match = _BREAK.search(self.text, self.starts[line], following)
        return match.start() if match else following

    def next_start(self, line: int) -> int:
        return self.starts[line + 1] if line + 1 < len(self.starts) else len(self.text)

    def position(self, offset: int) -> tuple[int, int]:
        """The 1-based line and column of an offset."""
        import bisect

        line = bisect.bisect_right(self.starts, offset) - 1
        return line + 1, offset - self.starts[line] + 1

    def edit(self, start: int, end: int, content: str) -> Edit:
        return Edit(*self.position(start), *self.position(end), content)


def edits_for(
    changes: tuple[Change, ...], document: Document, lines: Lines | None = None
) -> tuple[Edit, ...]:
    """The edits that make `changes` in the document's text, sorted; raises Unfixable.
    `lines`: the document's line table, when the caller has built it already."""
    if lines is None:
        lines = Lines(document.text)
    found: list[Edit] = []
    for change in changes:
        found.extend(_edits(change, document, lines))
    found.sort()
    for before, after in itertools.pairwise(found):
        if (after.line, after.column) < (before.end_line, before.end_column):
            raise Unfixable("its edits overlap")
    return tuple(found)


def apply(text: str, edits: list[Edit]) -> str:
    """`text` (a byte-order mark included) with non-overlapping `edits` made."""
    bom = "\ufeff" if text.startswith("\ufeff") else ""
    lines = Lines(text[len(bom) :])
    body = lines.text
    pieces, done = [bom], 0
    for edit in sorted(edits):
        start = lines.offset(edit.line - 1, edit.column - 1)
        pieces += [body[done:start], edit.content]
        done = lines.offset(edit.end_line - 1, edit.end_column - 1)
    pieces.append(body[done:])
    return "".join(pieces)


def _edits(change: Change, document: Document, lines: Lines) -> Iterator[Edit]:
    if isinstance(change, SetValue):
        yield _set_value(change, document, lines)
    elif isinstance(change, RenameKey):
        yield _rename(change, document, lines)
    elif isinstance(change, RemoveEntry):
        parent, entry = _entry(document, change.path)
        yield _remove(parent, entry, lines)
    else:
        yield from _move(change, document, lines)


def _walk(document: Document, path: tuple[Any, ...]) -> Node:
    node = document.root
    for part in path:
        if node is None:
            raise Unfixable("the value is not in the file")
        _own_text(node)
        if node.entries is not None:
            entry = node.entries.get(part)
            if entry is None:
                raise Unfixable("the value is not in the file")
            if entry.merged:
                raise Unfixable(
                    "the value comes through a merge key (<<): editing it would change the "
                    "mapping it is merged from"
                )
            node = entry.node
        elif node.items is not None and isinstance(part, int) and 0 <= part < len(node.items):
            node = node.items[part]
        else:
            raise Unfixable("the value is not in the file")
    if node is None:
        raise Unfixable("the value is not in the file")
    _own_text(node)
    return node


def _own_text(node: Node) -> None:
    if node.shared:
        raise Unfixable(
            "the value is an anchor that an alias (*name) repeats: editing it would change "
            "every place that uses it"
        )


def _entry(document: Document, path: tuple[Any, ...]) -> tuple[Node, Entry]:
    parent = _walk(document, path[:-1])
    entry = parent.entries.get(path[-1]) if parent.entries is not None else None
    if entry is None:
        raise Unfixable("the key is not in the file")
    if entry.merged:
        raise Unfixable("the key comes through a merge key (<<)")
    _own_text(entry.node)
    return parent, entry


def _scalar_text(position: tuple[int, int, int, int], lines: Lines) -> tuple[int, int]:
    line, column, end_line, end_column = position
    if line != end_line:
        raise Unfixable("the value spreads over several lines")
    start, end = lines.offset(line, column), lines.offset(end_line, end_column)
    if start == end:
        raise Unfixable("the value has no text of its own")
    return start, end


def _set_value(change: SetValue, document: Document, lines: Lines) -> Edit:
    node = _walk(document, change.path)
    if node.entries is not None or node.items is not None:
        if not _is_flow(node, lines):  # a block list or mapping has no span of its own
            raise Unfixable("the value is a mapping or a list")
        start, end = _scalar_text(node.position, lines)  # a flow one on one line: all of it
        return lines.edit(start, end, change.spelling)
    start, end = _scalar_text(node.position, lines)
    token = lines.text[start:end]
    properties = _PROPERTIES.match(token)
    assert properties is not None
    anchors = "".join(part + " " for part in properties.group().split() if part.startswith("&"))
    body = token[properties.end() :]
    spelling = change.spelling
    if change.keep_quotes and body[:1] in ("'", '"'):
        spelling = _quoted(spelling, body[0])
    return lines.edit(start, end, anchors + spelling)


def _quoted(text: str, quote: str) -> str:
    if quote == "'":
        return "'" + text.replace("'", "''") + "'"
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _rename(change: RenameKey, document: Document, lines: Lines) -> Edit:
    parent, entry = _entry(document, change.path)
    assert parent.entries is not None
    if change.new_key in parent.entries:
        raise Unfixable(f"the mapping already has the key {change.new_key!r}")
    start, end = _scalar_text(entry.key_position, lines)
    token = lines.text[start:end]
    spelling = change.new_key
    if token[:1] in ("'", '"'):
        spelling = _quoted(spelling, token[0])
    return lines.edit(start, end, spelling)


def _is_flow(node: Node, lines: Lines) -> bool:
    line, column = node.position[0], node.position[1]
    return lines.text[lines.offset(line, column) : lines.offset(line, column) + 1] in ("{", "[")


def _value_end(entry: Entry, lines: Lines) -> int:
    """Where an entry's value ends (its key's end, for a value with no text)."""
    key_end = lines.offset(entry.key_position[2], entry.key_position[3])
    return max(_content_end(entry.node, lines), key_end)


def _content_end(node: Node, lines: Lines) -> int:
    """Where a value's own text ends: a block collection's end mark lies at the next key (after
    any comment lines), so it ends with its last child."""
    end = lines.offset(node.position[2], node.position[3])
    if _is_flow(node, lines):
        return end
    if node.entries:
        return max(_value_end(entry, lines) for entry in node.entries.values())
    if node.items:
        return max(_content_end(item, lines) for item in node.items)
    return end


def _remove(parent: Node, entry: Entry, lines: Lines) -> Edit:
    assert parent.entries is not None
    key_start = lines.offset(entry.key_position[0], entry.key_position[1])
    value_end = _value_end(entry, lines)
    text = lines.text
    if _is_flow(parent, lines):
        after = re.compile(r"[ \t]*,[ \t]*").match(text, value_end)
        if after is not None:
            return lines.edit(key_start, after.end(), "")
        before = re.search(r",[ \t]*\Z", text[:key_start])
        start = key_start - len(before.group()) if before else key_start
        return lines.edit(start, value_end, "")
    if len(parent.entries) == 1:
        raise Unfixable("it is the only key of its mapping, which would become null")
    line = entry.key_position[0]
    line_start = lines.starts[line]
    if text[line_start:key_start].strip():
        raise Unfixable("the key shares its line with other text")
    end_line = lines.position(value_end)[0] - 1
    rest = _REST_OF_LINE.fullmatch(text, value_end, lines.end(end_line))
    if rest is None:
        raise Unfixable("the value shares its line with other text")
    comment = rest.group(1)
    following = lines.next_start(end_line)
    if comment:  # the comment stays where it was, on a line of its own
        line_break = text[lines.end(end_line) : following]
        return lines.edit(line_start, following, text[line_start:key_start] + comment + line_break)
    return lines.edit(line_start, following, "")


def _move(change: MoveEntry, document: Document, lines: Lines) -> Iterator[Edit]:
    holder = document.node(change.within) if change.within else document.root
    where = "the file's top level" if not change.within else "the mapping"
    if holder is None or holder.entries is None or _is_flow(holder, lines):
        raise Unfixable(f"{where} is not a block mapping")
    entry = holder.entries.get(change.key)
    if entry is None or entry.merged:
        raise Unfixable("the key is not in the file")
    _own_text(entry.node)
    text = lines.text
    line, column = entry.key_position[0], entry.key_position[1]
    value_end = _value_end(entry, lines)
    own = [e.key_position[1] for e in holder.entries.values() if not e.merged]
    if column != min(own) or lines.position(value_end)[0] - 1 != line:
        raise Unfixable("the key and its value do not stand alone on one line")
    if text[lines.starts[line] : lines.offset(line, column)].strip(" "):
        raise Unfixable("the key does not begin its line")  # `- key: …`, a list item's first
    key_start = lines.offset(line, column)
    moved = text[key_start : lines.end(line)]
    line_break = text[lines.end(line) : lines.next_start(line)]
    section = holder.entries.get(change.section)
    if section is None:
        indent = " " * (column + _indent_unit(document))
        content = f"{change.section}:{lines.break_}{indent}{moved}{line_break}"
        yield lines.edit(key_start, lines.next_start(line), content)
        return
    if section.merged:
        raise Unfixable(f"{change.section} comes through a merge key (<<)")
    target = section.node
    _own_text(target)
    if target.entries is None:
        raise Unfixable(f"{change.section} is not a mapping with keys of its own")
    if change.key in target.entries:
        raise Unfixable(f"{change.section} already has the key {change.key!r}")
    if _is_flow(target, lines):
        yield from _move_into_flow(target, entry, key_start, lines)
        return
    if not target.entries:
        raise Unfixable(f"{change.section} has no keys to align with")
    columns = {e.key_position[1] for e in target.entries.values()}
    indent = " " * min(columns)
    last_end = max(_value_end(e, lines) for e in target.entries.values())
    insert_line = lines.position(last_end)[0]  # 0-based: the line after the last value's
    insert_at = lines.next_start(insert_line - 1)
    if insert_at == lines.starts[line]:  # the key is the next line: indent it
        yield lines.edit(key_start, key_start, " " * (min(columns) - column))
        return
    before = (
        ""
        if insert_at == 0 or text[insert_at - 1 : insert_at] in "\r\n\x85\u2028\u2029"
        else lines.break_
    )
    yield lines.edit(lines.starts[line], lines.next_start(line), "")
    yield lines.edit(insert_at, insert_at, before + indent + moved + (line_break or lines.break_))


def _move_into_flow(target: Node, entry: Entry, key_start: int, lines: Lines) -> Iterator[Edit]:
    text = lines.text
    line = entry.key_position[0]
    value_end = _value_end(entry, lines)
    rest = _REST_OF_LINE.fullmatch(text, value_end, lines.end(line))
    if rest is None or rest.group(1):
        raise Unfixable("the line has a comment, which a flow mapping cannot hold")
    close = lines.offset(target.position[2], target.position[3]) - 1
    if text[close : close + 1] != "}":
        raise Unfixable("the flow mapping's end is not where it was expected")
    assert target.entries is not None
    separator = ", " if target.entries else ""
    yield lines.edit(lines.starts[line], lines.next_start(line), "")
    yield lines.edit(close, close, separator + text[key_start:value_end])


def _indent_unit(document: Document) -> int:
    """The indentation of the file's first nested block key (2 when it has none)."""
    for line in split_lines(document.text):
        stripped = line.lstrip(" ")
        if stripped and line != stripped and not stripped.startswith(("#", "-")):
            return len(line) - len(stripped)
    return 2
