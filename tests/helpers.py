"""Helpers shared by the tests: inline YAML in, diagnostics out."""

from __future__ import annotations

import textwrap
from pathlib import Path
from typing import Any

from losscfg.diagnostics import Diagnostic
from losscfg.lint.check import Options, check_source

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


#: Rules about the loss's name: a test that one of them stays silent must show that the name
#: was recognised.
LOSS_NAME_RULES = frozenset({"LC101", "LC107", "LC901"})


def silent(text: str, *codes: str, **options: Any) -> list[Diagnostic]:
    """The diagnostics of an inline config in which the rules `codes` stay silent, once it is
    sure the config was checked: it loaded (no LC001) as a mapping (no LC003), unless one of
    those is under test, and the loss the trainer builds was recognised when the config names a
    known loss, no loss, or a rule about the loss name is under test. Without this a test that a
    rule stays silent also passes on a file that never reached the rule."""
    assert codes, "name the code(s) that stay silent"
    report = check_source(yaml(text), "config.yaml", Options(**options))
    found = report.diagnostics
    refused = [d for d in found if d.code in ("LC001", "LC003") and d.code not in codes]
    assert refused == [], f"the config was not checked: {refused}"
    if LOSS_NAME_RULES & set(codes) or _names_a_known_loss(text, options.get("schema")):
        assert report.loss is not None, f"the config's loss was not recognised: {found}"
    spoken = [d for d in found if d.code in codes]
    assert spoken == [], f"expected {', '.join(codes)} to stay silent, got {spoken}"
    return found


def _names_a_known_loss(text: str, schema: Any = None) -> bool:
    """The config, as yaml.safe_load reads it, has no loss section, a loss section with no name
    (the default loss), or a loss section whose name the catalogue knows."""
    import yaml as pyyaml

    from losscfg.catalogue.schema import default_schema

    try:
        data = pyyaml.safe_load(yaml(text))
    except pyyaml.YAMLError:
        return False
    if not isinstance(data, dict) or "loss" not in data:
        return data is None or isinstance(data, dict)
    loss = data["loss"]
    if not isinstance(loss, dict):
        return False
    catalogue = (schema or default_schema()).catalogue
    return "name" not in loss or catalogue.canonical_name(loss["name"]) is not None


def triggers(
    text: str,
    code: str,
    where: tuple[int, int, int, int],
    message: list[str],
    hint: list[str],
    **options: Any,
) -> Diagnostic:
    """The one diagnostic of `code`, at `where` (line, column, end line, end column), with each
    of `message` in its message and each of `hint` in its hint, and a JSON pointer."""
    d = only(text, code, **options)
    assert position(d) == where
    for words in message:
        assert words in d.message
    for words in hint:
        assert d.hint and words in d.hint
    assert d.pointer is not None
    return d


def use_loader(name: str, monkeypatch: Any) -> str:
    """Load YAML with libyaml (`libyaml`) or with PyYAML's pure-Python parser (`pure-python`,
    the fallback when PyYAML has no libyaml) for the test; skips it when libyaml is missing."""
    import pytest
    import yaml as pyyaml

    from losscfg.load import document

    if name == "pure-python":
        monkeypatch.setattr(document, "_Loader", pyyaml.SafeLoader)
    elif not document.LIBYAML:
        pytest.skip("PyYAML has no libyaml here")
    return name


def dry_run_json(cli: Any, *args: str) -> tuple[int, dict[str, Any]]:
    """The exit code and the JSON report of `losscfg dry-run --format json ARGS`, run by the
    CliRunner `cli`."""
    import json

    from losscfg.cli import app

    result = cli.invoke(app, ["dry-run", "--format", "json", *args])
    return result.exit_code, json.loads(result.stdout)
