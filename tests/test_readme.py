"""The README stays in step with the program."""

from __future__ import annotations

import re

import pytest

from helpers import ROOT
from losscfg.rules import all_rules
from losscfg.schema import catalogue

README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_rule_table_matches_losscfg_rules() -> None:
    rows = re.findall(r"^\| (LC\d{3}) \| ([a-z0-9-]+) \| (\w+) \| (.+) \|$", README, re.MULTILINE)
    expected = [(r.code, r.name, str(r.severity), r.summary) for r in all_rules()]
    assert rows == expected


def test_readme_test_command_is_the_one_ci_runs() -> None:
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "pip install torch==2.13.0 && pip install -e '.[dev]' && python -m pytest" in README
    assert ci.rstrip().endswith("python -m pytest")
    assert ci.index("torch==2.13.0") < ci.index("-e '.[dev]'")


def test_pre_commit_snippet_and_actions_job() -> None:
    assert "files: ^configs/" in README and "id: losscfg" in README
    assert "upload-sarif" in README and "--format sarif" in README
    assert "yaml-language-server: $schema=" in README


def test_loss_table_matches_the_schema() -> None:
    rows = re.findall(
        r"^\| `([a-z0-9_]+)`(?: \(default\))? \| `([\w.]+)` \| ([a-z-]+) → ([a-z-]+) \| (.+) \|$",
        README,
        re.MULTILINE,
    )
    known = catalogue()
    assert [row[0] for row in rows] == list(known.losses)
    for name, torch_class, given, target, parameters in rows:
        loss = known.losses[name]
        assert loss.torch_class.removeprefix("torch.") == torch_class, name
        assert (loss.input, loss.target) == (given, target), name
        written = set(re.findall(r"`([a-z_]+)`", parameters))
        assert written == set(loss.parameters), name
    default = re.search(r"^\| `([a-z0-9_]+)` \(default\)", README, re.MULTILINE)
    assert default is not None and default.group(1) == known.default_loss


def test_what_it_reports_is_what_losscfg_prints(monkeypatch: pytest.MonkeyPatch) -> None:
    from typer.testing import CliRunner

    from losscfg.cli import app

    block = README.split("## What it reports", 1)[1].split("```console\n", 1)[1].split("```")[0]
    command, *shown = block.splitlines()
    assert command == "$ losscfg check examples/broken/mistakes.yaml"
    monkeypatch.chdir(ROOT)
    printed = CliRunner().invoke(app, command.split()[2:]).stdout.splitlines()
    remaining = iter(printed)
    for line in shown:
        if line != "...":
            assert any(line == candidate for candidate in remaining), line
