"""Validate a document against the JSON Schema: one `SchemaError` per real problem.

jsonschema reports a problem inside a value that is itself wrong (the entries of a `weight`
that is a string) and several keywords failing at one place; this keeps the one worth
reporting. Wording each error is the business of the rules (`@explains`).
"""

from __future__ import annotations

import math
import sys
from collections.abc import Callable, Iterator, Mapping
from functools import lru_cache
from typing import Any

from jsonschema import Draft202012Validator, ValidationError, validators
from jsonschema import _keywords as keywords

from losscfg.catalogue.schema import LossSchema, inlined
from losscfg.lint.context import SchemaError

_RANGE_KEYWORDS = ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum")
# When several keywords fail at one place, the first of these is the one worth reporting.
_PRIORITY = {"type": 0, "enum": 1, "additionalProperties": 2}


def _finite(check: Callable[..., Iterator[ValidationError]]) -> Callable[..., Any]:
    """A range keyword that also refuses NaN and infinity, which JSON Schema cannot express."""

    def finite_check(
        validator: Any, bound: Any, instance: Any, subschema: Any
    ) -> Iterator[ValidationError]:
        if isinstance(instance, float) and not math.isfinite(instance):
            yield ValidationError(f"{instance!r} is not a finite number")
            return
        if isinstance(instance, int) and abs(instance) > sys.float_info.max:
            yield ValidationError("too large for float()")  # float() raises OverflowError
            return
        yield from check(validator, bound, instance, subschema)

    return finite_check


def _no_fraction(
    validator: Any, reason: str, instance: Any, subschema: Any
) -> Iterator[ValidationError]:
    """`x-no-fraction`: an integer that must not be written as a float (JSON Schema takes
    10.0 as an integer; a value used without `int()` does not)."""
    if isinstance(instance, float) and instance.is_integer():
        yield ValidationError(f"{instance!r} is written as a float: {reason}")


INT64 = (-(2**63), 2**63 - 1)
FLOAT32_MAX = 3.4028234663852886e38  # larger values become inf in a float32 tensor
FLOAT32_TINIEST = 1.401298464324817e-45  # smaller non-zero values become 0


def _int64(validator: Any, on: bool, instance: Any, subschema: Any) -> Iterator[ValidationError]:
    """`x-int64`: an integer that torch takes as int64."""
    integer = on and isinstance(instance, int) and not isinstance(instance, bool)
    if integer and not INT64[0] <= instance <= INT64[1]:
        yield ValidationError(f"{instance} is outside torch's int64 range")


def _float32(validator: Any, on: bool, instance: Any, subschema: Any) -> Iterator[ValidationError]:
    """`x-float32`: a number that becomes a float32 tensor entry (inf, or 0, if it cannot)."""
    if not on or isinstance(instance, bool) or not isinstance(instance, (int, float)):
        return
    if isinstance(instance, int):  # compared exactly: an int may be beyond any float
        size: float | int = abs(instance)
    else:
        size = abs(instance) if math.isfinite(instance) else 0.0
    if size > FLOAT32_MAX:
        yield ValidationError(f"{instance} becomes inf in float32")
    elif 0 < size < FLOAT32_TINIEST:
        yield ValidationError(f"{instance} becomes 0 in float32")


_Validator = validators.extend(  # type: ignore[no-untyped-call]
    Draft202012Validator,
    {
        **{name: _finite(getattr(keywords, name)) for name in _RANGE_KEYWORDS},
        "x-no-fraction": _no_fraction,
        "x-int64": _int64,
        "x-float32": _float32,
    },
)


class Validators:
    """The validators of one schema: of the whole document, and of each section when the
    schema's root only says that the document is a mapping and describes its sections
    (checking the sections one by one then gives exactly the errors of the document, and a
    section's verdict can be reused across files)."""

    def __init__(self, schema: LossSchema) -> None:
        root = inlined(schema.document)
        self.document = _Validator(root)
        described = {"$schema", "$id", "title", "description", "type", "properties"}
        self.sections: dict[str, Any] | None = None
        facts = {key for key in root if key.startswith("x-")}  # losscfg's, no keyword
        if not set(root) - described - facts and root.get("type") == "object":
            self.sections = {
                name: _Validator(section) for name, section in root["properties"].items()
            }
        self.verdict = lru_cache(maxsize=4096)(self._section_verdict)

    def errors(self, instance: Any) -> list[tuple[tuple[Any, ...], ValidationError]]:
        """Every schema error with its path in the document."""
        if self.sections is None or not isinstance(instance, dict):
            return [(tuple(e.absolute_path), e) for e in self.document.iter_errors(instance)]
        found = []
        for name in self.sections:
            if name not in instance:
                continue
            value = instance[name]
            key = _frozen(value, _LARGEST_CACHED)
            verdict = (
                self.verdict(name, key)
                if key is not None
                else self._section_verdict(name, None, value)
            )
            found += [((name, *e.absolute_path), e) for e in verdict]
        return found

    def _section_verdict(
        self, name: str, key: Any, value: Any = None
    ) -> tuple[ValidationError, ...]:
        assert self.sections is not None
        return tuple(self.sections[name].iter_errors(_thawed(key) if value is None else value))


# Sections larger than this many values are validated each time instead of cached.
_LARGEST_CACHED = 2_000


def _frozen(value: Any, budget: int) -> Any:
    """A hashable key that tells apart every value YAML can give (1, 1.0 and True differ);
    None when the value holds more than `budget` values."""
    counter = [budget]

    def freeze(item: Any) -> Any:
        counter[0] -= 1
        if counter[0] < 0:
            raise _TooBig
        if isinstance(item, dict):
            return (dict, tuple((freeze(k), freeze(v)) for k, v in item.items()))
        if isinstance(item, list):
            return (list, tuple(freeze(v) for v in item))
        if isinstance(item, (set, frozenset)):
            return (set, frozenset(freeze(v) for v in item))
        if isinstance(item, tuple):
            return (tuple, tuple(freeze(v) for v in item))
        if isinstance(item, float) and math.isnan(item):
            return (float, "nan")  # NaN equals nothing, not even itself
        return (type(item), item)

    try:
        return freeze(value)
    except (_TooBig, TypeError):
        return None


def _thawed(key: Any) -> Any:
    kind, inner = key
    if kind is dict:
        return {_thawed(k): _thawed(v) for k, v in inner}
    if kind is list:
        return [_thawed(v) for v in inner]
    if kind is set:
        return {_thawed(v) for v in inner}
    if kind is tuple:
        return tuple(_thawed(v) for v in inner)
    if kind is float and inner == "nan":
        return math.nan
    return inner


class _TooBig(Exception):
    pass


@lru_cache(maxsize=8)
def validators_of(schema: LossSchema) -> Validators:
    return Validators(schema)


def schema_errors(instance: Any, schema: LossSchema) -> list[SchemaError]:
    """The schema's verdict on `instance` (the document's data as the trainer reads it): the
    shallowest problems first, none inside a value already found wrong."""
    errors = sorted(
        validators_of(schema).errors(instance),
        key=lambda pe: (len(pe[0]), _PRIORITY.get(str(pe[1].validator), 9)),
    )
    found: list[SchemaError] = []
    wrong_values: set[tuple[Any, ...]] = set()
    for path, error in errors:
        if any(path[:depth] in wrong_values for depth in range(len(path) + 1)):
            continue  # a problem inside a value already reported (a list that is a string)
        found.append(
            SchemaError(
                str(error.validator),
                path,
                error.instance,
                dict(error.schema) if isinstance(error.schema, Mapping) else {},
                error.message,
            )
        )
        if error.validator != "additionalProperties":
            wrong_values.add(path)
    return found
