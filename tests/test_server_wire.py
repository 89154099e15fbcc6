"""`losscfg server` on the wire: bytes written to a real server process as a client might get
them wrong (params that do not structure, a header that frames nothing), and its answers read
back with a deadline. A malformed request is answered with its error; a malformed frame ends
the server, with one line on stderr, for the editor to restart it."""

from __future__ import annotations

import json
import queue
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

#: Seconds to wait for an answer or an exit (one takes milliseconds, but the machine may be busy).
DEADLINE = 20


def frame(message: dict[str, Any]) -> bytes:
    body = json.dumps(message).encode()
    return b"Content-Length: %d\r\n\r\n" % len(body) + body


def request(id: int | str, method: str, params: Any = None) -> bytes:
    return frame({"jsonrpc": "2.0", "id": id, "method": method, "params": params})


INITIALIZE = request(1, "initialize", {"capabilities": {}})
HOVER = {"textDocument": {"uri": "file:///nowhere/c.yaml"}, "position": {"line": 0, "character": 0}}


class Server:
    """`losscfg server` as a subprocess: bytes in, its framed messages out, as they come."""

    def __init__(self, stderr: Path) -> None:
        self.stderr = stderr
        with stderr.open("wb") as sink:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "losscfg", "server"],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=sink,
            )
        self.messages: queue.Queue[dict[str, Any] | None] = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        while (message := _read_message(self.process.stdout)) is not None:
            self.messages.put(message)
        self.messages.put(None)

    def write(self, data: bytes) -> None:
        assert self.process.stdin is not None
        self.process.stdin.write(data)
        self.process.stdin.flush()

    def close_input(self) -> None:
        assert self.process.stdin is not None
        self.process.stdin.close()

    def answer(self, id: int | str) -> dict[str, Any]:
        """The response to request `id` (notifications are passed over)."""
        deadline = time.monotonic() + DEADLINE
        while True:
            try:
                message = self.messages.get(timeout=max(deadline - time.monotonic(), 0))
            except queue.Empty:
                raise AssertionError(f"no answer to request {id!r} in {DEADLINE} s") from None
            assert message is not None, f"the server ended its output before answering {id!r}"
            if "method" not in message and message.get("id") == id:
                return message

    def exit_status(self) -> int:
        try:
            return self.process.wait(timeout=DEADLINE)
        except subprocess.TimeoutExpired:
            raise AssertionError(f"the server is still running after {DEADLINE} s") from None

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()


def _read_message(stdout: Any) -> dict[str, Any] | None:
    length = None
    while (line := stdout.readline()) not in (b"", b"\r\n"):
        name, _, value = line.partition(b":")
        if name.lower() == b"content-length":
            length = int(value)
    if not line or length is None:
        return None
    return dict(json.loads(stdout.read(length)))


@pytest.fixture
def server(tmp_path: Path) -> Iterator[Server]:
    """A server that has answered `initialize`."""
    started = Server(tmp_path / "stderr")
    try:
        started.write(INITIALIZE)
        assert "capabilities" in started.answer(1)["result"]
        yield started
    finally:
        started.stop()


@pytest.mark.parametrize(
    "params",
    [
        {**HOVER, "position": {"line": -1, "character": -5}},
        {**HOVER, "position": {"line": "one", "character": 0}},
        {"position": {"line": 0, "character": 0}},
        None,
    ],
    ids=["negative-position", "line-not-a-number", "no-document", "no-params"],
)
def test_a_request_whose_params_do_not_structure_is_answered_invalid_params(
    server: Server, params: Any
) -> None:
    server.write(request(2, "textDocument/hover", params))
    server.write(request("three", "textDocument/hover", params))
    for id in (2, "three"):
        answer = server.answer(id)
        assert answer["error"]["code"] == -32602, answer
        assert "result" not in answer
    server.write(request(4, "shutdown"))  # and the server goes on answering
    assert server.answer(4)["result"] is None
    server.write(frame({"jsonrpc": "2.0", "method": "exit"}))
    assert server.exit_status() == 0


def test_the_invalid_params_error_says_where(server: Server) -> None:
    server.write(request(2, "textDocument/hover", {**HOVER, "position": {"line": -1}}))
    message = server.answer(2)["error"]["message"]
    assert message.startswith("Invalid Params: ") and "$.params.position" in message


BODY = json.dumps({"jsonrpc": "2.0", "id": 2, "method": "shutdown"}).encode()


@pytest.mark.parametrize(
    ("data", "said"),
    [
        (b"Content-Length: -5\r\n\r\n" + BODY, "Content-Length is not a positive byte count"),
        (b"Content-Length: ten\r\n\r\n" + BODY, "Content-Length is not a positive byte count"),
        (b"Content-Length: 0\r\n\r\n" + BODY, "Content-Length is not a positive byte count"),
        (b"content-length: 10\r\n\r\n" + BODY, "write the header's name as Content-Length"),
        (
            b"Content-Length: 99999999999999\r\n\r\n{}",
            "Content-Length 99,999,999,999,999 is more than the 134,217,728 bytes losscfg takes",
        ),
        (
            b"Content-Type: application/vscode-jsonrpc; charset=utf-8\r\n\r\n" + BODY,
            "a message's header has no Content-Length",
        ),
        (b"Content-Length: %d\n\n" % len(BODY) + BODY, "a header line is not `Name: value`"),
        (
            b"Content-Length: %d\r\n\r\n" % (len(BODY) + 10) + BODY + b"garbage, no header\r\n",
            "a message's body is not JSON: Extra data",
        ),
        (b"Content-Length: 2\r\n\r\n[]", "a message's body is not a JSON object"),
        (b"X" * 2000 + b"\r\n", "a header line is longer than"),
    ],
    ids=[
        "negative",
        "not-a-number",
        "zero",
        "lower-case",
        "huge",
        "missing",
        "lf-only",
        "short-body-then-garbage",
        "not-an-object",
        "endless-line",
    ],
)
def test_a_malformed_frame_ends_the_server_with_one_line(
    server: Server, data: bytes, said: str
) -> None:
    server.write(data)  # the input stays open: the server does not end for want of it
    _assert_ended_saying(server, said)


@pytest.mark.parametrize(
    ("data", "said"),
    [
        (
            b"Content-Length: %d\r\n\r\n" % (len(BODY) + 10) + BODY,
            f"a message ends after {len(BODY)} of the {len(BODY) + 10} bytes",
        ),
        (b"Content-Length: 40\r\n", "the input ends inside a message's header"),
    ],
    ids=["short-body", "no-body"],
)
def test_a_message_cut_by_the_end_of_input_ends_the_server_with_one_line(
    server: Server, data: bytes, said: str
) -> None:
    server.write(data)
    server.close_input()
    _assert_ended_saying(server, said)


def _assert_ended_saying(server: Server, said: str) -> None:
    status = server.exit_status()
    told = server.stderr.read_text()
    assert status == 2, told
    assert told.startswith("losscfg: error: malformed message from the client: "), told
    assert said in told and told.count("\n") == 1, told


def test_the_end_of_input_between_messages_ends_the_server_quietly(server: Server) -> None:
    server.close_input()
    assert server.exit_status() == 0
    assert server.stderr.read_text() == ""
