"""The pre-commit hooks (SPEC §11): the manifest, and `pre-commit try-repo` for real."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from pre_commit.clientlib import load_config, load_manifest

from helpers import ROOT


def test_manifest_is_valid_for_pre_commit() -> None:
    hooks = {hook["id"]: hook for hook in load_manifest(str(ROOT / ".pre-commit-hooks.yaml"))}
    assert set(hooks) == {"losscfg", "losscfg-dry-run"}
    check = hooks["losscfg"]
    assert (check["entry"], check["language"]) == ("losscfg check", "python")
    assert check["types_or"] == ["yaml", "json"] and check["require_serial"] is True
    dry_run = hooks["losscfg-dry-run"]
    assert dry_run["entry"] == "losscfg check --dry-run --device cpu"
    assert dry_run["additional_dependencies"] == ["torch"]


def test_own_config_is_valid_and_local() -> None:
    config = load_config(str(ROOT / ".pre-commit-config.yaml"))
    assert [repo["repo"] for repo in config["repos"]] == ["local"]  # these machines reach PyPI only
    ids = [hook["id"] for hook in config["repos"][0]["hooks"]]
    assert ids == ["ruff", "ruff-format", "mypy", "losscfg"]


def test_own_hooks_pass_on_this_repository(tmp_path: Path) -> None:
    environment = {**os.environ, "PRE_COMMIT_HOME": str(tmp_path / "cache")}
    environment["PATH"] = str(Path(sys.executable).parent) + os.pathsep + environment["PATH"]
    result = subprocess.run(
        [sys.executable, "-m", "pre_commit", "run", "--all-files", "--show-diff-on-failure"],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.network
@pytest.mark.slow
def test_try_repo_fails_on_a_bad_config_and_passes_a_good_one(tmp_path: Path) -> None:
    project = tmp_path / "project"
    (project / "configs").mkdir(parents=True)
    (project / "configs" / "bad.yaml").write_text("loss:\n  name: focal\n", encoding="utf-8")
    (project / "configs" / "good.yaml").write_text("loss:\n  name: nll\n", encoding="utf-8")
    environment = {**os.environ, "PRE_COMMIT_HOME": str(tmp_path / "cache")}
    environment.pop("GITHUB_ACTIONS", None)

    def git(*args: str) -> None:
        subprocess.run(["git", *args], cwd=project, check=True, capture_output=True)

    git("init", "-q")
    git("add", ".")

    def try_repo(file: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "pre_commit", "try-repo", str(ROOT), "losscfg", "--files", file],
            cwd=project,
            env=environment,
            capture_output=True,
            text=True,
        )

    bad = try_repo("configs/bad.yaml")
    assert bad.returncode == 1, bad.stdout + bad.stderr
    assert "LC101" in bad.stdout and "unknown loss 'focal'" in bad.stdout
    good = try_repo("configs/good.yaml")
    assert good.returncode == 0, good.stdout + good.stderr
    assert "Passed" in good.stdout
