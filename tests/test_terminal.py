"""Colour only on a terminal: rich styles there, plain text everywhere else."""

from __future__ import annotations

import io
import re

import pytest

from losscfg.report.terminal import use_color, write_lines

LINES = [[("a.yaml:1:1: ", "bold"), ("error", "bold red"), (" LC101 unknown loss", "")]]


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.mark.parametrize(
    ("stream", "no_color", "env", "expected"),
    [
        (Terminal(), False, None, True),
        (Terminal(), True, None, False),
        (Terminal(), False, "1", False),
        (io.StringIO(), False, None, False),
    ],
)
def test_colour_only_on_a_terminal(
    monkeypatch: pytest.MonkeyPatch,
    stream: io.StringIO,
    no_color: bool,
    env: str | None,
    expected: bool,
) -> None:
    monkeypatch.delenv("FORCE_COLOR", raising=False)
    if env is None:
        monkeypatch.delenv("NO_COLOR", raising=False)
    else:
        monkeypatch.setenv("NO_COLOR", env)
    assert use_color(stream, no_color) is expected


# As CPython 3.13 decides: --no-color, then NO_COLOR, then FORCE_COLOR, then the terminal; an
# empty variable counts as unset.
@pytest.mark.parametrize(
    ("terminal", "no_color", "no_color_env", "force_color_env", "expected"),
    [
        (False, False, None, "1", True),  # forced on, piped
        (False, False, None, "0", True),  # any non-empty value forces
        (True, False, None, "1", True),
        (False, True, None, "1", False),  # --no-color wins
        (True, True, None, "1", False),
        (False, False, "1", "1", False),  # then NO_COLOR
        (True, False, "1", "1", False),
        (False, False, "", "1", True),  # an empty NO_COLOR is unset
        (False, False, None, "", False),  # an empty FORCE_COLOR is unset: the terminal decides
        (True, False, None, "", True),
    ],
)
def test_force_color(
    monkeypatch: pytest.MonkeyPatch,
    terminal: bool,
    no_color: bool,
    no_color_env: str | None,
    force_color_env: str | None,
    expected: bool,
) -> None:
    for name, value in (("NO_COLOR", no_color_env), ("FORCE_COLOR", force_color_env)):
        if value is None:
            monkeypatch.delenv(name, raising=False)
        else:
            monkeypatch.setenv(name, value)
    stream = Terminal() if terminal else io.StringIO()
    assert use_color(stream, no_color) is expected


def test_force_color_colours_a_piped_report(monkeypatch: pytest.MonkeyPatch) -> None:
    from typer.testing import CliRunner

    from losscfg.cli import app

    monkeypatch.delenv("NO_COLOR", raising=False)
    config = "loss:\n  name: focal\n"
    forced = CliRunner().invoke(app, ["check", "-"], input=config, env={"FORCE_COLOR": "1"})
    assert forced.exit_code == 1 and "\x1b[" in forced.stdout
    unforced = CliRunner().invoke(app, ["check", "-"], input=config, env={"FORCE_COLOR": ""})
    assert "\x1b[" not in unforced.stdout
    both = {"FORCE_COLOR": "1", "NO_COLOR": "1"}
    assert "\x1b[" not in CliRunner().invoke(app, ["check", "-"], input=config, env=both).stdout
    no_color = CliRunner().invoke(app, ["check", "--no-color", "-"], input=config, env=both)
    assert "\x1b[" not in no_color.stdout


def test_plain_text_has_no_escape_codes() -> None:
    stream = io.StringIO()
    write_lines(LINES, stream, color=False)
    assert stream.getvalue() == "a.yaml:1:1: error LC101 unknown loss\n"


def test_colour_styles_the_pieces_and_keeps_the_text() -> None:
    stream = Terminal()
    write_lines(LINES, stream, color=True)
    written = stream.getvalue()
    assert "\x1b[1;31merror\x1b[0m" in written
    plain = re.sub("\x1b\\[[0-9;]*m", "", written)
    assert plain == "a.yaml:1:1: error LC101 unknown loss\n"
