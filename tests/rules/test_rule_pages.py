"""Every rule page's example (`losscfg rule CODE`, "## Example") triggers its rule, as ruff's
fixtures do: a YAML example is checked (with the dry-run for the dry-run's rules), a console
example with no YAML is run as written."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest
from typer.testing import CliRunner

from losscfg.cli import app
from losscfg.lint.check import Options, check_source
from losscfg.lint.registry import Rule
from losscfg.lint.rules import all_rules

_BLOCK = re.compile(r"```(yaml|console)\n(.*?)```", re.DOTALL)


def code(rule: Rule) -> str:
    return rule.code


def example(rule: Rule) -> list[tuple[str, str]]:
    """The (language, text) blocks of the rule page's "## Example" section."""
    section = rule.doc.split("## Example", 1)[1].split("\n## ", 1)[0]
    return _BLOCK.findall(section)


@pytest.mark.parametrize("rule", all_rules(), ids=code)
def test_every_page_has_an_example(rule: Rule) -> None:
    assert example(rule), f"{rule.code}'s page has no yaml or console example"


@pytest.mark.parametrize(
    "rule", [r for r in all_rules() if any(k == "yaml" for k, _ in example(r))], ids=code
)
def test_the_yaml_example_triggers_its_rule(rule: Rule) -> None:
    text = next(block for kind, block in example(rule) if kind == "yaml")
    dry_run = None
    if rule.after_dry_run:
        pytest.importorskip("torch")
        from losscfg.diagnostics import DryRunOptions
        from losscfg.dryrun.stage import stage

        dry_run = stage(DryRunOptions()).run
    report = check_source(text, "example.yaml", Options(), dry_run=dry_run)
    assert rule.code in [d.code for d in report.diagnostics], report.diagnostics


@pytest.mark.parametrize(
    "rule", [r for r in all_rules() if all(k == "console" for k, _ in example(r))], ids=code
)
def test_the_console_example_triggers_its_rule(
    rule: Rule, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    console = next(block for kind, block in example(rule) if kind == "console")
    command = next(line for line in console.splitlines() if line.startswith("$ losscfg "))
    result = CliRunner().invoke(app, shlex.split(command)[2:])
    assert f" {rule.code} " in result.stdout, result.output
