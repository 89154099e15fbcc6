"""What `hydra.utils.instantiate` hands a loss's constructor for a value as the file writes it
(SPEC §15, DIALECT_FACTS.md).

- OmegaConf reads YAML 1.1 as PyYAML does, except that a plain `1e-1` (which PyYAML leaves a
  string) is a float, and a date stays a string.
- `${a.b}` is resolved from the config at instantiate; here, within the file when the path is
  in it (absolute from the document's root, `${.x}` relative to the mapping), else the value is
  `Unresolved`. `???` must be given when the job starts: `Unresolved` too.
- A nested mapping with a `_target_` is built first: `torch.tensor` (also `torch.as_tensor`,
  `torch.Tensor`, `torch.FloatTensor`, …) with its `data` is a `TensorValue`; any other target
  is the project's own, a `Built`.
"""

from __future__ import annotations

import datetime
import re
from typing import Any, NamedTuple

from losscfg.load.document import Document, Path

TARGET = "_target_"
MISSING = "???"
_INTERPOLATION = re.compile(r"^\$\{(\.*)([A-Za-z0-9_\-.\[\]]+)\}$")
#: OmegaConf's own float resolver (omegaconf._utils.get_yaml_loader), the forms PyYAML lacks.
_OMEGACONF_FLOAT = re.compile(
    r"""^(?:
     [-+]?[0-9]+(?:_[0-9]+)*\.[0-9_]*(?:[eE][-+]?[0-9]+)?
    |[-+]?[0-9]+(?:_[0-9]+)*(?:[eE][-+]?[0-9]+)
    |\.[0-9]+(?:_[0-9]+)*(?:[eE][-+][0-9]+)?
    |[-+]?[0-9]+(?:_[0-9]+)*(?::[0-5]?[0-9])+\.[0-9_]*
    |[-+]?\.(?:inf|Inf|INF)
    |\.(?:nan|NaN|NAN))$""",
    re.X,
)
#: Targets that make a tensor of `data` (or of `_args_`' first entry), with the dtype they
#: give it; None: the dtype torch infers from the values.
TENSOR_TARGETS: dict[str, str | None] = {
    "torch.tensor": None,
    "torch.as_tensor": None,
    "torch.Tensor": "float32",
    "torch.FloatTensor": "float32",
    "torch.DoubleTensor": "float64",
    "torch.HalfTensor": "float16",
    "torch.LongTensor": "int64",
    "torch.IntTensor": "int32",
}
_DEPTH = 32  # interpolations of interpolations: deeper is a cycle


class Unresolved(NamedTuple):
    """A value given only when the job starts: `???`, or `${…}` that the file cannot resolve."""

    written: str
    why: str  # in words: "must be given when the job starts", "data.ignore is not in this file"


class TensorValue(NamedTuple):
    """A tensor built from the file's numbers."""

    values: Any  # the data: a number, or a (nested) list of numbers
    dtype: str | None  # "float32", "int64", …; None when the file does not say it plainly
    origin: Path  # where the data is written
    inferred: bool = True  # the dtype is torch's for the data (no `dtype`, no typed class)

    @property
    def shape(self) -> tuple[int, ...] | None:
        """The tensor's shape; None for ragged data, which torch refuses."""
        shape: list[int] = []
        level = self.values
        while isinstance(level, list):
            shape.append(len(level))
            if not level:
                break
            level = level[0]
        return tuple(shape) if _regular(self.values, tuple(shape)) else None


class Built(NamedTuple):
    """An object the project's own target builds: nothing is known about it."""

    target: str


def omegaconf_scalar(document: Document, path: Path, written: Any) -> Any:
    """A scalar as OmegaConf reads it: PyYAML's value, or the float its own resolver makes,
    or the text of a date (OmegaConf has no timestamps)."""
    if isinstance(written, datetime.date):
        node = document.node(path)
        return _text(document, node.position) if node is not None else str(written)
    if isinstance(written, str):
        node = document.node(path)
        if node is not None and node.plain:
            return omegaconf_float(written)
    return written


def omegaconf_float(text: str) -> Any:
    """A plain scalar that PyYAML leaves a string: the float OmegaConf's resolver makes of it
    (`1e-1`), else the string."""
    if _OMEGACONF_FLOAT.match(text):
        try:
            return float(text.replace("_", ""))
        except ValueError:  # a sexagesimal float, which PyYAML has already read
            return text
    return text


def _text(document: Document, position: tuple[int, int, int, int]) -> str:
    line, column, end_line, end_column = position
    lines = document.text.splitlines()
    if line != end_line or line >= len(lines):
        return lines[line][column:] if line < len(lines) else ""
    return lines[line][column:end_column]


def passed(document: Document, path: Path, written: Any, depth: int = 0) -> Any:
    """What the constructor receives for the value at `path` (written as `written`)."""
    if depth > _DEPTH:
        return Unresolved(str(written), "its interpolations go round in a cycle")
    if isinstance(written, str):
        if written == MISSING:
            return Unresolved(written, "??? must be given when the job starts")
        if "${" in written:
            return _interpolated(document, path, written, depth)
        return omegaconf_scalar(document, path, written)
    if isinstance(written, datetime.date):
        return omegaconf_scalar(document, path, written)
    if isinstance(written, dict) and TARGET in written:
        return _built(document, path, written, depth)
    return written


def _interpolated(document: Document, path: Path, written: str, depth: int) -> Any:
    match = _INTERPOLATION.match(written)
    if match is None:
        return Unresolved(written, "only the job can resolve it")
    dots, key = match.groups()
    base: Path = path[: len(path) - len(dots)] if dots else ()
    target = (*base, *_parts(key))
    found, value = _lookup(document.data, target)
    if not found:
        return Unresolved(written, f"{key} is not in this file")
    return passed(document, target, value, depth + 1)


def _parts(key: str) -> list[Any]:
    parts: list[Any] = []
    for part in key.replace("[", ".").replace("]", "").split("."):
        if part:
            parts.append(int(part) if part.isdigit() else part)
    return parts


def _lookup(data: Any, path: Path) -> tuple[bool, Any]:
    node = data
    for part in path:
        if isinstance(node, dict) and part in node:
            node = node[part]
        elif isinstance(node, dict) and str(part) in node:
            node = node[str(part)]
        elif isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
            node = node[part]
        else:
            return False, None
    return True, node


def _built(document: Document, path: Path, written: dict[Any, Any], depth: int) -> Any:
    target = written[TARGET]
    if not isinstance(target, str) or target not in TENSOR_TARGETS:
        return Built(str(target))
    if "data" in written:
        origin: Path = (*path, "data")
    elif isinstance(written.get("_args_"), list) and written["_args_"]:
        origin = (*path, "_args_", 0)
    else:
        return Built(target)
    _, raw = _lookup(document.data, origin)
    values = _numbers(document, origin, raw, depth)
    typed = TENSOR_TARGETS[target]
    if values is None or (
        typed is not None and origin[-2:] == ("_args_", 0) and not isinstance(values, list)
    ):
        return Built(target)  # torch.FloatTensor(3): a size, and memory left as it was
    if "dtype" in written:
        return TensorValue(values, _dtype(written["dtype"]), origin, inferred=False)
    if typed is not None:
        return TensorValue(values, typed, origin, inferred=False)
    return TensorValue(values, inferred_dtype(values), origin)


def _numbers(document: Document, path: Path, written: Any, depth: int) -> Any:
    """The data of a tensor with every scalar as OmegaConf reads it; None when some entry is
    no number the file spells (an interpolation, a string)."""
    value = passed(document, path, written, depth)
    if isinstance(value, list):
        entries = [_numbers(document, (*path, i), item, depth) for i, item in enumerate(value)]
        return None if any(entry is None for entry in entries) else entries
    if isinstance(value, bool | int | float):
        return value
    return None


#: torch's aliases of its dtypes (`torch.float` is float32).
_ALIASES = {
    "float": "float32",
    "double": "float64",
    "half": "float16",
    "long": "int64",
    "int": "int32",
    "short": "int16",
}


def _dtype(written: Any) -> str | None:
    """`dtype: {_target_: hydra.utils.get_object, path: torch.float64}`: the dtype it names
    (`torch.float` is float32); None for any other spelling."""
    if isinstance(written, dict) and written.get(TARGET) == "hydra.utils.get_object":
        path = written.get("path")
        if isinstance(path, str) and path.startswith("torch."):
            name = path.removeprefix("torch.")
            return _ALIASES.get(name, name)
    return None


def inferred_dtype(values: Any) -> str:
    """torch.tensor's dtype for Python numbers: float32 if any is a float or there is none,
    bool if all are booleans, else int64."""
    flat = list(_flat(values))
    if not flat or any(isinstance(v, float) for v in flat):
        return "float32"
    if all(isinstance(v, bool) for v in flat):
        return "bool"
    return "int64"


def _flat(values: Any) -> Any:
    if isinstance(values, list):
        for value in values:
            yield from _flat(value)
    else:
        yield values


def _regular(values: Any, shape: tuple[int, ...]) -> bool:
    if not shape:
        return not isinstance(values, list)
    if not isinstance(values, list) or len(values) != shape[0]:
        return False
    return all(_regular(value, shape[1:]) for value in values)
