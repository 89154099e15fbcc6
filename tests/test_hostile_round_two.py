"""Hostile input, round two: each reproduction of the second hostile study ends in seconds with
a documented exit code and one line, with no orphan, no raw control character on a terminal,
no `::` line losscfg did not mean, and no partial or lost report. Sizes are bounded: the
growth itself is counted in tests/test_linear_work.py."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from helpers import write
from losscfg.cli import app
from losscfg.lint.check import MOST_PER_CODE, Options, check_source

ESC = "\x1b"
RLO = "\u202e"


def run(cli, *args: str, **kwargs: object):  # type: ignore[no-untyped-def]
    return cli.invoke(app, list(args), **kwargs)


# --- 5. terminal escapes and 6. workflow commands ---------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        f'model:\n  name: "quant_{ESC}[2J{RLO}x"\namp:\n  enabled: true\n',  # LC302's message
        f'loss:\n  name: "{ESC}]0;owned{ESC}\\\\"\n',  # LC101's message
        f"loss:\n  name: nll\n  weight: [1.0, {ESC}[31m\n",  # LC001's source excerpt
        f'loss:\n  "{RLO}name": nll\n',  # LC102's key
    ],
)
def test_no_raw_control_or_bidi_character_reaches_the_terminal(
    cli, in_tmp: Path, text: str
) -> None:  # type: ignore[no-untyped-def]
    (in_tmp / "c.yaml").write_text(text, encoding="utf-8")
    result = run(cli, "check", "c.yaml")
    assert result.exit_code in (0, 1), result.output
    assert ESC not in result.output and RLO not in result.output
    assert "\\x1b" in result.output or "\\u202e" in result.output or "\ufffd" in result.output


def test_a_file_name_cannot_inject_escapes_or_commands(cli, in_tmp: Path) -> None:  # type: ignore[no-untyped-def]
    name = f"a{ESC}[2J\n::error::X.yaml"
    (in_tmp / name).write_text("loss:\n  name: focal\n", encoding="utf-8")
    for fmt in ("text", "github"):
        result = run(cli, "check", "--format", fmt, ".")
        assert result.exit_code == 1
        assert ESC not in result.output
        lines = result.stdout.splitlines()
        assert sum(line.startswith("::") for line in lines) == (1 if fmt == "github" else 0)


def test_the_dry_run_table_cannot_inject_a_command(cli, in_tmp: Path) -> None:  # type: ignore[no-untyped-def]
    pytest.importorskip("torch")
    (in_tmp / "a\n::error::X.yaml").write_text("loss:\n  name: cross_entropy\n", encoding="utf-8")
    result = run(cli, "dry-run", ".")
    assert not any(line.startswith("::") for line in result.stdout.splitlines())
    assert "a\\x0a::error::X.yaml" in result.stdout


def test_a_settings_key_cannot_start_a_command(cli, in_tmp: Path) -> None:  # type: ignore[no-untyped-def]
    write(in_tmp, "pyproject.toml", '[tool.losscfg]\n"x\\n::error file=a::b" = 1\n')
    write(in_tmp, "c.yaml", "loss:\n  name: nll\n")
    result = run(cli, "check", "c.yaml")
    assert result.exit_code == 2
    assert len(result.stderr.splitlines()) == 1 and "\\x0a::error" in result.stderr


# --- 7. non-UTF-8 file names ------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["json", "sarif", "github", "text"])
def test_a_file_name_that_is_not_utf8_is_reported_escaped(in_tmp: Path, fmt: str) -> None:
    folder = os.fsencode(in_tmp / "configs")
    os.mkdir(folder)
    with open(os.path.join(folder, b"\xff.yaml"), "wb") as stream:
        stream.write(b"loss:\n  name: focal\n")
    done = subprocess.run(
        [sys.executable, "-m", "losscfg", "check", "--format", fmt, "-o", f"out.{fmt}", "configs"],
        cwd=in_tmp,
        capture_output=True,
        check=False,
    )
    assert (done.returncode, done.stderr) == (1, b"")
    report = (in_tmp / f"out.{fmt}").read_bytes().decode("utf-8")
    assert "LC101" in report
    if fmt in ("json", "sarif"):
        json.loads(report)
    assert ("%FF.yaml" if fmt == "sarif" else "\\udcff.yaml") in report


# --- 8. --output ------------------------------------------------------------------------------


def test_output_never_overwrites_the_file_stdin_reads(cli, in_tmp: Path) -> None:  # type: ignore[no-untyped-def]
    config = write(in_tmp, "a.yaml", "loss:\n  name: nll\n")
    with config.open("rb") as stdin:
        done = subprocess.run(
            [sys.executable, "-m", "losscfg", "check", "-", "-o", "a.yaml"],
            cwd=in_tmp,
            stdin=stdin,
            capture_output=True,
            text=True,
            check=False,
        )
    assert done.returncode == 2 and "standard input reads" in done.stderr
    assert config.read_text(encoding="utf-8") == "loss:\n  name: nll\n"


def test_output_never_creates_a_file_it_is_asked_to_check(cli, in_tmp: Path) -> None:  # type: ignore[no-untyped-def]
    result = run(cli, "check", "new.yaml", "-o", "new.yaml")
    assert result.exit_code == 2 and "one of the files to check" in result.stderr
    assert not (in_tmp / "new.yaml").exists()


def test_output_is_written_whole_with_the_old_mode(cli, in_tmp: Path) -> None:  # type: ignore[no-untyped-def]
    write(in_tmp, "a.yaml", "loss:\n  name: focal\n")
    report = in_tmp / "report.json"
    report.write_text("old", encoding="utf-8")
    report.chmod(0o640)
    result = run(cli, "check", "--format", "json", "a.yaml", "-o", str(report))
    assert result.exit_code == 1
    assert json.loads(report.read_text(encoding="utf-8"))["summary"]["errors"] == 1
    assert report.stat().st_mode & 0o777 == 0o640
    assert sorted(p.name for p in in_tmp.iterdir()) == ["a.yaml", "report.json"]  # no temp left


def test_output_dash_is_stdout(cli, in_tmp: Path) -> None:  # type: ignore[no-untyped-def]
    write(in_tmp, "a.yaml", "loss:\n  name: nll\n")
    result = run(cli, "check", "a.yaml", "-o", "-")
    assert result.exit_code == 0 and result.stdout == "No errors or warnings in 1 file.\n"
    assert not (in_tmp / "-").exists()


def test_a_killed_run_leaves_the_old_report(in_tmp: Path) -> None:
    for i in range(300):
        write(in_tmp, f"configs/c{i:03}.yaml", "loss:\n  name: nll\n")
    report = in_tmp / "report.txt"
    report.write_text("the old report\n", encoding="utf-8")
    slow = (
        "import sys, time\nfrom losscfg.workspace import runner\n"
        "original = runner.check_path\n"
        "def slow(*args, **kwargs):\n    time.sleep(0.05)\n    return original(*args, **kwargs)\n"
        "runner.check_path = slow\nrunner._workers = lambda n: 1\n"
        "from losscfg.cli import main\n"
        "sys.argv = ['losscfg', 'check', 'configs', '-o', 'report.txt']\nmain()\n"
    )
    process = subprocess.Popen([sys.executable, "-c", slow], cwd=in_tmp)
    try:
        process.wait(timeout=2)
    except subprocess.TimeoutExpired:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=10)
    assert report.read_text(encoding="utf-8") == "the old report\n"
    assert sorted(p.name for p in in_tmp.iterdir()) == ["configs", "report.txt"]


@pytest.mark.parametrize("target", ["/dev/full", "closed"])
def test_an_unwritable_stdout_exits_2_with_one_line(in_tmp: Path, target: str) -> None:
    write(in_tmp, "a.yaml", "loss:\n  name: nll\n")
    command = [sys.executable, "-m", "losscfg", "check", "a.yaml"]
    if target == "closed":
        done = subprocess.run(
            ["sh", "-c", '"$@" >&-', "sh", *command], cwd=in_tmp, capture_output=True, text=True
        )
    else:
        with open(target, "w") as full:
            done = subprocess.run(
                command, cwd=in_tmp, stdout=full, stderr=subprocess.PIPE, text=True
            )
    assert done.returncode == 2
    assert len(done.stderr.splitlines()) == 1 and done.stderr.startswith("losscfg: error:")


def test_output_to_dev_full_exits_2(cli, in_tmp: Path) -> None:  # type: ignore[no-untyped-def]
    write(in_tmp, "a.yaml", "loss:\n  name: nll\n")
    result = run(cli, "check", "a.yaml", "-o", "/dev/full")
    assert result.exit_code == 2 and result.stderr.startswith("losscfg: error:")
    assert not Path("/dev/full").is_file()  # a device is written to, never replaced


# --- 4. dry-run sizes and 10., 11. settings and options --------------------------------------


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["dry-run", "--batch-size", "1000000000", "c.yaml"], "--batch-size"),
        (["dry-run", "--seed", str(2**70), "c.yaml"], "--seed"),
        (["dry-run", "--num-classes", "1e30", "c.yaml"], "--num-classes"),
        (["dry-run", "--steps", "1000000000", "c.yaml"], "--steps"),
        (["check", "--select=", "c.yaml"], "--select is empty"),
    ],
)
def test_options_out_of_bounds_are_usage_errors(
    cli, in_tmp: Path, args: list[str], words: str
) -> None:  # type: ignore[no-untyped-def]
    write(in_tmp, "c.yaml", "loss:\n  name: nll\n")
    result = run(cli, *args)
    assert result.exit_code == 2 and words in result.output


def test_a_huge_class_count_is_refused_and_the_other_configs_run(cli, in_tmp: Path) -> None:  # type: ignore[no-untyped-def]
    pytest.importorskip("torch")
    write(in_tmp, "big.yaml", "model:\n  num_classes: 100000000\nloss:\n  name: cross_entropy\n")
    write(in_tmp, "good.yaml", "loss:\n  name: cross_entropy\n")
    result = run(cli, "dry-run", "--format", "json", ".")
    runs = {Path(r["path"]).name: r for r in json.loads(result.stdout)["runs"]}
    assert result.exit_code == 1
    assert runs["good.yaml"]["status"] == "passed"
    assert runs["big.yaml"]["status"] == "not run"
    [refusal] = runs["big.yaml"]["diagnostics"]
    assert refusal["code"] == "LC501" and "over the dry-run's limit" in refusal["message"]


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("loss:\n  ignore_index: 100000000000000000000000\n", "outside torch's int64 range"),
        ("model:\n  num_classes: 100000000000000000000000\n", "outside torch's int64 range"),
        ("loss:\n  weight: [1.0e+39]\n", "becomes inf in the float32 tensor"),
        ("loss:\n  weight: [1.0e-50]\n", "becomes 0 in the float32 tensor"),
    ],
)
def test_numbers_torch_cannot_hold_are_lc104(text: str, words: str) -> None:
    report = check_source(text, "c.yaml", Options())
    assert [d.code for d in report.diagnostics if d.code == "LC104"] == ["LC104"]
    assert any(words in d.message for d in report.diagnostics)


@pytest.mark.parametrize(
    ("settings", "words"),
    [
        ('tool = "x"\n', "tool must be a table"),
        ("a = " + "[" * 5000 + "]" * 5000 + "\n", "nests too deeply"),
        ("[tool.losscfg]\nselect = []\n", "select is empty"),
    ],
)
def test_malformed_settings_are_usage_errors(cli, in_tmp: Path, settings: str, words: str) -> None:  # type: ignore[no-untyped-def]
    write(in_tmp, "s.toml", settings)
    write(in_tmp, "c.yaml", "loss:\n  name: nll\n")
    result = run(cli, "check", "--config", "s.toml", "c.yaml")
    assert result.exit_code == 2 and words in result.stderr
    assert len(result.stderr.splitlines()) == 1


@pytest.mark.parametrize("target", ["fifo", "/dev/zero"])
def test_settings_that_are_not_a_regular_file_are_refused(cli, in_tmp: Path, target: str) -> None:  # type: ignore[no-untyped-def]
    if target == "fifo":
        os.mkfifo(in_tmp / "fifo")
    write(in_tmp, "c.yaml", "loss:\n  name: nll\n")
    result = run(cli, "check", "--config", target, "c.yaml")
    assert result.exit_code == 2 and "not a regular file" in result.stderr


def test_a_selector_given_many_times_is_one(cli, in_tmp: Path) -> None:  # type: ignore[no-untyped-def]
    write(in_tmp, "pyproject.toml", "[tool.losscfg]\nselect = [" + '"LC1", ' * 50_000 + "]\n")
    write(in_tmp, "c.yaml", "loss:\n  name: focal\n")
    result = run(cli, "check", "c.yaml")
    assert result.exit_code == 1 and "LC101" in result.stdout


# --- 12. output far larger than the input, 13. smaller items -----------------------------------


def test_repeated_diagnostics_are_capped_with_a_closing_note() -> None:
    text = "loss:\n  name: nll\n" + "#losscfg:disable-file=a\n" * 500
    report = check_source(text, "c.yaml", Options())
    lc005 = [d for d in report.diagnostics if d.code == "LC005"]
    assert len(lc005) == MOST_PER_CODE + 1
    assert lc005[-1].message == "... and 400 more LC005 in this file, not shown"


def test_a_huge_key_or_value_is_cut_in_messages() -> None:
    key = "k" * 100_000
    report = check_source(f"loss:\n  ? {key}\n  : 1\n", "c.yaml", Options())
    [d] = [d for d in report.diagnostics if d.code == "LC102"]
    assert len(d.message) < 300 and "kkk..." in d.message
    report = check_source("loss:\n  name: !!int " + "9" * 10_000 + "\n", "c.yaml", Options())
    assert all(len(d.message) <= 1_000 for d in report.diagnostics)


def test_a_link_to_a_system_file_is_refused_and_never_echoed(cli, in_tmp: Path) -> None:  # type: ignore[no-untyped-def]
    (in_tmp / "env.yaml").symlink_to("/proc/self/environ")
    result = run(cli, "check", "env.yaml")
    assert (
        result.exit_code == 2
        and "LC000" in result.stdout
        and "a file of the system" in (result.stdout)
    )
    assert "PATH=" not in result.stdout


def test_the_checked_count_has_a_thousands_separator() -> None:
    from losscfg.diagnostics import Summary
    from losscfg.report.text import summary_line

    line = summary_line(Summary(100_000, 1, 0, 0, 1), verbose=False)
    assert line[0][0] == "1 error, 0 warnings in 1 file (100,000 checked)"


@pytest.mark.parametrize(
    ("key", "code"),
    [
        ("weight: [1, {big}]", "LC104"),
        ("label_smoothing: {big}", "LC104"),
        ("beta: {big}", "LC104"),
    ],
)
def test_an_integer_beyond_any_float_is_an_error_not_a_bug(key: str, code: str) -> None:
    """float(10**400) raises OverflowError: the trainer fails, and losscfg says so (LC104),
    never with a bug of its own."""
    from losscfg.lint.check import Options, check_source

    loss = "smooth_l1" if key.startswith("beta") else "cross_entropy"
    text = f"model: {{num_classes: 2}}\nloss:\n  name: {loss}\n"
    text += "  " + key.format(big=10**400) + "\n"
    report = check_source(text, "c.yaml", Options())
    assert report.internal_error is None
    assert code in [d.code for d in report.diagnostics]
