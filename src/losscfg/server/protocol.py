"""`losscfg server`: the Language Server Protocol over stdio, on pygls 2.x (SPEC §14).

Only this module imports pygls and lsprotocol. Importing them takes about 0.4 s, so nothing
else of losscfg is imported before the first document needs it: `initialize` is answered from
the capabilities alone.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from typing import Any

from lsprotocol import types
from pygls.lsp.server import LanguageServer
from pygls.uris import to_fs_path
from pygls.workspace import TextDocument

from losscfg import __version__

#: Changes are checked once the typing pauses this long (seconds).
DEBOUNCE = 0.15
FIX_ALL = "source.fixAll.losscfg"
_SEVERITY = {
    "error": types.DiagnosticSeverity.Error,
    "warning": types.DiagnosticSeverity.Warning,
    "info": types.DiagnosticSeverity.Information,
}


class LosscfgServer(LanguageServer):
    def __init__(self) -> None:
        super().__init__("losscfg", __version__)
        self.reports: dict[str, Any] = {}  # uri -> the last FileReport (None: no config)
        self.pending: dict[str, asyncio.Task[None]] = {}


server = LosscfgServer()


def _path(uri: str) -> str:
    return to_fs_path(uri) or uri


def _body(document: TextDocument) -> tuple[str, int]:
    """The text losscfg checks, and the offset where it starts in the editor's (a BOM)."""
    source = document.source
    return (source[1:], 1) if source.startswith("\ufeff") else (source, 0)


def _position(document: TextDocument, line: int, column: int) -> types.Position:
    """A 0-based position of losscfg's (code points, YAML's lines) in the client's units."""
    from losscfg.edits import Lines

    text, bom = _body(document)
    lines = Lines(text)
    line = min(line, len(lines.starts) - 1)
    offset = min(lines.offset(line, column), len(text)) + bom
    return document.client_position_at_offset(offset)


def _server_position(document: TextDocument, position: types.Position) -> tuple[int, int]:
    """The client's position as losscfg's 0-based line and column."""
    from losscfg.edits import Lines

    text, bom = _body(document)
    offset = max(document.offset_at_position(position) - bom, 0)
    line, column = Lines(text).position(min(offset, len(text)))
    return line - 1, column - 1


def _range(document: TextDocument, d: Any) -> types.Range:
    if d.line is None or d.column is None:
        start = types.Position(0, 0)
        return types.Range(start, start)
    return types.Range(
        _position(document, d.line - 1, d.column - 1),
        _position(document, (d.end_line or d.line) - 1, (d.end_column or d.column) - 1),
    )


def to_lsp(document: TextDocument, d: Any) -> types.Diagnostic:
    """A losscfg diagnostic for the client: the JSON record's code, severity, range and
    message; the hint follows the message, and `data` carries the record whole."""
    message = d.message + (f"\nhint: {d.hint}" if d.hint else "")
    return types.Diagnostic(
        range=_range(document, d),
        message=message,
        severity=_SEVERITY[str(d.severity)],
        code=d.code,
        source="losscfg",
        data=d.to_dict(),
    )


def lint_now(ls: LosscfgServer, uri: str) -> None:
    from losscfg.server.editor import lint

    document = ls.workspace.get_text_document(uri)
    text, _ = _body(document)
    result = lint(text, _path(uri))
    ls.reports[uri] = result.report
    if result.settings_problem:
        ls.window_show_message(
            types.ShowMessageParams(types.MessageType.Warning, result.settings_problem)
        )
    found = [] if result.report is None else result.report.diagnostics
    ls.text_document_publish_diagnostics(
        types.PublishDiagnosticsParams(
            uri=uri, version=document.version, diagnostics=[to_lsp(document, d) for d in found]
        )
    )


async def _lint_later(ls: LosscfgServer, uri: str) -> None:
    await asyncio.sleep(DEBOUNCE)
    ls.pending.pop(uri, None)
    lint_now(ls, uri)


@server.feature(types.TEXT_DOCUMENT_DID_OPEN)
def did_open(ls: LosscfgServer, params: types.DidOpenTextDocumentParams) -> None:
    lint_now(ls, params.text_document.uri)


@server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
async def did_change(ls: LosscfgServer, params: types.DidChangeTextDocumentParams) -> None:
    uri = params.text_document.uri
    waiting = ls.pending.pop(uri, None)
    if waiting is not None:
        waiting.cancel()
    ls.pending[uri] = asyncio.ensure_future(_lint_later(ls, uri))


@server.feature(types.TEXT_DOCUMENT_DID_SAVE)
def did_save(ls: LosscfgServer, params: types.DidSaveTextDocumentParams) -> None:
    waiting = ls.pending.pop(params.text_document.uri, None)
    if waiting is not None:
        waiting.cancel()
    lint_now(ls, params.text_document.uri)


@server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
def did_close(ls: LosscfgServer, params: types.DidCloseTextDocumentParams) -> None:
    uri = params.text_document.uri
    ls.reports.pop(uri, None)
    waiting = ls.pending.pop(uri, None)
    if waiting is not None:
        waiting.cancel()
    ls.text_document_publish_diagnostics(types.PublishDiagnosticsParams(uri=uri, diagnostics=[]))


@server.feature(
    types.TEXT_DOCUMENT_CODE_ACTION,
    types.CodeActionOptions(
        code_action_kinds=[types.CodeActionKind.QuickFix, FIX_ALL], resolve_provider=False
    ),
)
def code_action(ls: LosscfgServer, params: types.CodeActionParams) -> list[types.CodeAction]:
    """Each fix as a quick fix (unsafe ones say so), "disable CODE on this line", and
    `source.fixAll.losscfg`: the safe fixes, as `losscfg check --fix` makes them."""
    from losscfg.server.editor import disable_on_line, fix_all, silenceable

    uri = params.text_document.uri
    document = ls.workspace.get_text_document(uri)
    if uri not in ls.reports:
        lint_now(ls, uri)
    report = ls.reports.get(uri)
    if report is None:
        return []
    wanted = params.context.only
    actions: list[types.CodeAction] = []
    if _wants(wanted, types.CodeActionKind.QuickFix):
        for d in report.diagnostics:
            lsp = to_lsp(document, d)
            if not _overlap(lsp.range, params.range):
                continue
            if d.fix is not None:
                actions.append(_quick_fix(document, d, lsp))
            if d.line is not None and silenceable(d.code):
                text, _ = _body(document)
                insertion = disable_on_line(text, d.line - 1, d.code)
                if insertion is not None:
                    start, end, content = insertion
                    edit = types.TextEdit(
                        types.Range(
                            _position(document, d.line - 1, start),
                            _position(document, d.line - 1, end),
                        ),
                        content,
                    )
                    actions.append(
                        types.CodeAction(
                            title=f"Disable {d.code} on this line",
                            kind=types.CodeActionKind.QuickFix,
                            diagnostics=[lsp],
                            edit=types.WorkspaceEdit(changes={uri: [edit]}),
                        )
                    )
    if _wants(wanted, FIX_ALL):
        text, bom = _body(document)
        fixed = fix_all(text, _path(uri))
        if fixed != text:
            whole = types.Range(
                types.Position(0, 0), document.client_position_at_offset(len(document.source))
            )
            actions.append(
                types.CodeAction(
                    title="losscfg: fix all (safe fixes)",
                    kind=FIX_ALL,
                    edit=types.WorkspaceEdit(
                        changes={uri: [types.TextEdit(whole, "\ufeff" * bom + fixed)]}
                    ),
                )
            )
    return actions


def _wants(only: Sequence[str] | None, kind: str) -> bool:
    return only is None or any(kind == k or kind.startswith(k + ".") for k in only)


def _overlap(a: types.Range, b: types.Range) -> bool:
    a_start, a_end = (a.start.line, a.start.character), (a.end.line, a.end.character)
    b_start, b_end = (b.start.line, b.start.character), (b.end.line, b.end.character)
    return a_start <= b_end and b_start <= a_end


def _quick_fix(document: TextDocument, d: Any, lsp: types.Diagnostic) -> types.CodeAction:
    fix = d.fix
    unsafe = str(fix.applicability) == "unsafe"
    edits = [
        types.TextEdit(
            types.Range(
                _position(document, e.line - 1, e.column - 1),
                _position(document, e.end_line - 1, e.end_column - 1),
            ),
            e.content,
        )
        for e in fix.edits
    ]
    return types.CodeAction(
        title=f"{fix.message} ({d.code}{', unsafe' if unsafe else ''})",
        kind=types.CodeActionKind.QuickFix,
        diagnostics=[lsp],
        is_preferred=not unsafe,
        edit=types.WorkspaceEdit(changes={document.uri: edits}),
    )


@server.feature(types.TEXT_DOCUMENT_HOVER)
def hover(ls: LosscfgServer, params: types.HoverParams) -> types.Hover | None:
    from losscfg.server.editor import hover as hover_text

    document = ls.workspace.get_text_document(params.text_document.uri)
    text, _ = _body(document)
    line, column = _server_position(document, params.position)
    markdown = hover_text(text, line, column, ls.reports.get(params.text_document.uri))
    if markdown is None:
        return None
    return types.Hover(types.MarkupContent(types.MarkupKind.Markdown, markdown))


_KINDS = {
    "value": types.CompletionItemKind.Value,
    "property": types.CompletionItemKind.Property,
    "enum": types.CompletionItemKind.EnumMember,
}


@server.feature(
    types.TEXT_DOCUMENT_COMPLETION, types.CompletionOptions(trigger_characters=[":", " "])
)
def completion(ls: LosscfgServer, params: types.CompletionParams) -> types.CompletionList:
    from losscfg.server.editor import completions

    document = ls.workspace.get_text_document(params.text_document.uri)
    text, _ = _body(document)
    line, column = _server_position(document, params.position)
    found = completions(text, line, column, ls.reports.get(params.text_document.uri))
    return types.CompletionList(
        is_incomplete=False,
        items=[
            types.CompletionItem(
                label=c.label,
                kind=_KINDS[c.kind],
                detail=c.detail,
                documentation=types.MarkupContent(types.MarkupKind.Markdown, c.documentation),
                insert_text=c.insert,
            )
            for c in found
        ],
    )


def serve() -> None:
    server.start_io()
