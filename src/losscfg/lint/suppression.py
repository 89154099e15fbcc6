"""Suppression comments (SPEC §7): `# losscfg: disable=CODE` and `# losscfg: disable-file=CODE`."""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from enum import Enum
from typing import NamedTuple

from losscfg.diagnostics import Diagnostic, Span
from losscfg.lint.registry import Registry, UnknownSelector
from losscfg.lint.selection import Selection
from losscfg.load.document import Document, Node, Position
from losscfg.load.reading import split_lines

_COMMENT = re.compile(r"#\s*losscfg:\s*(disable-file|disable)\s*=\s*([\w\-]+(?:\s*,\s*[\w\-]+)*)")
_SELECTOR = re.compile(r"[\w\-]+")


@dataclass
class _Selector:
    text: str
    span: Span
    codes: frozenset[str]  # empty when unknown
    used: bool = False


@dataclass
class _Comment:
    line: int
    file_wide: bool
    selectors: list[_Selector] = field(default_factory=list)


class Misuse(Enum):
    UNKNOWN = "names no rule"
    UNUSED = "silences nothing"
    CANNOT_SILENCE = "names a problem that cannot be silenced"


class SuppressionProblem(NamedTuple):
    """A selector of a suppression comment that is wrong or useless."""

    misuse: Misuse
    selector: str
    span: Span
    file_wide: bool


class Suppressions:
    """The suppression comments of one document; `kept` marks the selectors it uses.

    Indexed by line and code, so that a file of many comments and many diagnostics costs time
    linear in both: each selector is marked used once.
    """

    def __init__(self, document: Document, registry: Registry, selection: Selection) -> None:
        self.selection = selection
        self.comments: list[_Comment] = []
        if document.ok and "losscfg:" in document.text:
            self.comments = list(_comments(document, registry))
        self._unmarked: dict[tuple[int | None, str], list[_Selector]] = {}
        self._silencing: set[tuple[int | None, str]] = set()
        for comment in self.comments:
            line = None if comment.file_wide else comment.line
            for selector in comment.selectors:
                for code in selector.codes:
                    self._unmarked.setdefault((line, code), []).append(selector)
                    self._silencing.add((line, code))

    def kept(self, diagnostics: Iterable[Diagnostic]) -> list[Diagnostic]:
        """The selected diagnostics that no comment silences."""
        selection = self.selection
        return [d for d in diagnostics if d.code in selection and not self._silenced(d)]

    def _silenced(self, diagnostic: Diagnostic, *, file_wide_only: bool = False) -> bool:
        if diagnostic.code in self.selection.always_on or not self._silencing:
            return False
        keys: list[tuple[int | None, str]] = [(None, diagnostic.code)]
        if not file_wide_only and diagnostic.line is not None:
            keys.append((diagnostic.line, diagnostic.code))
        silenced = False
        for key in keys:
            if key in self._silencing:
                silenced = True
                for selector in self._unmarked.pop(key, ()):
                    selector.used = True
        return silenced

    def problems(self, word: Callable[[SuppressionProblem], Diagnostic]) -> list[Diagnostic]:
        """`word(problem)` for each bad or unused selector, once every diagnostic went through
        `kept` (a file-wide comment can silence these too)."""
        found = [word(problem) for problem in _problems(self.comments, self.selection)]
        return [
            d
            for d in found
            if d.code in self.selection and not self._silenced(d, file_wide_only=True)
        ]


def _problems(comments: list[_Comment], selection: Selection) -> Iterator[SuppressionProblem]:
    always_on = selection.always_on
    for comment in comments:
        for selector in comment.selectors:
            misuse = None
            if not selector.codes:
                misuse = Misuse.UNKNOWN
            elif not selector.used and selector.codes & selection.enabled - always_on:
                misuse = Misuse.UNUSED
            elif selector.codes <= always_on:
                misuse = Misuse.CANNOT_SILENCE
            if misuse is not None:
                yield SuppressionProblem(misuse, selector.text, selector.span, comment.file_wide)


def _comments(document: Document, registry: Registry) -> Iterator[_Comment]:
    inside = _ScalarIndex(document)
    known: dict[str, frozenset[str]] = {}
    for number, line in enumerate(split_lines(document.text), start=1):
        if "losscfg:" not in line:
            continue
        for match in _COMMENT.finditer(line):
            column = match.start() + 1
            if match.start() > 0 and not line[match.start() - 1].isspace():
                continue
            if inside.covers(number, column):
                continue
            comment = _Comment(number, match.group(1) == "disable-file")
            offset = match.start(2)
            for token in _SELECTOR.finditer(match.group(2)):
                start = offset + token.start() + 1
                span = Span(number, start, number, start + len(token.group()))
                text = token.group()
                if text not in known:
                    known[text] = _codes(text, registry)
                comment.selectors.append(_Selector(text, span, known[text]))
            yield comment


def _codes(selector: str, registry: Registry) -> frozenset[str]:
    try:
        return registry.codes_of(selector)
    except UnknownSelector:
        return frozenset()


class _ScalarIndex:
    """Where the document's scalars stand, by line: a `#` inside a string is no comment."""

    def __init__(self, document: Document) -> None:
        on_line: dict[int, list[tuple[int, int]]] = {}  # 1-based line -> [(start, end) columns]
        self.spanning: dict[int, list[tuple[int, int, int, int]]] = {}  # multi-line scalars
        stack: list[Node] = [document.root] if document.root else []
        seen: set[int] = set()
        while stack:
            node = stack.pop()
            if id(node) in seen:
                continue
            seen.add(id(node))
            if node.entries is not None:
                for entry in node.entries.values():
                    stack.append(entry.node)
                    self._add(on_line, entry.key_position)
            elif node.items is not None:
                stack.extend(node.items)
            else:
                self._add(on_line, node.position)
        self.starts: dict[int, list[int]] = {}
        self.ends: dict[int, list[int]] = {}
        for line, spans in on_line.items():
            spans.sort()
            self.starts[line] = [start for start, _ in spans]
            self.ends[line] = [end for _, end in spans]

    def _add(self, on_line: dict[int, list[tuple[int, int]]], position: Position) -> None:
        first, last = position[0] + 1, position[2] + 1
        if first == last:
            on_line.setdefault(first, []).append((position[1] + 1, position[3] + 1))
            return
        for line in range(first, last + 1):
            self.spanning.setdefault(line, []).append(position)

    def covers(self, line: int, column: int) -> bool:
        starts = self.starts.get(line)
        if starts:
            at = bisect_right(starts, column) - 1
            if at >= 0 and column < self.ends[line][at]:
                return True
        for position in self.spanning.get(line, ()):
            start = (position[0] + 1, position[1] + 1)
            end = (position[2] + 1, position[3] + 1)
            if start <= (line, column) < end:
                return True
        return False
