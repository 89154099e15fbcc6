"""Fixtures shared by the tests."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from helpers import CORPUS


def pytest_report_header() -> str:
    """Say at the top of every run whether the corpus tests run, and where the corpus is."""
    if CORPUS.is_dir():
        return f"shared corpus: {CORPUS} ({len(list(CORPUS.glob('*.yaml')))} configs)"
    return (
        f"shared corpus: ABSENT (looked for {CORPUS}, beside this repository's folder): "
        "the corpus tests are skipped"
    )


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-golden", action="store_true", help="rewrite tests/golden/ from the current output"
    )


@pytest.fixture
def cli(monkeypatch: pytest.MonkeyPatch) -> Iterator[CliRunner]:
    """A CliRunner with no CI, colour or width settings inherited from the environment."""
    for variable in ("GITHUB_ACTIONS", "NO_COLOR", "FORCE_COLOR", "COLUMNS"):
        monkeypatch.delenv(variable, raising=False)
    yield CliRunner()


@pytest.fixture
def in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Run in an empty folder, where no pyproject.toml with [tool.losscfg] is found."""
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.fixture
def corpus() -> Path:
    if not CORPUS.is_dir():
        pytest.skip(f"the shared corpus is absent: no folder {CORPUS} beside this repository")
    return CORPUS
