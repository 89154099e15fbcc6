"""`[tool.losscfg]` in the nearest pyproject.toml, or a file given with `--config` (SPEC §10)."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from types import MappingProxyType
from typing import Any, NamedTuple

from losscfg.values import closest

KEYS = ("select", "ignore", "strict", "num-classes", "datasets")


class SettingsError(ValueError):
    """Settings that cannot be used: a usage error (exit 2)."""


class Settings(NamedTuple):
    source: Path | None = None
    select: tuple[str, ...] | None = None
    ignore: tuple[str, ...] = ()
    strict: bool = False
    num_classes: int | None = None
    datasets: Mapping[str, int] = MappingProxyType({})


def discover(start: Path | None = None) -> Settings:
    """The settings of the nearest pyproject.toml with a [tool.losscfg] table, searching up."""
    folder = (start or Path.cwd()).resolve()
    for candidate in (folder, *folder.parents):
        pyproject = candidate / "pyproject.toml"
        if pyproject.is_file():
            table = _table(pyproject)
            if table is not None:
                return _parse(table, pyproject)
    return Settings()


def from_file(path: Path) -> Settings:
    """`--config FILE`: a pyproject.toml ([tool.losscfg]) or a losscfg.toml (top-level keys)."""
    table = _table(path)
    if table is None:
        raw = _read(path)
        table = {k: v for k, v in raw.items() if k != "tool"}
    return _parse(table, path)


def _read(path: Path) -> dict[str, Any]:
    import tomllib

    try:
        with path.open("rb") as stream:
            return tomllib.load(stream)
    except OSError as problem:
        raise SettingsError(f"cannot read {path}: {problem.strerror}") from None
    except tomllib.TOMLDecodeError as problem:
        raise SettingsError(f"{path} is not valid TOML: {problem}") from None


def _table(path: Path) -> dict[str, Any] | None:
    table = _read(path).get("tool", {}).get("losscfg")
    if table is not None and not isinstance(table, dict):
        raise SettingsError(f"{path}: [tool.losscfg] must be a table")
    return table


def _parse(table: Mapping[str, Any], path: Path) -> Settings:
    unknown = sorted(set(table) - set(KEYS))
    if unknown:
        suggestion = closest(unknown[0], KEYS)
        raise SettingsError(
            f"{path}: unknown setting {', '.join(unknown)} in losscfg's settings; "
            f"known settings: {', '.join(KEYS)}"
            + (f" (did you mean {suggestion}?)" if suggestion else "")
        )
    strict = table.get("strict", False)
    if not isinstance(strict, bool):
        raise SettingsError(f"{path}: strict must be true or false, not {strict!r}")
    num_classes = table.get("num-classes")
    if num_classes is not None and not _is_count(num_classes):
        raise SettingsError(f"{path}: num-classes must be an integer >= 1, not {num_classes!r}")
    datasets = table.get("datasets", {})
    if not isinstance(datasets, dict) or not all(_is_count(v) for v in datasets.values()):
        raise SettingsError(
            f"{path}: datasets must be a table of dataset name = class count (an integer >= 1), "
            "e.g. datasets = { tiny_imagenet = 200 }"
        )
    select = table.get("select")
    return Settings(
        source=path,
        select=None if select is None else _codes(select, "select", path),
        ignore=_codes(table.get("ignore", []), "ignore", path),
        strict=strict,
        num_classes=num_classes,
        datasets=dict(datasets),
    )


def _codes(value: Any, key: str, path: Path) -> tuple[str, ...]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise SettingsError(f"{path}: {key} must be a list of rule codes or names")
    return tuple(value)


def _is_count(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 1
