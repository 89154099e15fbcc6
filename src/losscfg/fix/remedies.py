"""What a fix means, said by the rule that offers it (SPEC §13): changes to the loaded data.

A rule attaches a `Remedy` to its finding; `losscfg.fix.edits` turns it into text edits by span
that keep every other byte, and `losscfg.workspace.fixing` keeps a pass of edits only when the
file then loads to exactly the data these changes describe.
"""

from __future__ import annotations

import copy
import math
from typing import Any, NamedTuple

from losscfg.diagnostics import Applicability

Path = tuple[Any, ...]


class SetValue(NamedTuple):
    """The value at `path` becomes `value`, written `spelling` (plain YAML); with `keep_quotes`
    a quoted scalar stays quoted the way it was."""

    path: Path
    value: Any
    spelling: str
    keep_quotes: bool = False


class RenameKey(NamedTuple):
    """The key at the end of `path` becomes `new_key`; its value stays."""

    path: Path
    new_key: str


class RemoveEntry(NamedTuple):
    """The key at the end of `path` goes, with its value."""

    path: Path


class MoveEntry(NamedTuple):
    """The key `key` of the mapping at `within` (the top level when empty) moves, with its
    value, into that mapping's mapping `section` (made when absent)."""

    key: str
    section: str
    within: Path = ()


Change = SetValue | RenameKey | RemoveEntry | MoveEntry


class Remedy(NamedTuple):
    message: str  # what the fix does, one line: "write 0.1"
    applicability: Applicability
    changes: tuple[Change, ...]


def safe(message: str, *changes: Change) -> Remedy:
    return Remedy(message, Applicability.SAFE, changes)


def unsafe(message: str, *changes: Change) -> Remedy:
    return Remedy(message, Applicability.UNSAFE, changes)


def expected(data: Any, changes: tuple[Change, ...]) -> Any:
    """The data as it is meant to load once `changes` are made (`data` is left as it was)."""
    result = copy.deepcopy(data)
    for change in changes:
        if isinstance(change, SetValue):
            parent, key = _parent(result, change.path)
            parent[key] = change.value
        elif isinstance(change, RenameKey):
            parent, key = _parent(result, change.path)
            value = parent.pop(key)
            parent[change.new_key] = value
        elif isinstance(change, RemoveEntry):
            parent, key = _parent(result, change.path)
            del parent[key]
        else:
            holder = result
            for part in change.within:
                holder = holder[part]
            value = holder.pop(change.key)
            holder.setdefault(change.section, {})[change.key] = value
    return result


def _parent(data: Any, path: Path) -> tuple[Any, Any]:
    parent = data
    for part in path[:-1]:
        parent = parent[part]
    return parent, path[-1]


def reads_as(text: str, value: Any) -> bool:
    """Whether `yaml.safe_load` reads the plain scalar `text` as `value`, of the same type."""
    import yaml

    try:
        loaded = yaml.safe_load(text)
    except yaml.YAMLError:
        return False
    return type(loaded) is type(value) and loaded == value


def same(a: Any, b: Any) -> bool:
    """Equal values of equal types, all the way down: 1, 1.0 and True are three values here."""
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(same(a[k], b[k]) for k in a)
    if isinstance(a, list | tuple):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, float) and math.isnan(a):
        return math.isnan(b)
    equal: bool = a == b
    return equal
