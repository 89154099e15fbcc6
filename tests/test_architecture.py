"""The house's arrows: import-linter's contracts (pyproject.toml) hold, and no import cycle."""

from __future__ import annotations

import grimp
import pytest
from importlinter.cli import lint_imports

from helpers import ROOT


def test_import_linter_contracts_are_kept(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(ROOT)
    code = lint_imports(config_filename=str(ROOT / "pyproject.toml"), no_cache=True, no_logo=True)
    printed = capsys.readouterr().out
    assert code == 0, printed
    assert "6 kept, 0 broken" in printed


def test_the_layers_are_the_packages_of_the_stages() -> None:
    """One layer per package (issue 22): few enough that the tree shows the flow."""
    import tomllib

    contracts = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]
    (layers,) = [c["layers"] for c in contracts["contracts"] if c["type"] == "layers"]
    assert len(layers) <= 12
    top_level = {name for layer in layers for name in layer.split(" | ")}
    assert {"load", "catalogue", "dialects", "lint", "fix", "workspace", "report"} <= top_level


def test_the_import_graph_has_no_cycle() -> None:
    graph = grimp.build_graph("losscfg")
    cycles = _cycles({m: graph.find_modules_directly_imported_by(m) for m in graph.modules})
    assert cycles == [], cycles


def test_the_cycle_finder_finds_a_cycle() -> None:
    imports = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert _cycles(imports) == [["a", "b", "c"]]


def test_the_leaf_imports_nothing_of_losscfg() -> None:
    graph = grimp.build_graph("losscfg")
    assert graph.find_modules_directly_imported_by("losscfg.diagnostics") == set()


def _cycles(imports: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan's algorithm)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(module: str) -> None:
        index[module] = low[module] = len(index)
        stack.append(module)
        on_stack.add(module)
        for imported in sorted(imports.get(module, ())):
            if imported not in index:
                visit(imported)
                low[module] = min(low[module], low[imported])
            elif imported in on_stack:
                low[module] = min(low[module], index[imported])
        if low[module] == index[module]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == module:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for module in sorted(imports):
        if module not in index:
            visit(module)
    return found
