"""Where a report goes: standard output, or a file written atomically (`--output FILE`).

A report file is written to a temporary file beside it and renamed over it at the end, so an
interrupted run leaves the previous report whole, never half of a new one; it is never one of
the files being checked, nor the file that standard input reads.
"""

from __future__ import annotations

import contextlib
import errno
import os
import stat
import sys
import tempfile
from collections.abc import Iterator, Sequence
from typing import IO

STDOUT = "-"


class OutputError(Exception):
    """The report cannot be written there (a usage error, exit 2): one line says why."""


def refuse_unsafe(output: str | None, paths: Sequence[str], files: Sequence[str]) -> None:
    """Raise OutputError when `output` would overwrite a checked file or standard input's file,
    or cannot be written at all. `paths` as given, `files` as found."""
    if output is None or output == STDOUT:
        return
    target = os.path.abspath(output)
    named = {os.path.abspath(p) for p in (*paths, *files) if p != STDOUT}
    if target in named or any(_same(output, f) for f in files if f != STDOUT):
        raise OutputError(
            f"--output {output} is one of the files to check; losscfg never overwrites them"
        )
    if STDOUT in paths and _is_stdin(output):
        raise OutputError(
            f"--output {output} is the file that standard input reads; losscfg never "
            "overwrites a checked file"
        )
    folder = os.path.dirname(target)
    if not os.path.isdir(folder):
        raise OutputError(f"cannot write --output {output}: no folder {folder}")
    if os.path.isdir(target):
        raise OutputError(f"cannot write --output {output}: it is a folder")
    if not os.access(folder, os.W_OK):
        raise OutputError(f"cannot write --output {output}: {folder} is not writable")


@contextlib.contextmanager
def report_stream(output: str | None, *, standard: IO[str] | None = None) -> Iterator[IO[str]]:
    """A stream for the report: stdout (or `standard`), or a temporary file renamed to `output`
    at the end."""
    if output is None or output == STDOUT:
        stream = standard or sys.stdout
        if stream is None:
            raise OutputError("cannot write the report: standard output is closed")
        try:
            yield stream
            stream.flush()
        except BrokenPipeError:  # `losscfg check . | head`: the reader has all it wanted
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, stream.fileno())  # nothing more to flush at exit
            os.close(devnull)
        except (OSError, ValueError) as problem:
            raise OutputError(
                f"cannot write the report to standard output: {_why(problem)}"
            ) from None
        return
    target = os.path.abspath(output)
    if _exists_but_not_a_file(target):  # /dev/null, /dev/stdout, a FIFO: written to in place
        try:
            with open(target, "w", encoding="utf-8") as stream:
                yield stream
        except OSError as problem:
            raise OutputError(f"cannot write --output {output}: {_why(problem)}") from None
        return
    descriptor, temporary = tempfile.mkstemp(
        prefix=f".{os.path.basename(target)}.", suffix=".tmp", dir=os.path.dirname(target)
    )
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8") as stream:
            yield stream
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(temporary, _mode_for(target))
        os.replace(temporary, target)
    except OSError as problem:
        raise OutputError(f"cannot write --output {output}: {_why(problem)}") from None
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)


def _exists_but_not_a_file(target: str) -> bool:
    try:
        return not stat.S_ISREG(os.stat(target).st_mode)
    except OSError:
        return False


def _mode_for(target: str) -> int:
    """The mode of the report it replaces, else what a new file gets (0666 less the umask)."""
    try:
        return stat.S_IMODE(os.stat(target).st_mode)
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


def _same(output: str, checked: str) -> bool:
    try:
        return os.path.samefile(output, checked)
    except OSError:
        return False


def _is_stdin(output: str) -> bool:
    try:
        given, target = os.fstat(0), os.stat(output)
    except (OSError, ValueError):
        return False
    return stat.S_ISREG(given.st_mode) and (given.st_dev, given.st_ino) == (
        target.st_dev,
        target.st_ino,
    )


def _why(problem: Exception) -> str:
    return getattr(problem, "strerror", None) or str(problem) or type(problem).__name__


class ChangedMeanwhile(Exception):
    """The file no longer holds what was read: another program wrote it during the run."""


class ReadOnly(Exception):
    """The file may not be written: losscfg leaves a read-only file as it is."""


class LostFile(OSError):
    """A write in place failed and the original text could not be put back: the file is cut."""


def replace_file(path: str, data: bytes, expected: bytes) -> None:
    """Write `data` over the file at `path` (through symbolic links), only if it still holds
    `expected` and may be written: atomically (a temporary file in the same folder, renamed
    over it, mode kept), or in place where a rename would break a hard link or the folder
    cannot take a new file."""
    target = os.path.realpath(path)
    status = os.stat(target)
    if not os.access(target, os.W_OK) or not status.st_mode & 0o222:  # root too heeds 0444
        raise ReadOnly(path)
    if status.st_nlink > 1 or not os.access(os.path.dirname(target), os.W_OK):
        _write_in_place(target, data, expected)
        return
    mode = stat.S_IMODE(status.st_mode)
    descriptor, temporary = tempfile.mkstemp(
        prefix=f".{os.path.basename(target)}.", suffix=".losscfg-fix", dir=os.path.dirname(target)
    )
    try:
        with os.fdopen(descriptor, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(temporary, mode)
        with contextlib.suppress(PermissionError):  # keep owner and group; only root may
            os.chown(temporary, status.st_uid, status.st_gid)
        with open(target, "rb") as current:
            if current.read(len(expected) + 1) != expected:
                raise ChangedMeanwhile(path)
        os.replace(temporary, target)
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)


def _write_in_place(target: str, data: bytes, expected: bytes) -> None:
    """Overwrite the file itself (its other hard links see the change). The space is reserved
    first, so that on most file systems a full disk or a file-size limit refuses before a byte
    of the text is written (a copy-on-write file system may still fail the write); should the
    write fail, the original text is put back, and LostFile says when it could not be. SIGINT
    and SIGTERM wait until the file is whole again."""
    with open(target, "r+b", buffering=0) as stream, _signals_held():
        descriptor = stream.fileno()
        if _read_all(descriptor, len(expected) + 1) != expected:
            raise ChangedMeanwhile(target)
        _reserve(descriptor, len(data), len(expected))
        try:
            _overwrite(descriptor, data)
        except OSError as problem:
            try:
                _overwrite(descriptor, expected)
            except OSError:
                raise LostFile(problem.errno, problem.strerror) from problem
            raise


def _reserve(descriptor: int, size: int, original: int) -> None:
    """Reserve `size` bytes; on a refusal, the file is cut back to its `original` size: ext4
    (and glibc's emulation) may have grown it, with zero bytes, before running out of space."""
    if not hasattr(os, "posix_fallocate") or size == 0:  # macOS has none
        return
    try:
        os.posix_fallocate(descriptor, 0, size)
    except OSError as problem:
        if os.fstat(descriptor).st_size != original:
            os.ftruncate(descriptor, original)
            os.fsync(descriptor)
        if problem.errno not in _CANNOT_RESERVE:  # ENOSPC, EFBIG: the text is as it was
            raise


@contextlib.contextmanager
def _signals_held() -> Iterator[None]:
    """SIGINT and SIGTERM delivered only once the block is done (where the platform can)."""
    import signal

    if not hasattr(signal, "pthread_sigmask"):
        yield
        return
    held = {signal.SIGINT, signal.SIGTERM}
    before = signal.pthread_sigmask(signal.SIG_BLOCK, held)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, before)


def _read_all(descriptor: int, size: int) -> bytes:
    """Up to `size` bytes from the start, in as many reads as the file system needs."""
    pieces, got = [], 0
    while got < size:
        piece = os.pread(descriptor, size - got, got)
        if not piece:
            break
        pieces.append(piece)
        got += len(piece)
    return b"".join(pieces)


_CANNOT_RESERVE = {errno.EOPNOTSUPP, errno.ENOSYS, errno.EINVAL}  # the file system cannot


def _overwrite(descriptor: int, data: bytes) -> None:
    written = 0
    while written < len(data):
        step = os.pwrite(descriptor, data[written:], written)
        if step == 0:  # no progress: a full disk that says nothing
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        written += step
    os.ftruncate(descriptor, len(data))
    os.fsync(descriptor)


def same_file(output: str, path: str) -> bool:
    return os.path.abspath(output) == os.path.abspath(path) or _same(output, path)
