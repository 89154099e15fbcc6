"""The files a `check` covers (SPEC §5): files as given, directories searched, `-` for stdin.

A directory search skips what `.gitignore` ignores (`respect-gitignore`) and what the
`exclude` / `extend-exclude` settings and `--exclude` exclude, and marks what it finds as
searched: the check then reads it only if it is a training config (`losscfg.configs`).
Patterns are gitignore-style, relative to the folder of the settings file that sets them
(`--exclude`: to the working directory). pathspec is imported only when a pattern is matched.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from losscfg.diagnostics import STDIN, Skipped
from losscfg.settings import Settings

if TYPE_CHECKING:
    import pathspec

SUFFIXES = (".yaml", ".yml", ".json")
#: Folders a search never enters: version control.
NEVER_SEARCHED = frozenset({".git", ".hg", ".svn", ".jj"})
#: Folders a search skips unless the `exclude` setting replaces this list (as in ruff):
#: environments, dependencies and caches.
DEFAULT_EXCLUDE = frozenset(
    {
        ".venv",
        "venv",
        ".tox",
        ".nox",
        ".direnv",
        ".eggs",
        "node_modules",
        "site-packages",
        "__pycache__",
        ".mypy_cache",
        ".pytest_cache",
        ".ruff_cache",
        ".hypothesis",
    }
)


class Target(NamedTuple):
    """A file to check, with the settings that govern it."""

    path: str
    settings: Settings
    only_if_config: bool  # found by a search (or named with --force-exclude): skip non-configs


class Collected(NamedTuple):
    targets: list[Target]
    skipped: list[Skipped]
    unsearchable: dict[str, str]  # folder -> why it could not be searched


SettingsFor = Callable[[Path], Settings]


class Search:
    """Collect the files that `check PATH ...` covers.

    `settings_for(folder)` gives the settings that govern a folder (the nearest pyproject.toml
    or `--config`); `exclude` are the `--exclude` patterns; `force_exclude` applies the
    search's filters to files named on the command line too (the pre-commit hooks use it).
    """

    def __init__(
        self,
        settings_for: SettingsFor,
        *,
        exclude: Sequence[str] = (),
        force_exclude: bool = False,
        cwd: str | None = None,
    ) -> None:
        self._settings_for = settings_for
        self._cwd = cwd or os.getcwd()
        self._given = _Patterns.of(self._cwd, exclude, "excluded by --exclude") if exclude else None
        self._force_exclude = force_exclude
        self._excludes: dict[Path | None, list[_Patterns]] = {}
        self._gitignores: dict[str, tuple[_Patterns, ...]] = {}
        self._by_folder: dict[str, Settings] = {}

    def collect(self, arguments: Iterable[str]) -> Collected:
        """Each argument is kept as given (a file, a path that does not exist, `-`), except a
        directory, which stands for the files under it, sorted. Every path comes once."""
        found: dict[str, Target] = {}
        skipped: list[Skipped] = []
        unsearchable: dict[str, str] = {}
        for argument in arguments:
            if argument != STDIN and os.path.isdir(argument):
                for target in self._search(argument, skipped, unsearchable):
                    found.setdefault(target.path, target)
            elif argument not in found or found[argument].only_if_config:
                named = self._named(argument, skipped)  # named, it is checked in any case
                if named is not None:
                    found[argument] = named
        return Collected(list(found.values()), skipped, unsearchable)

    def settings_for(self, path: str) -> Settings:
        """The settings that govern a file (standard input: the working directory's)."""
        folder = self._cwd if path == STDIN else os.path.dirname(self._absolute(path))
        found = self._by_folder.get(folder)
        if found is None:
            found = self._by_folder[folder] = self._settings_for(Path(folder))
        return found

    def _named(self, path: str, skipped: list[Skipped]) -> Target | None:
        settings = self.settings_for(path)
        if not self._force_exclude or path == STDIN:
            return Target(path, settings, only_if_config=False)
        reason = self._excluded_with_folders(path, settings)
        if reason is not None:
            skipped.append(Skipped(path, reason))
            return None
        return Target(path, settings, only_if_config=True)

    def _search(
        self, directory: str, skipped: list[Skipped], unsearchable: dict[str, str]
    ) -> list[Target]:
        def note(problem: OSError) -> None:
            unsearchable[str(problem.filename)] = problem.strerror or type(problem).__name__

        targets: list[Target] = []
        top = self._absolute(directory)
        if os.path.dirname(top) != top:
            self._gitignores.setdefault(os.path.dirname(top), self._inherited_gitignores(top))
        for root, folders, names in os.walk(directory, onerror=note):
            absolute_root = self._absolute(root)
            settings = self._settings_for(Path(absolute_root))
            gitignores = self._gitignores_in(absolute_root, settings)
            kept = []
            for folder in sorted(folders):
                path = _shown(os.path.join(root, folder))
                reason = self._excluded(
                    os.path.join(absolute_root, folder), True, settings, gitignores
                )
                if reason is None:
                    kept.append(folder)
                elif folder not in NEVER_SEARCHED:
                    skipped.append(Skipped(path + os.sep, reason))
            folders[:] = kept
            for name in sorted(names):
                if not name.lower().endswith(SUFFIXES):
                    continue
                path = _shown(os.path.join(root, name))
                reason = self._excluded(
                    os.path.join(absolute_root, name), False, settings, gitignores
                )
                if reason is None:
                    targets.append(Target(path, settings, only_if_config=True))
                else:
                    skipped.append(Skipped(path, reason))
        return sorted(targets, key=lambda target: target.path)

    def _absolute(self, path: str) -> str:
        return os.path.normpath(os.path.join(self._cwd, path))

    def _excluded(
        self, path: str, is_folder: bool, settings: Settings, gitignores: Sequence[_Patterns]
    ) -> str | None:
        name = os.path.basename(path)
        if is_folder and name in NEVER_SEARCHED:
            return "version control"
        reason = self._excluded_by_settings(path, is_folder, settings)
        if reason is None and settings.respect_gitignore:
            reason = _first_verdict(gitignores, path, is_folder)
        return reason

    def _excluded_by_settings(self, path: str, is_folder: bool, settings: Settings) -> str | None:
        if settings.exclude is None and is_folder and os.path.basename(path) in DEFAULT_EXCLUDE:
            return "excluded by default (an environment, dependency or cache folder)"
        return _first_verdict(self._exclusions(settings), path, is_folder)

    def _excluded_with_folders(self, path: str, settings: Settings) -> str | None:
        """Why a named file is excluded: by a pattern on it or on a folder above it."""
        absolute = self._absolute(path)
        base = str(settings.folder) if settings.folder is not None else self._cwd
        for folder in _folders_between(base, absolute):
            name = os.path.basename(folder)
            if name in NEVER_SEARCHED:
                return "version control"
            reason = self._excluded_by_settings(folder, True, settings)
            if reason is not None:
                return f"{reason}: {_shown(os.path.relpath(folder))}/"
        return self._excluded_by_settings(absolute, False, settings)

    def _exclusions(self, settings: Settings) -> list[_Patterns]:
        found = self._excludes.get(settings.source)
        if found is None:
            found = []
            folder = str(settings.folder or self._cwd)
            where = f" in {_shown(os.path.relpath(settings.source))}" if settings.source else ""
            if settings.exclude:
                found.append(_Patterns.of(folder, settings.exclude, f"excluded by exclude{where}"))
            if settings.extend_exclude:
                patterns = settings.extend_exclude
                found.append(_Patterns.of(folder, patterns, f"excluded by extend-exclude{where}"))
            if self._given is not None:
                found.append(self._given)
            self._excludes[settings.source] = found
        return found

    def _gitignores_in(self, folder: str, settings: Settings) -> tuple[_Patterns, ...]:
        known = self._gitignores.get(folder)
        if known is not None:
            return known
        inherited = self._gitignores.get(os.path.dirname(folder), ())
        own = _gitignore_of(folder) if settings.respect_gitignore else None
        found = (own, *inherited) if own is not None else inherited
        self._gitignores[folder] = found
        return found

    def _inherited_gitignores(self, top: str) -> tuple[_Patterns, ...]:
        """The .gitignore files above a searched folder, up to its repository's root (and the
        repository's .git/info/exclude), deepest first."""
        above: list[_Patterns | None] = []
        for folder in _parents(top):
            if os.path.exists(os.path.join(folder, ".git")):
                above.extend(_gitignore_of(parent) for parent in _upto(top, folder))
                exclude = os.path.join(folder, ".git", "info", "exclude")
                above.append(_patterns_in(exclude, folder, "ignored by"))
                return tuple(p for p in above if p is not None)
        return ()


def _upto(top: str, root: str) -> list[str]:
    """The folders from `top`'s parent up to `root`, deepest first."""
    return [folder for folder in _parents(top)[1:] if _within(folder, root)]


def _parents(path: str) -> list[str]:
    found = [path]
    while True:
        parent = os.path.dirname(found[-1])
        if parent == found[-1]:
            return found
        found.append(parent)


def _within(path: str, folder: str) -> bool:
    return path == folder or path.startswith(folder.rstrip(os.sep) + os.sep)


def _folders_between(base: str, path: str) -> list[str]:
    """The folders from `base` (excluded) down to the folder of `path`, outermost first; none
    when `path` is not under `base`."""
    if not _within(path, base):
        return []
    folders = [f for f in _parents(os.path.dirname(path)) if _within(f, base) and f != base]
    return list(reversed(folders))


def _shown(path: str) -> str:
    """A found path as the user would write it: `./configs/a.yaml` is `configs/a.yaml`."""
    return path[2:] if path.startswith("./") else path


def _first_verdict(rules: Iterable[_Patterns], path: str, is_folder: bool) -> str | None:
    """The verdict of the first pattern list that has one (the deepest .gitignore first)."""
    for patterns in rules:
        verdict = patterns.verdict(path, is_folder)
        if verdict is not None:
            return verdict or None
    return None


def _gitignore_of(folder: str) -> _Patterns | None:
    return _patterns_in(os.path.join(folder, ".gitignore"), folder, "ignored by")


#: A .gitignore larger than this is not read (it would be a mistake, or an attack).
MAX_GITIGNORE_BYTES = 1024 * 1024


def _patterns_in(path: str, folder: str, verb: str) -> _Patterns | None:
    try:
        with open(path, "rb") as stream:
            data = stream.read(MAX_GITIGNORE_BYTES)
    except OSError:
        return None
    lines = data.decode("utf-8", errors="replace").splitlines()
    return _Patterns.of(folder, lines, f"{verb} {_shown(os.path.relpath(path))}")


class _Patterns:
    """gitignore-style patterns that apply under `folder`; `origin` names them in reasons."""

    def __init__(self, folder: str, spec: pathspec.GitIgnoreSpec, origin: str) -> None:
        self.folder, self.spec, self.origin = folder.rstrip(os.sep) or os.sep, spec, origin

    @classmethod
    def of(cls, folder: str, lines: Sequence[str], origin: str) -> _Patterns:
        import pathspec

        return cls(folder, pathspec.GitIgnoreSpec.from_lines(lines), origin)

    def verdict(self, path: str, is_folder: bool) -> str | None:
        """Why the patterns exclude `path`; "" when a `!pattern` keeps it; None: no pattern
        matches it."""
        if not _within(path, self.folder) or path == self.folder:
            return None
        relative = os.path.relpath(path, self.folder).replace(os.sep, "/")
        result = self.spec.check_file(relative + ("/" if is_folder else ""))
        if result.include is None:
            return None
        if not result.include:
            return ""
        assert result.index is not None
        pattern = self.spec.patterns[result.index]
        return f"{self.origin} (pattern {getattr(pattern, 'pattern', '?')})"
