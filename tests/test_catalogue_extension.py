"""The schema is the whole loss catalogue: a torch loss that needs no code of its own is added
by its entry in the schema alone. Here `huber` (torch.nn.HuberLoss) is added to a copy of the
schema, and the checker, the task rule (LC210), `losscfg losses` and the dry-run take it."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from helpers import yaml
from losscfg.catalogue.schema import LossSchema, default_schema
from losscfg.diagnostics import DryRunOptions, DryRunStatus, FileReport
from losscfg.lint.check import Options, check_source
from losscfg.report.tables import losses_table

HUBER = {
    "title": "Huber",
    "description": "Quadratic below `delta`, linear above, scaled by `delta`.",
    "x-torch": "torch.nn.HuberLoss",
    "x-input": "logits",
    "x-target": "regression",
    "type": "object",
    "properties": {
        "name": True,
        "delta": {
            "title": "Delta",
            "description": "Where the loss turns from quadratic to linear.",
            "type": "number",
            "exclusiveMinimum": 0,
            "default": 1.0,
        },
    },
    "additionalProperties": False,
}


def with_huber() -> LossSchema:
    """A copy of the shipped schema with one more loss, written as a user would add it."""
    document: dict[str, Any] = copy.deepcopy(default_schema().document)
    definitions = document["$defs"]
    definitions["huber"] = HUBER
    definitions["loss"]["properties"]["name"]["enum"].append("huber")
    definitions["loss"]["allOf"].append(
        {
            "if": {"required": ["name"], "properties": {"name": {"const": "huber"}}},
            "then": {"$ref": "#/$defs/huber"},
        }
    )
    return LossSchema(document)


SCHEMA = with_huber()


def report(text: str, schema: LossSchema | None = SCHEMA, **kwargs: Any) -> FileReport:
    return check_source(yaml(text), "config.yaml", Options(schema=schema), **kwargs)


def codes(found: FileReport) -> list[str]:
    return [d.code for d in found.diagnostics]


def test_the_shipped_schema_does_not_know_huber() -> None:
    assert codes(report("loss:\n  name: huber\n", schema=None)) == ["LC101"]


def test_a_huber_config_checks_clean() -> None:
    found = report("loss:\n  name: huber\n  delta: 0.5\n")
    assert (found.loss, found.diagnostics) == ("huber", [])


@pytest.mark.parametrize(
    ("text", "code", "words"),
    [
        ("loss:\n  name: huber\n  delta: 0\n", "LC104", "loss.delta is 0; expected a number > 0"),
        ("loss:\n  name: huber\n  deltaa: 1.0\n", "LC102", "unknown parameter 'deltaa'"),
        ("loss:\n  name: huber\n  beta: 1.0\n", "LC102", "'beta' is a parameter of 'smooth_l1'"),
        ("loss:\n  name: Huber\n", "LC107", "loss name 'Huber' works only because"),
    ],
)
def test_huber_parameters_are_checked_from_the_schema(text: str, code: str, words: str) -> None:
    [diagnostic] = report(text).diagnostics
    assert diagnostic.code == code and words in diagnostic.message


def test_huber_on_a_single_label_dataset_is_lc210() -> None:
    found = report("dataset:\n  name: cifar10\nloss:\n  name: huber\n")
    [diagnostic] = found.diagnostics
    assert (diagnostic.code, diagnostic.line, diagnostic.column) == ("LC210", 4, 9)
    assert diagnostic.message.startswith("huber needs targets shaped like the logits")


def test_losses_lists_huber_with_its_parameter() -> None:
    catalogue = SCHEMA.catalogue
    lines = [
        "".join(t for t, _ in line) for line in losses_table(list(catalogue.losses.values()), "x")
    ]
    at = lines.index("huber  torch.nn.HuberLoss")
    row = " ".join(lines[at + 2].split())
    assert row == "delta a number > 0 default 1.0 Where the loss turns from quadratic to linear."


def test_the_dry_run_builds_and_runs_huber_with_regression_targets() -> None:
    torch = pytest.importorskip("torch")
    from losscfg.dryrun.build import build_loss
    from losscfg.dryrun.stage import stage

    built = build_loss({"name": "huber", "delta": 0.5}, catalogue=SCHEMA.catalogue)
    assert isinstance(built, torch.nn.HuberLoss) and built.delta == 0.5
    run = stage(DryRunOptions(steps=1)).run
    found = report("loss:\n  name: huber\n  delta: 0.5\n", dry_run=run)
    assert found.dry_run_status is DryRunStatus.PASSED, found.diagnostics
    assert found.dry_run is not None and found.dry_run.loss_name == "huber"
    assert found.dry_run.loss_value is not None and found.dry_run.loss_value > 0
