"""The files a `check` covers (SPEC §5): files as given, directories searched, `-` for stdin.

A directory search skips what `.gitignore` ignores (`respect-gitignore`) and what the
`exclude` / `extend-exclude` settings and `--exclude` exclude, and marks what it finds as
searched: the check then reads it only if it is a training config (`losscfg.dialects.configs`).
Patterns are gitignore-style, relative to the folder of the settings file that sets them
(`--exclude`: to the working directory). pathspec is imported only when a pattern is matched.
"""

from __future__ import annotations

import os
import re
import warnings
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from losscfg.diagnostics import STDIN, Skipped
from losscfg.workspace.globs import with_classes
from losscfg.workspace.settings import Settings, SettingsError

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
        self._given = _given_patterns(self._cwd, exclude)
        self._force_exclude = force_exclude
        self._excludes: dict[Path | None, list[_Patterns]] = {}
        self._gitignores: dict[str, tuple[_Patterns, ...]] = {}
        self._by_folder: dict[str, Settings] = {}
        self._cut: str | None = None  # a named folder that outer patterns exclude: they stop

    def collect(self, arguments: Iterable[str]) -> Collected:
        """Each argument is kept as given (a file, a path that does not exist, `-`), except a
        directory, which stands for the files under it, sorted. Every path comes once."""
        found: dict[str, Target] = {}  # by absolute path: a.yaml and ./a.yaml are one file
        skipped: list[Skipped] = []
        unsearchable: dict[str, str] = {}
        for argument in arguments:
            if argument != STDIN and os.path.isdir(argument):
                for target in self._search(argument, skipped, unsearchable):
                    found.setdefault(self._key(target.path), target)
                continue
            key = self._key(argument)
            if key not in found or found[key].only_if_config:
                named = self._named(argument, skipped)  # named, it is checked in any case
                if named is not None:
                    found[key] = named
        return Collected(list(found.values()), skipped, unsearchable)

    def _key(self, path: str) -> str:
        return path if path == STDIN else self._absolute(path)

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
        """The files under `directory`, top-down with an explicit stack (a tree of any depth),
        pruning what is excluded or ignored. A folder named on the command line is searched
        even when a pattern from above excludes it (as ruff and ripgrep search a root you
        name); those patterns then stop at it. With --force-exclude it is skipped."""
        top = self._absolute(directory)
        parent = os.path.dirname(top)
        if parent != top:
            self._gitignores.setdefault(parent, self._inherited_gitignores(top))
        reason = self._excluded(
            top, True, self._settings_for(Path(top)), self._gitignores.get(parent, ())
        )
        if reason is not None and self._force_exclude:
            skipped.append(Skipped(_shown(directory.rstrip(os.sep)) + os.sep, reason))
            return []
        self._cut = top if reason is not None else None
        try:
            return self._walk(directory, skipped, unsearchable)
        finally:
            self._cut = None

    def _walk(
        self, directory: str, skipped: list[Skipped], unsearchable: dict[str, str]
    ) -> list[Target]:
        targets: list[Target] = []
        stack = [directory]
        while stack:
            root = stack.pop()
            try:
                with os.scandir(root) as scanned:
                    entries = sorted(scanned, key=lambda entry: entry.name)
            except OSError as problem:
                unsearchable[_shown(root)] = problem.strerror or type(problem).__name__
                continue
            absolute_root = self._absolute(root)
            settings = self._settings_for(Path(absolute_root))
            gitignores = self._gitignores_in(absolute_root, settings)
            for entry in entries:
                path = _shown(os.path.join(root, entry.name))
                absolute = os.path.join(absolute_root, entry.name)
                if _is_folder(entry):
                    reason = self._excluded(absolute, True, settings, gitignores)
                    if reason is None and entry.is_symlink():
                        reason = "a symbolic link to a folder: not followed"
                    if reason is None:
                        stack.append(os.path.join(root, entry.name))
                    elif entry.name not in NEVER_SEARCHED:
                        skipped.append(Skipped(path + os.sep, reason))
                elif entry.name.lower().endswith(SUFFIXES):
                    reason = self._excluded(absolute, False, settings, gitignores)
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
            reason = _first_verdict(gitignores, path, is_folder, self._cut)
        return reason

    def _excluded_by_settings(self, path: str, is_folder: bool, settings: Settings) -> str | None:
        if settings.exclude is None and is_folder and os.path.basename(path) in DEFAULT_EXCLUDE:
            return "excluded by default (an environment, dependency or cache folder)"
        return _first_verdict(self._exclusions(settings), path, is_folder, self._cut)

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
                found.append(_Patterns(folder, settings.exclude, f"excluded by exclude{where}"))
            if settings.extend_exclude:
                patterns = settings.extend_exclude
                found.append(_Patterns(folder, patterns, f"excluded by extend-exclude{where}"))
            found.extend(self._given)
            self._excludes[settings.source] = found
        return found

    def _gitignores_in(self, folder: str, settings: Settings) -> tuple[_Patterns, ...]:
        known = self._gitignores.get(folder)
        if known is not None:
            return known
        inherited = self._gitignores.get(os.path.dirname(folder), ())
        if os.path.exists(os.path.join(folder, ".git")):  # a repository's own rules only
            exclude = os.path.join(folder, ".git", "info", "exclude")
            inherited = tuple(p for p in [_patterns_in(exclude, folder, "ignored by")] if p)
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


def _given_patterns(cwd: str, patterns: Sequence[str]) -> list[_Patterns]:
    """`--exclude` patterns: a name (`*.draft.yaml`, `old/`) matches anywhere, even outside
    the working directory; a path (`configs/old/`, `./x`, an absolute path) is anchored."""
    here: list[str] = []
    anywhere: list[str] = []
    for pattern in patterns:
        negated, body = pattern.startswith("!"), pattern.removeprefix("!")
        if body.startswith("./"):
            body = "/" + body[2:]
        elif os.path.isabs(body) and _within(body, cwd):
            trailing = "/" if body.endswith("/") else ""
            body = "/" + os.path.relpath(body, cwd) + trailing
        elif os.path.isabs(body):  # outside the working directory: anchored at /
            anywhere.append(pattern)
            continue
        (here if "/" in body.rstrip("/") else anywhere).append("!" * negated + body)
    origin = "excluded by --exclude"
    return [
        _Patterns(folder, lines, origin)
        for folder, lines in ((cwd, here), (os.sep, anywhere))
        if lines
    ]


def _is_folder(entry: os.DirEntry[str]) -> bool:
    try:
        return entry.is_dir()
    except OSError:  # a link that cannot be followed: a file, which then cannot be read
        return False


def _shown(path: str) -> str:
    """A found path as the user would write it: `./configs/a.yaml` is `configs/a.yaml`."""
    return path[2:] if path.startswith("./") else path


def _first_verdict(
    rules: Iterable[_Patterns], path: str, is_folder: bool, cut: str | None = None
) -> str | None:
    """The verdict of the first pattern list that has one (the deepest .gitignore first);
    below `cut`, lists from above it do not count."""
    for patterns in rules:
        if cut is not None and not _within(patterns.folder, cut):
            continue
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
    relative = os.path.relpath(path)
    shown = path if relative.startswith("..") else _shown(relative)
    return _Patterns(folder, lines, f"{verb} {shown}", from_git=True)


class _Patterns:
    """gitignore-style patterns that apply under `folder`; `origin` names them in reasons.

    pathspec decides every match, but it is compiled (and imported) only for a path that a
    pattern could match at all: one that holds every literal piece of the pattern. Most
    patterns (`*.pyc`, `build/`) can never match a config's path, and files named by the
    pre-commit hooks then cost no import (SPEC §12)."""

    def __init__(
        self, folder: str, lines: Sequence[str], origin: str, *, from_git: bool = False
    ) -> None:
        self.folder, self.lines, self.origin = folder.rstrip(os.sep) or os.sep, lines, origin
        self.from_git = from_git  # git's own files: a line git cannot use is dropped
        self.pieces = [
            _pieces(with_classes(line)) for line in lines if line.strip() and line[0] != "#"
        ]
        self._spec: pathspec.GitIgnoreSpec | None = None
        self._written: list[str] = []  # the compiled patterns as written, by their index

    def verdict(self, path: str, is_folder: bool) -> str | None:
        """Why the patterns exclude `path`; "" when a `!pattern` keeps it; None: no pattern
        matches it."""
        if not _within(path, self.folder) or path == self.folder:
            return None
        relative = os.path.relpath(path, self.folder).replace(os.sep, "/")
        if not any(all(piece in relative for piece in pieces) for pieces in self.pieces):
            return None
        spec = self._compiled()
        result = spec.check_file(relative + ("/" if is_folder else ""))
        if result.include is None:
            return None
        if not result.include:
            return ""
        assert result.index is not None
        return f"{self.origin} (pattern {self._written[result.index]})"

    def _compiled(self) -> pathspec.GitIgnoreSpec:
        if self._spec is None:
            self._spec, self._written = _compile(self.lines, self.origin, self.from_git)
        return self._spec


def _compile(
    lines: Sequence[str], origin: str, from_git: bool
) -> tuple[pathspec.GitIgnoreSpec, list[str]]:
    """The patterns, matched by RE2 (linear time, where Python's backtracking `re` takes
    minutes on `**/**/…a*a*…b`), with git's character classes as ranges; and the lines
    compiled, as written. A line that cannot be compiled is dropped from a .gitignore (git
    matches nothing with it) and is a usage error (SettingsError) anywhere else."""
    try:
        return _spec(lines), list(lines)
    except Exception:  # pathspec raises re.error, ValueError, re2's own error
        pass
    kept = []
    for line in lines:
        try:
            _spec([line])
        except Exception as problem:
            if not from_git:
                raise SettingsError(
                    f"{origin.removeprefix('excluded by ')}: pattern {line!r} cannot be "
                    f"matched ({problem}); rewrite it or remove it"
                ) from None
        else:
            kept.append(line)
    return _spec(kept), kept


def _spec(lines: Sequence[str]) -> pathspec.GitIgnoreSpec:
    import pathspec

    with warnings.catch_warnings():  # `[[:alpha:]]`: "possible nested set"
        warnings.simplefilter("ignore")
        return pathspec.GitIgnoreSpec.from_lines(map(with_classes, lines), backend="re2")


_GLOB = re.compile(r"\\.|\*+|\?|\[[^\]]*\]?|/")


def _pieces(line: str) -> list[str]:
    """The literal pieces of a gitignore pattern, each of which a path it matches holds."""
    text = line.rstrip().removeprefix("!")
    if "\\" in text:  # escapes: let pathspec decide
        return []
    return [piece for piece in _GLOB.split(text) if piece]
