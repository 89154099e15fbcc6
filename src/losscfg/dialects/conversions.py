"""What the trainer makes of a value before torch sees it (the schema's `x-converts`).

The framework's factory calls `float()`, `int()`, `bool()` or `torch.tensor()` on the values it
passes, and tests `amp.enabled` for truthiness; a string such as "0.1" then trains as 0.1, and
"false" as True. `convert` says what the value becomes, and whether that is what it spells.
"""

from __future__ import annotations

import math
from typing import Any, NamedTuple

from losscfg.catalogue.schema import BOOL, FLOAT, INT, TENSOR, TRUTH

#: Strings that spell a boolean (YAML 1.1's words); `bool()` of any non-empty string is True.
_TRUE_WORDS = frozenset({"true", "yes", "on", "y"})
_FALSE_WORDS = frozenset({"false", "no", "off", "n"})


class Converted(NamedTuple):
    value: Any  # what the trainer passes on
    as_spelled: bool  # the value is the one the file spells ("0.1" -> 0.1; "false" -> True is not)


def spelled_boolean(value: Any) -> bool | None:
    """The boolean a value spells: true/false, yes/no, on/off, 1/0 (as text or number)."""
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)):
        return bool(value) if value in (0, 1) else None
    if isinstance(value, str):
        word = value.strip().lower()
        if word in _TRUE_WORDS or word == "1":
            return True
        if word in _FALSE_WORDS or word == "0":
            return False
    return None


def convert(value: Any, how: str | None) -> Converted | None:
    """What the trainer makes of `value` with the conversion `how` (None: passed as written);
    None when the conversion itself raises."""
    if how is None:
        return Converted(value, True)
    if how == FLOAT:
        return _to_float(value)
    if how == INT:
        return _to_int(value)
    if how in (BOOL, TRUTH):
        if value is None or isinstance(value, (list, dict, set)):
            return Converted(bool(value), False)
        return Converted(bool(value), spelled_boolean(value) == bool(value))
    if how == TENSOR:
        return Converted(value, True) if _numeric(value) else None
    return Converted(value, True)


def _to_float(value: Any) -> Converted | None:
    if isinstance(value, bool):
        return Converted(float(value), False)
    try:
        if isinstance(value, (int, float)):
            return Converted(float(value), True)
        if isinstance(value, str):
            return Converted(float(value), True)
    except (ValueError, OverflowError):  # float() refuses it: the trainer fails there too
        return None
    return None


def _to_int(value: Any) -> Converted | None:
    if isinstance(value, bool):
        return Converted(int(value), False)
    if isinstance(value, int):
        return Converted(value, True)
    if isinstance(value, float):
        if not math.isfinite(value):
            return None
        return Converted(int(value), value.is_integer())
    if isinstance(value, str):
        try:
            return Converted(int(value), True)
        except ValueError:
            return None
    return None


def _numeric(value: Any) -> bool:
    """Whether `torch.tensor(value)` makes a tensor of numbers (nested lists of one depth)."""
    if isinstance(value, bool):
        return False
    if isinstance(value, (int, float)):
        return True
    return isinstance(value, list) and all(
        isinstance(v, (int, float)) and not isinstance(v, bool) for v in value
    )
