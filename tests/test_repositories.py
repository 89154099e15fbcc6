"""`losscfg check` in real repositories (SPEC §5, §10): which files are configs, .gitignore,
exclusions, settings per file, no path, no config, and `--force-exclude` for the hooks."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import warnings
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from helpers import CORPUS
from losscfg.cli import app
from losscfg.dialects.configs import not_a_config
from losscfg.load.document import load

FAT_REPO = CORPUS.parent / "fat-repo"
GOOD = "loss:\n  name: cross_entropy\ndataset:\n  name: cifar10\n"
BROKEN = "loss:\n  name: focal\n"  # LC101

#: Files every repository holds that are no training configs (SPEC §5).
NOT_CONFIGS = {
    "mkdocs.yml": "site_name: x\nmarkdown_extensions:\n  - pymdownx.emoji:\n"
    "      emoji_index: !!python/name:material.extensions.emoji.twemoji\n",
    ".pre-commit-hooks.yaml": "- id: x\n  entry: x\n  language: python\n",
    "deploy/k8s.yaml": "apiVersion: v1\nkind: Service\n---\n"
    "apiVersion: apps/v1\nkind: Deployment\n",
    "chart/templates/job.yaml": "apiVersion: batch/v1\nkind: Job\nmetadata:\n"
    "  name: {{ .Release.Name }}\n{{- if .Values.gpu }}\nspec: {}\n{{- end }}\n",
    ".vscode/settings.json": '{\n  // comments are fine in VS Code\n  "editor.tabSize": 2,\n}\n',
    "configs/evaluation/eval.yaml": "name: eval\nseed: 1\ncheckpoint: best.pt\n",
    "empty.yaml": "",
}


def files(root: Path, contents: dict[str, str]) -> None:
    for name, text in contents.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def git_init(root: Path) -> None:
    subprocess.run(["git", "init", "-q"], cwd=root, check=True)


def check_json(cli: CliRunner, *args: str) -> tuple[int, dict[str, Any]]:
    result = cli.invoke(app, ["check", "--format", "json", *args])
    assert "Traceback" not in result.output
    return result.exit_code, json.loads(result.stdout)


def checked(report: dict[str, Any]) -> list[str]:
    return [f["path"] for f in report["files"]]


def skipped(report: dict[str, Any]) -> dict[str, str]:
    return {s["path"]: s["reason"] for s in report["skipped"]}


# --- which files are configs -------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "loss:\n  name: nll\n",
        "model:\n  name: resnet20\n",
        "dataset: {name: cifar10}\n",
        "amp:\n  enabled: true\n",
        "training:\n  epochs: 3\n",
        "optimizer: {name: sgd}\nname: run-1\n",
        "scheduler: {}\n",
        "quantization: {}\n",
        '{"loss": {"name": "nll"}}',
        "loss:\n  name: nll\nloss:\n  name: mse\n",  # LC002 still a config
        "model: x\n---\nother: y\n",  # LC004 still a config
        # broken, but a line at column 0 names a section: reported
        "loss:\n  name: [nll\n",
        '"model": {\n  "name": [\n',
        "seed: 1\ndataset: !!python/object:x {}\n",
    ],
)
def test_a_config_is_a_config(text: str) -> None:
    assert not_a_config(load(text)) is None


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("", "it is empty"),
        ("# only a comment\n", "it is empty"),
        ("- id: losscfg\n", "its top level is a list, not a mapping of sections"),
        ("just text\n", "its top level is a string, not a mapping of sections"),
        ("name: eval\nseed: 1\ncheckpoint: x.pt\n", "no loss, model, dataset, amp, training,"),
        ("apiVersion: v1\n---\nkind: Job\n", "no loss, model, dataset, amp, training,"),
        ("losses:\n  a: 1\nmodels: []\n", "no loss, model, dataset,"),  # close is not a section
        ("site: x\n  nested: !!python/name:a.b\n", "it does not load as YAML, and no line"),
        ("spec:\n  model: {{ .Values.model }}\n  loss: [\n", "it does not load as YAML"),
    ],
)
def test_what_is_no_config_says_why(text: str, reason: str) -> None:
    found = not_a_config(load(text))
    assert found is not None and found.startswith("not a training config: ")
    assert reason in found


def test_a_search_checks_configs_and_skips_the_rest(cli: CliRunner, in_tmp: Path) -> None:
    files(in_tmp, NOT_CONFIGS)
    files(in_tmp, {"configs/good.yaml": GOOD, "configs/deep/er/broken.yaml": BROKEN})
    code, report = check_json(cli, ".")
    assert code == 1
    assert checked(report) == ["configs/deep/er/broken.yaml", "configs/good.yaml"]
    assert [d["code"] for d in report["files"][0]["diagnostics"]] == ["LC101"]
    assert sorted(skipped(report)) == sorted(NOT_CONFIGS)
    assert skipped(report)["empty.yaml"] == "not a training config: it is empty"


def test_a_file_named_is_checked_whatever_it_holds(cli: CliRunner, in_tmp: Path) -> None:
    files(in_tmp, NOT_CONFIGS)
    code, report = check_json(cli, "empty.yaml", "mkdocs.yml")
    assert code == 1
    assert checked(report) == ["empty.yaml", "mkdocs.yml"]
    assert [f["diagnostics"][0]["code"] for f in report["files"]] == ["LC003", "LC001"]


def test_a_file_both_found_and_named_is_checked(cli: CliRunner, in_tmp: Path) -> None:
    files(in_tmp, {"empty.yaml": ""})
    code, report = check_json(cli, ".", "empty.yaml")
    assert (code, checked(report), report["skipped"]) == (1, ["empty.yaml"], [])


def test_a_data_file_too_large_for_a_config_is_skipped_in_a_search(
    cli: CliRunner, in_tmp: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("losscfg.load.reading.MAX_BYTES", 1000)
    files(in_tmp, {"data/annotations.json": "[" + "1," * 1000 + "1]", "c.yaml": GOOD})
    code, report = check_json(cli, ".")
    assert (code, checked(report)) == (0, ["c.yaml"])
    assert "losscfg does not read files over" in skipped(report)["data/annotations.json"]


def test_an_undecodable_file_is_skipped_unless_it_looks_like_a_config(
    cli: CliRunner, in_tmp: Path
) -> None:
    (in_tmp / "latin1.yaml").write_bytes(b"title: caf\xe9\n")
    (in_tmp / "config.yaml").write_bytes(b"loss:\n  name: caf\xe9\n")
    code, report = check_json(cli, ".")
    assert (code, checked(report)) == (1, ["config.yaml"])
    assert "is not UTF-8" in skipped(report)["latin1.yaml"]


# --- the framework's own repository ------------------------------------------------------


@pytest.fixture
def fat_repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    if not FAT_REPO.is_dir():
        pytest.skip(f"the shared corpus is absent: no folder {FAT_REPO}")
    copy = tmp_path / "fat"
    shutil.copytree(FAT_REPO, copy)
    git_init(copy)
    monkeypatch.chdir(copy)
    return copy


FOUR_DUPLICATES = sorted(
    (
        "configs/fat/cifar100/quant_mobilenet_large/quant_mobilenet_large_inw8_"
        f"{bits}_cifar100_fat_activations_relu_{relu}_random.yaml:49:3: error LC002"
    )
    for bits in ("w4_a4", "w8_a8")
    for relu in (3, 5)
)


def test_check_at_the_framework_s_root_finds_its_four_duplicate_keys(
    cli: CliRunner, fat_repo: Path
) -> None:
    result = cli.invoke(app, ["check", "-v"])  # no path: the working directory
    assert result.exit_code == 1, result.output
    lines = result.stdout.splitlines()
    failing = [line for line in lines if ": error " in line or ": warning " in line]
    assert sorted(line.split(" duplicate key")[0] for line in failing) == FOUR_DUPLICATES
    shown = {line.split(": ")[0] for line in lines if line.startswith("skipped ")}
    assert {"skipped mkdocs.yml", "skipped .vscode/launch.json"} <= shown
    assert lines[-1] == "4 errors, 0 warnings, 41 infos in 41 files (133 checked)"


def test_a_broken_config_deep_in_the_framework_is_still_reported(
    cli: CliRunner, fat_repo: Path
) -> None:
    broken = fat_repo / "configs" / "fat" / "cifar10" / "new" / "broken.yaml"
    broken.parent.mkdir(parents=True)
    broken.write_text("model:\n  name: resnet20\nloss:\n  name: [cross_entropy\n")
    code, report = check_json(cli)
    assert code == 1
    assert "configs/fat/cifar10/new/broken.yaml" in checked(report)
    assert report["summary"]["errors"] == 5


# --- .gitignore and exclusions ------------------------------------------------------------


def test_what_gitignore_ignores_is_skipped(cli: CliRunner, in_tmp: Path) -> None:
    git_init(in_tmp)
    files(
        in_tmp,
        {
            ".gitignore": "outputs/\n*.tmp.yaml\n!keep.tmp.yaml\n",
            "configs/.gitignore": "scratch/\n",
            ".git/info/exclude": "private.yaml\n",
            "outputs/run1/config.yaml": BROKEN,
            "configs/a.tmp.yaml": BROKEN,
            "configs/keep.tmp.yaml": GOOD,
            "configs/scratch/x.yaml": BROKEN,
            "scratch/y.yaml": GOOD,  # the nested .gitignore applies below configs/ only
            "private.yaml": BROKEN,
        },
    )
    code, report = check_json(cli)
    assert (code, checked(report)) == (0, ["configs/keep.tmp.yaml", "scratch/y.yaml"])
    assert skipped(report) == {
        "configs/a.tmp.yaml": "ignored by .gitignore (pattern *.tmp.yaml)",
        "configs/scratch/": "ignored by configs/.gitignore (pattern scratch/)",
        "outputs/": "ignored by .gitignore (pattern outputs/)",
        "private.yaml": "ignored by .git/info/exclude (pattern private.yaml)",
    }


def test_a_search_below_the_root_reads_the_gitignore_files_above_it(
    cli: CliRunner, in_tmp: Path
) -> None:
    git_init(in_tmp)
    files(in_tmp, {".gitignore": "old/\n", "configs/old/a.yaml": BROKEN, "configs/b.yaml": GOOD})
    code, report = check_json(cli, "configs")
    assert (code, checked(report)) == (0, ["configs/b.yaml"])


def test_gitignore_files_above_a_repository_do_not_apply(cli: CliRunner, in_tmp: Path) -> None:
    files(in_tmp, {".gitignore": "*.yaml\n", "repo/c.yaml": BROKEN})
    git_init(in_tmp / "repo")
    code, report = check_json(cli, "repo")
    assert (code, checked(report)) == (1, ["repo/c.yaml"])


def test_respect_gitignore_false_checks_ignored_files(cli: CliRunner, in_tmp: Path) -> None:
    git_init(in_tmp)
    files(in_tmp, {".gitignore": "outputs/\n", "outputs/c.yaml": BROKEN})
    (in_tmp / "pyproject.toml").write_text("[tool.losscfg]\nrespect-gitignore = false\n")
    code, report = check_json(cli)
    assert (code, checked(report)) == (1, ["outputs/c.yaml"])


def test_exclude_settings_and_option(cli: CliRunner, in_tmp: Path) -> None:
    files(
        in_tmp,
        {
            "configs/legacy/a.yaml": BROKEN,
            "configs/b.draft.yaml": BROKEN,
            "configs/c.yaml": BROKEN,
            "configs/d.yaml": GOOD,
            ".venv/lib/e.yaml": BROKEN,
        },
    )
    (in_tmp / "pyproject.toml").write_text(
        '[tool.losscfg]\nextend-exclude = ["configs/legacy/", "*.draft.yaml"]\n'
    )
    code, report = check_json(cli, "--exclude", "configs/c.yaml")
    assert (code, checked(report)) == (0, ["configs/d.yaml"])
    assert skipped(report) == {
        ".venv/": "excluded by default (an environment, dependency or cache folder)",
        "configs/b.draft.yaml": "excluded by extend-exclude in pyproject.toml "
        "(pattern *.draft.yaml)",
        "configs/c.yaml": "excluded by --exclude (pattern configs/c.yaml)",
        "configs/legacy/": "excluded by extend-exclude in pyproject.toml (pattern configs/legacy/)",
    }


def test_exclude_replaces_the_default_exclusions(cli: CliRunner, in_tmp: Path) -> None:
    files(in_tmp, {".venv/c.yaml": BROKEN, "old/d.yaml": BROKEN})
    (in_tmp / "pyproject.toml").write_text('[tool.losscfg]\nexclude = ["old/"]\n')
    code, report = check_json(cli)
    assert (code, checked(report)) == (1, [".venv/c.yaml"])


def test_version_control_folders_are_never_searched_nor_listed(
    cli: CliRunner, in_tmp: Path
) -> None:
    files(in_tmp, {".git/x.yaml": BROKEN, ".hg/y.yaml": BROKEN, "c.yaml": GOOD})
    (in_tmp / "pyproject.toml").write_text("[tool.losscfg]\nexclude = []\n")
    code, report = check_json(cli)
    assert (code, checked(report), report["skipped"]) == (0, ["c.yaml"], [])


@pytest.mark.parametrize(
    "value", ['"configs/"', "[1]", '[""]', "true"], ids=["string", "number", "empty", "bool"]
)
def test_a_bad_exclude_setting_is_a_usage_error(cli: CliRunner, in_tmp: Path, value: str) -> None:
    (in_tmp / "pyproject.toml").write_text(f"[tool.losscfg]\nexclude = {value}\n")
    (in_tmp / "c.yaml").write_text(GOOD)
    result = cli.invoke(app, ["check"])
    assert result.exit_code == 2
    assert "exclude must be a list of gitignore-style patterns" in result.stderr


# --- settings per file -------------------------------------------------------------------


def test_each_file_takes_the_settings_of_the_nearest_pyproject(
    cli: CliRunner, in_tmp: Path
) -> None:
    """The nearest [tool.losscfg] wins whole, as in ruff: b/ does not inherit the root's
    ignore; a pyproject.toml without the table is passed over."""
    files(
        in_tmp,
        {
            "pyproject.toml": '[tool.losscfg]\nignore = ["LC101"]\n',
            "a/c.yaml": BROKEN,
            "b/pyproject.toml": "[tool.losscfg]\nnum-classes = 3\n",
            "b/c.yaml": BROKEN,
            "b/d.yaml": "loss:\n  name: cross_entropy\n  weight: [1.0, 2.0]\n",
            "b/nested/pyproject.toml": "[project]\nname = 'no-losscfg-table'\n",
            "b/nested/c.yaml": "loss:\n  name: nll\n  weight: [1.0]\n",
        },
    )
    code, report = check_json(cli)
    by_path = {f["path"]: sorted(d["code"] for d in f["diagnostics"]) for f in report["files"]}
    assert by_path == {
        "a/c.yaml": [],
        "b/c.yaml": ["LC101"],
        "b/d.yaml": ["LC201"],
        "b/nested/c.yaml": ["LC201", "LC211"],
    }
    messages = [d["message"] for f in report["files"] for d in f["diagnostics"]]
    assert any("(num-classes = 3 in " in m and "b/pyproject.toml)" in m for m in messages)
    assert code == 1


def test_settings_are_found_from_the_file_not_the_working_directory(
    cli: CliRunner, in_tmp: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    files(
        in_tmp,
        {
            "project/pyproject.toml": '[tool.losscfg]\nignore = ["LC101"]\n',
            "project/configs/c.yaml": BROKEN,
            "elsewhere/.keep": "",
        },
    )
    monkeypatch.chdir(in_tmp / "elsewhere")
    result = cli.invoke(app, ["check", "../project/configs/c.yaml"])
    assert result.exit_code == 0, result.output


def test_strict_is_a_setting_of_each_file(cli: CliRunner, in_tmp: Path) -> None:
    warning = "loss:\n  name: Cross_Entropy\n"  # LC107, a warning
    files(
        in_tmp,
        {"strict/pyproject.toml": "[tool.losscfg]\nstrict = true\n", "strict/c.yaml": warning},
    )
    files(in_tmp, {"lenient/c.yaml": warning})
    assert cli.invoke(app, ["check", "lenient"]).exit_code == 0
    assert cli.invoke(app, ["check", "strict"]).exit_code == 1
    assert cli.invoke(app, ["check", "--no-strict", "strict"]).exit_code == 0
    assert cli.invoke(app, ["check", "--strict", "lenient"]).exit_code == 1


def test_config_option_wins_for_every_file(cli: CliRunner, in_tmp: Path) -> None:
    files(
        in_tmp,
        {
            "sub/pyproject.toml": '[tool.losscfg]\nignore = ["LC101"]\n',
            "sub/c.yaml": BROKEN,
            "other.toml": "select = ['LC2']\n",
        },
    )
    assert cli.invoke(app, ["check", "sub"]).exit_code == 0
    result = cli.invoke(app, ["check", "--config", "other.toml", "sub"])
    assert result.exit_code == 0
    result = cli.invoke(app, ["check", "--config", "other.toml", "--select", "LC1", "sub"])
    assert result.exit_code == 1


def test_a_broken_nested_settings_file_is_a_usage_error(cli: CliRunner, in_tmp: Path) -> None:
    files(
        in_tmp,
        {"sub/pyproject.toml": "[tool.losscfg]\nselect = ['LC999']\n", "sub/c.yaml": GOOD},
    )
    result = cli.invoke(app, ["check"])
    assert result.exit_code == 2
    assert "unknown rule 'LC999' (in " in result.stderr and "sub/pyproject.toml" in result.stderr


# --- no path, no config ------------------------------------------------------------------


def test_no_path_checks_the_working_directory(cli: CliRunner, in_tmp: Path) -> None:
    files(in_tmp, {"configs/c.yaml": BROKEN})
    result = cli.invoke(app, ["check"])
    assert result.exit_code == 1
    assert result.stdout.startswith("configs/c.yaml:2:9: error LC101")


def test_no_config_found_is_a_warning_and_exit_0(cli: CliRunner, in_tmp: Path) -> None:
    files(in_tmp, {"mkdocs.yml": NOT_CONFIGS["mkdocs.yml"]})
    result = cli.invoke(app, ["check"])
    assert result.exit_code == 0
    assert result.stdout == ""
    assert result.stderr == (
        "losscfg: warning: no training config found to check "
        "(1 path skipped: not configs, excluded or ignored)\n"
    )
    empty = cli.invoke(app, ["check", "--format", "json"])
    assert (empty.exit_code, json.loads(empty.stdout)["summary"]["files"]) == (0, 0)


# --- --force-exclude: the hooks' filter ----------------------------------------------------


def test_force_exclude_filters_named_files(cli: CliRunner, in_tmp: Path) -> None:
    files(in_tmp, NOT_CONFIGS)
    files(in_tmp, {"configs/c.yaml": BROKEN, "legacy/old.yaml": BROKEN, ".venv/x.yaml": BROKEN})
    (in_tmp / "pyproject.toml").write_text('[tool.losscfg]\nextend-exclude = ["legacy/"]\n')
    named = [*NOT_CONFIGS, "configs/c.yaml", "legacy/old.yaml", ".venv/x.yaml"]
    code, report = check_json(cli, "--force-exclude", *named)
    assert (code, checked(report)) == (1, ["configs/c.yaml"])
    reasons = skipped(report)
    assert reasons["legacy/old.yaml"] == (
        "excluded by extend-exclude in pyproject.toml (pattern legacy/): legacy/"
    )
    assert reasons[".venv/x.yaml"].startswith("excluded by default")
    assert reasons["mkdocs.yml"].startswith("not a training config")


def test_force_exclude_does_not_need_pathspec_for_named_files(in_tmp: Path) -> None:
    """SPEC §12: pathspec is imported when a folder is searched, not for files named by the
    pre-commit hooks, even when exclude settings are there to match (they cannot match)."""
    (in_tmp / "c.yaml").write_text(GOOD)
    (in_tmp / "pyproject.toml").write_text(
        '[tool.losscfg]\nextend-exclude = ["legacy/", "*.draft.yaml", "exp-[0-9]*/"]\n'
    )
    code = (
        "import sys; from losscfg.cli import main; sys.argv = ['losscfg', 'check', "
        "'--force-exclude', 'c.yaml']\ntry:\n    main()\nexcept SystemExit as e:\n"
        "    assert e.code == 0, e.code\nassert 'pathspec' not in sys.modules"
    )
    done = subprocess.run([sys.executable, "-c", code], cwd=in_tmp, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


@settings(max_examples=400, deadline=None)
@given(
    st.text(alphabet="ab *?[]!/.\\#", min_size=1, max_size=8),
    st.lists(st.text(alphabet="ab. #!", min_size=1, max_size=3), min_size=1, max_size=4),
    st.booleans(),
)
def test_the_literal_prefilter_never_hides_a_match(
    pattern: str, parts: list[str], is_folder: bool
) -> None:
    """pathspec is asked only when every literal piece of a pattern is in the path: that
    must never skip a path pathspec would match."""
    import pathspec

    from losscfg.workspace.paths import _pieces

    relative = "/".join(parts)
    try:
        with warnings.catch_warnings():  # re's FutureWarning on odd sets such as "[[]"
            warnings.simplefilter("ignore", FutureWarning)
            spec = pathspec.GitIgnoreSpec.from_lines([pattern])
    except Exception:  # a pattern pathspec refuses is no pattern
        return
    if spec.check_file(relative + ("/" if is_folder else "")).include is not None:
        assert all(piece in relative for piece in _pieces(pattern)), (pattern, relative)


# --- review findings: the search in odd places ---------------------------------------------


def test_a_folder_named_is_searched_even_when_gitignore_excludes_it(
    cli: CliRunner, in_tmp: Path
) -> None:
    """As ruff and ripgrep search a root you name; --force-exclude skips it."""
    git_init(in_tmp)
    files(in_tmp, {".gitignore": "configs/old/\n", "configs/old/b.yaml": BROKEN})
    code, report = check_json(cli, "configs/old")
    assert (code, checked(report)) == (1, ["configs/old/b.yaml"])
    code, report = check_json(cli, "--force-exclude", "configs/old")
    assert (code, checked(report)) == (0, [])
    assert skipped(report) == {"configs/old/": "ignored by .gitignore (pattern configs/old/)"}


def test_a_nested_repository_keeps_its_own_ignore_rules(cli: CliRunner, in_tmp: Path) -> None:
    """git does not apply an outer .gitignore inside a nested repository, and reads the nested
    one's .git/info/exclude: so does the search, wherever it starts."""
    git_init(in_tmp)
    files(in_tmp, {".gitignore": "data/\n", "inner/data/x.yaml": BROKEN, "inner/y.yaml": BROKEN})
    git_init(in_tmp / "inner")
    (in_tmp / "inner" / ".git" / "info").mkdir(parents=True, exist_ok=True)
    (in_tmp / "inner" / ".git" / "info" / "exclude").write_text("y.yaml\n")
    from_outside = checked(check_json(cli)[1])
    from_inside = [p.removeprefix("inner/") for p in checked(check_json(cli, "inner")[1])]
    assert from_outside == ["inner/data/x.yaml"]
    assert from_inside == ["data/x.yaml"]


def test_a_very_deep_tree_is_no_bug(cli: CliRunner, in_tmp: Path) -> None:
    depth = 1100  # deeper than Python's recursion limit: os.walk and os.makedirs recurse
    for _ in range(depth):
        os.mkdir("d")
        os.chdir("d")
    Path("c.yaml").write_text(BROKEN)
    os.chdir(in_tmp)
    try:
        code, report = check_json(cli)
        assert code == 1 and len(report["files"]) == 1
    finally:  # shutil.rmtree (and pytest's cleanup) recurse too: take it down level by level
        os.chdir(in_tmp / ("d/" * depth))
        os.unlink("c.yaml")
        for _ in range(depth):
            os.chdir("..")
            os.rmdir("d")
        os.chdir(in_tmp)


def test_a_symbolic_link_to_a_folder_is_listed_not_followed(cli: CliRunner, in_tmp: Path) -> None:
    files(in_tmp, {"real/c.yaml": GOOD})
    (in_tmp / "alias").symlink_to("real")
    _code, report = check_json(cli)
    assert checked(report) == ["real/c.yaml"]
    assert skipped(report)["alias/"] == "a symbolic link to a folder: not followed"


@pytest.mark.parametrize(
    "pattern", ["configs/keep/", "./configs/keep/", "keep", "{root}/configs/keep/"]
)
def test_exclude_patterns_as_users_write_them(cli: CliRunner, in_tmp: Path, pattern: str) -> None:
    files(in_tmp, {"configs/keep/a.yaml": BROKEN, "configs/other/b.yaml": BROKEN})
    _code, report = check_json(cli, "--exclude", pattern.format(root=in_tmp))
    assert checked(report) == ["configs/other/b.yaml"]


def test_a_name_pattern_excludes_outside_the_working_directory(
    cli: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    files(tmp_path / "repo", {"configs/a.yaml": BROKEN, "configs/a.draft.yaml": BROKEN})
    (tmp_path / "elsewhere").mkdir()
    monkeypatch.chdir(tmp_path / "elsewhere")
    _code, report = check_json(cli, str(tmp_path / "repo"), "--exclude", "*.draft.yaml")
    assert [Path(p).name for p in checked(report)] == ["a.yaml"]


def test_one_file_under_three_spellings_is_checked_once(cli: CliRunner, in_tmp: Path) -> None:
    files(in_tmp, {"a.yaml": BROKEN})
    _code, report = check_json(cli, "a.yaml", "./a.yaml", str(in_tmp / "a.yaml"))
    assert checked(report) == ["a.yaml"]


def test_a_report_written_into_the_searched_tree_is_not_checked_next_time(
    cli: CliRunner, in_tmp: Path
) -> None:
    files(in_tmp, {"c.yaml": GOOD})
    for _ in range(2):
        result = cli.invoke(app, ["check", ".", "--format", "json", "--output", "report.json"])
        assert result.exit_code == 0, result.output
    assert json.loads((in_tmp / "report.json").read_text())["summary"]["files"] == 1
    refused = cli.invoke(app, ["check", ".", "--output", "c.yaml"])  # a config: never
    assert refused.exit_code == 2 and "one of the files to check" in refused.stderr
