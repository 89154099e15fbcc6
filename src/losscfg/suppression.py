"""Suppression comments (SPEC §7): `# losscfg: disable=CODE` and `# losscfg: disable-file=CODE`."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from losscfg.diagnostics import Diagnostic, Severity, Span
from losscfg.document import Document, Node, split_lines
from losscfg.registry import UnknownSelector, expand, find
from losscfg.rules.comments import BAD_SUPPRESSION
from losscfg.selection import ALWAYS_ON, Selection

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


def apply(
    diagnostics: list[Diagnostic], document: Document, selection: Selection
) -> list[Diagnostic]:
    """The diagnostics that no comment silences, plus LC005 for bad or unused comments."""
    if not document.ok or "losscfg:" not in document.text:
        return diagnostics  # a file that cannot be loaded has LC001 and nothing else
    comments = list(_comments(document))
    if not comments:
        return diagnostics
    kept = [d for d in diagnostics if not _silenced(d, comments)]
    problems = list(_problems(comments, selection))
    file_wide = [c for c in comments if c.file_wide]
    kept.extend(p for p in problems if not _silenced(p, file_wide))
    return kept


def _silenced(diagnostic: Diagnostic, comments: list[_Comment]) -> bool:
    if diagnostic.code in ALWAYS_ON:
        return False
    silenced = False
    for comment in comments:
        if not comment.file_wide and comment.line != diagnostic.line:
            continue
        for selector in comment.selectors:
            if diagnostic.code in selector.codes:
                selector.used = silenced = True
    return silenced


def _problems(comments: list[_Comment], selection: Selection) -> Iterator[Diagnostic]:
    for comment in comments:
        for selector in comment.selectors:
            if not selector.codes:
                yield BAD_SUPPRESSION.diagnostic(
                    f"unknown rule {selector.text!r} in a suppression comment",
                    span=selector.span,
                    hint="name a code (LC205) or a rule name (ignore-index-is-class); "
                    "`losscfg rules` lists them",
                )
            elif not selector.used and selector.codes & selection.enabled - ALWAYS_ON:
                what = "disable-file" if comment.file_wide else "disable"
                yield BAD_SUPPRESSION.diagnostic(
                    f"{what}={selector.text} silences nothing"
                    + ("" if comment.file_wide else " on this line"),
                    span=selector.span,
                    hint="remove it from the comment",
                    severity=Severity.INFO,
                )
            elif selector.codes <= ALWAYS_ON:
                yield BAD_SUPPRESSION.diagnostic(
                    f"{selector.text} cannot be silenced: the file cannot be checked",
                    span=selector.span,
                    hint="correct the problem instead",
                    severity=Severity.INFO,
                )


def _comments(document: Document) -> Iterator[_Comment]:
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
                comment.selectors.append(_Selector(token.group(), span, _codes(token.group())))
            yield comment


def _codes(selector: str) -> frozenset[str]:
    known = find(selector)
    if known is not None:
        return frozenset({known.code})
    try:
        return frozenset(expand(selector))
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
