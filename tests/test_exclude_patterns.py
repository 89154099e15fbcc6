"""Exclude patterns from settings and `--exclude`: matched in linear time, and a malformed one
is a usage error that names where it was written (issue 21, items 5 and 10)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from losscfg.cli import app
from losscfg.workspace.globs import pattern_problem

DEEP = "a" * 38
LONG = "a" * 80


def _hostile(n: int) -> str:
    """`**/` and `a*` n times each, then a `b` no path holds: Python's re backtracks through
    every way of splitting the a's (n = 8 took over a minute, n = 22 ran for 49 minutes)."""
    return "**/" * n + "a*" * n + "b"


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    (tmp_path / "a.yaml").write_text("loss:\n  name: mse\n")
    deep = tmp_path / "sub" / DEEP
    deep.mkdir(parents=True)
    (deep / f"{LONG}.yaml").write_text("")
    return tmp_path


@pytest.mark.parametrize("n", [8, 22])
@pytest.mark.parametrize("where", ["option", "settings"])
def test_a_backtracking_pattern_is_matched_in_linear_time(tree: Path, n: int, where: str) -> None:
    arguments = ["--exclude", _hostile(n)] if where == "option" else []
    if where == "settings":
        (tree / "pyproject.toml").write_text(
            f'[tool.losscfg]\nextend-exclude = ["{_hostile(n)}"]\n'
        )
    result = subprocess.run(  # a real process: a regression hangs it, and the timeout says so
        [sys.executable, "-m", "losscfg", "check", "-v", "--no-color", *arguments, "."],
        cwd=tree,
        capture_output=True,
        text=True,
        timeout=20,  # the matching itself takes about a millisecond
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.endswith("No errors, warnings or infos in 1 file.\n")
    assert f"skipped sub/{DEEP}/{LONG}.yaml: not a training config" in result.stdout


@pytest.mark.parametrize(
    ("pattern", "problem"),
    [
        ("[z-a]", "its bracket expression [z-a] is not valid (bad character range z-a)"),
        ("configs/[9-0]*/", "its bracket expression [9-0] is not valid (bad character range 9-0)"),
        ("![!z-a].yaml", "its bracket expression [!z-a] is not valid (bad character range z-a)"),
        ("\\", "it ends with a lone backslash (write \\\\ for a backslash, or drop it)"),
        ("old\\", "it ends with a lone backslash (write \\\\ for a backslash, or drop it)"),
        ("!", "it is a lone '!' that negates nothing"),
        (
            "[[:letters:]]",
            "[:letters:] is no character class git knows ([:alnum:], [:alpha:], "
            "[:blank:], [:cntrl:], [:digit:], [:graph:], [:lower:], [:print:], [:punct:], "
            "[:space:], [:upper:], [:xdigit:])",
        ),
    ],
)
def test_a_malformed_pattern_says_why(pattern: str, problem: str) -> None:
    assert pattern_problem(pattern) == problem


@pytest.mark.parametrize(
    "pattern",
    [
        "*.yaml",
        "old/",
        "/configs/old/",
        "[]-a]",
        "[a-]",
        "a[",
        "\\[z-a]",
        "x\\\\",
        "[[:alpha:]]",
        "[:x:]",
    ],
)
def test_a_usable_pattern_has_no_problem(pattern: str) -> None:
    assert pattern_problem(pattern) is None


@pytest.mark.parametrize("pattern", ["[z-a]", "\\"])
def test_a_malformed_exclude_option_is_a_usage_error(
    cli: CliRunner, in_tmp: Path, pattern: str
) -> None:
    (in_tmp / "c.yaml").write_text("loss:\n  name: mse\n")
    result = cli.invoke(app, ["check", "--exclude", pattern, "c.yaml"])  # named: no search
    assert result.exit_code == 2, result.output
    assert result.stderr.startswith(f"losscfg: error: --exclude {pattern!r} cannot be used: ")
    assert len(result.stderr.strip().splitlines()) == 1
    assert "bug" not in result.stderr


@pytest.mark.parametrize("key", ["exclude", "extend-exclude"])
def test_a_malformed_settings_pattern_names_the_file(
    cli: CliRunner, in_tmp: Path, key: str
) -> None:
    (in_tmp / "pyproject.toml").write_text(f'[tool.losscfg]\n{key} = ["old/", "[z-a]"]\n')
    (in_tmp / "c.yaml").write_text("loss:\n  name: mse\n")
    result = cli.invoke(app, ["check", "c.yaml"])
    assert result.exit_code == 2, result.output
    assert f"pyproject.toml: {key} pattern '[z-a]' cannot be used: its bracket expression" in (
        result.stderr
    )
    assert "bug" not in result.stderr


def test_a_pattern_that_cannot_be_compiled_is_a_usage_error_naming_the_option(
    cli: CliRunner, in_tmp: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What `pattern_problem` lets through and pathspec or RE2 still refuses (none is known
    today) ends the run with a usage error when it is first matched, not with a traceback."""
    from losscfg.workspace import paths

    real = paths._spec

    def refuses(lines: Any) -> Any:
        if "odd*" in list(lines):
            raise ValueError("refused")
        return real(lines)

    monkeypatch.setattr(paths, "_spec", refuses)
    (in_tmp / "odd.yaml").write_text("loss:\n  name: mse\n")
    result = cli.invoke(app, ["check", "--exclude", "odd*", "."])
    assert result.exit_code == 2, result.output
    assert result.stderr == (
        "losscfg: error: --exclude: pattern 'odd*' cannot be matched (refused); rewrite it or "
        "remove it\n"
    )


@pytest.mark.parametrize(
    ("pattern", "excluded", "kept"),
    [
        ("[[:digit:]]*.yaml", "1st.yaml", "a1.yaml"),
        ("run[![:alpha:]].yaml", "run_.yaml", "runs.yaml"),
        ("a[[:punct:]]b.yaml", "a-b.yaml", "axb.yaml"),
    ],
)
def test_git_s_character_classes_match_as_git_matches_them(
    cli: CliRunner, in_tmp: Path, pattern: str, excluded: str, kept: str
) -> None:
    for name in (excluded, kept):
        (in_tmp / name).write_text("loss:\n  name: mse\n")
    result = cli.invoke(app, ["check", "--format", "json", "--exclude", pattern, "."])
    checked = [f["path"] for f in json.loads(result.stdout)["files"]]
    assert checked == [kept]


def test_a_gitignore_line_that_cannot_be_compiled_is_dropped_as_git_drops_it(
    cli: CliRunner, in_tmp: Path
) -> None:
    os.makedirs(in_tmp / ".git")
    (in_tmp / ".gitignore").write_text("[z-a]\n\\\n[[:nope:]]\nold/\n")
    (in_tmp / "old").mkdir()
    (in_tmp / "old" / "c.yaml").write_text("loss:\n  name: focal\n")
    (in_tmp / "c.yaml").write_text("loss:\n  name: mse\n")
    (in_tmp / "c].yaml").write_text("loss:\n  name: mse\n")
    result = cli.invoke(app, ["check", "--no-color", "."])
    assert result.exit_code == 0, result.output
    assert result.stdout == "No errors or warnings in 2 files.\n"
