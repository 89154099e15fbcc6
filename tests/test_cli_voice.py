"""One voice (issue: usage errors in one format, exit 2) and what `-q` does in each format."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from losscfg.cli import main

BROKEN = "loss:\n  name: focal\n"


def run_main(
    args: list[str], capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> tuple[int, str, str]:
    """The console script itself, as a user runs it (typer's CliRunner skips `main`)."""
    for variable in ("GITHUB_ACTIONS", "NO_COLOR", "FORCE_COLOR"):
        monkeypatch.delenv(variable, raising=False)
    monkeypatch.setattr(sys, "argv", ["losscfg", *args])
    with pytest.raises(SystemExit) as exit:
        main()
    captured = capsys.readouterr()
    return int(exit.value.code or 0), captured.out, captured.err


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["check", "--bogus", "c.yaml"], "no such option: --bogus"),
        (["check", "--format", "xml", "c.yaml"], "invalid value for '--format': 'xml' is not one"),
        (["check", "--num-classes", "0", "c.yaml"], "invalid value for '--num-classes': 0 is"),
        (["check", "--num-classes", "ten", "c.yaml"], "'ten' is not a valid"),
        (["chek"], "no such command 'chek'"),
        (["rule"], "missing argument 'code'"),
        (["rule", "LC999"], "unknown rule 'LC999'; `losscfg rules` lists them"),
        (["dry-run"], "give at least one path"),
        (["check", "--select", "LC999", "c.yaml"], "unknown rule 'LC999'"),
        (["check", "--select", ",", "c.yaml"], "--select is empty"),
        (["check", "-q", "--format", "sarif", "c.yaml"], "--quiet cannot shorten a SARIF log"),
        (["check", "--config", "missing.toml", "c.yaml"], "cannot read missing.toml"),
    ],
)
def test_every_usage_error_is_one_line_in_one_voice(
    args: list[str],
    message: str,
    in_tmp: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    (in_tmp / "c.yaml").write_text(BROKEN)
    code, out, err = run_main(args, capsys, monkeypatch)
    assert code == 2
    assert out == ""
    assert err.startswith("losscfg: error: ") and err.count("\n") == 1, err
    assert message in err
    assert "Usage:" not in err and "Traceback" not in err


def test_click_s_errors_point_at_the_command_s_help(
    in_tmp: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    code, _, err = run_main(["check", "--format", "xml"], capsys, monkeypatch)
    assert code == 2
    assert err.endswith("'sarif'; see `losscfg check --help`\n")


def test_losscfg_alone_prints_the_help(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    code, out, err = run_main([], capsys, monkeypatch)
    assert code == 2
    assert "Usage: losscfg [OPTIONS] COMMAND" in out + err and "check" in out + err


# --- -q in each format -------------------------------------------------------------------


@pytest.fixture
def two_files(in_tmp: Path) -> Path:
    (in_tmp / "a.yaml").write_text(BROKEN)
    (in_tmp / "b.yaml").write_text("loss:\n  name: nll\n")
    return in_tmp


def test_quiet_text_is_the_summary_line(
    two_files: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    code, out, _ = run_main(["check", "-q"], capsys, monkeypatch)
    assert (code, out) == (1, "1 error, 0 warnings in 1 file (2 checked)\n")


def test_quiet_github_is_the_summary_line_without_annotations(
    two_files: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    code, out, _ = run_main(["check", "-q", "--format", "github"], capsys, monkeypatch)
    assert (code, out) == (1, "1 error, 0 warnings in 1 file (2 checked)\n")
    code, out, _ = run_main(["check", "--format", "github"], capsys, monkeypatch)
    assert out.startswith("::error file=a.yaml,line=2")


def test_quiet_json_is_the_version_and_the_summary(
    two_files: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    code, out, _ = run_main(["check", "-q", "--format", "json"], capsys, monkeypatch)
    assert code == 1
    assert json.loads(out) == {
        "version": 1,
        "summary": {"files": 2, "errors": 1, "warnings": 0, "infos": 1},
    }
    code, out, _ = run_main(["check", "--format", "json"], capsys, monkeypatch)
    assert list(json.loads(out)) == ["version", "files", "skipped", "summary"]
