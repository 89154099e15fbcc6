"""The files a `check` covers: files as given, directories searched, `-` for standard input."""

from __future__ import annotations

import os
from collections.abc import Iterable

SUFFIXES = (".yaml", ".yml", ".json")
#: Folders never searched inside a directory: version control, environments, caches.
SKIPPED_FOLDERS = frozenset(
    {
        ".git",
        ".hg",
        ".svn",
        ".venv",
        "venv",
        ".tox",
        ".nox",
        "node_modules",
        "__pycache__",
        ".mypy_cache",
        ".pytest_cache",
        ".ruff_cache",
        ".hypothesis",
    }
)


def collect(arguments: Iterable[str]) -> tuple[list[str], dict[str, str]]:
    """The files to check, and the folders that could not be searched (path -> reason).

    Each argument is kept as given (a file, a path that does not exist, `-`), except a
    directory, which stands for the config files under it, sorted. Every path comes once.
    """
    found: dict[str, None] = {}
    unsearchable: dict[str, str] = {}
    for argument in arguments:
        if argument != "-" and os.path.isdir(argument):
            found.update(dict.fromkeys(_search(argument, unsearchable)))
        else:
            found[argument] = None
    return list(found), unsearchable


def _search(directory: str, unsearchable: dict[str, str]) -> list[str]:
    def note(problem: OSError) -> None:
        unsearchable[str(problem.filename)] = problem.strerror or type(problem).__name__

    files: list[str] = []
    for root, folders, names in os.walk(directory, onerror=note):
        folders[:] = sorted(f for f in folders if f not in SKIPPED_FOLDERS)
        files.extend(os.path.join(root, n) for n in names if n.lower().endswith(SUFFIXES))
    return sorted(files)
