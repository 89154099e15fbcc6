"""The client's messages, framed as LSP's base protocol says (header lines `Name: value` ending
in CRLF, one of them `Content-Length: N`, an empty line, then N bytes of JSON), checked as
pygls reads them.

pygls skips a header line it cannot read and waits for one it can: after a malformed message
the server would live on and answer nothing, ever. Reading a `CheckedStream`, pygls meets
`MalformedMessage` instead, and the server exits: an editor restarts a server that exits.
"""

from __future__ import annotations

import json
import re
from typing import BinaryIO

#: pygls reads the body's length from this header line only, spelt exactly so.
_CONTENT_LENGTH = re.compile(rb"Content-Length: ([0-9]+)\r\n")
#: Any header line: a name (visible ASCII but the colon), a colon, a value, CRLF.
_HEADER = re.compile(rb"([!-9;-~]+):[^\r\n]*\r\n")
LONGEST_HEADER_LINE = 1024
#: The longest body taken: a config the CLI would read (32 MiB) with room for JSON's escapes.
LONGEST_BODY = 128 * 1024 * 1024


class MalformedMessage(Exception):
    """What was wrong with the client's message, in one line."""


class CheckedStream:
    """The client's stream as pygls reads it (a header line at a time, then the body at once),
    each message checked before pygls sees it."""

    def __init__(self, stream: BinaryIO) -> None:
        self.stream = stream
        self.in_header = False
        self.length: int | None = None  # the Content-Length of the header being read

    def readline(self) -> bytes:
        line = self.stream.readline(LONGEST_HEADER_LINE + 1)
        if not line and self.in_header:
            raise MalformedMessage("the input ends inside a message's header")
        if not line:  # the end of the input, between two messages
            return line
        self.in_header = True
        if line == b"\r\n":
            if self.length is None:
                raise MalformedMessage("a message's header has no Content-Length")
        else:
            self._read_header(line)
        return line

    def _read_header(self, line: bytes) -> None:
        if len(line) > LONGEST_HEADER_LINE:
            raise MalformedMessage(f"a header line is longer than {LONGEST_HEADER_LINE} bytes")
        header = _HEADER.fullmatch(line)
        if header is None:
            raise MalformedMessage(f"a header line is not `Name: value` and CRLF: {_shown(line)}")
        if header[1].lower() != b"content-length":
            return
        if header[1] != b"Content-Length":
            raise MalformedMessage(f"write the header's name as Content-Length: {_shown(line)}")
        length = _CONTENT_LENGTH.fullmatch(line)
        if length is None or int(length[1]) == 0:
            raise MalformedMessage(f"Content-Length is not a positive byte count: {_shown(line)}")
        if int(length[1]) > LONGEST_BODY:
            raise MalformedMessage(
                f"Content-Length {int(length[1]):,} is more than the {LONGEST_BODY:,} bytes "
                "losscfg takes"
            )
        if self.length is not None:
            raise MalformedMessage("a message's header has two Content-Length lines")
        self.length = int(length[1])

    def read(self, size: int) -> bytes:
        """The body, `size` bytes: pygls asks for those its own reading of the header gave."""
        body = _read_up_to(self.stream, size)
        self.in_header, self.length = False, None
        if len(body) < size:
            raise MalformedMessage(
                f"a message ends after {len(body)} of the {size} bytes its Content-Length says"
            )
        _check_body(body)
        return body


def _read_up_to(stream: BinaryIO, size: int) -> bytes:
    """`size` bytes, or fewer where the input ends first, read a chunk at a time: a length
    that lies costs no more memory than the bytes that came."""
    chunks, got = [], 0
    while got < size:
        chunk = stream.read(min(size - got, 1024 * 1024))
        if not chunk:
            break
        chunks.append(chunk)
        got += len(chunk)
    return b"".join(chunks)


def _check_body(body: bytes) -> None:
    """A body that is no JSON object: its Content-Length was wrong, or it is no message."""
    try:
        message = json.loads(body)
    except ValueError as error:  # not UTF-8, or not JSON
        raise MalformedMessage(f"a message's body is not JSON: {error}") from None
    if not isinstance(message, dict):
        raise MalformedMessage("a message's body is not a JSON object")


def _shown(line: bytes) -> str:
    return repr(line[:80])
