"""Bytes in, text out: read a path or standard input, capped, and decode it as UTF-8.

Nothing here raises on bad input: a path that cannot be read or bytes that are not UTF-8 text
come back as a `LoadProblem`.
"""

from __future__ import annotations

import codecs
import errno
import os
import re
import stat

from losscfg.diagnostics import STDIN, STDIN_NAME, Span
from losscfg.load.problems import LoadProblem, Problem

#: Larger files are not read: no config is this large (a 100,000-value document is ~1 MB).
MAX_BYTES = 32 * 1024 * 1024


class FileTooLarge(Exception):
    def __init__(self, size: int) -> None:
        super().__init__(size)
        self.size = size


_LINE_BREAK = re.compile("\r\n|[\r\n\x85\u2028\u2029]")


def split_lines(text: str) -> list[str]:
    """The lines of `text` as YAML counts them (CR, LF, CRLF, NEL, LS and PS break lines)."""
    lines = _LINE_BREAK.split(text)
    if lines and lines[-1] == "":
        lines.pop()
    return lines


def read_stdin() -> bytes:
    """Standard input, up to one byte more than MAX_BYTES (an endless stream is cut there)."""
    import sys

    return sys.stdin.buffer.read(MAX_BYTES + 1)


def shown_path(path: str) -> str:
    return STDIN_NAME if path == STDIN else path


def read(path: str, stdin: bytes | None = None) -> bytes | LoadProblem:
    """The bytes of a file (`-`: standard input, or `stdin` when the caller has read it)."""
    try:
        return _read(path, stdin)
    except FileTooLarge as large:
        return LoadProblem(
            Problem.NOT_YAML,
            f"the file is {'over ' if path == STDIN else ''}{large.size / 2**20:.1f} MiB; "
            f"losscfg does not read files over {MAX_BYTES // 2**20} MiB: no training config is "
            "that large",
            hint="is this a data file? leave it out of the paths to check",
        )
    except OSError as problem:
        reason = problem.strerror or type(problem).__name__
        return LoadProblem(
            Problem.UNREADABLE,
            f"cannot read the file: {reason}",
            hint="check the path and its permissions",
        )


def _read(path: str, stdin: bytes | None) -> bytes:
    if path == STDIN:
        data = stdin if stdin is not None else read_stdin()
        if len(data) > MAX_BYTES:
            raise FileTooLarge(len(data))
        return data
    # O_NONBLOCK: opening a FIFO must not wait for a writer; a regular file ignores it.
    descriptor = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    with os.fdopen(descriptor, "rb") as stream:
        status = os.fstat(descriptor)
        if not stat.S_ISREG(status.st_mode):
            kind = "a directory" if stat.S_ISDIR(status.st_mode) else "not a regular file"
            raise OSError(errno.EINVAL, f"{kind}: losscfg reads regular files only")
        if _is_system_file(path):
            raise OSError(errno.EINVAL, "a file of the system (/proc, /sys, /dev), not a config")
        if status.st_size > MAX_BYTES:
            raise FileTooLarge(status.st_size)
        return stream.read(MAX_BYTES + 1)


_SYSTEM_FOLDERS = ("/proc/", "/sys/", "/dev/")


def _is_system_file(path: str) -> bool:
    """Whether `path`, links resolved, is a pseudo-file such as /proc/self/environ: it passes
    for a regular file, and its text (the environment, secrets included) must not be echoed."""
    return os.path.realpath(path).startswith(_SYSTEM_FOLDERS)


def decode(data: bytes) -> str | LoadProblem:
    """The text of a config file, which must be UTF-8 (a UTF-8 byte-order mark is allowed)."""
    for bom, name in (
        (codecs.BOM_UTF32_LE, "UTF-32"),
        (codecs.BOM_UTF32_BE, "UTF-32"),
        (codecs.BOM_UTF16_LE, "UTF-16"),
        (codecs.BOM_UTF16_BE, "UTF-16"),
    ):
        if data.startswith(bom) and not data.startswith(codecs.BOM_UTF8):
            return LoadProblem(
                Problem.NOT_YAML,
                f"the file is {name} (it starts with a {name} byte-order mark); losscfg and the "
                "trainer read UTF-8",
                span=Span(1, 1, 1, 1),
                hint="save the file as UTF-8",
            )
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as problem:
        before = split_lines(data[: problem.start].decode("utf-8") + "x")
        line, column = len(before), len(before[-1])
        return LoadProblem(
            Problem.NOT_YAML,
            f"the file is not UTF-8: byte 0x{data[problem.start]:02x} cannot be decoded "
            "(is it Latin-1 or another legacy encoding?)",
            span=Span(line, column, line, column + 1),
            hint="save the file as UTF-8",
        )
