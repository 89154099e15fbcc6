"""Validate a document against the JSON Schema; one precise diagnostic per real problem."""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator, Mapping
from functools import cache
from typing import Any

from jsonschema import Draft202012Validator, ValidationError, validators
from jsonschema import _keywords as keywords

from losscfg.diagnostics import Diagnostic
from losscfg.document import Document
from losscfg.registry import Rule, find
from losscfg.rules.schema import (
    INVALID_CHOICE,
    NULL_PARAMETER,
    OUT_OF_RANGE,
    UNKNOWN_LOSS,
    UNKNOWN_PARAMETER,
    WRONG_TYPE,
)
from losscfg.rules.syntax import NOT_A_MAPPING
from losscfg.schema import SECTIONS, Catalogue, describe, inlined, schema
from losscfg.values import closest, dotted, kind, number_like, show, yaml_exponent, yaml_float

# The rule that owns an empty list, by parameter (an empty list is a length problem).
_LENGTH_RULES = {"weight": "LC201", "pos_weight": "LC202"}
_RANGE_KEYWORDS = ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum")
# When several keywords fail at one place, the first of these is the one worth reporting.
_PRIORITY = {"type": 0, "enum": 1, "additionalProperties": 2}


def _finite(check: Callable[..., Iterator[ValidationError]]) -> Callable[..., Any]:
    """A range keyword that also refuses NaN and infinity, which JSON Schema cannot express."""

    def finite_check(
        validator: Any, bound: Any, instance: Any, subschema: Any
    ) -> Iterator[ValidationError]:
        if validator.is_type(instance, "number") and not math.isfinite(instance):
            yield ValidationError(f"{instance!r} is not a finite number")
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


@cache
def validator() -> Any:
    """One validator per process, over the schema with its references inlined."""
    Validator = validators.extend(  # type: ignore[no-untyped-call]
        Draft202012Validator,
        {
            **{name: _finite(getattr(keywords, name)) for name in _RANGE_KEYWORDS},
            "x-no-fraction": _no_fraction,
        },
    )
    return Validator(inlined(schema()))


@cache
def _section_validators() -> dict[str, Any] | None:
    """A validator per section, when the schema's root only says that the document is a
    mapping and describes its sections: checking the sections one by one then gives exactly
    the errors of checking the document, and a section's verdict can be reused."""
    root = inlined(schema())
    described = {"$schema", "$id", "title", "description", "type", "properties"}
    if set(root) - described or root.get("type") != "object":
        return None
    Validator = type(validator())
    return {name: Validator(section) for name, section in root["properties"].items()}


# Verdicts on sections already seen (configs of one repository share most sections).
_VERDICTS: dict[tuple[str, str], list[ValidationError]] = {}
_VERDICTS_SIZE = 4096
_LONGEST_KEY = 10_000


def _errors(instance: Any) -> list[tuple[tuple[Any, ...], ValidationError]]:
    """Every schema error with its path in the document."""
    sections = _section_validators()
    if sections is None or not isinstance(instance, dict):
        return [(tuple(e.absolute_path), e) for e in validator().iter_errors(instance)]
    found = []
    for name, section_validator in sections.items():
        if name not in instance:
            continue
        value = instance[name]
        key = (name, repr(value))
        verdict = _VERDICTS.get(key) if len(key[1]) <= _LONGEST_KEY else None
        if verdict is None:
            verdict = list(section_validator.iter_errors(value))
            if len(key[1]) <= _LONGEST_KEY:
                if len(_VERDICTS) >= _VERDICTS_SIZE:
                    _VERDICTS.clear()
                _VERDICTS[key] = verdict
        found += [((name, *e.absolute_path), e) for e in verdict]
    return found


def schema_diagnostics(instance: Any, document: Document, catalogue: Catalogue) -> list[Diagnostic]:
    """The schema's verdict on `instance` (the document's data, loss name lower-cased)."""
    errors = sorted(
        _errors(instance), key=lambda pe: (len(pe[0]), _PRIORITY.get(str(pe[1].validator), 9))
    )
    found: dict[tuple[str, str], Diagnostic] = {}
    reported_paths: set[tuple[Any, ...]] = set()
    for path, error in errors:
        if any(path[: len(done)] == done for done in reported_paths):
            continue  # a problem inside a value already reported (a list that is a string)
        made = list(_diagnose(error, path, instance, document, catalogue))
        for diagnostic in made:
            found.setdefault((diagnostic.pointer or "", diagnostic.code), diagnostic)
        if made and error.validator != "additionalProperties":
            reported_paths.add(path)
    return list(found.values())


def _diagnose(
    error: ValidationError,
    path: tuple[Any, ...],
    instance: Any,
    document: Document,
    catalogue: Catalogue,
) -> Iterator[Diagnostic]:
    keyword = error.validator
    subschema = _subschema(error)
    where = dotted(path)
    value = error.instance
    if path == ("loss", "name"):
        value = document.data["loss"]["name"]  # as written, not lower-cased

    def at(rule: Rule, message: str, hint: str | None, *, key: bool = False) -> Diagnostic:
        return rule.diagnostic(
            message, span=document.span(path, key=key), hint=hint, pointer=document.pointer(path)
        )

    if keyword == "additionalProperties":
        yield from _unknown_parameters(error, path, document, catalogue)
    elif keyword == "type" and (not path or (len(path) == 1 and path[0] in SECTIONS)):
        yield _not_a_mapping(path, value, document)
    elif keyword == "type" and value is None:
        yield at(
            NULL_PARAMETER,
            f"{where} is null; expected {describe(subschema)}",
            _omit_hint(path, subschema, catalogue),
            key=True,
        )
    elif keyword == "type":
        yield at(WRONG_TYPE, *_wrong_type(where, value, subschema, path, document))
    elif keyword == "enum" and path == ("loss", "name"):
        yield at(UNKNOWN_LOSS, *_unknown_loss(value, catalogue))
    elif keyword == "enum":
        suggestion = (
            closest(value, map(str, subschema.get("enum", []))) if isinstance(value, str) else None
        )
        hint = (
            f"did you mean {suggestion!r}?"
            if suggestion
            else _omit_hint(path, subschema, catalogue)
        )
        yield at(INVALID_CHOICE, f"{where} is {show(value)}; expected {describe(subschema)}", hint)
    elif keyword in _RANGE_KEYWORDS:
        expected = describe(subschema)
        if isinstance(value, float) and not math.isfinite(value):
            expected = expected.replace("a number", "a finite number", 1)
            hint = "write a finite number: .nan and .inf make the loss NaN or infinite"
        else:
            hint = f"use {expected}"
        yield at(OUT_OF_RANGE, f"{where} is {show(value)}; expected {expected}", hint)
    elif keyword == "x-no-fraction" and isinstance(value, float):
        yield at(
            WRONG_TYPE,
            f"{where} is {show(value)}, a float; expected {describe(subschema)}: "
            f"{subschema[keyword]}",
            f"write {int(value)}",
        )
    elif keyword == "minItems":
        owner = find(_LENGTH_RULES.get(str(path[-1]), "")) if path else None
        yield at(
            owner or OUT_OF_RANGE,
            f"{where} is an empty list; expected {describe(subschema)}",
            f"give {path[-1]} its entries, or remove it" if path else None,
        )
    else:
        yield at(WRONG_TYPE, f"{where}: {error.message}", None)


def _subschema(error: ValidationError) -> dict[str, Any]:
    """The part of the schema whose keyword failed."""
    return dict(error.schema) if isinstance(error.schema, Mapping) else {}


def _not_a_mapping(path: tuple[Any, ...], value: Any, document: Document) -> Diagnostic:
    if not path:
        return NOT_A_MAPPING.diagnostic(
            f"the document is {kind(value)} ({show(value)}), not a mapping of sections",
            span=document.span(()),
            hint="a training config is a mapping: loss:, model:, dataset:, ...",
            pointer="",
        )
    section = path[0]
    shown = "has no value (null)" if value is None else f"is {kind(value)} ({show(value)})"
    return NOT_A_MAPPING.diagnostic(
        f"{section} {shown}; expected a mapping of keys",
        span=document.span(path, key=True),
        hint=(
            "write loss as a mapping (loss:, then an indented name: cross_entropy), "
            "or remove it for the defaults"
            if section == "loss"
            else f"write {section} as a mapping of indented keys, or remove it"
        ),
        pointer=document.pointer(path),
    )


def _wrong_type(
    where: str, value: Any, subschema: dict[str, Any], path: tuple[Any, ...], document: Document
) -> tuple[str, str | None]:
    expected = describe(subschema)
    wanted = subschema.get("type")
    node = document.node(path)
    tag = node.tag if node is not None else None
    number = number_like(value) if isinstance(value, str) else None
    if number is not None and wanted in ("number", "integer"):
        if node is not None and node.plain:
            message = (
                f"{where} is the string {value!r}, not a number: PyYAML (YAML 1.1) reads "
                "exponent notation as a number only with a dot and a signed exponent"
            )
            if wanted == "integer" and number.is_integer():
                return message, f"write {int(number)}"
            exponent = f" or {yaml_exponent(value)}" if "e" in value.lower() else ""
            return message, f"write {yaml_float(number)}{exponent}"
        return (
            f"{where} is the string {value!r} ({f'tagged {tag}' if tag else 'quoted'}); "
            f"expected {expected}",
            f"remove the tag {tag}" if tag else "remove the quotes",
        )
    if wanted == "boolean" and isinstance(value, str):
        return (
            f"{where} is the string {value!r}; expected {expected}",
            f"write true or false {f'without the tag {tag}' if tag else 'without quotes'}: "
            f"the trainer's bool({value!r}) is {bool(value)}",
        )
    if subschema.get("type") == "integer" and isinstance(value, float):
        return (
            f"{where} is {show(value)}; expected {expected}",
            f"write a whole number: the trainer's int() would silently make it {int(value)}"
            if math.isfinite(value)
            else "write a whole number",
        )
    if (
        subschema.get("type") == "array"
        and isinstance(value, (int, float))
        and not isinstance(value, bool)
    ):
        return (
            f"{where} is {show(value)} ({kind(value)}); expected {expected}",
            f"write a list: [{show(value)}]",
        )
    if "enum" in subschema:
        example = subschema.get("default", subschema["enum"][0])
        return (
            f"{where} is {show(value)} ({kind(value)}); expected {expected}",
            f"write one of the names as text: {path[-1]}: {example}",
        )
    return f"{where} is {show(value)} ({kind(value)}); expected {expected}", _type_hint(
        path, subschema
    )


def _type_hint(path: tuple[Any, ...], subschema: dict[str, Any]) -> str | None:
    """How to write a value of the expected type, for the key (or list entry) at `path`."""
    key = path[-1] if path else None
    wanted = subschema.get("type")
    if not isinstance(key, str):
        return "write a single number, such as 1.0" if wanted in ("number", "integer") else None
    if wanted == "boolean":
        return f"write {key}: true or {key}: false"
    if wanted in ("number", "integer"):
        example = subschema.get("default", subschema.get("minimum", 1))
        return f"write a single number, such as {key}: {example}"
    if wanted == "array":
        return f"write a list of numbers, such as {key}: [1.0, 2.0]"
    if wanted == "string":
        return f"write {key} as text"
    return None


def _unknown_loss(value: Any, catalogue: Catalogue) -> tuple[str, str | None]:
    names = ", ".join(catalogue.losses)
    if not isinstance(value, str):
        return (
            f"loss.name is {show(value)}; expected one of: {names}",
            "write the loss name as a string: name: cross_entropy",
        )
    aliases = {loss.torch_class.rsplit(".", 1)[-1]: name for name, loss in catalogue.losses.items()}
    suggestion = closest(value, catalogue.losses) or aliases.get(closest(value, aliases) or "")
    message = f"unknown loss {show(value)}; expected one of: {names}"
    return message, (f"did you mean {suggestion!r}?" if suggestion else "see `losscfg losses`")


def _unknown_parameters(
    error: ValidationError, path: tuple[Any, ...], document: Document, catalogue: Catalogue
) -> Iterator[Diagnostic]:
    section: dict[Any, Any] = error.instance if isinstance(error.instance, dict) else {}
    allowed = list(_subschema(error).get("properties", {}))
    named = "name" in section
    loss_name = str(section["name"]) if named else catalogue.default_loss
    for key in section:
        if key in allowed:
            continue
        key_path = (*path, key)
        shown = key if isinstance(key, str) else document.pointer(key_path).rsplit("/", 1)[-1]
        loss_words = f"loss {loss_name!r}" + ("" if named else " (the default: loss has no name)")
        message = f"unknown parameter {shown!r} for {loss_words}: the trainer silently drops it"
        takers = [name for name in catalogue.losses_taking(str(key)) if name != loss_name]
        parameters = [p for p in allowed if p != "name"]
        suggestion = closest(str(key), allowed) if isinstance(key, str) else None
        if takers:
            message = (
                f"{shown!r} is a parameter of {_either(takers)}, not of {loss_words}: "
                "the trainer silently drops it"
            )
            hint = f"remove {shown!r}, or switch to {_either(takers)} if that is the loss you want"
            if suggestion:
                hint += f" (or did you mean {suggestion!r}?)"
        elif suggestion:
            hint = f"did you mean {suggestion!r}?"
        elif not parameters:
            hint = f"remove {shown!r}: {loss_name} takes no parameters"
        else:
            hint = f"remove {shown!r}; {loss_name} takes: {', '.join(parameters)}"
        if not isinstance(key, str):
            hint += f" (YAML reads the key {shown} as {show(key)}: quote it if it is text)"
        yield UNKNOWN_PARAMETER.diagnostic(
            message,
            span=document.span(key_path, key=True),
            hint=hint,
            pointer=document.pointer(key_path),
        )


def _either(names: list[str]) -> str:
    quoted = [repr(name) for name in names]
    return quoted[0] if len(quoted) == 1 else ", ".join(quoted[:-1]) + " or " + quoted[-1]


def _omit_hint(path: tuple[Any, ...], subschema: dict[str, Any], catalogue: Catalogue) -> str:
    key = path[-1] if path else ""
    if path == ("loss", "name"):
        return f"omit name to get the default loss, {catalogue.default_loss}"
    if "default" in subschema:
        return f"omit {key} to get the default ({show(subschema['default'])})"
    return f"omit {key} to go without it"
