"""Config values and paths as messages show them: short, in YAML's spelling, never huge."""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from datetime import date
from typing import Any

_LONGEST = 40

# What PyYAML (YAML 1.1) leaves a string although Python's float() reads it as a number:
# exponents without a dot or without a sign, like 1e-3, 5e1, 1.0e5.
_NUMBER_LIKE = re.compile(r"[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?")


def show(value: Any, *, longest: int = _LONGEST) -> str:
    """`value` as the user would write it in YAML, shortened to about `longest` characters."""
    text = _flow(value, depth=0)
    return text if len(text) <= longest else text[: longest - 3] + "..."


def _flow(value: Any, depth: int) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        if math.isnan(value):
            return ".nan"
        if math.isinf(value):
            return ".inf" if value > 0 else "-.inf"
        return repr(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str):
        return repr(value[: _LONGEST * 2])
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bytes):
        return f"!!binary ({len(value)} bytes)"
    if depth > 2:
        return "..."
    if isinstance(value, dict):
        inner = ", ".join(
            f"{_flow(k, depth + 1)}: {_flow(v, depth + 1)}" for k, v in _first(value.items())
        )
        return "{" + inner + (", ..." if len(value) > 6 else "") + "}"
    if isinstance(value, (list, tuple, set, frozenset)):
        items = sorted(value, key=repr) if isinstance(value, (set, frozenset)) else value
        inner = ", ".join(_flow(v, depth + 1) for v in _first(items))
        return "[" + inner + (", ..." if len(value) > 6 else "") + "]"
    return repr(value)[:_LONGEST]


def _first(items: Iterable[Any], n: int = 6) -> list[Any]:
    out: list[Any] = []
    for item in items:
        if len(out) == n:
            break
        out.append(item)
    return out


def quoted(text: str) -> str:
    """`text` in quotes; a key with characters beyond ASCII is escaped and the look-alikes are
    named (`'n\\u0430me' (U+0430 CYRILLIC SMALL LETTER A)`), since it reads as another key."""
    if len(text) > _LONGEST:
        return quoted(text[: _LONGEST - 3]).rstrip("'") + "...'"
    if text.isascii():
        return repr(text)
    import unicodedata

    odd = dict.fromkeys(c for c in text if not c.isascii())
    names = ", ".join(f"U+{ord(c):04X} {unicodedata.name(c, 'UNNAMED')}" for c in list(odd)[:3])
    return f"{text!a} (with {names})"


def kind(value: Any) -> str:
    """The YAML kind of a value, with its article: "a string", "a list"."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int):
        return "an integer"
    if isinstance(value, float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, (list, tuple)):
        return "a list"
    if isinstance(value, (set, frozenset)):
        return "a set"
    if isinstance(value, date):
        return "a date"
    if isinstance(value, bytes):
        return "binary data"
    return type(value).__name__


def dotted(path: Iterable[Any]) -> str:
    """`loss.weight[2]` for the path ("loss", "weight", 2)."""
    out = ""
    for part in path:
        if isinstance(part, int) and not isinstance(part, bool):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + (part if isinstance(part, str) else show(part))
    return out or "the document"


def number_like(text: str) -> float | None:
    """The number a string spells, if Python would read it as one (`'1e-3'` -> 0.001)."""
    if not _NUMBER_LIKE.fullmatch(text.strip()):
        return None
    return float(text)


def yaml_float(number: float) -> str:
    """How to write `number` so that PyYAML reads a float: 0.001, 1.0e-10, 50.0."""
    text = repr(float(number))
    return yaml_exponent(text) if "e" in text else text


def yaml_exponent(text: str) -> str:
    """Exponent notation as PyYAML reads a float: a dot and a signed exponent (1e-3 -> 1.0e-3)."""
    mantissa, exponent = text.lower().split("e", 1)
    if "." not in mantissa:
        mantissa += ".0"
    sign = "-" if exponent.startswith("-") else "+"
    return f"{mantissa}e{sign}{exponent.lstrip('+-')}"


def closest(word: str, choices: Iterable[str]) -> str | None:
    """The choice most like `word`, ignoring case, `_`, `-` and a `Loss` suffix; or None."""
    options = list(choices)
    squashed = {_squash(choice): choice for choice in options}
    if _squash(word) in squashed:
        return squashed[_squash(word)]
    import difflib

    match = difflib.get_close_matches(word.lower()[:100], options, n=1, cutoff=0.6)
    return match[0] if match else None


def sole_close(word: str, choices: Iterable[str]) -> str | None:
    """The one choice close to `word`, or None when there is none or there are several: a fix
    may rename only when one meaning is certain."""
    options = list(choices)
    squashed = [choice for choice in options if _squash(choice) == _squash(word)]
    if squashed:
        return squashed[0] if len(squashed) == 1 else None
    import difflib

    matches = difflib.get_close_matches(word.lower()[:100], options, n=2, cutoff=0.6)
    return matches[0] if len(matches) == 1 else None


def _squash(word: str) -> str:
    squashed = re.sub(r"[^a-z0-9]", "", word.lower())
    return squashed.removesuffix("loss") or squashed
