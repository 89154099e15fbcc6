"""`losscfg rule CODE`: a rule's page, Markdown, as written or laid out by rich at a width."""

from __future__ import annotations

from collections.abc import Iterator

from losscfg.diagnostics import RuleDoc
from losscfg.report.terminal import Piece, rendered


def rule_page(rule: RuleDoc) -> str:
    """The page in Markdown: a title, the default severity, and the rule's docstring."""
    return f"# {rule.name} ({rule.code})\n\nDefault severity: {rule.severity}\n\n{rule.doc}"


def markdown_lines(markdown: str, width: int) -> Iterator[list[Piece]]:
    """Markdown laid out for a terminal `width` columns wide: paragraphs reflowed to it, code
    blocks highlighted (their long lines wrapped)."""
    from rich.markdown import Markdown

    yield from rendered(Markdown(markdown, hyperlinks=False), width)
