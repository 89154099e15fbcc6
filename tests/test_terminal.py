"""Colour only on a terminal: rich styles there, plain text everywhere else."""

from __future__ import annotations

import io
import re

import pytest

from losscfg.terminal import use_color, write_lines

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
    if env is None:
        monkeypatch.delenv("NO_COLOR", raising=False)
    else:
        monkeypatch.setenv("NO_COLOR", env)
    assert use_color(stream, no_color) is expected


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
