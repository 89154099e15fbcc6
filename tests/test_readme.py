"""The README stays in step with the program."""

from __future__ import annotations

import re

from helpers import ROOT
from losscfg.rules import all_rules

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
