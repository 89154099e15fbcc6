"""The arguments of a loss named by its torch.nn class (SPEC §15), as its builder (Hydra's
instantiate, jsonargparse's parser), its constructor and its first batch take them: the checks
that LC102–LC106 and LC108 run on Hydra's and LightningCLI's sites (on the framework's files
the same rules word the schema's errors, in `catalogue.py`)."""

from __future__ import annotations

import math
import re
from collections.abc import Iterator
from typing import Any

from losscfg.catalogue.schema import Parameter, describe, in_range
from losscfg.diagnostics import Severity
from losscfg.dialects.hydra import OWN_KEYS
from losscfg.dialects.hydra_values import Built, TensorValue, Unresolved, omegaconf_scalar
from losscfg.dialects.lightning import INIT_ARGS
from losscfg.dialects.lightning import OWN_KEYS as LIGHTNING_KEYS
from losscfg.dialects.names import HYDRA, LIGHTNING
from losscfg.dialects.site import LossSite
from losscfg.fix.remedies import (
    MoveEntry,
    Remedy,
    RemoveEntry,
    RenameKey,
    SetValue,
    safe,
    unsafe,
)
from losscfg.lint.context import FILE_KEYS, Context, Finding
from losscfg.load.values import closest, kind, number_like, quoted, show, sole_close, yaml_float


def unknown_arguments(ctx: Context) -> Iterator[Finding]:
    """Keys of a site that its class's constructor does not take; in a LightningCLI file also
    a key beside `class_path` that belongs under `init_args`."""
    for site in ctx.sites:
        assert site.spec is not None
        taken = list(site.spec.parameters)
        for key in site.written:
            if not isinstance(key, str) or key in OWN_KEYS or key in taken:
                continue
            name = _class_name(site)
            suggestion = closest(key, taken)
            sole = sole_close(key, taken)
            fix = None
            if sole is not None and sole not in site.written:
                fix = unsafe(f"rename {key} to {sole}", RenameKey(site.at(key), sole))
            yield Finding(
                site.at(key),
                f"unknown argument {quoted(key)} for {site.torch_class}: {_refusal(site, key)}",
                f"did you mean {suggestion!r}?"
                if suggestion
                else f"remove {key!r}; {name} takes: {', '.join(taken)}",
                at_key=True,
                fix=fix,
            )
        if site.dialect == LIGHTNING:
            yield from _beside_class_path(ctx, site)


def _refusal(site: LossSite, key: str) -> str:
    name = _class_name(site)
    if site.dialect == LIGHTNING and site.places and site.places[key][-1] == INIT_ARGS:
        return f"the parser refuses it (\"Option '{key}' is not accepted\")"
    return (
        f'{"instantiate" if site.dialect == HYDRA else "the build"} fails with "TypeError: '
        f"{name}.__init__() got an unexpected keyword argument '{key}'\""
    )


def _beside_class_path(ctx: Context, site: LossSite) -> Iterator[Finding]:
    mapping = _at(ctx.document.data, site.path)
    if not isinstance(mapping, dict):
        return
    assert site.spec is not None
    for key in mapping:
        if isinstance(key, str) and key not in LIGHTNING_KEYS:
            where = ".".join(map(str, site.path))
            yield Finding(
                (*site.path, key),
                f"{quoted(key)} is beside class_path, not under init_args: the parser refuses "
                f'it ("Parser key "{where}": ... Option \'class_path\' is not accepted")',
                f"move {key} under init_args"
                if key in site.spec.parameters
                else f"remove {key!r}, or move it under init_args",
                at_key=True,
                fix=unsafe(f"move {key} under init_args", MoveEntry(key, INIT_ARGS, site.path))
                if key in site.spec.parameters
                else None,
            )


def _at(data: Any, path: tuple[Any, ...]) -> Any:
    for part in path:
        data = data[part]
    return data


def invalid_choices(ctx: Context) -> Iterator[Finding]:
    """Arguments of a site outside their fixed choices (`reduction`, MultiMarginLoss's `p`)."""
    for site in ctx.sites:
        assert site.spec is not None
        for argument in sorted(site.arguments):
            choices = (
                site.spec.parameters[argument].schema.get("enum")
                if argument in site.spec.parameters
                else None
            )
            value = site.value(argument)
            if choices is None or isinstance(value, Unresolved):
                continue
            if _matches(value, choices) and (site.dialect != LIGHTNING or _typed(value, choices)):
                continue
            words = [str(choice) for choice in choices]
            sole = sole_close(value, words) if isinstance(value, str) else None
            suggestion = closest(value, words) if isinstance(value, str) else None
            yield _as_interpolated(
                Finding(
                    site.at(argument),
                    f"{argument} is {_via(site, argument)}{show(value)}; expected one of: "
                    f"{', '.join(words)}: "
                    f"{_class_name(site)} refuses it when it is built or first runs",
                    f"did you mean {suggestion!r}?"
                    if suggestion
                    else f"write one of: {', '.join(words)}",
                    fix=unsafe(
                        f"write {sole}", SetValue(site.at(argument), sole, sole, keep_quotes=True)
                    )
                    if sole is not None
                    else None,
                ),
                site,
                argument,
            )


def _via(site: LossSite, argument: str) -> str:
    """`${r}, which is ` where the value comes through an interpolation."""
    written = site.written.get(argument)
    return f"{written}, which is " if isinstance(written, str) and "${" in written else ""


def _typed(value: object, choices: list[object]) -> bool:
    """jsonargparse checks the annotation first: MultiMarginLoss's `p: int` refuses 2.0."""
    return any(type(value) is type(choice) for choice in choices)


def _matches(value: object, choices: list[object]) -> bool:
    """A choice, as torch compares it: a string exactly, a number by value (MultiMarginLoss
    takes `p: 2.0` for 2)."""
    if isinstance(value, str):
        return value in choices
    number = isinstance(value, int | float)
    return number and any(value == c for c in choices if not isinstance(c, str))


def _class_name(site: LossSite) -> str:
    return (site.torch_class or "").rsplit(".", 1)[-1]


#: The Python type torch names when it refuses a value (`must be float, not str`).
_HELD = {str: "str", bool: "bool", int: "int", float: "float", type(None): "NoneType"}
_TORCH_TYPE = {"number": "float", "integer": "int", "boolean": "bool", "array": "tuple"}
#: Strings whose YAML meaning is false: a class that tests the argument for truth takes them
#: as true.
_FALSE_WORDS = frozenset({"false", "no", "off", "n", "0", "0.0", ""})


def _judged(site: LossSite, argument: str) -> tuple[Parameter, Any] | None:
    """The parameter and the value the constructor receives, when its checks apply: a value
    the file gives (not `???`, an unresolved `${…}`, or a project's object), of an argument
    that is not a tensor, deprecated, or free."""
    assert site.spec is not None
    parameter = site.spec.parameters.get(argument)
    if parameter is None or parameter.is_tensor or parameter.replaced_by is not None:
        return None
    if parameter.schema.get("x-any") or "enum" in parameter.schema:  # enums: LC105's
        return None
    value = site.value(argument)
    if isinstance(value, Unresolved | Built | TensorValue):
        return None
    return parameter, value


def wrong_types(ctx: Context) -> Iterator[Finding]:
    """Arguments of a site whose value is not of the type the class takes (SPEC §15: a quoted
    number or boolean is an error under Hydra, which passes the string on)."""
    for site in ctx.sites:
        for argument in sorted(site.arguments):
            judged = _judged(site, argument)
            if judged is None:
                continue
            parameter, value = judged
            node = ctx.document.node(site.at(argument))
            plain = node is not None and node.plain
            finding = _type_finding(site, argument, parameter, value, plain=plain)
            if finding is not None:
                yield _as_interpolated(finding, site, argument)


def _as_interpolated(finding: Finding, site: LossSite, argument: str) -> Finding:
    """A finding on a value that `${…}` brings from elsewhere: its fix would write the value
    over the interpolation, so none is offered."""
    written = site.written.get(argument)
    if isinstance(written, str) and "${" in written:
        return finding._replace(fix=None)
    return finding


def _type_finding(
    site: LossSite, argument: str, parameter: Parameter, value: Any, *, plain: bool = False
) -> Finding | None:
    kinds = parameter.schema.get("type")
    kinds = kinds if isinstance(kinds, list) else [kinds]
    if value is None:
        return None  # LC106's
    if _of_kind(value, kinds):
        return None
    name = _class_name(site)
    written = site.written[argument]
    if site.dialect == LIGHTNING:
        return _unparsed(site, argument, parameter, kinds, value)
    if parameter.truthy:
        if not isinstance(value, str):
            return None
        meant_false = value.strip().lower() in _FALSE_WORDS
        return Finding(
            site.at(argument),
            f"{argument} is the string {quoted(value)}: {name} tests it for truth, so any "
            "string is true"
            + (f", and {argument} is on although the file says {value}" if meant_false else ""),
            f"write {argument}: {'false' if meant_false else 'true'}, without quotes",
            severity=None if meant_false else Severity.WARNING,
            fix=_unquoted(site, argument, not meant_false),
        )
    wanted = _TORCH_TYPE.get(str(kinds[0]), "a value")
    if isinstance(value, bool) and "number" in kinds:
        return Finding(
            site.at(argument),
            f"{argument} is the boolean {show(value)}: torch takes it as the number {int(value)}",
            f"write the number: {argument}: {float(value)}",
            severity=Severity.WARNING,
        )
    held = _held(value)
    spelled = _spelled(written, value, plain)
    message = (
        f"{argument} is {spelled}, not {describe(parameter.schema)}: "
        f"{name} refuses it when it is built or on the first batch "
        f"(\"argument '{argument}' must be {wanted}, not {held}\")"
    )
    return Finding(
        site.at(argument),
        message,
        _type_hint(argument, value, kinds),
        fix=_retyped(site, argument, value, kinds),
    )


#: The annotation jsonargparse names when it refuses a value.
_ANNOTATION = {"number": "float", "integer": "int", "boolean": "bool", "array": "tuple"}


def _unparsed(
    site: LossSite, argument: str, parameter: Parameter, kinds: list[Any], value: Any
) -> Finding:
    """A LightningCLI argument that jsonargparse refuses for its annotation (a string that
    spells no value of it, a boolean for a float, a float for an int)."""
    annotation = _ANNOTATION.get(str(kinds[0]), str(kinds[0]))
    return Finding(
        site.at(argument),
        f"{argument} is {kind(value)} {show(value)}, not {describe(parameter.schema)}: the parser "
        f'refuses it ("Parser key "{argument}": Expected a <class \'{annotation}\'>. Got '
        f'value: {value if isinstance(value, str) else repr(value)}")',
        _type_hint(argument, value, kinds),
        fix=_retyped(site, argument, value, kinds),
    )


def _of_kind(value: Any, kinds: list[Any]) -> bool:
    number = isinstance(value, int | float) and not isinstance(value, bool)
    held = {
        "number": number,
        "integer": number and isinstance(value, int),
        "boolean": isinstance(value, bool),
        "string": isinstance(value, str),
        "null": value is None,
        "array": isinstance(value, list),
    }
    return any(held.get(str(wanted), False) for wanted in kinds)


def _held(value: Any) -> str:
    if isinstance(value, list):
        return "ListConfig"
    if isinstance(value, dict):
        return "DictConfig"
    return _HELD.get(type(value), type(value).__name__)


def _spelled(written: Any, value: Any, plain: bool) -> str:
    """The value in words, saying how OmegaConf read it where PyYAML reads it otherwise."""
    if isinstance(written, str) and not isinstance(value, str):
        return f"{written}, which OmegaConf reads as the {type(value).__name__} {show(value)}"
    if isinstance(value, str) and number_like(value) is not None and plain:
        return f"{value} (OmegaConf reads it as a string, not a number)"
    if isinstance(value, str) and number_like(value) is not None:
        return f"the string {quoted(value)} (quoted, so not a number)"
    if isinstance(value, str) and value.strip().lower() in ("true", "false"):
        return f"the string {quoted(value)} (quoted, so not a boolean)"
    return f"{kind(value)} {show(value)}"


def _type_hint(argument: str, value: Any, kinds: list[Any]) -> str:
    if isinstance(value, str) and number_like(value) is not None:
        return f"write the number without quotes: {argument}: {value.strip()}"
    if isinstance(value, str) and value.strip().lower() in ("true", "false"):
        return f"write the boolean without quotes: {argument}: {value.strip().lower()}"
    if isinstance(value, float) and "integer" in kinds and value.is_integer():
        return f"write an integer: {argument}: {int(value)}"
    if isinstance(value, int) and "boolean" in kinds:
        return f"write a boolean: {argument}: {'true' if value else 'false'}"
    return f"write {_article(kinds)} for {argument}"


def _article(kinds: list[Any]) -> str:
    return describe({"type": kinds[0]})


def _retyped(site: LossSite, argument: str, value: Any, kinds: list[Any]) -> Remedy | None:
    """The one value the file means: a quoted number or boolean unquoted, an integral float
    as an integer, 0 or 1 as a boolean (safe: the value written, of the type torch takes)."""
    path = site.at(argument)
    if isinstance(value, str):
        text = value.strip()
        if "boolean" in kinds and text.lower() in ("true", "false"):
            return _unquoted(site, argument, text.lower() == "true")
        number = number_like(text)
        if number is None:
            return None
        if "integer" in kinds and number.is_integer() and re.fullmatch(r"[-+]?[0-9]+", text):
            return safe(
                f"write {argument}: {int(number)}", SetValue(path, int(number), str(int(number)))
            )
        if "number" in kinds and math.isfinite(number):
            spelling = yaml_float(number)
            return safe(f"write {argument}: {spelling}", SetValue(path, number, spelling))
        return None
    if (
        isinstance(value, float)
        and "integer" in kinds
        and value.is_integer()
        and abs(value) < 2**53
    ):
        return safe(f"write {argument}: {int(value)}", SetValue(path, int(value), str(int(value))))
    if type(value) is int and value in (0, 1) and "boolean" in kinds:
        word = "true" if value else "false"
        return safe(f"write {argument}: {word}", SetValue(path, bool(value), word))
    return None


def _unquoted(site: LossSite, argument: str, truth: bool) -> Remedy:
    word = "true" if truth else "false"
    return safe(f"write {argument}: {word}", SetValue(site.at(argument), truth, word))


def null_arguments(ctx: Context) -> Iterator[Finding]:
    """Arguments of a site that are null where the class takes no None (`ignore_index`)."""
    for site in ctx.sites:
        for argument in sorted(site.arguments):
            judged = _judged(site, argument)
            if judged is None or judged[1] is not None:
                continue
            parameter = judged[0]
            kinds = parameter.schema.get("type")
            if parameter.truthy or "null" in (kinds if isinstance(kinds, list) else [kinds]):
                continue
            wanted = _TORCH_TYPE.get(str(kinds), "a value")
            default = show(parameter.default)
            yield _as_interpolated(
                Finding(
                    site.at(argument),
                    f"{argument} is null: {_class_name(site)} takes "
                    f"{describe(parameter.schema)} and "
                    f'refuses None when it is built or on the first batch ("argument '
                    f"'{argument}' must be {wanted}, not NoneType\")",
                    f"remove {argument} for torch's default ({default}), or give a value",
                    fix=unsafe(
                        f"remove {argument} (torch's default: {default})",
                        RemoveEntry(site.at(argument)),
                    ),
                ),
                site,
                argument,
            )


def outside_range(ctx: Context) -> Iterator[Finding]:
    """Numbers of a site outside the range the class takes: an error where torch refuses it
    or trains on something else (a negative `label_smoothing` smooths nothing), a warning
    outside a range that torch does not enforce (`x-advised`); a tensor with a NaN or an
    infinite entry."""
    for site in ctx.sites:
        yield from _non_finite_tensors(site)
        for argument in sorted(site.arguments):
            judged = _judged(site, argument)
            if judged is None:
                continue
            parameter, value = judged
            if not _in_effect(site, parameter):
                continue
            kinds = parameter.schema.get("type")
            if _is_number(value) and _of_kind(value, kinds if isinstance(kinds, list) else [kinds]):
                finding = _range_finding(site, argument, parameter, value)
                yield from (
                    [finding]
                    if finding is not None
                    else _count_finding(ctx, site, argument, parameter, value)
                )
            elif isinstance(value, list) and isinstance(parameter.schema.get("items"), dict):
                yield from _item_ranges(site, argument, parameter.schema["items"], value)


def _non_finite_tensors(site: LossSite) -> Iterator[Finding]:
    assert site.spec is not None
    for argument in sorted(site.arguments):
        value = site.value(argument) if argument in site.spec.parameters else None
        if not isinstance(value, TensorValue):
            continue
        bad = [v for v in _entries(value.values) if isinstance(v, float) and not math.isfinite(v)]
        if bad:
            yield Finding(
                site.at(argument),
                f"{argument} holds {show(bad[0])}: the loss is NaN or infinite from the first "
                "batch, and so is every gradient",
                "write finite weights",
            )


def _entries(values: Any) -> Iterator[Any]:
    if isinstance(values, list):
        for value in values:
            yield from _entries(value)
    else:
        yield values


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _item_ranges(
    site: LossSite, argument: str, items: dict[str, Any], values: list[Any]
) -> Iterator[Finding]:
    """LinearCrossEntropyLoss's `out_features`: each entry in its range."""
    for index, value in enumerate(values):
        if _is_number(value) and not in_range(float(value), items):
            yield Finding(
                site.at(argument, index),
                f"{argument}[{index}] is {show(value)}; expected {describe(items)}: "
                f"{_class_name(site)} computes nothing over an empty dimension",
                f"write {describe(items)}",
            )


def _in_effect(site: LossSite, parameter: Parameter) -> bool:
    """False when the arguments it depends on (`x-only-with`) make it unused."""
    assert site.spec is not None
    for other, needed in parameter.only_with.items():
        value = (
            site.value(other) if other in site.arguments else site.spec.parameters[other].default
        )
        if value != needed:
            return False
    return True


def _range_finding(
    site: LossSite, argument: str, parameter: Parameter, value: float
) -> Finding | None:
    name = _class_name(site)
    if value == math.inf and parameter.takes_infinity:
        return None  # the max norm; a loss quadratic everywhere
    if math.isnan(value):
        return Finding(
            site.at(argument),
            f"{argument} is NaN: every comparison with it is false, so {name} skips what it "
            "guards or computes NaN, and trains on that",
            f"write a finite number ({describe(parameter.schema)})",
        )
    bounded = any(k in parameter.schema for k in ("minimum", "maximum", "exclusiveMinimum"))
    if math.isinf(value) and not bounded:
        return Finding(
            site.at(argument),
            f"{argument} is {show(value)}: with an infinite {argument}, {name} computes an "
            "infinite, constant or zero loss, and trains on that",
            f"write a finite number ({describe(parameter.schema)})",
        )
    if not in_range(value, parameter.schema):
        return Finding(
            site.at(argument),
            f"{argument} is {show(value)}; expected {describe(parameter.schema)}: "
            + _consequence(site, argument, value),
            f"write {describe(parameter.schema)}",
        )
    advised = parameter.advised
    if advised and not in_range(value, advised):
        bounds = {k: v for k, v in advised.items() if k != "why"}
        return Finding(
            site.at(argument),
            f"{argument} is {show(value)}, outside {describe({'type': 'number', **bounds})[9:]}: "
            f"{name} trains, but {advised.get('why', 'the value makes no sense')}",
            f"write {describe({'type': 'number', **bounds})}",
            severity=Severity.WARNING,
        )
    return None


def _count_finding(
    ctx: Context, site: LossSite, argument: str, parameter: Parameter, value: float
) -> Iterator[Finding]:
    """An index that must name one of the classes (CTCLoss's `blank`), against the count."""
    count = ctx.class_count_of(site) if parameter.below_class_count else None
    if count is None or value < count.value:
        return
    yield Finding(
        site.at(argument),
        f"{argument} is {show(value)}, but there are {count.value} classes ({count.origin}): "
        f"{_class_name(site)} fails on the first batch with '{argument} must be in label range'",
        f"write an index below {count.value} (the blank is usually 0)",
        severity=Severity.WARNING if count.source == FILE_KEYS else None,
    )


def _consequence(site: LossSite, argument: str, value: float) -> str:
    if math.isinf(value):
        return f"{_class_name(site)} refuses it, or trains on a constant, zero or infinite loss"
    if argument == "label_smoothing" and value < 0:
        return "torch smooths only when it is above 0, so the loss is plain cross-entropy"
    return f"{_class_name(site)} refuses it when it is built or on the first batch"


def coerced_strings(ctx: Context) -> Iterator[Finding]:
    """LightningCLI arguments written as a string that jsonargparse converts to exactly the
    value it spells (`'0.1'` is 0.1, `'false'` False): it trains, but other tools see text."""
    for site in ctx.sites:
        if site.dialect != LIGHTNING:
            continue
        for argument in sorted(site.arguments):
            judged = _judged(site, argument)
            written = site.written[argument]
            if judged is None or not isinstance(written, str) or isinstance(judged[1], str):
                continue
            value = judged[1]
            if "${" in written or not isinstance(value, bool | int | float):
                continue
            if not isinstance(omegaconf_scalar(ctx.document, site.at(argument), written), str):
                continue  # a plain 1e-1: jsonargparse's loader reads the float itself
            spelling = _spelling(value)
            yield Finding(
                site.at(argument),
                f"{argument} is the string {quoted(written)}: jsonargparse converts it to "
                f"{spelling}, so it trains, but a YAML reader, an editor and the schema see a "
                "string",
                f"write {argument}: {spelling}",
                fix=safe(
                    f"write {argument}: {spelling}", SetValue(site.at(argument), value, spelling)
                ),
            )


def _spelling(value: bool | int | float) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return yaml_float(value) if isinstance(value, float) else str(value)
