"""--format json: the stable contract of SPEC §6."""

from __future__ import annotations

import json
from pathlib import Path

from losscfg.cli import app


def test_json_contract(cli, in_tmp: Path) -> None:  # type: ignore[no-untyped-def]
    (in_tmp / "a.yaml").write_text(
        "dataset:\n  name: cifar10\nloss:\n  name: cross_entropy\n  weight: [1.0, 2.0]\n",
        encoding="utf-8",
    )
    (in_tmp / "b.yaml").write_text("model:\n  num_classes: 3\n", encoding="utf-8")
    result = cli.invoke(app, ["check", "--format", "json", "a.yaml", "b.yaml", "gone.yaml"])
    report = json.loads(result.stdout)
    assert result.exit_code == 2
    assert report["version"] == 1
    assert report["summary"] == {"files": 3, "errors": 2, "warnings": 0, "infos": 1}
    a, b, gone = report["files"]
    assert a == {
        "path": "a.yaml",
        "loss": "cross_entropy",
        "losses": [{"pointer": "/loss", "dialect": "fat", "class": "torch.nn.CrossEntropyLoss"}],
        "num_classes": 10,
        "num_classes_source": "dataset.name",
        "diagnostics": [
            {
                "code": "LC201",
                "rule": "weight-length",
                "severity": "error",
                "message": "weight has 2 entries but there are 10 classes (dataset.name: cifar10)",
                "hint": "give one weight per class (10 entries), or correct the class count",
                "pointer": "/loss/weight",
                "line": 5,
                "column": 11,
                "end_line": 5,
                "end_column": 21,
                "fix": None,
            }
        ],
    }
    assert (b["loss"], b["num_classes"], b["num_classes_source"]) == (
        "cross_entropy",
        3,
        "model.num_classes",
    )
    assert [d["code"] for d in b["diagnostics"]] == ["LC901"]
    # no loss section: the factory builds its default loss, there
    assert b["losses"] == [
        {"pointer": "/loss", "dialect": "fat", "class": "torch.nn.CrossEntropyLoss"}
    ]
    assert gone["loss"] is None and gone["num_classes_source"] is None
    assert gone["losses"] == []
    [io] = gone["diagnostics"]
    assert (io["code"], io["rule"], io["line"], io["column"]) == ("LC000", "io-error", None, None)


def test_unknown_loss_is_null(cli, in_tmp: Path) -> None:  # type: ignore[no-untyped-def]
    (in_tmp / "a.yaml").write_text("loss:\n  name: focal\n", encoding="utf-8")
    report = json.loads(cli.invoke(app, ["check", "--format", "json", "a.yaml"]).stdout)
    assert report["files"][0]["loss"] is None
    assert report["files"][0]["losses"] == [{"pointer": "/loss", "dialect": "fat", "class": None}]


def test_losses_name_the_class_the_framework_builds(cli, in_tmp: Path) -> None:  # type: ignore[no-untyped-def]
    (in_tmp / "a.yaml").write_text("loss:\n  name: SQR_HINGE\n", encoding="utf-8")
    (in_tmp / "b.yaml").write_text("loss: cross_entropy\n", encoding="utf-8")
    report = json.loads(cli.invoke(app, ["check", "--format", "json", "a.yaml", "b.yaml"]).stdout)
    a, b = report["files"]
    # sqr_hinge is no torch.nn class: the field names losscfg's own
    assert a["losses"] == [
        {"pointer": "/loss", "dialect": "fat", "class": "losscfg.dryrun.sqr_hinge.SqrHingeLoss"}
    ]
    assert b["losses"] == []  # a loss that is no mapping builds nothing


def test_cli_class_count_source(cli, in_tmp: Path) -> None:  # type: ignore[no-untyped-def]
    (in_tmp / "a.yaml").write_text("loss:\n  name: nll\n", encoding="utf-8")
    report = json.loads(
        cli.invoke(app, ["check", "--format", "json", "--num-classes", "4", "a.yaml"]).stdout
    )
    assert (report["files"][0]["num_classes"], report["files"][0]["num_classes_source"]) == (
        4,
        "cli",
    )
