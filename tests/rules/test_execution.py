"""LC501, LC502 (losscfg.lint.rules.execution): the dry-run builds the loss with torch and runs it;
torch's error, or a loss or gradient that is NaN or infinite, is the finding."""

from __future__ import annotations

from pathlib import Path

import pytest

from helpers import dry_run_json, position, write, yaml

pytest.importorskip("torch")

from losscfg.diagnostics import DryRunOptions, DryRunStatus, FileReport
from losscfg.dryrun.stage import stage
from losscfg.lint.check import Options, check_source


def dry_run(text: str) -> FileReport:
    """The report of an inline config checked with the dry-run on the CPU."""
    return check_source(yaml(text), "config.yaml", Options(), dry_run=stage(DryRunOptions()).run)


def test_torch_error_is_lc501_with_torchs_words(cli, in_tmp: Path) -> None:  # type: ignore[no-untyped-def]
    text = "model:\n  num_classes: 5\nloss:\n  name: cross_entropy\n  weight: [1.0, 2.0]\n"
    config = write(in_tmp, "c.yaml", text)
    code, report = dry_run_json(cli, "--ignore", "LC201", str(config))
    run = report["runs"][0]
    assert code == 1 and run["status"] == "failed"
    [diagnostic] = run["diagnostics"]
    assert diagnostic["code"] == "LC501" and diagnostic["line"] == 4
    assert (
        "forward failed: RuntimeError: weight tensor should be defined either for all 5 classes"
        in diagnostic["message"]
    )


def test_non_scalar_loss_is_lc501(cli, in_tmp: Path) -> None:  # type: ignore[no-untyped-def]
    config = write(in_tmp, "c.yaml", "loss:\n  name: kl_div\n  reduction: none\n")
    code, report = dry_run_json(cli, "--ignore", "LC402", str(config))
    assert code == 1
    assert "scalar" in report["runs"][0]["diagnostics"][0]["message"]


def test_nan_loss_is_lc502(cli, in_tmp: Path) -> None:  # type: ignore[no-untyped-def]
    text = "model:\n  num_classes: 2\nloss:\n  name: cross_entropy\n  weight: [0.0, 0.0]\n"
    config = write(in_tmp, "c.yaml", text)
    code, report = dry_run_json(cli, "--ignore", "LC206", str(config))
    [diagnostic] = report["runs"][0]["diagnostics"]
    assert code == 1 and diagnostic["code"] == "LC502"
    assert diagnostic["message"] == "the loss at step 1 is NaN"


# (config, code, (line, column, end_line, end_column), start of the message, hint)
TRIGGERS = [
    pytest.param(
        """
        model:
          num_classes: 5
        loss:
          name: cross_entropy
          weight: [1.0, 2.0]  # losscfg: disable=LC201
        """,
        "LC501",
        (4, 9, 4, 22),
        "forward failed: RuntimeError: weight tensor should be defined either for all 5 classes",
        "the static rules say what to change for most of torch's errors",
        id="LC501-at-the-name",
    ),
    pytest.param(
        """
        model:
          num_classes: 5
        loss:
          weight: [1.0, 2.0]  # losscfg: disable=LC201
        """,
        "LC501",
        (4, 3, 5, 1),
        "forward failed: RuntimeError: weight tensor should be defined",
        "the static rules say what to change for most of torch's errors",
        id="LC501-at-the-section-with-no-name",
    ),
    pytest.param(
        """
        loss:
          name: kl_div
          reduction: none  # losscfg: disable=LC402
        """,
        "LC501",
        (2, 9, 2, 15),
        "forward failed: RuntimeError: the loss has shape (8, 10), not a scalar",
        "the static rules say what to change for most of torch's errors",
        id="LC501-not-a-scalar",
    ),
    pytest.param(
        """
        model:
          num_classes: 2
        loss:
          name: cross_entropy
          weight: [0.0, 0.0]  # losscfg: disable=LC206
        """,
        "LC502",
        (4, 9, 4, 22),
        "the loss at step 1 is NaN",
        "find the parameter that is zero, NaN or infinite (LC104, LC206)",
        id="LC502-nan",
    ),
]


@pytest.mark.parametrize(("config", "code", "where", "message", "hint"), TRIGGERS)
def test_rule_triggers(
    config: str, code: str, where: tuple[int, int, int, int], message: str, hint: str
) -> None:
    report = dry_run(config)
    assert report.dry_run_status is DryRunStatus.FAILED
    [d] = [d for d in report.diagnostics if d.code in ("LC501", "LC502")]
    assert (d.code, d.severity, position(d)) == (code, "error", where)
    assert d.message.startswith(message) and d.hint == hint
    assert d.pointer in ("/loss", "/loss/name")


@pytest.mark.parametrize(
    "config",
    [
        pytest.param("model:\n  num_classes: 3\n", id="default-loss"),
        pytest.param("loss:\n  name: kl_div\n  reduction: mean\n", id="a-warning-runs"),
        pytest.param(
            "model:\n  num_classes: 3\nloss:\n  name: cross_entropy\n  weight: [0.0, 1.0, 1.0]\n",
            id="some-zero-weights",
        ),
        pytest.param("loss:\n  name: sqr_hinge\namp:\n  enabled: true\n", id="amp"),
    ],
)
def test_a_run_that_passes_is_silent(config: str) -> None:
    report = dry_run(config)
    assert report.dry_run_status is DryRunStatus.PASSED and report.loss is not None
    assert not {"LC001", "LC003", "LC501", "LC502"} & {d.code for d in report.diagnostics}


def test_a_config_with_an_error_is_not_run() -> None:
    report = dry_run(
        "model:\n  num_classes: 2\nloss:\n  name: cross_entropy\n  weight: [0.0, 0.0]\n"
    )
    assert report.dry_run_status is DryRunStatus.NOT_RUN and report.dry_run is None
    assert [d.code for d in report.diagnostics] == ["LC206"]
