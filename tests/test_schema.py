"""The JSON Schema: valid, self-describing, usable by other validators, the catalogue's source."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest
import yaml as pyyaml

from helpers import EXAMPLES, ROOT
from losscfg.catalogue.schema import catalogue, inlined, schema, schema_text

SCHEMA_FILE = ROOT / "schemas" / "losscfg.schema.json"


def test_the_package_reads_the_file_in_schemas() -> None:
    assert schema_text() == SCHEMA_FILE.read_text(encoding="utf-8")


def test_schema_is_valid_draft_2020_12() -> None:
    assert schema()["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    jsonschema.Draft202012Validator.check_schema(schema())
    assert schema()["$id"]


def test_every_loss_and_parameter_is_described() -> None:
    for loss in catalogue().losses.values():
        assert loss.title and loss.description and loss.torch_class, loss.name
        for parameter in loss.parameters.values():
            assert parameter.schema.get("title"), (loss.name, parameter.name)
            assert parameter.description, (loss.name, parameter.name)


def test_catalogue_matches_spec() -> None:
    known = catalogue()
    assert list(known.losses) == [
        "cross_entropy",
        "nll",
        "mse",
        "l1",
        "smooth_l1",
        "bce",
        "bce_with_logits",
        "kl_div",
        "sqr_hinge",
    ]
    assert known.default_loss == "cross_entropy"
    taking = {name: sorted(loss.parameters) for name, loss in known.losses.items()}
    assert taking == {
        "cross_entropy": ["ignore_index", "label_smoothing", "weight"],
        "nll": ["ignore_index", "weight"],
        "mse": [],
        "l1": [],
        "bce": [],
        "sqr_hinge": [],
        "smooth_l1": ["beta"],
        "bce_with_logits": ["pos_weight"],
        "kl_div": ["log_target", "reduction"],
    }
    assert known.losses["kl_div"].parameters["reduction"].default == "batchmean"
    assert known.dataset_classes == {
        "cifar10": 10,
        "cifar100": 100,
        "mnist": 10,
        "fashion_mnist": 10,
        "imagenet": 1000,
    }


def test_parameter_sets_are_chosen_with_if_then_not_one_of() -> None:
    text = schema_text()
    assert "oneOf" not in text and "anyOf" not in text
    branches = schema()["$defs"]["loss"]["allOf"]
    assert all(set(branch) == {"if", "then"} for branch in branches)


def test_inlining_keeps_the_meaning() -> None:
    validator = jsonschema.Draft202012Validator(schema())
    fast = jsonschema.Draft202012Validator(inlined(schema()))
    for instance in (
        {"loss": {"name": "nll", "weight": [1.0, -1]}},
        {"loss": {"label_smoothing": 2, "pos_weight": [1]}},
        {"loss": {"name": "kl_div", "reduction": "avg"}},
        {"model": {"num_classes": 0}, "amp": {"enabled": "yes"}},
    ):
        slow_errors = sorted(e.message for e in validator.iter_errors(instance))
        fast_errors = sorted(e.message for e in fast.iter_errors(instance))
        assert slow_errors == fast_errors and slow_errors


@pytest.mark.parametrize("example", sorted(EXAMPLES.glob("*.yaml")), ids=lambda p: p.name)
def test_examples_are_valid_for_a_plain_validator(example: Path) -> None:
    instance = pyyaml.safe_load(example.read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator(schema()).validate(instance)


def test_check_jsonschema_uses_the_schema_as_is(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("loss:\n  name: cross_entropy\n  label_smothing: 0.1\n", encoding="utf-8")
    good = EXAMPLES / "cifar10_resnet20.yaml"
    command = [sys.executable, "-m", "check_jsonschema", "--schemafile", str(SCHEMA_FILE)]
    assert subprocess.run([*command, str(good)], capture_output=True).returncode == 0
    failed = subprocess.run([*command, str(bad)], capture_output=True, text=True)
    assert failed.returncode == 1 and "label_smothing" in failed.stdout


def test_schema_command_prints_the_export_of_the_file(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """The file itself is losscfg's; editors get its export (tests/test_schema_export.py)."""
    from losscfg.catalogue.schema import exported
    from losscfg.cli import app

    result = cli.invoke(app, ["schema"])
    assert result.exit_code == 0 and json.loads(result.stdout) == exported()
    out = tmp_path / "schema.json"
    assert cli.invoke(app, ["schema", "--output", str(out)]).exit_code == 0
    assert json.loads(out.read_text(encoding="utf-8")) == exported()


INSTANCES = [
    {"loss": {"name": "nll", "weight": [1.0, -1]}, "model": {"num_classes": 0}},
    {"loss": {"label_smoothing": 2, "pos_weight": [1]}, "amp": {"enabled": "yes"}},
    {"loss": {"name": "kl_div", "reduction": "avg"}, "dataset": [1, 2]},
    {"loss": "cross_entropy", "other": {"anything": 1}},
    {"loss": {"name": "focal", "gamma": 2}},
]


@pytest.mark.parametrize("instance", INSTANCES)
def test_section_by_section_validation_is_whole_document_validation(instance: dict) -> None:  # type: ignore[type-arg]
    from losscfg.catalogue.schema import default_schema
    from losscfg.lint.validation import validators_of

    validators = validators_of(default_schema())
    assert validators.sections is not None
    whole = sorted(
        (tuple(e.absolute_path), e.message) for e in validators.document.iter_errors(instance)
    )
    by_section = sorted((path, e.message) for path, e in validators.errors(instance))
    assert by_section == whole and whole


def test_a_reused_verdict_is_positioned_in_each_document() -> None:
    from helpers import check

    first = check("loss:\n  name: cross_entropy\n  label_smothing: 0.1\n")
    second = check("# moved down\n\nloss:\n    name: cross_entropy\n    label_smothing: 0.1\n")
    assert [(d.code, d.line, d.column) for d in first] == [("LC102", 3, 3)]
    assert [(d.code, d.line, d.column) for d in second] == [("LC102", 5, 5)]
