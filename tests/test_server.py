"""`losscfg server` end to end (SPEC §14): a real LSP client (pytest-lsp) drives the server as
a subprocess over stdio."""

from __future__ import annotations

import asyncio
import json
import os
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import pytest_lsp
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient
from typer.testing import CliRunner

from helpers import CORPUS, EXAMPLES, ROOT
from losscfg.cli import app

MISTAKES = EXAMPLES / "broken" / "mistakes.yaml"
#: Seconds to wait for the server to start or to shut down, or for an answer that should be
#: prompt (each takes milliseconds, but the machine may be busy).
DEADLINE = 20


@pytest_lsp.fixture(
    config=ClientServerConfig(server_command=[sys.executable, "-m", "losscfg", "server"])
)
async def client(lsp_client: LanguageClient) -> AsyncIterator[None]:
    await asyncio.wait_for(
        lsp_client.initialize_session(
            types.InitializeParams(
                capabilities=types.ClientCapabilities(),
                root_uri=ROOT.as_uri(),
            )
        ),
        DEADLINE,
    )
    yield
    try:
        await asyncio.wait_for(lsp_client.shutdown_session(), DEADLINE)
    except TimeoutError:
        # pytest-lsp would wait for the process to end; a server that hangs never does
        if lsp_client._server is not None:
            lsp_client._server.kill()
        raise


async def _open(client: LanguageClient, path: Path, text: str | None = None) -> str:
    uri = path.absolute().as_uri()
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(
            types.TextDocumentItem(
                uri=uri,
                language_id="json" if path.suffix == ".json" else "yaml",
                version=1,
                text=path.read_text(encoding="utf-8") if text is None else text,
            )
        )
    )
    await client.wait_for_notification(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    return uri


def _cli_json(path: Path) -> list[dict[str, object]]:
    """What `losscfg check --format json` says of the file, run from the repository."""
    result = CliRunner().invoke(app, ["check", "--format", "json", str(path)])
    [report] = json.loads(result.stdout)["files"]
    return list(report["diagnostics"])


def _as_json(diagnostic: types.Diagnostic) -> dict[str, object]:
    assert isinstance(diagnostic.data, dict)
    return dict(diagnostic.data)


def _positions(record: dict[str, object]) -> tuple[object, ...]:
    return (record["line"], record["column"], record["end_line"], record["end_column"])


CONFIGS = sorted(EXAMPLES.rglob("*.yaml")) + sorted(CORPUS.glob("*.yaml"))


@pytest.mark.asyncio
async def test_every_config_gets_the_diagnostics_of_the_cli(
    client: LanguageClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(ROOT)
    assert len(CONFIGS) >= 4
    for path in CONFIGS:
        uri = await _open(client, path)
        published = client.diagnostics[uri]
        expected = _cli_json(path)
        assert [_as_json(d) for d in published] == expected, path
        for lsp, record in zip(published, expected, strict=True):
            assert lsp.code == record["code"] and lsp.source == "losscfg"
            assert lsp.message.split("\nhint: ")[0] == record["message"]
            assert lsp.severity == {"error": 1, "warning": 2, "info": 3}[str(record["severity"])]
            if record["line"] is not None:
                start, end = lsp.range.start, lsp.range.end
                assert (start.line + 1, start.character + 1, end.line + 1, end.character + 1) == (
                    _positions(record)
                ), path


@pytest.mark.asyncio
async def test_fix_all_gives_the_text_of_fix(client: LanguageClient, tmp_path: Path) -> None:
    copy = tmp_path / "mistakes.yaml"
    copy.write_text(MISTAKES.read_text())
    uri = await _open(client, copy)
    actions = await client.text_document_code_action_async(
        types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri),
            range=types.Range(types.Position(0, 0), types.Position(0, 0)),
            context=types.CodeActionContext(diagnostics=[], only=["source.fixAll.losscfg"]),
        )
    )
    assert actions is not None
    [fix_all] = [a for a in actions if isinstance(a, types.CodeAction)]
    assert fix_all.kind == "source.fixAll.losscfg"
    assert fix_all.edit is not None and fix_all.edit.changes is not None
    [edit] = fix_all.edit.changes[uri]
    CliRunner().invoke(app, ["check", "--fix", str(copy)])
    assert edit.new_text == copy.read_text()


@pytest.mark.asyncio
async def test_quick_fixes_one_by_one_give_the_text_of_unsafe_fixes(
    client: LanguageClient, tmp_path: Path
) -> None:
    """Every quick fix, applied as the editor applies it, until none is left: the text that
    `--fix --unsafe-fixes` writes."""
    text = MISTAKES.read_text()
    copy = tmp_path / "mistakes.yaml"
    copy.write_text(text)
    uri = await _open(client, copy)
    version = 1
    for _ in range(20):
        actions = await client.text_document_code_action_async(
            types.CodeActionParams(
                text_document=types.TextDocumentIdentifier(uri),
                range=types.Range(types.Position(0, 0), types.Position(len(text.splitlines()), 0)),
                context=types.CodeActionContext(diagnostics=[], only=["quickfix"]),
            )
        )
        fixes = [
            a
            for a in actions or []
            if isinstance(a, types.CodeAction) and not a.title.startswith("Disable ")
        ]
        if not fixes:
            break
        assert fixes[0].edit is not None and fixes[0].edit.changes is not None
        text = _apply(text, fixes[0].edit.changes[uri])
        version += 1
        client.text_document_did_change(
            types.DidChangeTextDocumentParams(
                text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=version),
                content_changes=[types.TextDocumentContentChangeWholeDocument(text=text)],
            )
        )
        await client.wait_for_notification(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    CliRunner().invoke(app, ["check", "--fix", "--unsafe-fixes", str(copy)])
    assert text == copy.read_text()


def _apply(text: str, edits: list[types.TextEdit]) -> str:
    lines = text.splitlines(keepends=True)

    def offset(position: types.Position) -> int:
        return sum(len(line) for line in lines[: position.line]) + position.character

    for edit in sorted(edits, key=lambda e: offset(e.range.start), reverse=True):
        text = text[: offset(edit.range.start)] + edit.new_text + text[offset(edit.range.end) :]
    return text


@pytest.mark.asyncio
async def test_disable_on_this_line_writes_the_suppression_comment(
    client: LanguageClient, tmp_path: Path
) -> None:
    copy = tmp_path / "c.yaml"
    text = "loss:\n  name: nll  # log-probs\n"
    uri = await _open(client, copy, text)
    [info] = [d for d in client.diagnostics[uri] if d.code == "LC211"]
    actions = await client.text_document_code_action_async(
        types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri),
            range=info.range,
            context=types.CodeActionContext(diagnostics=[info]),
        )
    )
    [disable] = [a for a in actions or [] if a.title == "Disable LC211 on this line"]
    assert isinstance(disable, types.CodeAction) and disable.edit and disable.edit.changes
    fixed = _apply(text, disable.edit.changes[uri])
    assert fixed == "loss:\n  name: nll  # log-probs  # losscfg: disable=LC211\n"
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=2),
            content_changes=[types.TextDocumentContentChangeWholeDocument(text=fixed)],
        )
    )
    await client.wait_for_notification(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    assert "LC211" not in [d.code for d in client.diagnostics[uri]]


async def _hover(client: LanguageClient, uri: str, line: int, character: int) -> str:
    answer = await client.text_document_hover_async(
        types.HoverParams(types.TextDocumentIdentifier(uri), types.Position(line, character))
    )
    assert answer is not None and isinstance(answer.contents, types.MarkupContent)
    return answer.contents.value


@pytest.mark.asyncio
async def test_hover(client: LanguageClient, tmp_path: Path) -> None:
    copy = tmp_path / "c.yaml"
    text = (
        "loss:\n"
        "  name: cross_entropy\n"
        "  label_smoothing: 0.1\n"
        "  ignore_index: 0  # losscfg: disable=LC205\n"
        "dataset:\n"
        "  name: cifar10\n"
    )
    uri = await _open(client, copy, text)
    on_name = await _hover(client, uri, 1, 10)
    assert on_name.startswith("**cross_entropy** (the default loss): `torch.nn.CrossEntropyLoss`")
    assert "| `label_smoothing` | a number in [0, 1] | `0.0` |" in on_name
    on_parameter = await _hover(client, uri, 2, 5)
    assert on_parameter.startswith("**label_smoothing** (cross_entropy): a number in [0, 1]; ")
    assert "default `0.0`" in on_parameter
    on_code = await _hover(client, uri, 3, 40)
    assert on_code.startswith("# ignore-index-is-class (LC205)\n\nDefault severity: warning")


async def _complete(client: LanguageClient, uri: str, line: int, character: int) -> list[str]:
    answer = await client.text_document_completion_async(
        types.CompletionParams(types.TextDocumentIdentifier(uri), types.Position(line, character))
    )
    assert isinstance(answer, types.CompletionList)
    return [item.insert_text or item.label for item in answer.items]


@pytest.mark.asyncio
async def test_completion(client: LanguageClient, tmp_path: Path) -> None:
    copy = tmp_path / "c.yaml"
    uri = await _open(client, copy, "loss:\n  name: kl_div\n  \n")
    assert await _complete(client, uri, 2, 2) == ["reduction: ", "log_target: "]
    uri = await _open(client, copy, "loss:\n  name: \n")
    names = await _complete(client, uri, 1, 8)
    assert names[:3] == ["cross_entropy", "nll", "mse"] and "sqr_hinge" in names
    uri = await _open(client, copy, "dataset:\n  name: cifar10\nloss:\n  name: nll\n  weight: \n")
    assert await _complete(client, uri, 4, 10) == ["[" + ", ".join(["1.0"] * 10) + "]"]
    uri = await _open(client, copy, "loss:\n  name: kl_div\n  reduction: \n")
    assert await _complete(client, uri, 2, 13) == ["batchmean", "sum", "mean"]


@pytest.mark.asyncio
async def test_hover_and_completion_on_a_hydra_site(client: LanguageClient, tmp_path: Path) -> None:
    copy = tmp_path / "train.yaml"
    text = (
        "model:\n"
        "  criterion:\n"
        "    _target_: torch.nn.CrossEntropyLoss\n"
        "    ignore_index: 255\n"
        "    \n"
    )
    uri = await _open(client, copy, text)
    on_argument = await _hover(client, uri, 3, 6)
    assert on_argument.startswith("**ignore_index** (torch.nn.CrossEntropyLoss): an integer")
    assert "**Cross-entropy**: `torch.nn.CrossEntropyLoss`" in on_argument
    assert (await _hover(client, uri, 2, 20)).startswith("**Cross-entropy**: ")
    assert await _complete(client, uri, 4, 4) == ["weight: ", "reduction: ", "label_smoothing: "]


@pytest.mark.asyncio
async def test_a_change_that_breaks_the_file_publishes_lc001(
    client: LanguageClient, tmp_path: Path
) -> None:
    copy = tmp_path / "c.yaml"
    uri = await _open(client, copy, "loss:\n  name: mse\n")
    assert list(client.diagnostics[uri]) == []
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=2),
            content_changes=[
                types.TextDocumentContentChangePartial(
                    range=types.Range(types.Position(1, 8), types.Position(1, 11)),
                    text="[mse",
                )
            ],
        )
    )
    await client.wait_for_notification(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    assert [d.code for d in client.diagnostics[uri]] == ["LC001"]
    # and the server still answers, from the text (the name is unreadable: the default loss)
    params = ["label_smoothing: ", "weight: ", "ignore_index: "]
    assert await _complete(client, uri, 1, 2) == params


@pytest.mark.asyncio
async def test_a_document_that_is_no_config_gets_no_diagnostics(
    client: LanguageClient, tmp_path: Path
) -> None:
    for name, text in {
        "mkdocs.yml": "site_name: x\nnav: !!python/name:a.b\n",
        ".pre-commit-hooks.yaml": "- id: x\n",
        "k8s.yaml": "apiVersion: v1\n---\nkind: Job\n",
        "empty.yaml": "",
    }.items():
        uri = await _open(client, tmp_path / name, text)
        assert list(client.diagnostics[uri]) == [], name


async def _change(client: LanguageClient, uri: str, version: int, text: str) -> None:
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=version),
            content_changes=[types.TextDocumentContentChangeWholeDocument(text=text)],
        )
    )


@pytest.mark.asyncio
async def test_a_request_during_the_debounce_sees_the_new_text(
    client: LanguageClient, tmp_path: Path
) -> None:
    """An editor asks for code actions right after each edit: they must fit the new text."""
    text = 'loss:\n  name: cross_entropy\n  label_smoothing: "0.1"\n'
    uri = await _open(client, tmp_path / "c.yaml", text)
    await _change(client, uri, 2, "# a comment\n" + text)
    actions = await client.text_document_code_action_async(
        types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri),
            range=types.Range(types.Position(0, 0), types.Position(9, 0)),
            context=types.CodeActionContext(diagnostics=[], only=["quickfix"]),
        )
    )
    [fix] = [a for a in actions or [] if isinstance(a, types.CodeAction) and "0.1" in a.title]
    assert fix.edit is not None and fix.edit.changes is not None
    [edit] = fix.edit.changes[uri]
    assert (edit.range.start.line, edit.range.start.character) == (3, 19)
    assert (edit.range.end.line, edit.range.end.character, edit.new_text) == (3, 24, "0.1")


@pytest.mark.asyncio
async def test_ranges_are_in_the_client_s_lines_and_utf16_units(
    client: LanguageClient, tmp_path: Path
) -> None:
    """YAML breaks lines at U+2028 too, LSP does not; a client counts 😀 as two units."""
    text = "# a\u2028\nloss:\n  name: '😀focal'\n"
    uri = await _open(client, tmp_path / "c.yaml", text)
    [lc101] = [d for d in client.diagnostics[uri] if d.code == "LC101"]
    assert lc101.data["line"] == 4  # losscfg's own line, as the CLI reports it
    start, end = lc101.range.start, lc101.range.end
    assert (start.line, start.character, end.line, end.character) == (2, 8, 2, 17)
    answer = await client.text_document_hover_async(
        types.HoverParams(types.TextDocumentIdentifier(uri), types.Position(2, 16))
    )
    assert answer is not None and "**LC101**" in str(answer.contents)


@pytest.mark.asyncio
async def test_a_settings_problem_is_told_once(client: LanguageClient, tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text("[tool.losscfg]\nselekt = ['LC1']\n")
    uri = await _open(client, tmp_path / "c.yaml", "loss:\n  name: focal\n")
    for version in (2, 3):
        await _change(client, uri, version, f"loss:\n  name: focal{version}\n")
        await client.wait_for_notification(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    told = [m.message for m in client.messages if "selekt" in m.message]
    assert len(told) == 1 and "unknown setting selekt" in told[0]
    assert [d.code for d in client.diagnostics[uri]] == ["LC101"]  # checked with the defaults


def _unopened(tmp_path: Path, kind: str) -> str:
    """A URI the client never opened, whose reading would hang or flood the server."""
    if kind == "dev-zero":
        return "file:///dev/zero"
    path = tmp_path / f"{kind}.yaml"
    if kind == "fifo":
        os.mkfifo(path)  # no writer: opening it to read blocks for ever
    return path.as_uri()


@pytest.mark.asyncio
@pytest.mark.parametrize("kind", ["missing", "fifo", "dev-zero"])
async def test_a_document_never_opened_gets_empty_answers_and_is_never_read(
    client: LanguageClient, tmp_path: Path, kind: str
) -> None:
    uri = _unopened(tmp_path, kind)
    document, start = types.TextDocumentIdentifier(uri), types.Position(0, 0)
    async with asyncio.timeout(DEADLINE):
        hover = await client.text_document_hover_async(types.HoverParams(document, start))
        completion = await client.text_document_completion_async(
            types.CompletionParams(document, start)
        )
        actions = await client.text_document_code_action_async(
            types.CodeActionParams(
                text_document=document,
                range=types.Range(start, start),
                context=types.CodeActionContext(diagnostics=[]),
            )
        )
        assert hover is None and actions is not None and list(actions) == []
        assert isinstance(completion, types.CompletionList) and list(completion.items) == []
        # and it answers on, for a document it was given
        opened = await _open(client, tmp_path / "c.yaml", "loss:\n  name: kl_div\n  \n")
        assert await _complete(client, opened, 2, 2) == ["reduction: ", "log_target: "]


@pytest.mark.asyncio
async def test_saving_a_document_whose_uri_is_quoted_checks_it(
    client: LanguageClient, tmp_path: Path
) -> None:
    """pygls keys documents by the unquoted URI: one saved as `a%20b.yaml` is still open."""
    uri = await _open(client, tmp_path / "a b.yaml", "loss:\n  name: focal\n")
    assert "%20" in uri
    client.text_document_did_save(
        types.DidSaveTextDocumentParams(types.TextDocumentIdentifier(uri))
    )
    async with asyncio.timeout(DEADLINE):
        await client.wait_for_notification(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    assert [d.code for d in client.diagnostics[uri]] == ["LC101"]
