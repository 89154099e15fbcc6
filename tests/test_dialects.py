"""Which dialect a file is written in, and the loss sites of Hydra files (SPEC §15, issue 23):
a Hydra or LightningCLI file never gets the framework's section rules."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from helpers import CORPUS, write, yaml
from losscfg.catalogue.schema import default_schema
from losscfg.cli import Dialect, app
from losscfg.diagnostics import DryRunStatus, Severity
from losscfg.dialects.choice import dialect_of, sites_of
from losscfg.dialects.hydra import torch_class
from losscfg.dialects.names import DIALECTS
from losscfg.lint.check import Options, check_path, check_source
from losscfg.load.document import load

DIALECT_FILES = CORPUS.parent / "dialects"


def _sites(text: str) -> list[tuple[str, str | None, list[str]]]:
    document = load(yaml(text))
    sites = sites_of(document, default_schema(), dialect_of(document.data))
    return [(s.pointer, s.torch_class, sorted(s.arguments)) for s in sites]


@pytest.mark.parametrize(
    ("text", "dialect"),
    [
        ("loss:\n  name: nll\n", "fat"),
        ("_target_: torch.nn.CrossEntropyLoss\n", "hydra"),
        ("model:\n  net:\n    _target_: my.Net\n", "hydra"),
        ("model:\n  class_path: my.Module\n", "lightning"),
        ("a:\n  class_path: x\nb:\n  - _target_: y\n", "hydra"),
        ("[1, 2]\n", "fat"),
        ("", "fat"),
    ],
)
def test_the_keys_of_a_file_say_its_dialect(text: str, dialect: str) -> None:
    assert dialect_of(load(text).data) == dialect
    assert dialect_of(load(text).data, text=text) == dialect  # the text's shortcut agrees


def test_a_key_in_a_value_only_is_no_dialect() -> None:
    text = "loss:\n  name: nll\nnote: see _target_ and class_path in the docs\n"
    assert dialect_of(load(text).data, text=text) == "fat"


@pytest.mark.parametrize(
    ("target", "found"),
    [
        ("torch.nn.CrossEntropyLoss", "torch.nn.CrossEntropyLoss"),
        ("torch.nn.modules.loss.L1Loss", "torch.nn.L1Loss"),
        ("nn.CrossEntropyLoss", None),  # Hydra cannot import it (LC110, to come)
        ("CrossEntropyLoss", None),
        ("my_project.losses.CrossEntropyLoss", None),  # the project's own class
        ("torch.nn.functional.cross_entropy", None),
        ("torch.nn.", None),
        (3, None),
    ],
)
def test_a_target_names_a_torch_nn_class_by_its_module_path(target: Any, found: str) -> None:
    assert torch_class(target) == found


def test_hydra_sites_are_found_at_any_depth_in_document_order() -> None:
    text = """
        criterion:
          _target_: torch.nn.CrossEntropyLoss
          ignore_index: 255
          _partial_: false
        model:
          losses:
            - name: distill
              loss_fn:
                _target_: torch.nn.modules.loss.MSELoss
                reduction: none
            - loss_fn:
                _target_: my.FocalLoss
          head:
            _target_: torch.nn.BCEWithLogitsLoss
            pos_weight:
              _target_: torch.tensor
              data: [2.0]
        typo:
          _target_: torch.nn.CrossEntropyloss
    """
    assert _sites(text) == [
        ("/criterion", "torch.nn.CrossEntropyLoss", ["ignore_index"]),  # not _partial_
        ("/model/losses/0/loss_fn", "torch.nn.MSELoss", ["reduction"]),
        ("/model/head", "torch.nn.BCEWithLogitsLoss", ["pos_weight"]),
    ]


def test_a_hydra_config_group_file_gets_no_framework_rule() -> None:
    """Its top-level `reduction` is the loss's argument, not a misplaced one (LC109), and it
    has no `loss.name` (LC901)."""
    text = "_target_: torch.nn.CrossEntropyLoss\nreduction: none\nignore_index: 255\n"
    report = check_source(text, "configs/loss/ce.yaml", Options())
    assert report.diagnostics == []
    assert [site.to_dict() for site in report.losses] == [
        {"pointer": "", "dialect": "hydra", "class": "torch.nn.CrossEntropyLoss"}
    ]
    assert report.loss is None and report.num_classes is None


def test_a_loss_section_with_a_target_is_no_framework_loss() -> None:
    text = "loss:\n  _target_: torch.nn.BCEWithLogitsLoss\n  reduction: none\n"
    report = check_source(text, "params.yaml", Options())
    assert report.diagnostics == []  # not LC102 '_target_' for cross_entropy
    assert [site.pointer for site in report.losses] == ["/loss"]


def test_the_dialect_can_be_chosen(cli: CliRunner, in_tmp: Path) -> None:
    write(in_tmp, "ce.yaml", "_target_: torch.nn.CrossEntropyLoss\nreduction: sum\n")
    assert cli.invoke(app, ["check", "ce.yaml"]).exit_code == 0
    forced = cli.invoke(app, ["check", "--no-color", "--dialect", "fat", "ce.yaml"])
    assert "LC109" in forced.stdout  # the framework's reading of the same file
    (in_tmp / "pyproject.toml").write_text('[tool.losscfg]\ndialect = "fat"\n')
    assert "LC109" in cli.invoke(app, ["check", "--no-color", "ce.yaml"]).stdout
    wins = cli.invoke(app, ["check", "--no-color", "--dialect", "hydra", "ce.yaml"])
    assert wins.exit_code == 0 and "LC109" not in wins.stdout


def test_an_unknown_dialect_is_a_usage_error(cli: CliRunner, in_tmp: Path) -> None:
    write(in_tmp, "c.yaml", "loss:\n  name: nll\n")
    assert cli.invoke(app, ["check", "--dialect", "keras", "c.yaml"]).exit_code == 2
    (in_tmp / "pyproject.toml").write_text('[tool.losscfg]\ndialect = "keras"\n')
    result = cli.invoke(app, ["check", "c.yaml"])
    assert result.exit_code == 2
    assert "dialect must be one of auto, fat, hydra, lightning, not 'keras'" in result.stderr


def test_the_command_line_knows_every_dialect() -> None:
    assert tuple(d.value for d in Dialect) == DIALECTS


def test_a_search_checks_a_file_with_a_torch_nn_target_and_skips_others(
    cli: CliRunner, in_tmp: Path
) -> None:
    write(in_tmp, "configs/loss/ce.yaml", "_target_: torch.nn.CrossEntropyLoss\n")
    write(in_tmp, "configs/model/net.yaml", "_target_: my.Net\ndepth: 18\n")
    write(in_tmp, "configs/trainer/l.yaml", "criterion:\n  class_path: torch.nn.L1Loss\n")
    result = cli.invoke(app, ["check", "--format", "json", "."])
    report = json.loads(result.stdout)
    assert sorted(f["path"] for f in report["files"]) == [
        "configs/loss/ce.yaml",
        "configs/trainer/l.yaml",
    ]
    assert [s["path"] for s in report["skipped"]] == ["configs/model/net.yaml"]


def test_a_dry_run_of_a_file_with_no_torch_nn_loss_says_so(in_tmp: Path) -> None:
    path = write(in_tmp, "m.yaml", "model:\n  class_path: my.Module\n")
    report = check_source(path.read_text(), "m.yaml", Options(), dry_run=_never)
    assert report.dry_run_status is DryRunStatus.NOT_RUN
    assert report.not_run_because == "the file has no torch.nn loss to build"


def _never(context: Any) -> Any:
    raise AssertionError("the dry-run built a loss of a file that has none")


DIALECT_CONFIGS = sorted(DIALECT_FILES.rglob("*.yaml")) if DIALECT_FILES.is_dir() else []


@pytest.mark.skipif(not DIALECT_CONFIGS, reason=f"no corpus at {DIALECT_FILES}")
@pytest.mark.parametrize("config", DIALECT_CONFIGS, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_real_hydra_and_lightning_files_have_no_error_and_no_warning(config: Path) -> None:
    """umami-hep/salt registers a list-to-tensor type: checked as that project would set it."""
    registers = config.parent.name == "umami-hep__salt"
    report = check_path(str(config), Options(tensor_from_list=registers))
    assert [d for d in report.diagnostics if d.severity != Severity.INFO] == []
    text = config.read_text(encoding="utf-8")
    dialect = "lightning" if "class_path:" in text else "hydra"
    if "torch.nn." in text:
        assert report.losses and all(site.dialect == dialect for site in report.losses)


@pytest.mark.skipif(not DIALECT_CONFIGS, reason=f"no corpus at {DIALECT_FILES}")
def test_without_tensor_from_list_salt_s_weight_lists_are_refused() -> None:
    salt = [c for c in DIALECT_CONFIGS if c.parent.name == "umami-hep__salt"]
    found = [
        (config.name, d.line)
        for config in salt
        for d in check_path(str(config), Options()).diagnostics
        if d.severity is not Severity.INFO
    ]
    assert sorted(found) == [
        ("salt__configs__GN3X.yaml", 65),
        ("salt__configs__tutorial.yaml", 50),
        ("salt__configs__tutorial.yaml", 77),
        ("salt__tests__configs__test_config.yaml", 50),
    ]
