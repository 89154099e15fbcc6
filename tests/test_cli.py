"""The command line: paths, options, exit codes (SPEC §5)."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from helpers import EXAMPLES, write
from losscfg import __version__
from losscfg.cli import app

GOOD = "loss:\n  name: cross_entropy\n"
ERROR = "loss:\n  name: focal\n"
WARNING = "loss:\n  name: Cross_Entropy\n"


def run(cli, *args: str, input: str | None = None):  # type: ignore[no-untyped-def]
    return cli.invoke(app, list(args), input=input)


def test_version(cli) -> None:  # type: ignore[no-untyped-def]
    result = run(cli, "--version")
    assert result.exit_code == 0 and result.stdout == f"losscfg {__version__}\n"


def test_python_dash_m_is_the_same_program() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "losscfg", "--version"], capture_output=True, text=True, check=False
    )
    assert (done.returncode, done.stdout) == (0, f"losscfg {__version__}\n")


@pytest.mark.parametrize(
    ("text", "options", "code"),
    [
        (GOOD, [], 0),
        (ERROR, [], 1),
        (WARNING, [], 0),
        (WARNING, ["--strict"], 1),
        (ERROR, ["--exit-zero"], 0),
        ("loss: [\n", [], 1),
    ],
)
def test_exit_codes(cli, in_tmp: Path, text: str, options: list[str], code: int) -> None:  # type: ignore[no-untyped-def]
    path = write(in_tmp, "c.yaml", text)
    assert run(cli, "check", *options, str(path)).exit_code == code


def test_unreadable_path_exits_2_and_the_others_are_checked(cli, in_tmp: Path) -> None:  # type: ignore[no-untyped-def]
    bad = write(in_tmp, "bad.yaml", ERROR)
    result = run(cli, "check", "missing.yaml", str(bad), "--exit-zero")
    assert result.exit_code == 2
    assert (
        "missing.yaml: error LC000 cannot read the file: No such file or directory" in result.stdout
    )
    assert "LC101" in result.stdout


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["dry-run"], "give at least one path"),
        (["check", "--select", "LC999", "x.yaml"], "unknown rule 'LC999'"),
        (["check", "--ignore", "nonsense-rule", "x.yaml"], "unknown rule 'nonsense-rule'"),
        (["check", "--format", "xml", "x.yaml"], "xml"),
        (["check", "--bogus", "x.yaml"], "No such option"),
        (["check", "--num-classes", "0", "x.yaml"], "0"),
        (["rule", "LC999"], "unknown rule 'LC999'"),
    ],
)
def test_usage_errors_exit_2(cli, in_tmp: Path, args: list[str], words: str) -> None:  # type: ignore[no-untyped-def]
    write(in_tmp, "x.yaml", GOOD)
    result = run(cli, *args)
    assert result.exit_code == 2
    assert words in result.stderr
    assert "Traceback" not in result.output


def test_stdin(cli) -> None:  # type: ignore[no-untyped-def]
    result = run(cli, "check", "-", input="loss:\n  name: focal\n")
    assert result.exit_code == 1
    assert result.stdout.startswith("<stdin>:2:9: error LC101")


def test_directories_are_searched_recursively_and_sorted(cli, in_tmp: Path) -> None:  # type: ignore[no-untyped-def]
    write(in_tmp, "configs/b.yaml", ERROR)
    write(in_tmp, "configs/a/deep.yml", ERROR)
    (in_tmp / "configs" / "c.json").write_text('{"loss": {"name": "focal"}}', encoding="utf-8")
    write(in_tmp, "configs/notes.txt", ERROR)
    write(in_tmp, "configs/.git/x.yaml", ERROR)
    result = run(cli, "check", "--format", "json", "configs")
    paths = [f["path"] for f in json.loads(result.stdout)["files"]]
    assert paths == [
        os.path.join("configs", "a", "deep.yml"),
        os.path.join("configs", "b.yaml"),
        os.path.join("configs", "c.json"),
    ]


def test_a_file_given_twice_is_checked_once(cli, in_tmp: Path) -> None:  # type: ignore[no-untyped-def]
    path = write(in_tmp, "c.yaml", ERROR)
    result = run(cli, "check", "--format", "json", str(path), str(path))
    assert json.loads(result.stdout)["summary"]["files"] == 1


def test_output_file(cli, in_tmp: Path) -> None:  # type: ignore[no-untyped-def]
    path = write(in_tmp, "c.yaml", ERROR)
    result = run(cli, "check", "--output", "report.txt", str(path))
    assert result.exit_code == 1 and result.stdout == ""
    assert "LC101" in (in_tmp / "report.txt").read_text(encoding="utf-8")


def test_output_never_overwrites_a_checked_file(cli, in_tmp: Path) -> None:  # type: ignore[no-untyped-def]
    path = write(in_tmp, "c.yaml", ERROR)
    before = path.read_bytes()
    result = run(cli, "check", "--output", str(path), str(path))
    assert result.exit_code == 2 and "never overwrites" in result.stderr
    assert path.read_bytes() == before


def test_quiet_prints_only_the_summary(cli, in_tmp: Path) -> None:  # type: ignore[no-untyped-def]
    path = write(in_tmp, "c.yaml", ERROR)
    result = run(cli, "check", "-q", str(path))
    assert result.stdout == "1 error, 0 warnings in 1 file (1 checked)\n"


def test_verbose_shows_infos(cli, in_tmp: Path) -> None:  # type: ignore[no-untyped-def]
    path = write(in_tmp, "c.yaml", "loss:\n  name: nll\n")
    assert "LC211" not in run(cli, "check", str(path)).stdout
    verbose = run(cli, "check", "-v", str(path)).stdout
    assert "info LC211" in verbose and "0 errors, 0 warnings, 1 info in 1 file" in verbose


def test_no_color_off_a_terminal(cli, in_tmp: Path) -> None:  # type: ignore[no-untyped-def]
    path = write(in_tmp, "c.yaml", ERROR)
    assert "\x1b[" not in run(cli, "check", str(path)).stdout


def test_color_on_a_terminal_unless_disabled(in_tmp: Path) -> None:
    pty = pytest.importorskip("pty")
    path = write(in_tmp, "c.yaml", ERROR)

    def terminal_output(*extra: str, env: dict[str, str] | None = None) -> bytes:
        leader, follower = pty.openpty()
        environment = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "FORCE_COLOR")}
        environment.update(env or {})
        subprocess.run(
            [sys.executable, "-m", "losscfg", "check", *extra, str(path)],
            stdout=follower,
            stderr=follower,
            env=environment,
            check=False,
        )
        os.close(follower)
        chunks = []
        while True:
            try:
                chunk = os.read(leader, 65536)
            except OSError:
                break
            if not chunk:
                break
            chunks.append(chunk)
        os.close(leader)
        return b"".join(chunks)

    assert b"\x1b[" in terminal_output()
    assert b"\x1b[" not in terminal_output("--no-color")
    assert b"\x1b[" not in terminal_output(env={"NO_COLOR": "1"})


def test_github_format_is_picked_in_github_actions(cli, in_tmp: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    path = write(in_tmp, "c.yaml", ERROR)
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    assert run(cli, "check", str(path)).stdout.startswith("::error file=")
    assert run(cli, "check", "--format", "text", str(path)).stdout.startswith(str(path))


def test_rules_table_lists_every_rule(cli) -> None:  # type: ignore[no-untyped-def]
    from losscfg.lint.rules import all_rules

    lines = run(cli, "rules").stdout.splitlines()
    assert lines[0].split() == ["code", "name", "severity", "what", "it", "checks"]
    rows = [line for line in lines[1:] if not line.startswith(" ")]  # not what wrapped
    assert [line.split()[0] for line in rows] == [r.code for r in all_rules()]


@pytest.mark.parametrize("name", ["LC301", "amp-unsafe-loss", "lc301"])
def test_rule_explains_one_rule(cli, name: str) -> None:  # type: ignore[no-untyped-def]
    result = run(cli, "rule", name)
    assert result.exit_code == 0
    text = result.stdout
    assert text.startswith("# amp-unsafe-loss (LC301)")
    for part in ("## What it does", "## Why is this bad?", "## Example", "## Fix"):
        assert part in text
    assert "unsafe to autocast" in text and "bce_with_logits" in text


def test_losses_table_comes_from_the_schema(cli) -> None:  # type: ignore[no-untyped-def]
    from losscfg.catalogue.schema import catalogue

    text = run(cli, "losses").stdout
    for loss in catalogue().losses.values():
        assert loss.name in text and loss.torch_class in text
        for parameter in loss.parameters.values():
            assert parameter.expected in text
    assert re.search(r"label_smoothing\s+a number in \[0, 1\]\s+default 0\.0", text)


def test_examples_of_the_readme(cli) -> None:  # type: ignore[no-untyped-def]
    good = run(cli, "check", str(EXAMPLES / "cifar10_resnet20.yaml"))
    assert good.exit_code == 0 and good.stdout == "No errors or warnings in 1 file.\n"
    broken = run(cli, "check", str(EXAMPLES / "broken" / "mistakes.yaml"))
    assert broken.exit_code == 1 and "LC207" in broken.stdout


def test_internal_error_exits_3_names_the_file_and_checks_the_others(
    cli, in_tmp: Path, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    from losscfg.lint import check as check_module

    write(in_tmp, "a.yaml", GOOD)
    write(in_tmp, "boom.yaml", GOOD)
    write(in_tmp, "c.yaml", ERROR)
    original = check_module.check_source

    def buggy(source, path, options, **kwargs):  # type: ignore[no-untyped-def]
        if path.endswith("boom.yaml"):
            raise ZeroDivisionError("division by zero")
        return original(source, path, options, **kwargs)

    monkeypatch.setattr(check_module, "check_source", buggy)
    result = run(cli, "check", ".")
    assert result.exit_code == 3
    assert "internal error while checking" in result.stderr and "boom.yaml" in result.stderr
    assert "ZeroDivisionError" in result.stderr and "please report it" in result.stderr
    assert "LC101" in result.stdout  # c.yaml, after the bug, was still checked
    assert "Traceback" not in result.output


def test_notice_when_pyyaml_has_no_libyaml(cli, in_tmp: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from losscfg.load import document

    path = write(in_tmp, "c.yaml", GOOD)
    assert "libyaml" not in run(cli, "check", str(path)).stderr
    monkeypatch.setattr(document, "LIBYAML", False)
    result = run(cli, "check", str(path))
    assert result.exit_code == 0 and "pure-Python parser" in result.stderr


def test_a_bug_outside_any_file_exits_3_in_one_line(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from losscfg import cli as cli_module

    def broken(**kwargs: object) -> None:
        raise RuntimeError("no such state")

    monkeypatch.setattr(cli_module, "app", broken)
    monkeypatch.delenv("LOSSCFG_TRACEBACK", raising=False)
    with pytest.raises(SystemExit) as exit:
        cli_module.main()
    assert exit.value.code == 3
    (line,) = capsys.readouterr().err.splitlines()
    assert line.startswith("losscfg: internal error: RuntimeError: no such state.")
    assert "please report it" in line and "LOSSCFG_TRACEBACK=1" in line
    monkeypatch.setenv("LOSSCFG_TRACEBACK", "1")
    with pytest.raises(RuntimeError, match="no such state"):
        cli_module.main()


def test_an_interrupt_exits_130(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from losscfg import cli as cli_module

    def interrupted(**kwargs: object) -> None:
        raise KeyboardInterrupt

    def leave(code: int) -> None:  # os._exit, which would end the test run itself
        raise SystemExit(code)

    monkeypatch.setattr(cli_module, "app", interrupted)
    monkeypatch.setattr(cli_module.os, "_exit", leave)
    with pytest.raises(SystemExit) as exit:
        cli_module.main()
    assert exit.value.code == 130
    assert capsys.readouterr().err == "losscfg: interrupted\n"


def test_an_unwritable_output_is_a_usage_error(cli, in_tmp: Path) -> None:  # type: ignore[no-untyped-def]
    path = write(in_tmp, "c.yaml", GOOD)
    result = run(cli, "check", "--output", str(in_tmp / "no" / "such" / "dir" / "r.txt"), str(path))
    assert result.exit_code == 2
    assert "cannot write --output" in result.stderr and "no folder" in result.stderr


def test_a_bad_entry_of_a_block_list_is_shown_at_its_line(cli, in_tmp: Path) -> None:  # type: ignore[no-untyped-def]
    text = "loss:\n  name: nll\n  weight:\n    - 1.0\n    - 5e-1\n    - 1.0\n    - 2.0\n"
    path = write(in_tmp, "c.yaml", text)
    shown = run(cli, "check", "--no-color", "--num-classes", "4", str(path)).stdout
    assert f"{path}:5:7: error LC103 loss.weight holds 1 entry that is not a number" in shown
    assert "  5 |     - 5e-1\n    |       ^^^^\n" in shown
    report = json.loads(
        run(cli, "check", "--format", "json", "--num-classes", "4", str(path)).stdout
    )
    (found,) = [d for d in report["files"][0]["diagnostics"] if d["code"] == "LC103"]
    assert (found["pointer"], found["line"], found["column"], found["end_line"]) == (
        "/loss/weight/1",
        5,
        7,
        5,
    )
