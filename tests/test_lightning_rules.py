"""LightningCLI files (SPEC §15, issue 24): sites, the values jsonargparse parses, messages and
positions of the rules in the parser's words, the tensor-from-list setting, the class count,
and the dry-run through jsonargparse."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from helpers import check, only, position, write, yaml
from losscfg.catalogue.schema import default_schema
from losscfg.cli import app
from losscfg.diagnostics import Severity
from losscfg.dialects.choice import dialect_of, sites_of
from losscfg.load.document import load
from losscfg.workspace.settings import SettingsError, from_file

SITE = """
model:
  class_path: my.Module
  init_args:
    criterion:
      class_path: torch.nn.CrossEntropyLoss
      init_args:
        {argument}
"""


def _site(argument: str) -> str:
    return SITE.format(argument=argument)


def _codes(text: str, **options: Any) -> list[tuple[str, str]]:
    return [(d.code, d.severity.value) for d in check(text, **options)]


def test_sites_at_any_depth_the_short_name_and_bare_strings() -> None:
    text = yaml(
        """
        model:
          class_path: my.Module
          init_args:
            criterion: torch.nn.L1Loss
            heads:
              - class_path: my.Head
                init_args:
                  loss:
                    class_path: CrossEntropyLoss
                    init_args: {label_smoothing: 0.1}
                    dict_kwargs: {ignore_index: 3}
              - loss:
                  class_path: torch.nn.modules.loss.MSELoss
            other:
              class_path: my.FocalLoss
        """
    )
    document = load(text)
    assert dialect_of(document.data) == "lightning"
    sites = sites_of(document, default_schema(), "lightning")
    assert [(s.pointer, s.torch_class, sorted(s.arguments)) for s in sites] == [
        ("/model/init_args/criterion", "torch.nn.L1Loss", []),
        (
            "/model/init_args/heads/0/init_args/loss",
            "torch.nn.CrossEntropyLoss",
            ["ignore_index", "label_smoothing"],
        ),
        ("/model/init_args/heads/1/loss", "torch.nn.MSELoss", []),
    ]
    assert sites[1].at("ignore_index") == (
        "model",
        "init_args",
        "heads",
        0,
        "init_args",
        "loss",
        "dict_kwargs",
        "ignore_index",
    )


def test_a_file_with_only_a_bare_loss_string_is_a_lightning_file() -> None:
    assert dialect_of(load("model:\n  criterion: torch.nn.MSELoss\n").data) == "lightning"
    assert dialect_of(load("model:\n  activation: torch.nn.ReLU\n").data) == "fat"


def test_an_unknown_argument_in_init_args_is_refused_by_the_parser() -> None:
    d = only(_site("weigth: null"), "LC102")
    assert position(d) == (7, 9, 7, 15)
    assert d.message == (
        "unknown argument 'weigth' for torch.nn.CrossEntropyLoss: the parser refuses it "
        "(\"Option 'weigth' is not accepted\")"
    )
    assert d.hint == "did you mean 'weight'?"


def test_an_unknown_argument_in_dict_kwargs_fails_the_build() -> None:
    text = "m:\n  class_path: torch.nn.L1Loss\n  dict_kwargs:\n    gamma: 2\n"
    d = only(text, "LC102")
    assert 'the build fails with "TypeError: L1Loss.__init__() got an unexpected keyword' in (
        d.message
    )


def test_an_argument_beside_class_path_belongs_under_init_args() -> None:
    d = only("m:\n  class_path: torch.nn.L1Loss\n  reduction: sum\n", "LC102")
    assert (d.line, d.column) == (3, 3)
    assert d.message.startswith("'reduction' is beside class_path, not under init_args")
    assert d.hint == "move reduction under init_args"


def test_a_string_the_parser_converts_is_a_warning_with_a_safe_fix() -> None:
    d = only(_site("label_smoothing: '0.1'"), "LC108")
    assert d.severity is Severity.WARNING
    assert d.message.startswith(
        "label_smoothing is the string '0.1': jsonargparse converts it to 0.1"
    )
    assert d.fix is not None and d.fix.applicability.value == "safe"
    assert _codes(_site("label_smoothing: 1e-1")) == []


@pytest.mark.parametrize(
    ("argument", "message"),
    [
        ("label_smoothing: true", "Expected a <class 'float'>. Got value: True"),
        ("ignore_index: 2.0", "Expected a <class 'int'>. Got value: 2.0"),
        ("ignore_index: '1e2'", "Expected a <class 'int'>. Got value: 1e2"),
        ("label_smoothing: abc", "Expected a <class 'float'>. Got value: abc"),
    ],
)
def test_a_value_the_parser_refuses_is_an_error_in_its_words(argument: str, message: str) -> None:
    d = only(_site(argument), "LC103")
    assert message in d.message and d.severity is Severity.ERROR


def test_a_null_the_parser_accepts_fails_on_the_first_batch() -> None:
    d = only(_site("ignore_index: null"), "LC106")
    assert "must be int, not NoneType" in d.message


def test_class_typos_in_the_parser_s_words() -> None:
    d = only("m:\n  class_path: torch.nn.CrossEntropyloss\n", "LC110")
    assert (d.line, d.column) == (2, 15)
    assert d.message.endswith(
        "(\"Problem with given class_path 'torch.nn.CrossEntropyloss': module 'torch.nn' has "
        "no attribute 'CrossEntropyloss'\")"
    )
    assert d.hint == "did you mean 'torch.nn.CrossEntropyLoss'?"
    bare = only("model:\n  criterion: torch.nn.MSEloss\n", "LC110")
    assert (bare.line, bare.column) == (2, 14)
    assert "LC110" not in [d.code for d in check("notes:\n  x: torch.nn.MSEloss\n")]
    nn = only("m:\n  class_path: nn.CrossEntropyLoss\n", "LC110")
    assert "No module named 'nn'" in nn.message


def test_a_weight_list_is_refused_unless_the_project_registers_a_tensor_type() -> None:
    text = _site("weight: [1.0, 2.0, 0.5]")
    d = only(text, "LC111")
    assert "the parser refuses it" in d.message and "tensor-from-list = true" in (d.hint or "")
    assert _codes(text, tensor_from_list=True) == [("LC203", "info")]
    assert _codes(text, tensor_from_list=True, num_classes=3) == []
    assert _codes(text, tensor_from_list=True, num_classes=4) == [("LC201", "error")]
    ints = only(_site("weight: [1, 2, 1]"), "LC207", tensor_from_list=True, num_classes=3)
    assert ints.fix is not None


def test_the_class_count_follows_anchors_and_merge_keys() -> None:
    text = yaml(
        """
        data:
          init_args:
            num_classes: &n 4
        model:
          init_args:
            num_classes: *n
            criterion:
              class_path: torch.nn.CrossEntropyLoss
              init_args:
                weight: [1.0, 2.0, 0.5]
        """
    )
    d = only(text, "LC201", tensor_from_list=True)
    assert d.severity is Severity.WARNING and "data.init_args.num_classes: 4 (line 3)" in d.message


def test_bce_under_mixed_precision() -> None:
    text = "trainer:\n  precision: 16\nmodel:\n  criterion: torch.nn.BCELoss\n"
    d = only(text, "LC301")
    assert (d.line, d.column) == (4, 14)


def test_the_tensor_from_list_setting(tmp_path: Path) -> None:
    path = write(tmp_path, "pyproject.toml", "[tool.losscfg]\ntensor-from-list = true\n")
    assert from_file(path).tensor_from_list is True
    write(tmp_path, "pyproject.toml", "[tool.losscfg]\ntensor-from-list = 'yes'\n")
    with pytest.raises(SettingsError, match="tensor-from-list must be true or false, not 'yes'"):
        from_file(path)


def test_a_lightning_file_is_dry_run_with_jsonargparse(cli: CliRunner, in_tmp: Path) -> None:
    write(in_tmp, "ok.yaml", yaml(SITE.format(argument="label_smoothing: 0.1")))
    write(in_tmp, "bad.yaml", "m:\n  class_path: torch.nn.L1Loss\n  dict_kwargs:\n    x: 1\n")
    write(in_tmp, "pyproject.toml", "[tool.losscfg]\nselect = ['LC0', 'LC5']\n")
    result = cli.invoke(app, ["dry-run", "ok.yaml", "bad.yaml"])
    assert (
        "bad.yaml:2:15: error LC501 building torch.nn.L1Loss at /m failed: TypeError: "
        "_Loss.__init__() got an unexpected keyword argument 'x'" in result.stdout
    )
    assert "1 passed, 1 failed" in result.stdout


def test_a_dry_run_without_jsonargparse_names_the_extra(
    cli: CliRunner, in_tmp: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from losscfg.dryrun import builders

    monkeypatch.setattr(builders.importlib.util, "find_spec", lambda name: None)
    write(in_tmp, "l1.yaml", "model:\n  criterion: torch.nn.L1Loss\n")
    result = cli.invoke(app, ["dry-run", "l1.yaml"])
    assert result.exit_code == 2
    assert "pip install 'losscfg[lightning]'" in result.stderr


@pytest.mark.parametrize(
    ("text", "fixed"),
    [
        (
            "model:\n  criterion:\n    class_path: torch.nn.L1Loss\n    reduction: sum  # mine\n"
            "  other: 1\n",
            "model:\n  criterion:\n    class_path: torch.nn.L1Loss\n    init_args:\n"
            "      reduction: sum  # mine\n  other: 1\n",
        ),
        (
            "m:\n  class_path: torch.nn.L1Loss\n  reduction: sum\n  init_args:\n"
            "    size_average: null\n",
            "m:\n  class_path: torch.nn.L1Loss\n  init_args:\n    size_average: null\n"
            "    reduction: sum\n",
        ),
        (
            "m:\n  class_path: torch.nn.L1Loss\n  reduction: sum\n"
            "  init_args: {size_average: null}\n",
            "m:\n  class_path: torch.nn.L1Loss\n"
            "  init_args: {size_average: null, reduction: sum}\n",
        ),
    ],
)
def test_an_argument_beside_class_path_moves_under_init_args_as_an_unsafe_fix(
    text: str, fixed: str
) -> None:
    from losscfg.diagnostics import FixMode
    from losscfg.lint.check import Options
    from losscfg.workspace.fixing import fix_text

    d = only(text, "LC102")
    assert d.fix is not None and d.fix.applicability.value == "unsafe"
    got, outcome = fix_text(text, "c.yaml", Options(), FixMode(unsafe=True, write=False))
    assert got == fixed and outcome.fixed
    assert fix_text(text, "c.yaml", Options(), FixMode(write=False))[0] == text  # safe only


def test_the_json_report_lists_lightning_sites_and_a_comment_silences_a_line(
    cli: CliRunner, in_tmp: Path
) -> None:
    import json

    write(
        in_tmp,
        "m.yaml",
        yaml(
            """
            model:
              init_args:
                criterion:
                  class_path: torch.nn.CrossEntropyLoss
                  init_args:
                    weight: [1.0, 2.0]  # losscfg: disable=LC111
                aux: torch.nn.L1Loss
            """
        ),
    )
    result = cli.invoke(app, ["check", "--format", "json", "m.yaml"])
    assert result.exit_code == 0, result.stdout
    [report] = json.loads(result.stdout)["files"]
    assert report["losses"] == [
        {
            "pointer": "/model/init_args/criterion",
            "dialect": "lightning",
            "class": "torch.nn.CrossEntropyLoss",
        },
        {"pointer": "/model/init_args/aux", "dialect": "lightning", "class": "torch.nn.L1Loss"},
    ]
    assert [d["code"] for d in report["diagnostics"]] == []
