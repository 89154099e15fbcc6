"""Hostile input: every case ends in seconds, with a diagnostic naming the file, an exit code of
SPEC §5, no traceback, nothing executed and nothing written."""

from __future__ import annotations

import codecs
import json
import os
import random
import subprocess
import sys
import time
from pathlib import Path

import pytest

from losscfg.cli import app
from losscfg.load.reading import MAX_BYTES

SECONDS = 10  # "within a few seconds", with room for a loaded CI machine


def billion_laughs() -> bytes:
    lines = ["a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    lines += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]" for i in range(1, 10)]
    return ("\n".join(lines) + "\nloss:\n  weight: *a9\n").encode()


def random_bytes() -> bytes:
    return bytes(random.Random(7).randrange(256) for _ in range(4096))


CASES: dict[str, tuple[bytes, int, str | None]] = {
    # name: (file content, exit code, code of a diagnostic it must carry)
    "billion-laughs": (billion_laughs(), 1, "LC001"),
    "nested-lists-20000": (b"loss: " + b"[" * 20000 + b"]" * 20000 + b"\n", 1, "LC001"),
    "nested-mappings-20000": (
        b"loss: " + b"{a: " * 20000 + b"1" + b"}" * 20000 + b"\n",
        1,
        "LC001",
    ),
    "nested-block-20000": (
        "".join("  " * i + "k:\n" for i in range(20000)).encode(),
        1,
        "LC001",
    ),
    "weight-2000000": (
        b"loss:\n  name: cross_entropy\n  weight: [" + b", ".join([b"1.0"] * 2_000_000) + b"]\n",
        1,
        "LC001",
    ),
    "random-bytes": (random_bytes(), 1, "LC001"),
    "nul-byte": (b"loss:\n  name: cross_\x00entropy\n", 1, "LC001"),
    "utf-16": (codecs.BOM_UTF16_LE + "loss:\n  name: nll\n".encode("utf-16-le"), 1, "LC001"),
    "utf-16-no-bom": ("loss:\n  name: nll\n".encode("utf-16-le"), 1, "LC001"),
    "utf-8-bom": (codecs.BOM_UTF8 + b"loss:\n  name: nll\n", 0, "LC211"),
    "latin-1": ("loss:\n  name: nll  # café\n".encode("latin-1"), 1, "LC001"),
    "empty": (b"", 1, "LC003"),
    "comment-only": (b"# nothing here\n", 1, "LC003"),
    "scalar-document": (b"42\n", 1, "LC003"),
    "complex-key": (b"? [a, b]\n: 1\nloss:\n  name: nll\n", 1, "LC001"),
    "boolean-keys": (b"on: 1\nyes: 2\nloss:\n  on: 3\n", 1, "LC102"),
    "timestamp-and-binary": (
        b"loss:\n  name: cross_entropy\n  label_smoothing: 2024-01-02\n  weight: !!binary aGk=\n",
        1,
        "LC103",
    ),
    "one-megabyte-line": (b'loss:\n  name: "' + b"x" * 1_000_000 + b'"\n', 1, "LC101"),
    "one-megabyte-comment": (b"# " + b"x" * 1_000_000 + b"\nloss:\n  name: nll\n", 0, None),
    "unsafe-tag": (b"loss: !!python/object/apply:os.system ['true']\n", 1, "LC001"),
    "recursive-alias": (b"loss: &a {name: nll, x: *a}\n", 1, "LC001"),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_hostile_file(cli, in_tmp: Path, name: str) -> None:  # type: ignore[no-untyped-def]
    content, exit_code, code = CASES[name]
    path = in_tmp / f"{name}.yaml"
    path.write_bytes(content)
    started = time.perf_counter()
    result = cli.invoke(app, ["check", "--format", "json", "-v", path.name])
    assert time.perf_counter() - started < SECONDS
    assert result.exit_code == exit_code, result.output[-2000:]
    assert "Traceback" not in result.output
    report = json.loads(result.stdout)
    [file] = report["files"]
    assert file["path"] == path.name
    codes = [d["code"] for d in file["diagnostics"]]
    if code is not None:
        assert code in codes
    for d in file["diagnostics"]:
        assert len(d["message"]) < 1000  # values are shortened, even a 1 MB one
    # the text report too: one diagnostic line names the file, source lines are cut
    text = cli.invoke(app, ["check", "-v", path.name]).stdout
    assert all(len(line) < 1500 for line in text.splitlines())
    if code is not None:
        assert f"{path.name}:" in text


def test_oversized_file_is_not_read(cli, in_tmp: Path) -> None:  # type: ignore[no-untyped-def]
    path = in_tmp / "huge.yaml"
    with path.open("wb") as stream:
        stream.truncate(MAX_BYTES + 1)
    result = cli.invoke(app, ["check", path.name])
    assert result.exit_code == 1 and "LC001" in result.stdout and "MiB" in result.stdout


def test_endless_stdin_is_cut(cli) -> None:  # type: ignore[no-untyped-def]
    result = cli.invoke(app, ["check", "-"], input=b"#" * (MAX_BYTES + 10))
    assert result.exit_code == 1 and "over 32.0 MiB" in result.stdout


@pytest.mark.parametrize(
    "tag",
    [
        "!!python/object/apply:os.system",
        "!!python/object/new:os.system",
        "!!python/object:os.system",
        "!!python/name:os.system",
        "!!python/module:os",
        "!!python/tuple",
        "tag:yaml.org,2002:python/object/apply:os.system",
        "!custom",
    ],
)
def test_unsafe_tags_are_refused_and_never_run(cli, in_tmp: Path, tag: str) -> None:  # type: ignore[no-untyped-def]
    marker = in_tmp / "pwned"
    payload = in_tmp / "payload.yaml"
    shown = tag if tag.startswith("!") else f"!<{tag}>"
    payload.write_text(f"loss:\n  name: {shown} ['touch {marker}']\n", encoding="utf-8")
    result = cli.invoke(app, ["check", payload.name])
    assert result.exit_code == 1
    assert "LC001" in result.stdout and "refused" in result.stdout
    assert not marker.exists()


def test_paths_that_cannot_be_read_and_the_others_are_checked(cli, in_tmp: Path) -> None:  # type: ignore[no-untyped-def]
    (in_tmp / "folder").mkdir()
    (in_tmp / "folder" / "inside.yaml").write_text("loss:\n  name: focal\n", encoding="utf-8")
    (in_tmp / "loop.yaml").symlink_to(in_tmp / "loop.yaml")
    (in_tmp / "good.yaml").write_text("loss:\n  name: nll\n", encoding="utf-8")
    os.mkfifo(in_tmp / "fifo.yaml")
    started = time.perf_counter()
    result = cli.invoke(
        app,
        [
            "check",
            "--format",
            "json",
            "folder",
            "missing.yaml",
            "loop.yaml",
            "fifo.yaml",
            "good.yaml",
        ],
    )
    assert time.perf_counter() - started < SECONDS
    assert result.exit_code == 2
    files = {
        f["path"]: [d["code"] for d in f["diagnostics"]] for f in json.loads(result.stdout)["files"]
    }
    assert files == {
        os.path.join("folder", "inside.yaml"): ["LC101"],
        "missing.yaml": ["LC000"],
        "loop.yaml": ["LC000"],
        "fifo.yaml": ["LC000"],
        "good.yaml": ["LC211"],
    }
    text = cli.invoke(app, ["check", "loop.yaml", "fifo.yaml"]).stdout
    assert "loop.yaml: error LC000 cannot read the file: Too many levels of symbolic links" in text
    assert "fifo.yaml: error LC000 cannot read the file: not a regular file" in text


def test_unreadable_file(cli, in_tmp: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    path = in_tmp / "secret.yaml"
    path.write_text("loss:\n  name: nll\n", encoding="utf-8")
    path.chmod(0)
    if os.access(path, os.R_OK):  # root reads anything: make os.open refuse as it would
        real_open = os.open

        def refusing_open(name, flags, *args):  # type: ignore[no-untyped-def]
            if str(name).endswith("secret.yaml"):
                raise PermissionError(13, "Permission denied", str(name))
            return real_open(name, flags, *args)

        monkeypatch.setattr(os, "open", refusing_open)
    result = cli.invoke(app, ["check", path.name, "--format", "json"])
    assert result.exit_code == 2
    [file] = json.loads(result.stdout)["files"]
    assert file["diagnostics"][0]["message"] == "cannot read the file: Permission denied"


@pytest.mark.parametrize("fmt", ["text", "json", "github", "sarif"])
def test_checked_files_are_never_written(cli, in_tmp: Path, fmt: str) -> None:  # type: ignore[no-untyped-def]
    configs = in_tmp / "configs"
    configs.mkdir()
    for name, content in CASES.items():
        if len(content[0]) < 100_000:
            (configs / f"{name}.yaml").write_bytes(content[0])
    (configs / "ok.yaml").write_text("loss:\n  name: Cross_Entropy  # losscfg: disable=LC107\n")
    past = time.time() - 3600
    before = {}
    for path in configs.iterdir():
        os.utime(path, (past, past))
        before[path.name] = (path.read_bytes(), path.stat().st_mtime_ns)
    cli.invoke(app, ["check", "--format", fmt, "--output", str(in_tmp / "report"), "configs"])
    cli.invoke(app, ["check", "--format", fmt, "configs"])
    after = {path.name: (path.read_bytes(), path.stat().st_mtime_ns) for path in configs.iterdir()}
    assert after == before


def test_a_real_process_survives_the_worst_of_it(in_tmp: Path) -> None:
    """The same, end to end through the console script, with a process pool."""
    for index in range(300):  # enough files for the process pool
        (in_tmp / f"c{index:03d}.yaml").write_text(f"loss:\n  name: nll\n  ignore_index: {index}\n")
    (in_tmp / "bomb.yaml").write_bytes(billion_laughs())
    (in_tmp / "bytes.yaml").write_bytes(random_bytes())
    started = time.perf_counter()
    done = subprocess.run(
        # named as well: a search would skip them, as neither is a training config
        [
            sys.executable,
            "-m",
            "losscfg",
            "check",
            "--format",
            "json",
            ".",
            "bomb.yaml",
            "bytes.yaml",
        ],
        cwd=in_tmp,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert time.perf_counter() - started < 30
    assert done.returncode == 1 and "Traceback" not in done.stderr
    report = json.loads(done.stdout)
    assert report["summary"]["files"] == 302
    paths = [f["path"] for f in report["files"]]
    assert paths == sorted(paths)
