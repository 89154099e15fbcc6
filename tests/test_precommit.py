"""The pre-commit hooks (SPEC §11): the manifest, and `pre-commit try-repo` for real."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from pre_commit.clientlib import load_config, load_manifest

from helpers import ROOT


def test_manifest_is_valid_for_pre_commit() -> None:
    hooks = {hook["id"]: hook for hook in load_manifest(str(ROOT / ".pre-commit-hooks.yaml"))}
    assert set(hooks) == {"losscfg", "losscfg-dry-run", "losscfg-fix"}
    assert hooks["losscfg-fix"]["entry"] == "losscfg check --fix --force-exclude"
    check = hooks["losscfg"]
    assert (check["entry"], check["language"]) == ("losscfg check --force-exclude", "python")
    assert check["types_or"] == ["yaml", "json"] and check["require_serial"] is True
    assert check["files"] == ""  # no filter: the hook skips what is no training config
    dry_run = hooks["losscfg-dry-run"]
    assert dry_run["entry"] == "losscfg check --dry-run --device cpu --force-exclude"
    assert dry_run["additional_dependencies"] == ["torch==2.13.0"]  # never an unpinned torch


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


#: What a repository holds besides its configs: none may fail the hooks (SPEC §5, §11).
NOT_CONFIGS = {
    "mkdocs.yml": "site_name: x\nmarkdown_extensions:\n  - pymdownx.emoji:\n"
    "      emoji_index: !!python/name:material.extensions.emoji.twemoji\n",
    ".pre-commit-hooks.yaml": "- id: x\n  name: x\n  entry: x\n  language: python\n",
    "deploy/k8s.yaml": "apiVersion: v1\nkind: Service\n---\n"
    "apiVersion: apps/v1\nkind: Deployment\n",
    ".vscode/settings.json": '{\n  // comments are fine in VS Code\n  "editor.tabSize": 2,\n}\n',
}
FAT_REPO = ROOT.parent / "shared" / "corpus" / "fat-repo"


def _git(folder: Path, *args: str) -> str:
    done = subprocess.run(["git", *args], cwd=folder, check=True, capture_output=True, text=True)
    return done.stdout


def _project(tmp_path: Path) -> Path:
    """A repository with configs (one broken, deep down) and the files that are none."""
    project = tmp_path / "project"
    (project / "configs" / "deep").mkdir(parents=True)
    (project / "configs" / "deep" / "bad.yaml").write_text("loss:\n  name: focal\n")
    (project / "configs" / "good.yaml").write_text("loss:\n  name: nll\n")
    for name, text in NOT_CONFIGS.items():
        (project / name).parent.mkdir(parents=True, exist_ok=True)
        (project / name).write_text(text, encoding="utf-8")
    _git(project, "init", "-q")
    _git(project, "add", ".")
    return project


def _pre_commit(project: Path, tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    environment = {**os.environ, "PRE_COMMIT_HOME": str(tmp_path / "cache")}
    environment.pop("GITHUB_ACTIONS", None)
    return subprocess.run(
        [sys.executable, "-m", "pre_commit", *args],
        cwd=project,
        env=environment,
        capture_output=True,
        text=True,
    )


@pytest.mark.network
@pytest.mark.slow
def test_try_repo_on_a_whole_repository_fails_only_on_the_broken_config(tmp_path: Path) -> None:
    project = _project(tmp_path)
    result = _pre_commit(project, tmp_path, "try-repo", str(ROOT), "losscfg", "--all-files")
    output = result.stdout + result.stderr
    assert result.returncode == 1, output
    assert "configs/deep/bad.yaml:2:9: error LC101 unknown loss 'focal'" in output
    assert "1 error, 0 warnings in 1 file (2 checked)" in output
    for name in NOT_CONFIGS:
        assert name not in output


def _readme_snippet() -> str:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Pre-commit", 1)[1]
    return section.split("```yaml\n", 1)[1].split("```", 1)[0]


def _hook_repository(tmp_path: Path) -> tuple[str, str]:
    """This working tree (committed or not) as a git repository: its path and commit."""
    files = _git(ROOT, "ls-files", "--cached", "--others", "--exclude-standard").splitlines()
    copy = tmp_path / "losscfg-repo"
    for name in files:
        if (ROOT / name).is_file():
            (copy / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, copy / name)
    _git(copy, "init", "-q")
    _git(copy, "add", ".")
    _git(copy, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-q", "-m", "snapshot")
    return str(copy), _git(copy, "rev-parse", "HEAD").strip()


def test_readme_snippet_has_no_filter_and_no_unpinned_torch() -> None:
    snippet = _readme_snippet()
    assert "files:" not in snippet
    dependencies = re.findall(r"additional_dependencies: \[(.*)\]", snippet)
    assert dependencies == ['"torch==2.13.0"']


@pytest.mark.network
@pytest.mark.slow
def test_readme_snippet_on_the_framework_s_repository(tmp_path: Path) -> None:
    """Done when: `pre-commit run --all-files` with the README's snippet, at the root of the
    framework's repository (with the files that are no configs), fails on exactly its four
    duplicate keys."""
    if not FAT_REPO.is_dir():
        pytest.skip(f"the shared corpus is absent: no folder {FAT_REPO}")
    project = tmp_path / "fat"
    shutil.copytree(FAT_REPO, project)
    for name, text in NOT_CONFIGS.items():
        (project / name).parent.mkdir(parents=True, exist_ok=True)
        (project / name).write_text(text, encoding="utf-8")
    repository, commit = _hook_repository(tmp_path)
    snippet = re.sub(r"repo: .*", f"repo: {repository}", _readme_snippet())
    (project / ".pre-commit-config.yaml").write_text(re.sub(r"rev: \S+", f"rev: {commit}", snippet))
    _git(project, "init", "-q")
    _git(project, "add", ".")
    result = _pre_commit(project, tmp_path, "run", "--all-files")
    output = result.stdout + result.stderr
    assert result.returncode == 1, output
    failing = re.findall(r"^(\S+):\d+:\d+: (?:error|warning) (LC\d+)", output, re.MULTILINE)
    assert len(failing) == 4 and {code for _, code in failing} == {"LC002"}, output
    assert "4 errors, 0 warnings in 4 files (133 checked)" in output


@pytest.mark.network
@pytest.mark.slow
def test_fix_hook_fails_the_commit_and_leaves_the_file_fixed(tmp_path: Path) -> None:
    project = _project(tmp_path)
    config = project / "configs" / "fixable.yaml"
    config.write_text("loss:\n  name: Cross_Entropy  # keep me\n  label_smoothing: 1e-1\n")
    _git(project, "add", ".")
    result = _pre_commit(project, tmp_path, "try-repo", str(ROOT), "losscfg-fix", "--all-files")
    output = result.stdout + result.stderr
    assert result.returncode == 1, output
    assert "files were modified by this hook" in output
    assert config.read_text() == "loss:\n  name: cross_entropy  # keep me\n  label_smoothing: 0.1\n"
    for name, text in NOT_CONFIGS.items():  # the files that are no configs are left alone
        assert (project / name).read_text(encoding="utf-8") == text
