"""How each file is checked: the settings that govern it (SPEC §10) and the command line's
options, which win over every settings file."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import NamedTuple

from losscfg.catalogue.schema import LossSchema
from losscfg.diagnostics import FixMode
from losscfg.lint.check import Options
from losscfg.lint.registry import Registry, UnknownSelector
from losscfg.lint.rules import default_registry
from losscfg.lint.selection import Selection
from losscfg.workspace.globs import pattern_problem
from losscfg.workspace.paths import Search
from losscfg.workspace.settings import Finder, Settings, SettingsError, from_file


class Overrides(NamedTuple):
    """What the command line says: it wins over the settings of every file."""

    select: Sequence[str] | None = None
    ignore: Sequence[str] = ()
    num_classes: int | None = None
    strict: bool | None = None
    exclude: Sequence[str] = ()  # gitignore-style patterns, relative to the working directory
    force_exclude: bool = False  # filter named files as a search filters what it finds
    fix: FixMode | None = None  # --fix / --diff
    dialect: str | None = None  # --dialect


class Project:
    """Settings per file (the nearest pyproject.toml with [tool.losscfg], or `--config` for
    every file) and the check's options that follow from them.

    Raises SettingsError (a usage error) for a settings file that cannot be used or a rule
    that does not exist, when the file that needs it is met.
    """

    def __init__(
        self,
        overrides: Overrides | None = None,
        *,
        config: Path | None = None,
        schema: LossSchema | None = None,
        registry: Registry | None = None,
    ) -> None:
        self.overrides = overrides or Overrides()
        self._registry = registry  # None: every rule of losscfg.lint.rules
        self._schema = schema
        self._fixed = from_file(config) if config is not None else None
        self._finder = Finder()
        self._options: dict[Path | None, Options] = {}
        self._selection(Settings())  # an unknown rule on the command line fails at once
        for pattern in self.overrides.exclude:
            problem = pattern_problem(pattern)
            if problem is not None:
                raise SettingsError(f"--exclude {pattern!r} cannot be used: {problem}")

    def settings_for(self, folder: Path) -> Settings:
        return self._fixed or self._finder.settings_for(folder)

    def search(self) -> Search:
        return Search(
            self.settings_for,
            exclude=self.overrides.exclude,
            force_exclude=self.overrides.force_exclude,
        )

    def options_for(self, settings: Settings) -> Options:
        found = self._options.get(settings.source)
        if found is None:
            found = self._options[settings.source] = self._make_options(settings)
        return found

    def _make_options(self, settings: Settings) -> Options:
        count = self.overrides.num_classes
        if count is not None:
            origin = f"--num-classes {count}"
        else:
            count = settings.num_classes
            origin = f"num-classes = {count} in {settings.source}"
        strict = self.overrides.strict
        return Options(
            num_classes=count,
            num_classes_origin=origin,
            datasets=settings.datasets,
            selection=self._selection(settings),
            schema=self._schema,
            registry=self._registry,
            strict=settings.strict if strict is None else strict,
            fix=self.overrides.fix,
            dialect=self.overrides.dialect or settings.dialect,
            tensor_from_list=settings.tensor_from_list,
        )

    def _selection(self, settings: Settings) -> Selection:
        layers = [
            (settings.select, settings.ignore),
            (self.overrides.select, self.overrides.ignore),
        ]
        try:
            return Selection.from_layers(layers, self._registry or default_registry())
        except UnknownSelector as unknown:
            where = f" (in {settings.source})" if _in_settings(str(unknown), settings) else ""
            raise SettingsError(
                f"unknown rule {str(unknown)!r}{where}; `losscfg rules` lists them"
            ) from None


def _in_settings(selector: str, settings: Settings) -> bool:
    return selector in (*(settings.select or ()), *settings.ignore)
