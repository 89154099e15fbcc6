"""The README stays in step with the program."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from helpers import CORPUS, ROOT
from losscfg import __version__
from losscfg.catalogue.schema import catalogue
from losscfg.lint.rules import all_rules

README = (ROOT / "README.md").read_text(encoding="utf-8")
FAT_REPO = CORPUS.parent / "fat-repo"


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
    assert "id: losscfg" in README  # tests/test_precommit.py runs the snippet
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


_OUTPUT = re.compile(
    r"<!-- output: (.+?) \(tests/test_readme.py runs it\) -->\n```console\n(.*?)```", re.S
)
_PLACES = {
    "in this repository": ROOT,
    "at the root of giovannipollo/fat": FAT_REPO,
    "in a copy of examples/broken/mistakes.yaml": ROOT / "examples" / "broken" / "mistakes.yaml",
}


def test_every_console_block_with_output_is_run() -> None:
    blocks = re.findall(r"```console\n(\$ losscfg[^\n]*\n[^`]+?)```", README)
    assert len(blocks) == len(_OUTPUT.findall(README)) >= 2


@pytest.mark.parametrize(("place", "block"), _OUTPUT.findall(README), ids=lambda v: v[:30])
def test_a_readme_example_prints_what_the_readme_shows(
    place: str, block: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each line shown is printed, in order; `...` stands for lines left out."""
    from typer.testing import CliRunner

    from losscfg.cli import app

    folder = _PLACES[place]
    if folder.is_file():
        shutil.copy(folder, tmp_path)
        folder = tmp_path
    elif not folder.is_dir():
        pytest.skip(f"the shared corpus is absent: no folder {folder}")
    elif folder != ROOT:
        folder = Path(shutil.copytree(folder, tmp_path / "copy"))
        subprocess.run(["git", "init", "-q"], cwd=folder, check=True)
    for variable in ("GITHUB_ACTIONS", "NO_COLOR", "FORCE_COLOR"):
        monkeypatch.delenv(variable, raising=False)
    monkeypatch.chdir(folder)
    command, *shown = block.splitlines()
    assert command.startswith("$ losscfg ")
    printed = CliRunner().invoke(app, command.split()[2:]).stdout.splitlines()
    remaining = iter(printed)
    for line in shown:
        if line != "...":
            assert any(line == candidate for candidate in remaining), line
    assert shown[-1] == printed[-1]


_LOCAL_INSTALL = re.compile(r"pip install (\.|'\.\[[a-z,]+\]')(?=[\s`])")
_PLACEHOLDER = "<this repository's URL>"


def test_no_invented_repository_address() -> None:
    """losscfg's address is not known here (SPEC §11): the README writes a placeholder."""
    assert "github.com/losscfg" not in README
    assert f"git+{_PLACEHOLDER}" in README and f"git clone {_PLACEHOLDER}" in README


def test_the_local_install_commands_are_shown() -> None:
    assert set(_LOCAL_INSTALL.findall(README)) == {
        ".",
        "'.[torch]'",
        "'.[lsp]'",
        "'.[hydra]'",
        "'.[lightning]'",
    }


@pytest.mark.network
@pytest.mark.slow
def test_the_readme_install_from_a_clone_runs(tmp_path: Path) -> None:
    """The "Install" block, run in a shell with this repository as the URL, then every other
    `pip install .`/`'.[extra]'` the README shows, in the clone's venv. The torch pin comes from
    the configured index (PyTorch's CPU index is not reachable from CI machines)."""
    if not (ROOT / ".git").exists():
        pytest.skip("not a git checkout: nothing to clone")
    install = README[README.index("## Install") :]
    block = re.search(r"```console\n(git clone .*?)```", install, re.S)
    assert block is not None
    torch_pin = re.search(r"^pip install torch==[\d.]+", install, re.M)
    assert torch_pin is not None
    others = [f"pip install {target}" for target in _LOCAL_INSTALL.findall(README) if target != "."]
    script = "\n".join(
        [
            "set -eu",
            block.group(1).replace(_PLACEHOLDER, str(ROOT)),
            "! python -c 'import torch' 2>/dev/null",
            torch_pin.group(0),
            *others,
            "python -c 'import torch, pygls' && losscfg --version",
        ]
    )
    done = subprocess.run(
        ["bash", "-c", script], cwd=tmp_path, capture_output=True, text=True, timeout=900
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "No errors or warnings in 1 file." in done.stdout
    assert done.stdout.rstrip().endswith(f"losscfg {__version__}")
