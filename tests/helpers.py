"""Helpers shared by the tests: inline YAML in, diagnostics out."""

from __future__ import annotations

import textwrap
from pathlib import Path
from typing import Any

from losscfg.check import Options, check_source
from losscfg.diagnostics import Diagnostic

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT.parent / "shared" / "corpus" / "fat"
EXAMPLES = ROOT / "examples"


def yaml(text: str) -> str:
    return textwrap.dedent(text).lstrip("\n")


def check(text: str, **options: Any) -> list[Diagnostic]:
    """Diagnostics of an inline (dedented) YAML config."""
    return check_source(yaml(text), "config.yaml", Options(**options)).diagnostics


def codes(text: str, **options: Any) -> list[str]:
    return [d.code for d in check(text, **options)]


def only(text: str, code: str, **options: Any) -> Diagnostic:
    """The one diagnostic of `code` in the config (fails if there are none or several)."""
    found = [d for d in check(text, **options) if d.code == code]
    assert len(found) == 1, f"expected one {code}, got {found}"
    return found[0]


def position(d: Diagnostic) -> tuple[int | None, int | None, int | None, int | None]:
    return (d.line, d.column, d.end_line, d.end_column)


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml(text), encoding="utf-8")
    return path
