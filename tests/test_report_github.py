"""--format github: one workflow command per diagnostic, escaped as GitHub's toolkit does."""

from __future__ import annotations

from pathlib import Path

import pytest

from losscfg.cli import app
from losscfg.diagnostics import Diagnostic, FileReport, Severity
from losscfg.report.github import command, escape_data, escape_property


def unescape(text: str, *, is_property: bool) -> str:
    """As the Actions runner reads a command back (ActionCommand.Unescape)."""
    text = text.replace("%0D", "\r").replace("%0A", "\n")
    if is_property:
        text = text.replace("%3A", ":").replace("%2C", ",")
    return text.replace("%25", "%")


def parse(line: str) -> tuple[str, dict[str, str], str]:
    """A workflow command line as the runner splits it: ::name props::message."""
    assert line.startswith("::")
    head, separator, message = line[2:].partition("::")
    assert separator, line
    name, _, props = head.partition(" ")
    properties = {}
    for pair in props.split(","):
        key, _, value = pair.partition("=")
        properties[key] = unescape(value, is_property=True)
    return name, properties, unescape(message, is_property=False)


def test_escaping_matches_the_toolkit() -> None:
    assert escape_data("50% done\r\nnext") == "50%25 done%0D%0Anext"
    assert escape_property("a:b,c%\n") == "a%3Ab%2Cc%25%0A"


HOSTILE_PATHS = ["plain.yaml", "a,b.yaml", "c::d.yaml", "e%0Af.yaml", "g%h,title=x::y.yaml"]


@pytest.mark.parametrize("path", HOSTILE_PATHS)
def test_no_second_command_can_be_injected(path: str) -> None:
    message = "line one\n::error file=evil.yaml,line=1::injected\r\n%0A done, 100%"
    d = Diagnostic(
        "LC101", "unknown-loss", Severity.ERROR, message, "hint: a::b,c", "/loss/name", 2, 9, 2, 14
    )
    line = command(path, d)
    assert "\n" not in line and "\r" not in line
    name, properties, text = parse(line)
    assert name == "error"
    assert properties == {
        "file": path,
        "line": "2",
        "col": "9",
        "endLine": "2",
        "endColumn": "14",
        "title": "losscfg LC101",
    }
    assert text == f"{message} [unknown-loss]\nhint: hint: a::b,c"


def test_config_values_survive_the_round_trip(cli, in_tmp: Path) -> None:  # type: ignore[no-untyped-def]
    hostile = in_tmp / "we,ird:name%.yaml"
    hostile.write_text(
        'loss:\n  name: "focal\\n::error file=x::owned, 100%"\n  "::warning::x,%": 1\n',
        encoding="utf-8",
    )
    result = cli.invoke(app, ["check", "--format", "github", hostile.name])
    lines = result.stdout.splitlines()
    assert len(lines) == 1  # one diagnostic (LC101), one line: nothing was injected
    name, properties, text = parse(lines[0])
    assert name == "error" and properties["file"] == hostile.name
    assert properties["title"] == "losscfg LC101" and properties["line"] == "2"
    assert "owned, 100%" in text and text.startswith("unknown loss 'focal\\n::error")


def test_severities_and_infos(cli, in_tmp: Path) -> None:  # type: ignore[no-untyped-def]
    path = in_tmp / "c.yaml"
    path.write_text("loss:\n  name: NLL\n", encoding="utf-8")
    quiet = cli.invoke(app, ["check", "--format", "github", "c.yaml"]).stdout.splitlines()
    assert [parse(line)[0] for line in quiet] == ["warning"]
    loud = cli.invoke(app, ["check", "--format", "github", "-v", "c.yaml"]).stdout.splitlines()
    assert [parse(line)[0] for line in loud] == ["warning", "notice"]


def test_unreadable_file_has_no_position() -> None:
    report = FileReport(
        "gone.yaml", [Diagnostic("LC000", "io-error", Severity.ERROR, "cannot read")]
    )
    line = command(report.path, report.diagnostics[0])
    assert line == "::error file=gone.yaml,title=losscfg LC000::cannot read [io-error]"
