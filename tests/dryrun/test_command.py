"""losscfg dry-run and check --dry-run on the CPU: every loss, AMP, the report, the failures.
LC501 and LC502, the rules of the dry-run, are tested in tests/rules/test_execution.py."""

from __future__ import annotations

import builtins
import json
from pathlib import Path

import pytest

from helpers import dry_run_json, write

pytest.importorskip("torch")

from losscfg.catalogue.schema import catalogue
from losscfg.cli import app

LOSSES = list(catalogue().losses)


@pytest.mark.parametrize("amp", ["off", "on"])
@pytest.mark.parametrize("loss", LOSSES)
def test_every_loss_runs_on_the_cpu(cli, in_tmp: Path, loss: str, amp: str) -> None:  # type: ignore[no-untyped-def]
    config = write(in_tmp, "c.yaml", f"model:\n  num_classes: 4\nloss:\n  name: {loss}\n")
    code, report = dry_run_json(cli, "--amp", amp, "--steps", "2", str(config))
    run = report["runs"][0]
    assert code == 0 and run["status"] == "passed", run
    assert run["loss"] == loss and run["num_classes"] == 4 and run["device"] == "cpu"
    assert run["amp_dtype"] == ("bfloat16" if amp == "on" else None)
    assert run["loss_dtype"] == "float32"
    assert isinstance(run["loss_value"], float) and run["grad_norm"] > 0
    assert run["forward_ms"] > 0 and run["backward_ms"] > 0
    assert run["peak_memory_bytes"] is None  # measured on CUDA only


def test_amp_auto_follows_the_config(cli, in_tmp: Path) -> None:  # type: ignore[no-untyped-def]
    on = write(in_tmp, "on.yaml", "loss:\n  name: cross_entropy\namp:\n  enabled: true\n")
    off = write(in_tmp, "off.yaml", "loss:\n  name: cross_entropy\n")
    _, report = dry_run_json(cli, str(on), str(off))
    assert [r["amp_dtype"] for r in report["runs"]] == ["bfloat16", None]


def test_parameters_reach_the_loss(cli, in_tmp: Path) -> None:  # type: ignore[no-untyped-def]
    text = "model:\n  num_classes: 3\nloss:\n  name: cross_entropy\n  weight: [1.0, 2.0, 0.5]\n"
    config = write(in_tmp, "c.yaml", text + "  ignore_index: 255\n  label_smoothing: 0.1\n")
    code, report = dry_run_json(cli, str(config))
    assert code == 0 and report["runs"][0]["status"] == "passed"


def test_a_config_with_errors_is_not_run(cli, in_tmp: Path) -> None:  # type: ignore[no-untyped-def]
    config = write(in_tmp, "c.yaml", "loss:\n  name: focal\n")
    code, report = dry_run_json(cli, str(config))
    run = report["runs"][0]
    assert code == 1 and run["status"] == "not run" and run["loss_value"] is None
    assert [d["code"] for d in run["diagnostics"]] == ["LC101"]
    text = cli.invoke(app, ["dry-run", str(config)]).stdout
    assert "not run: 1 error in the static check" in text


def test_torch_warnings_are_reported(cli, in_tmp: Path) -> None:  # type: ignore[no-untyped-def]
    config = write(in_tmp, "c.yaml", "loss:\n  name: kl_div\n  reduction: mean\n")
    _, report = dry_run_json(cli, str(config))
    assert any("batchmean" in w for w in report["runs"][0]["torch_warnings"])


def test_text_report_is_a_table(cli, in_tmp: Path) -> None:  # type: ignore[no-untyped-def]
    write(in_tmp, "configs/a.yaml", "loss:\n  name: sqr_hinge\n")
    write(in_tmp, "configs/b.yaml", "loss:\n  name: focal\n")
    result = cli.invoke(app, ["dry-run", "configs"], env={"COLUMNS": "120"})  # nothing wraps
    lines = result.stdout.splitlines()
    assert lines[0].startswith("losscfg dry-run on cpu (torch ")
    assert lines[1] == "configs in configs/"
    header = lines[3].split()
    assert header[:5] == ["config", "loss", "classes", "targets", "amp"]
    assert header[-1] == "status"
    assert "peak mem" not in lines[3]  # measured on CUDA only
    assert lines[4].split()[:2] == ["a.yaml", "sqr_hinge"] and lines[4].endswith("passed")
    assert lines[5].endswith("not run")
    assert lines[-1] == "1 passed, 0 failed, 1 not run (2 configs)"
    assert result.exit_code == 1


@pytest.mark.parametrize(
    ("device", "words"),
    [
        ("cuda", "CUDA is not available"),
        ("cuda:1", "CUDA is not available"),
        ("mps", "not available"),
        ("gpu", "unknown device 'gpu'"),
        ("cuda:x", "unknown device"),
    ],
)
def test_unavailable_devices_exit_2_in_one_line(cli, in_tmp: Path, device: str, words: str) -> None:  # type: ignore[no-untyped-def]
    import torch

    if torch.cuda.is_available() or (
        getattr(torch.backends, "mps", None) and torch.backends.mps.is_available()
    ):
        pytest.skip("this machine has an accelerator")
    config = write(in_tmp, "c.yaml", "loss:\n  name: nll\n")
    for command in (["dry-run", "--device", device], ["check", "--dry-run", "--device", device]):
        result = cli.invoke(app, [*command, str(config)])
        assert result.exit_code == 2 and words in result.stderr
        assert len(result.stderr.strip().splitlines()) == 1 and "Traceback" not in result.output


def test_missing_torch_says_how_to_install_it(cli, in_tmp: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    real_import = builtins.__import__

    def no_torch(name, *args, **kwargs):  # type: ignore[no-untyped-def]
        if name == "torch" or name.startswith("torch."):
            raise ImportError("No module named 'torch'")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_torch)
    config = write(in_tmp, "c.yaml", "loss:\n  name: nll\n")
    result = cli.invoke(app, ["dry-run", str(config)])
    assert result.exit_code == 2
    assert "pip install 'losscfg[torch]'" in result.stderr


def test_check_dry_run_runs_files_without_errors(cli, in_tmp: Path) -> None:  # type: ignore[no-untyped-def]
    good = write(in_tmp, "good.yaml", "loss:\n  name: cross_entropy\n")
    bad = write(in_tmp, "bad.yaml", "loss:\n  name: focal\n")
    result = cli.invoke(app, ["check", "--dry-run", "--device", "cpu", str(good), str(bad)])
    assert result.exit_code == 1
    assert "error LC101" in result.stdout
    assert "good.yaml" in result.stdout and "passed" in result.stdout
    assert "1 passed, 0 failed, 0 not run (1 config)" in result.stdout


def test_check_dry_run_failure_fails_the_run(cli, in_tmp: Path) -> None:  # type: ignore[no-untyped-def]
    text = "model:\n  num_classes: 2\nloss:\n  name: cross_entropy\n  weight: [0.0, 0.0]\n"
    config = write(in_tmp, "c.yaml", text)
    result = cli.invoke(app, ["check", "--dry-run", "--ignore", "LC206", str(config)])
    assert result.exit_code == 1 and "LC502" in result.stdout


def test_the_shared_corpus_runs_on_the_cpu(cli, corpus: Path) -> None:  # type: ignore[no-untyped-def]
    code, report = dry_run_json(cli, "--steps", "1", str(corpus))
    assert code == 0
    assert (
        report["summary"]["passed"]
        == report["summary"]["configs"]
        == len(list(corpus.glob("*.yaml")))
    )


def test_check_dry_run_joins_the_json_report(cli, in_tmp: Path) -> None:  # type: ignore[no-untyped-def]
    text = "model:\n  num_classes: 2\nloss:\n  name: cross_entropy\n  weight: [0.0, 0.0]\n"
    write(in_tmp, "zero.yaml", text)
    write(in_tmp, "good.yaml", "loss:\n  name: nll\n")
    args = ["check", "--dry-run", "--format", "json", "--ignore", "LC206", "zero.yaml", "good.yaml"]
    result = cli.invoke(app, args)
    report = json.loads(result.stdout)  # one JSON document: no table after it
    codes = {f["path"]: [d["code"] for d in f["diagnostics"]] for f in report["files"]}
    assert codes == {"zero.yaml": ["LC502"], "good.yaml": ["LC211"]}
    assert report["summary"]["errors"] == 1 and result.exit_code == 1
    assert cli.invoke(app, [*args, "--exit-zero"]).exit_code == 0


def test_batch_size_and_seed(cli, in_tmp: Path) -> None:  # type: ignore[no-untyped-def]
    config = write(in_tmp, "c.yaml", "loss:\n  name: cross_entropy\n")
    _, first = dry_run_json(cli, "--seed", "3", "--batch-size", "4", str(config))
    _, again = dry_run_json(cli, "--seed", "3", "--batch-size", "4", str(config))
    _, other = dry_run_json(cli, "--seed", "4", "--batch-size", "4", str(config))
    _, bigger = dry_run_json(cli, "--seed", "3", "--batch-size", "64", str(config))
    assert (first["seed"], first["batch_size"]) == (3, 4)
    value = first["runs"][0]["loss_value"]
    assert again["runs"][0]["loss_value"] == value
    assert other["runs"][0]["loss_value"] != value
    assert bigger["runs"][0]["loss_value"] != value and bigger["batch_size"] == 64


def test_peak_memory_is_a_column_when_it_was_measured() -> None:
    from losscfg.diagnostics import (
        DryRunOptions,
        DryRunResult,
        DryRunStatus,
        FileReport,
        Outcome,
    )
    from losscfg.report.runs import render_table

    result = DryRunResult("cross_entropy", "cuda:0", 10, loss_value=2.3, peak_memory_bytes=3 << 20)
    report = FileReport(
        "a.yaml", loss="cross_entropy", dry_run=result, dry_run_status=DryRunStatus.PASSED
    )
    outcome = Outcome([report], DryRunOptions("cuda"), "2.13.0")
    lines = ["".join(text for text, _ in line) for line in render_table(outcome)]
    header = next(line for line in lines if line.startswith("config"))
    assert "peak mem" in header
    assert "3.0 MiB" in next(line for line in lines if line.startswith("a.yaml"))


def test_an_ignored_failure_is_shown_but_does_not_fail(cli, in_tmp: Path) -> None:  # type: ignore[no-untyped-def]
    text = "model:\n  num_classes: 2\nloss:\n  name: cross_entropy\n  weight: [0.0, 0.0]\n"
    config = write(in_tmp, "c.yaml", text)
    code, report = dry_run_json(cli, "--ignore", "LC206,LC502", str(config))
    run = report["runs"][0]
    assert code == 0 and run["status"] == "failed (ignored)" and run["diagnostics"] == []
    assert report["summary"] == {"configs": 1, "passed": 0, "failed": 1, "not_run": 0}


def test_an_unreadable_path_exits_2_and_the_others_run(cli, in_tmp: Path) -> None:  # type: ignore[no-untyped-def]
    good = write(in_tmp, "good.yaml", "loss:\n  name: cross_entropy\n")
    result = cli.invoke(app, ["dry-run", str(in_tmp / "missing.yaml"), str(good)])
    assert result.exit_code == 2
    assert "missing.yaml" in result.stdout and "LC000" in result.stdout
    assert "1 passed, 0 failed, 1 not run (2 configs)" in result.stdout


def test_a_bug_exits_3_and_the_others_run(cli, in_tmp: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from losscfg.workspace import runner

    original = runner.check_path

    def buggy(path, options, **kwargs):  # type: ignore[no-untyped-def]
        if path.endswith("boom.yaml"):
            raise ZeroDivisionError("division by zero")
        return original(path, options, **kwargs)

    monkeypatch.setattr(runner, "check_path", buggy)
    write(in_tmp, "boom.yaml", "loss:\n  name: cross_entropy\n")
    write(in_tmp, "good.yaml", "loss:\n  name: cross_entropy\n")
    result = cli.invoke(app, ["dry-run", "."])
    assert result.exit_code == 3
    assert "boom.yaml: internal error: ZeroDivisionError: division by zero" in result.stdout
    assert "1 passed, 0 failed, 1 not run (2 configs)" in result.stdout
    assert "internal error while checking" in result.stderr and "please report it" in result.stderr


def test_the_dry_run_imports_no_torch_machinery_the_loss_step_does_not_need(tmp_path: Path) -> None:
    # An optimizer's creation imports torch._dynamo (over a second): SPEC §8's overhead budget.
    import subprocess
    import sys

    config = write(tmp_path, "c.yaml", "dataset:\n  name: cifar10\nloss:\n  name: cross_entropy\n")
    probe = (
        "import sys\nfrom losscfg.cli import main\n"
        f"sys.argv = ['losscfg', 'dry-run', {str(config)!r}]\n"
        "try:\n    main()\nexcept SystemExit as done:\n    assert done.code == 0, done.code\n"
        "print(sorted(m for m in sys.modules if m.startswith('torch._dynamo')), file=sys.stderr)"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert done.stderr.strip().splitlines()[-1] == "[]"


def test_the_not_run_pointer_repeats_the_options_given(cli, in_tmp: Path) -> None:  # type: ignore[no-untyped-def]
    write(in_tmp, "c.yaml", "loss:\n  name: cross_entropy\n  weight: [1.0, 2.0]\n")
    result = cli.invoke(app, ["dry-run", "--num-classes", "3", "--ignore", "LC205", "c.yaml"])
    assert result.exit_code == 1
    assert "(see losscfg check --num-classes 3 --ignore LC205 c.yaml)" in result.stdout


def test_an_unknown_dataset_runs_with_the_class_count_its_weights_imply(cli, in_tmp: Path) -> None:  # type: ignore[no-untyped-def]
    # The trainer takes the count from the dataset class: 3 weights were written for it.
    text = "dataset:\n  name: my_data\nloss:\n  name: cross_entropy\n  weight: [1.0, 2.0, 3.0]\n"
    write(in_tmp, "c.yaml", text)
    code, report = dry_run_json(cli, "c.yaml")
    run = report["runs"][0]
    assert (code, run["status"], run["num_classes"]) == (0, "passed", 3)


def test_a_truthy_log_target_gets_log_probability_targets(cli, in_tmp: Path) -> None:  # type: ignore[no-untyped-def]
    values = []
    for spelling in ("true", "1"):
        text = f"dataset:\n  name: my_data\nloss:\n  name: kl_div\n  log_target: {spelling}\n"
        write(in_tmp, "c.yaml", text)
        code, report = dry_run_json(cli, "c.yaml")
        assert code == 0
        values.append(report["runs"][0]["loss_value"])
    assert values[0] == values[1]


def test_check_dry_run_takes_targets_too(cli, in_tmp: Path) -> None:  # type: ignore[no-untyped-def]
    config = write(in_tmp, "c.yaml", "dataset:\n  name: cifar10\nloss:\n  name: mse\n")
    labels = cli.invoke(app, ["check", "--dry-run", str(config)])
    assert labels.exit_code == 1 and "error LC501" in labels.stdout and "LC210" not in labels.stdout
    natural = cli.invoke(app, ["check", "--dry-run", "--targets", "natural", str(config)])
    assert natural.exit_code == 0 and "natural" in natural.stdout and "passed" in natural.stdout
