"""Suppression comments (SPEC §7): `# losscfg: disable=CODE` and `# losscfg: disable-file=CODE`."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from enum import Enum
from typing import NamedTuple

from losscfg.diagnostics import Diagnostic, Span
from losscfg.document import Document, Node
from losscfg.reading import split_lines
from losscfg.registry import Registry, UnknownSelector
from losscfg.selection import Selection

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
    """The suppression comments of one document; `silenced` marks the selectors it uses."""

    def __init__(self, document: Document, registry: Registry, selection: Selection) -> None:
        self.selection = selection
        self.comments: list[_Comment] = []
        if document.ok and "losscfg:" in document.text:
            self.comments = list(_comments(document, registry))
        self.file_wide = [c for c in self.comments if c.file_wide]

    def kept(self, diagnostics: Iterable[Diagnostic]) -> list[Diagnostic]:
        """The selected diagnostics that no comment silences."""
        selection = self.selection
        return [
            d
            for d in diagnostics
            if d.code in selection and not _silenced(d, self.comments, selection.always_on)
        ]

    def problems(self, word: Callable[[SuppressionProblem], Diagnostic]) -> list[Diagnostic]:
        """`word(problem)` for each bad or unused selector, once every diagnostic went through
        `kept` (a file-wide comment can silence these too)."""
        found = [word(problem) for problem in _problems(self.comments, self.selection)]
        always_on = self.selection.always_on
        return [
            d
            for d in found
            if d.code in self.selection and not _silenced(d, self.file_wide, always_on)
        ]


def _silenced(diagnostic: Diagnostic, comments: list[_Comment], always_on: frozenset[str]) -> bool:
    if diagnostic.code in always_on:
        return False
    silenced = False
    for comment in comments:
        if not comment.file_wide and comment.line != diagnostic.line:
            continue
        for selector in comment.selectors:
            if diagnostic.code in selector.codes:
                selector.used = silenced = True
    return silenced


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
    inside = _scalar_positions(document)
    for number, line in enumerate(split_lines(document.text), start=1):
        for match in _COMMENT.finditer(line):
            column = match.start() + 1
            if match.start() > 0 and not line[match.start() - 1].isspace():
                continue
            if any(_covers(p, number, column) for p in inside.get(number, ())):
                continue
            comment = _Comment(number, match.group(1) == "disable-file")
            offset = match.start(2)
            for token in _SELECTOR.finditer(match.group(2)):
                start = offset + token.start() + 1
                span = Span(number, start, number, start + len(token.group()))
                codes = _codes(token.group(), registry)
                comment.selectors.append(_Selector(token.group(), span, codes))
            yield comment


def _codes(selector: str, registry: Registry) -> frozenset[str]:
    try:
        return registry.codes_of(selector)
    except UnknownSelector:
        return frozenset()


def _scalar_positions(document: Document) -> dict[int, list[tuple[int, int, int, int]]]:
    """Positions of scalars by the lines they touch: a `#` inside a string is no comment."""
    by_line: dict[int, list[tuple[int, int, int, int]]] = {}
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
                _add(by_line, entry.key_position)
        elif node.items is not None:
            stack.extend(node.items)
        else:
            _add(by_line, node.position)
    return by_line


def _add(
    by_line: dict[int, list[tuple[int, int, int, int]]], position: tuple[int, int, int, int]
) -> None:
    for line in range(position[0] + 1, position[2] + 2):
        by_line.setdefault(line, []).append(position)


def _covers(position: tuple[int, int, int, int], line: int, column: int) -> bool:
    start = (position[0] + 1, position[1] + 1)
    end = (position[2] + 1, position[3] + 1)
    return start <= (line, column) < end
