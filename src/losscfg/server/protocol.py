"""`losscfg server`: the Language Server Protocol over stdio, on pygls 2.x (SPEC §14).

Only this module imports pygls and lsprotocol. Importing them takes about 0.4 s, so nothing
else of losscfg is imported before the first document needs it: `initialize` is answered from
the capabilities alone.
"""

from __future__ import annotations

import asyncio
import bisect
import re
import sys
from collections.abc import Sequence
from typing import Any, BinaryIO, cast
from urllib.parse import unquote

import attrs
from cattrs import transform_error
from cattrs.v import format_exception
from lsprotocol import types
from pygls.exceptions import JsonRpcException
from pygls.lsp.server import LanguageServer
from pygls.protocol import LanguageServerProtocol
from pygls.uris import to_fs_path
from pygls.workspace import TextDocument

from losscfg import __version__
from losscfg.server.framing import CheckedStream, MalformedMessage

#: Changes are checked once the typing pauses this long (seconds).
DEBOUNCE = 0.15
FIX_ALL = "source.fixAll.losscfg"
_SEVERITY = {
    "error": types.DiagnosticSeverity.Error,
    "warning": types.DiagnosticSeverity.Warning,
    "info": types.DiagnosticSeverity.Information,
}


@attrs.define
class UnreadableRequest:
    """A request whose message does not structure (params of the wrong shape): it is answered
    with the error, under its id, where pygls would drop it and the client wait for ever."""

    id: Any  # as the client wrote it, for it to know which request failed
    error: types.ResponseError


class LosscfgProtocol(LanguageServerProtocol):
    def structure_message(self, data: dict[str, Any]) -> Any:
        try:
            return super().structure_message(data)
        except JsonRpcException as error:
            if "id" not in data or "method" not in data:  # no request: no one waits for it
                raise
            return UnreadableRequest(data["id"], _response_error(error))

    def handle_message(self, message: Any) -> None:
        if isinstance(message, UnreadableRequest):
            self._send_response(message.id, error=message.error)
        else:
            super().handle_message(message)


def _response_error(error: JsonRpcException) -> types.ResponseError:
    """pygls's error (-32602 for params that fail validation), saying where."""
    if error.__cause__ is None:
        return error.to_response_error()
    where = transform_error(error.__cause__, format_exception=_validation_message)
    return types.ResponseError(error.code, f"{error.message}: {'; '.join(where)}")


def _validation_message(exception: BaseException, type_: type | None) -> str:
    if type(exception) is ValueError:  # an lsprotocol validator's own words say most
        return str(exception)
    return format_exception(exception, type_)


class LosscfgServer(LanguageServer):
    def __init__(self) -> None:
        super().__init__("losscfg", __version__, protocol_cls=LosscfgProtocol)
        #: uri -> (the version checked, its FileReport; None for a document that is no config)
        self.reports: dict[str, tuple[int | None, Any]] = {}
        self.pending: dict[str, asyncio.Task[None]] = {}
        self.told: set[str] = set()  # settings problems already shown


server = LosscfgServer()


def _path(uri: str) -> str:
    return to_fs_path(uri) or uri


def opened(ls: LosscfgServer, uri: str) -> TextDocument | None:
    """The document as the client opened it, or None: the server answers for those only.
    pygls's `get_text_document` reads any other URI from disk, unchecked (a FIFO blocks the
    server, /dev/zero fills its memory), as `reading` never lets the CLI do."""
    key = unquote(uri)  # as pygls keys its documents
    document: TextDocument | None = ls.workspace.text_documents.get(key)
    return document


def _body(document: TextDocument) -> tuple[str, int]:
    """The text losscfg checks, and the offset where it starts in the editor's (a BOM)."""
    source = document.source
    return (source[1:], 1) if source.startswith("\ufeff") else (source, 0)


_LSP_BREAK = re.compile(r"\r\n|\r|\n")


class Positions:
    """Positions of one version of a document, both ways: losscfg's (0-based lines as YAML
    counts them, NEL and LS included, columns in code points, after a BOM) and the client's
    (lines broken at CR, LF and CRLF only, columns in the negotiated units, UTF-16 by
    default)."""

    def __init__(self, document: TextDocument) -> None:
        from losscfg.fix.edits import Lines

        self.source = document.source
        self.text, self.bom = _body(document)
        self.lines = Lines(self.text)
        self.starts = [0] + [m.end() for m in _LSP_BREAK.finditer(self.source)]
        self.units = document.position_codec.client_num_units

    def to_client(self, line: int, column: int) -> types.Position:
        line = min(line, len(self.lines.starts) - 1)
        return self.client_at(min(self.lines.offset(line, column), len(self.text)) + self.bom)

    def client_at(self, offset: int) -> types.Position:
        line = bisect.bisect_right(self.starts, offset) - 1
        return types.Position(line, self.units(self.source[self.starts[line] : offset]))

    def from_client(self, position: types.Position) -> tuple[int, int]:
        line = min(position.line, len(self.starts) - 1)
        offset, end = self.starts[line], self._line_end(line)
        units = 0
        while offset < end and units < position.character:
            units += self.units(self.source[offset])
            offset += 1
        text_offset = min(max(offset - self.bom, 0), len(self.text))
        row, column = self.lines.position(text_offset)
        return row - 1, column - 1

    def _line_end(self, line: int) -> int:
        following = self.starts[line + 1] if line + 1 < len(self.starts) else len(self.source)
        match = _LSP_BREAK.search(self.source, self.starts[line], following)
        return match.start() if match else following

    def range(self, d: Any) -> types.Range:
        if d.line is None or d.column is None:
            start = types.Position(0, 0)
            return types.Range(start, start)
        return types.Range(
            self.to_client(d.line - 1, d.column - 1),
            self.to_client((d.end_line or d.line) - 1, (d.end_column or d.column) - 1),
        )

    def end(self) -> types.Position:
        return self.client_at(len(self.source))


def to_lsp(positions: Positions, d: Any) -> types.Diagnostic:
    """A losscfg diagnostic for the client: the JSON record's code, severity, range and
    message; the hint follows the message, and `data` carries the record whole."""
    message = d.message + (f"\nhint: {d.hint}" if d.hint else "")
    return types.Diagnostic(
        range=positions.range(d),
        message=message,
        severity=_SEVERITY[str(d.severity)],
        code=d.code,
        source="losscfg",
        data=d.to_dict(),
    )


def lint_now(ls: LosscfgServer, document: TextDocument) -> Any:
    """Check the document as it is now, publish its diagnostics, and return its report."""
    from losscfg.server.editor import lint

    uri = document.uri
    positions = Positions(document)
    result = lint(positions.text, _path(uri))
    ls.reports[uri] = (document.version, result.report)
    problem = result.settings_problem
    if problem and problem not in ls.told:  # once per problem, not at every keystroke
        ls.told.add(problem)
        ls.window_show_message(types.ShowMessageParams(types.MessageType.Warning, problem))
    found = [] if result.report is None else result.report.diagnostics
    ls.text_document_publish_diagnostics(
        types.PublishDiagnosticsParams(
            uri=uri, version=document.version, diagnostics=[to_lsp(positions, d) for d in found]
        )
    )
    return result.report


def current_report(ls: LosscfgServer, document: TextDocument) -> Any:
    """The report of the document's current version: a request that comes while a change
    waits for its debounce (an editor asks for code actions after each edit) checks now."""
    uri = document.uri
    known = ls.reports.get(uri)
    if uri in ls.pending or known is None or known[0] != document.version:
        waiting = ls.pending.pop(uri, None)
        if waiting is not None:
            waiting.cancel()
        return lint_now(ls, document)
    return known[1]


async def _lint_later(ls: LosscfgServer, uri: str) -> None:
    await asyncio.sleep(DEBOUNCE)
    ls.pending.pop(uri, None)
    document = opened(ls, uri)
    if document is not None:
        lint_now(ls, document)


@server.feature(types.TEXT_DOCUMENT_DID_OPEN)
def did_open(ls: LosscfgServer, params: types.DidOpenTextDocumentParams) -> None:
    document = opened(ls, params.text_document.uri)
    if document is not None:
        lint_now(ls, document)


@server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
async def did_change(ls: LosscfgServer, params: types.DidChangeTextDocumentParams) -> None:
    uri = params.text_document.uri
    waiting = ls.pending.pop(uri, None)
    if waiting is not None:
        waiting.cancel()
    ls.pending[uri] = asyncio.ensure_future(_lint_later(ls, uri))


@server.feature(types.TEXT_DOCUMENT_DID_SAVE)
def did_save(ls: LosscfgServer, params: types.DidSaveTextDocumentParams) -> None:
    uri = params.text_document.uri
    document = opened(ls, uri)
    if document is None:  # saved, but never opened here
        return
    waiting = ls.pending.pop(uri, None)
    if waiting is not None:
        waiting.cancel()
    lint_now(ls, document)


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
    document = opened(ls, uri)
    if document is None:
        return []
    report = current_report(ls, document)
    if report is None:
        return []
    positions = Positions(document)
    wanted = params.context.only
    actions: list[types.CodeAction] = []
    if _wants(wanted, types.CodeActionKind.QuickFix):
        for d in report.diagnostics:
            lsp = to_lsp(positions, d)
            if not _overlap(lsp.range, params.range):
                continue
            if d.fix is not None:
                actions.append(_quick_fix(ls, document, positions, d, lsp))
            insertion = (
                disable_on_line(positions.text, d.line - 1, d.code)
                if d.line is not None and silenceable(d.code)
                else None
            )
            if insertion is not None:
                start, end, content = insertion
                edit = types.TextEdit(
                    types.Range(
                        positions.to_client(d.line - 1, start),
                        positions.to_client(d.line - 1, end),
                    ),
                    content,
                )
                actions.append(
                    types.CodeAction(
                        title=f"Disable {d.code} on this line",
                        kind=types.CodeActionKind.QuickFix,
                        diagnostics=[lsp],
                        edit=_workspace_edit(ls, document, [edit]),
                    )
                )
    if _wants(wanted, FIX_ALL):
        fixed = fix_all(positions.text, _path(uri))
        if fixed != positions.text:
            whole = types.Range(types.Position(0, 0), positions.end())
            edit = types.TextEdit(whole, "\ufeff" * positions.bom + fixed)
            actions.append(
                types.CodeAction(
                    title="losscfg: fix all (safe fixes)",
                    kind=FIX_ALL,
                    edit=_workspace_edit(ls, document, [edit]),
                )
            )
    return actions


def _workspace_edit(
    ls: LosscfgServer, document: TextDocument, edits: list[types.TextEdit]
) -> types.WorkspaceEdit:
    """Edits of this version of the document: versioned where the client takes that, so an
    edit computed for an older text is refused rather than applied in the wrong place."""
    capabilities = ls.client_capabilities.workspace
    versioned = (
        capabilities is not None
        and capabilities.workspace_edit is not None
        and capabilities.workspace_edit.document_changes
    )
    if versioned:
        identifier = types.OptionalVersionedTextDocumentIdentifier(document.uri, document.version)
        return types.WorkspaceEdit(
            document_changes=[types.TextDocumentEdit(identifier, list(edits))]
        )
    return types.WorkspaceEdit(changes={document.uri: edits})


def _wants(only: Sequence[str] | None, kind: str) -> bool:
    return only is None or any(kind == k or kind.startswith(k + ".") for k in only)


def _overlap(a: types.Range, b: types.Range) -> bool:
    a_start, a_end = (a.start.line, a.start.character), (a.end.line, a.end.character)
    b_start, b_end = (b.start.line, b.start.character), (b.end.line, b.end.character)
    return a_start <= b_end and b_start <= a_end


def _quick_fix(
    ls: LosscfgServer,
    document: TextDocument,
    positions: Positions,
    d: Any,
    lsp: types.Diagnostic,
) -> types.CodeAction:
    fix = d.fix
    unsafe = str(fix.applicability) == "unsafe"
    edits = [
        types.TextEdit(
            types.Range(
                positions.to_client(e.line - 1, e.column - 1),
                positions.to_client(e.end_line - 1, e.end_column - 1),
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
        edit=_workspace_edit(ls, document, edits),
    )


@server.feature(types.TEXT_DOCUMENT_HOVER)
def hover(ls: LosscfgServer, params: types.HoverParams) -> types.Hover | None:
    from losscfg.server.editor import hover as hover_text

    document = opened(ls, params.text_document.uri)
    if document is None:
        return None
    report = current_report(ls, document)
    positions = Positions(document)
    line, column = positions.from_client(params.position)
    markdown = hover_text(positions.text, line, column, report)
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

    document = opened(ls, params.text_document.uri)
    if document is None:
        return types.CompletionList(is_incomplete=False, items=[])
    report = current_report(ls, document)
    positions = Positions(document)
    line, column = positions.from_client(params.position)
    found = completions(positions.text, line, column, report)
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
    """Serve standard input until it ends or the client says `exit`; a malformed message ends
    it too, with one line on stderr and status 2, for the editor to start the server anew."""
    stdin = CheckedStream(sys.stdin.buffer)
    try:
        server.start_io(stdin=cast(BinaryIO, stdin))  # pygls calls readline() and read(n)
    except MalformedMessage as problem:
        print(f"losscfg: error: malformed message from the client: {problem}", file=sys.stderr)
        sys.exit(2)
