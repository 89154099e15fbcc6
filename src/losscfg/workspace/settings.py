"""`[tool.losscfg]` in the nearest pyproject.toml, or a file given with `--config` (SPEC §10)."""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Mapping
from pathlib import Path
from types import MappingProxyType
from typing import Any, NamedTuple

from losscfg.dialects.names import AUTO, DIALECTS
from losscfg.load.escaping import printable
from losscfg.load.values import closest
from losscfg.workspace.globs import pattern_problem

#: The largest class count losscfg takes, from settings or `--num-classes`.
MAX_CLASSES = 10_000_000

KEYS = (
    "select",
    "ignore",
    "strict",
    "num-classes",
    "datasets",
    "exclude",
    "extend-exclude",
    "respect-gitignore",
    "dialect",
    "tensor-from-list",
)


class SettingsError(ValueError):
    """Settings that cannot be used: a usage error (exit 2)."""


class Settings(NamedTuple):
    source: Path | None = None
    select: tuple[str, ...] | None = None
    ignore: tuple[str, ...] = ()
    strict: bool = False
    num_classes: int | None = None
    datasets: Mapping[str, int] = MappingProxyType({})
    exclude: tuple[str, ...] | None = None  # None: the default exclusions (paths.DEFAULT_EXCLUDE)
    extend_exclude: tuple[str, ...] = ()
    respect_gitignore: bool = True
    dialect: str = AUTO  # SPEC §15: auto, fat, hydra, lightning
    tensor_from_list: bool = False  # SPEC §15: the project registers a list-to-tensor type

    @property
    def folder(self) -> Path | None:
        """The folder that relative `exclude` patterns start from."""
        return self.source.parent if self.source is not None else None


def discover(start: Path | None = None) -> Settings:
    """The settings of the nearest pyproject.toml with a [tool.losscfg] table, searching up."""
    return Finder().settings_for(start or Path.cwd())


class Finder:
    """Settings per folder, as ruff finds them: the nearest pyproject.toml with a
    [tool.losscfg] table above the folder. Each folder and each file is looked at once."""

    def __init__(self) -> None:
        self._by_folder: dict[Path, Settings] = {}

    def settings_for(self, folder: Path) -> Settings:
        folder = Path(os.path.abspath(folder))
        known = self._by_folder.get(folder)
        if known is not None:
            return known
        walked: list[Path] = []
        found: Settings | None = None
        for candidate in (folder, *folder.parents):
            found = self._by_folder.get(candidate)
            if found is not None:
                break
            walked.append(candidate)
            found = _settings_in(candidate)
            if found is not None:
                break
        found = found or Settings()
        for candidate in walked:
            self._by_folder[candidate] = found
        return found


def _settings_in(folder: Path) -> Settings | None:
    pyproject = folder / "pyproject.toml"
    if not pyproject.is_file():
        return None
    table = _table(pyproject)
    return None if table is None else _parse(table, pyproject)


def from_file(path: Path) -> Settings:
    """`--config FILE`: a pyproject.toml ([tool.losscfg]) or a losscfg.toml (top-level keys)."""
    table = _table(path)
    if table is None:
        raw = _read(path)
        table = {k: v for k, v in raw.items() if k != "tool"}
    return _parse(table, path)


#: Larger settings files are not read: a pyproject.toml is a few kilobytes.
MAX_SETTINGS_BYTES = 1024 * 1024


def _read(path: Path) -> dict[str, Any]:
    """A TOML file, read as configs are: regular files only (no FIFO, no device), capped."""
    import tomllib

    shown = printable(str(path))
    try:
        data = _bytes(path)
    except OSError as problem:
        raise SettingsError(f"cannot read {shown}: {problem.strerror or problem}") from None
    try:
        return tomllib.loads(data.decode("utf-8"))
    except UnicodeDecodeError:
        raise SettingsError(f"{shown} is not UTF-8 text") from None
    except tomllib.TOMLDecodeError as problem:
        raise SettingsError(f"{shown} is not valid TOML: {printable(str(problem))}") from None
    except RecursionError:
        raise SettingsError(f"{shown} is not valid TOML: it nests too deeply") from None


def _bytes(path: Path) -> bytes:
    descriptor = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    with os.fdopen(descriptor, "rb") as stream:
        status = os.fstat(descriptor)
        if not stat.S_ISREG(status.st_mode):
            raise OSError(errno.EINVAL, "not a regular file")
        data = stream.read(MAX_SETTINGS_BYTES + 1)
    if len(data) > MAX_SETTINGS_BYTES:
        raise OSError(errno.EFBIG, f"over {MAX_SETTINGS_BYTES // 1024} KiB, too large for settings")
    return data


def _table(path: Path) -> dict[str, Any] | None:
    tool = _read(path).get("tool", {})
    if not isinstance(tool, dict):
        raise SettingsError(f"{printable(str(path))}: tool must be a table ([tool])")
    table = tool.get("losscfg")
    if table is not None and not isinstance(table, dict):
        raise SettingsError(f"{printable(str(path))}: [tool.losscfg] must be a table")
    return table


def _parse(table: Mapping[str, Any], path: Path) -> Settings:
    unknown = sorted(printable(str(key))[:60] for key in set(table) - set(KEYS))
    if unknown:
        suggestion = closest(unknown[0], KEYS)
        raise SettingsError(
            f"{path}: unknown setting {', '.join(unknown[:5])} in losscfg's settings; "
            f"known settings: {', '.join(KEYS)}"
            + (f" (did you mean {suggestion}?)" if suggestion else "")
        )
    strict = _flag(table, "strict", False, path)
    num_classes = table.get("num-classes")
    if num_classes is not None and not _is_count(num_classes):
        raise SettingsError(
            f"{path}: num-classes must be an integer from 1 to {MAX_CLASSES:,}, not {num_classes!r}"
        )
    datasets = table.get("datasets", {})
    wrong = (
        [f"{k} = {v!r}" for k, v in datasets.items() if not _is_count(v)]
        if isinstance(datasets, dict)
        else []
    )
    if not isinstance(datasets, dict) or wrong:
        raise SettingsError(
            f"{path}: datasets must be a table of dataset name = class count (an integer from "
            f"1 to {MAX_CLASSES:,}), e.g. datasets = {{ tiny_imagenet = 200 }}"
            + (f", not {wrong[0]}" if wrong else "")
        )
    respect_gitignore = _flag(table, "respect-gitignore", True, path)
    dialect = table.get("dialect", AUTO)
    if dialect not in DIALECTS:
        raise SettingsError(
            f"{path}: dialect must be one of {', '.join(DIALECTS)}, not {dialect!r}"
        )
    tensor_from_list = _flag(table, "tensor-from-list", False, path)
    exclude = table.get("exclude")
    select = table.get("select")
    if select is not None and not select:
        raise SettingsError(
            f"{path}: select is empty, which would turn every rule off; name at least one rule "
            "(or ALL), or remove select"
        )
    return Settings(
        source=path,
        select=None if select is None else _codes(select, "select", path),
        ignore=_codes(table.get("ignore", []), "ignore", path),
        strict=strict,
        num_classes=num_classes,
        datasets=dict(datasets),
        exclude=None if exclude is None else _patterns(exclude, "exclude", path),
        extend_exclude=_patterns(table.get("extend-exclude", []), "extend-exclude", path),
        respect_gitignore=respect_gitignore,
        dialect=dialect,
        tensor_from_list=tensor_from_list,
    )


def _flag(table: Mapping[str, Any], key: str, default: bool, path: Path) -> bool:
    value = table.get(key, default)
    if not isinstance(value, bool):
        raise SettingsError(f"{path}: {key} must be true or false, not {value!r}")
    return value


def _patterns(value: Any, key: str, path: Path) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise SettingsError(
            f"{path}: {key} must be a list of gitignore-style patterns, "
            f'e.g. {key} = ["experiments/old/", "*.draft.yaml"]'
        )
    for pattern in value:
        problem = pattern_problem(pattern)
        if problem is not None:
            raise SettingsError(f"{path}: {key} pattern {pattern!r} cannot be used: {problem}")
    return tuple(value)


def _codes(value: Any, key: str, path: Path) -> tuple[str, ...]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise SettingsError(f"{path}: {key} must be a list of rule codes or names")
    return tuple(value)


def _is_count(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= MAX_CLASSES
