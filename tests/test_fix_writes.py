"""A failed write never costs the user's file: full disks, file-size limits, hard links,
owners."""

from __future__ import annotations

import errno
import os
import resource
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from losscfg.workspace.output import LostFile, replace_file

LIMIT = 7 * 1024  # `ulimit -f 7`
WEIGHTS = ", ".join(["1"] * 2000)
GROWING = (  # each integer weight becomes a float: the fixed file is larger than the limit
    f"dataset: {{num_classes: 2000}}\nloss:\n  name: cross_entropy\n  weight: [{WEIGHTS}]\n"
)


def _file_size_limit() -> None:
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (LIMIT, LIMIT))


def _fix_under_the_limit(*paths: Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "losscfg", "check", "--fix", "--no-color", *map(str, paths)],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=60,
        preexec_fn=_file_size_limit,
    )


@pytest.mark.skipif(not hasattr(os, "posix_fallocate"), reason="no posix_fallocate here")
def test_a_hard_linked_file_survives_a_write_past_the_file_size_limit(tmp_path: Path) -> None:
    path = tmp_path / "h.yaml"
    path.write_text(GROWING, encoding="utf-8")
    os.link(path, tmp_path / "h2.yaml")  # several links: written in place
    assert len(GROWING) < LIMIT

    result = _fix_under_the_limit(path, cwd=tmp_path)

    assert path.read_bytes() == GROWING.encode("utf-8")
    assert (tmp_path / "h2.yaml").read_bytes() == GROWING.encode("utf-8")
    assert result.returncode == 2, result.stdout + result.stderr
    assert "LC000" in result.stdout
    assert "cannot write the fixed file (File too large): it was left as it was" in result.stdout
    assert "free space on the disk (or raise the file-size limit)" in result.stdout
    assert "Fixed 0, 2 remaining." in result.stdout  # honest: the file is as it was
    assert "Traceback" not in result.stdout + result.stderr


def test_a_plain_file_survives_the_same_limit(tmp_path: Path) -> None:
    path = tmp_path / "p.yaml"
    path.write_text(GROWING, encoding="utf-8")
    result = _fix_under_the_limit(path, cwd=tmp_path)
    assert path.read_bytes() == GROWING.encode("utf-8")
    assert result.returncode == 2
    assert sorted(os.listdir(tmp_path)) == ["p.yaml"]  # no temporary file left behind


def _failing_pwrite(fail_on: set[int]):  # type: ignore[no-untyped-def]
    """os.pwrite that writes a few bytes and then fails with ENOSPC on the given calls."""
    real = os.pwrite
    calls = {"n": 0}

    def pwrite(descriptor: int, data: bytes, offset: int) -> int:
        calls["n"] += 1
        if calls["n"] in fail_on:
            real(descriptor, data[:5], offset)
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        return real(descriptor, data, offset)

    return pwrite


def _linked(tmp_path: Path, text: bytes) -> Path:
    path = tmp_path / "a.yaml"
    path.write_bytes(text)
    os.link(path, tmp_path / "b.yaml")
    return path


def test_an_in_place_write_that_fails_midway_puts_the_text_back(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    original = b"loss:\n  name: cross_entropy\n"
    path = _linked(tmp_path, original)
    monkeypatch.setattr(os, "pwrite", _failing_pwrite({1}))
    with pytest.raises(OSError) as raised:
        replace_file(str(path), b"XXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX\n", original)
    assert raised.value.errno == errno.ENOSPC and not isinstance(raised.value, LostFile)
    assert path.read_bytes() == original


def test_a_file_that_cannot_be_put_back_is_reported_lost(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    original = b"loss:\n  name: cross_entropy\n  weight: [1, 2]\n"
    path = _linked(tmp_path, original)
    monkeypatch.setattr(os, "pwrite", _failing_pwrite({1, 2}))
    with pytest.raises(LostFile):
        replace_file(str(path), b"loss:\n  name: cross_entropy\n  weight: [1.0, 2.0]\n", original)

    from losscfg.workspace.fixing import _write

    path.write_bytes(original)
    monkeypatch.setattr(os, "pwrite", _failing_pwrite({1, 2}))
    problem = _write(str(path), "loss:\n  name: cross_entropy\n  weight: [1.0, 2.0]\n", original)
    assert problem is not None
    assert problem.message == (
        "writing the fixed file failed (No space left on device) and its text could not be put "
        "back: the file is cut"
    )
    assert problem.hint == "restore it from version control"


def test_a_refused_reservation_writes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    original = b"loss:\n  name: cross_entropy\n"
    path = _linked(tmp_path, original)

    def full(descriptor: int, offset: int, length: int) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    def never(*arguments: object) -> int:
        raise AssertionError("written after the reservation was refused")

    monkeypatch.setattr(os, "posix_fallocate", full, raising=False)
    monkeypatch.setattr(os, "pwrite", never)
    with pytest.raises(OSError) as raised:
        replace_file(str(path), b"loss:\n  name: mse\n" * 10, original)
    assert raised.value.errno == errno.ENOSPC
    assert path.read_bytes() == original


def test_a_file_system_that_cannot_reserve_is_still_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    original = b"loss:\n  name: cross_entropy\n"
    path = _linked(tmp_path, original)

    def unsupported(descriptor: int, offset: int, length: int) -> None:
        raise OSError(errno.EOPNOTSUPP, os.strerror(errno.EOPNOTSUPP))

    monkeypatch.setattr(os, "posix_fallocate", unsupported, raising=False)
    replace_file(str(path), b"loss:\n  name: mse\n", original)
    assert (tmp_path / "b.yaml").read_bytes() == b"loss:\n  name: mse\n"


def test_the_fixed_file_keeps_its_owner_and_group(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "a.yaml"
    path.write_bytes(b"loss:\n  name: cross_entropy\n")
    status = path.stat()
    calls: list[tuple[str, int, int]] = []

    def chown(target: str, uid: int, gid: int) -> None:
        calls.append((os.path.dirname(target), uid, gid))
        raise PermissionError(errno.EPERM, "not root")  # as for every user but root

    monkeypatch.setattr(os, "chown", chown)
    replace_file(str(path), b"loss:\n  name: mse\n", b"loss:\n  name: cross_entropy\n")
    assert calls == [(str(tmp_path), status.st_uid, status.st_gid)]
    assert path.read_bytes() == b"loss:\n  name: mse\n"


def test_a_reservation_that_grew_the_file_before_failing_is_undone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """ext4 (and glibc's emulation) may extend the file with zero bytes, then fail."""
    original = b"loss:\n  name: cross_entropy\n"
    path = _linked(tmp_path, original)

    def grows_then_fails(descriptor: int, offset: int, length: int) -> None:
        os.ftruncate(descriptor, len(original) + 1000)
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(os, "posix_fallocate", grows_then_fails, raising=False)
    with pytest.raises(OSError):
        replace_file(str(path), original * 100, original)
    assert path.read_bytes() == original
    assert (tmp_path / "b.yaml").read_bytes() == original


@pytest.mark.skipif(not hasattr(signal, "pthread_sigmask"), reason="no signal masks here")
def test_sigterm_waits_until_the_file_is_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    original = b"loss:\n  name: cross_entropy\n"
    path = _linked(tmp_path, original)
    real, seen = os.pwrite, []

    def pwrite(descriptor: int, data: bytes, offset: int) -> int:
        seen.append(signal.SIGTERM in signal.pthread_sigmask(signal.SIG_BLOCK, set()))
        return real(descriptor, data, offset)

    monkeypatch.setattr(os, "pwrite", pwrite)
    replace_file(str(path), b"loss:\n  name: mse\n", original)
    assert seen == [True]  # held while the text was written
    assert signal.SIGTERM not in signal.pthread_sigmask(signal.SIG_BLOCK, set())  # and after
