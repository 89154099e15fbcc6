"""Rules of the loss catalogue: names, parameters, types, ranges and choices.

Most are found by the JSON Schema (`losscfg.validation`); the `@explains` functions here word
each schema error as the finding of its rule.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping
from typing import Any

from losscfg.context import Context, Finding, SchemaError
from losscfg.diagnostics import Severity
from losscfg.registry import declare, explains, rule
from losscfg.schema import Catalogue, describe
from losscfg.values import closest, dotted, kind, number_like, show, yaml_exponent, yaml_float

UNKNOWN_LOSS = declare(
    "LC101",
    "unknown-loss",
    Severity.ERROR,
    """`loss.name` is not a loss the trainer knows.

    ## What it does
    Reports a `loss.name` that is not in the catalogue (`losscfg losses` lists it), and suggests
    the closest name; torch class names such as `CrossEntropyLoss` are recognised.

    ## Why is this bad?
    The trainer raises `ValueError: Unknown loss function: ...` when it builds the loss: the job
    fails after it waited in the queue.

    ## Example
    ```yaml
    loss:
      name: crossentropy
    ```

    ## Fix
    Use a name from `losscfg losses`:
    ```yaml
    loss:
      name: cross_entropy
    ```
    """,
)

UNKNOWN_PARAMETER = declare(
    "LC102",
    "unknown-parameter",
    Severity.ERROR,
    """A key in `loss` that this loss does not take.

    ## What it does
    Reports every key of `loss` besides `name` that the configured loss does not take, suggests
    the closest parameter it does take, or names the loss that takes the key
    ("`pos_weight` is a parameter of `bce_with_logits`").

    ## Why is this bad?
    The trainer passes only the documented parameters to torch and silently drops every other
    key: a misspelt `label_smothing` trains without label smoothing, and nothing says so.

    ## Example
    ```yaml
    loss:
      name: cross_entropy
      label_smothing: 0.1
    ```

    ## Fix
    Correct the spelling, or remove the key:
    ```yaml
    loss:
      name: cross_entropy
      label_smoothing: 0.1
    ```
    """,
)

WRONG_TYPE = declare(
    "LC103",
    "wrong-type",
    Severity.ERROR,
    """A value of the wrong type.

    ## What it does
    Reports a value whose type is not the one the schema gives for that key: a string where a
    number belongs, a number where a list belongs, a float where an integer belongs. A value
    such as `1e-3` is called out: PyYAML (YAML 1.1) reads exponent notation without a dot and a
    signed exponent as a string. A class count written as a float (`num_classes: 10.0`) is
    reported too, although JSON Schema counts 10.0 as an integer: the model is built with it
    as it is. Quoted values and values tagged `!!str` are strings, whatever they look like.

    ## Why is this bad?
    torch checks types only when the first batch runs (`argument 'label_smoothing' must be
    float, not str`), and some conversions of the trainer hide the mistake: `bool("false")` is
    True, `int(3.7)` is 3. A float layer size fails when the model is built:
    `nn.Linear(512, 10.0)` raises `TypeError: empty(): argument 'size' ... must be tuple of ints`.

    ## Example
    ```yaml
    loss:
      name: cross_entropy
      label_smoothing: 1e-1
    ```

    ## Fix
    Write the value in the expected type; for small numbers, use a dot and a signed exponent:
    ```yaml
    loss:
      name: cross_entropy
      label_smoothing: 0.1    # or 1.0e-1
    ```
    """,
)

OUT_OF_RANGE = declare(
    "LC104",
    "out-of-range",
    Severity.ERROR,
    """A number outside its range, or not finite.

    ## What it does
    Reports `label_smoothing` outside [0, 1], a negative `beta`, a negative class `weight`, a
    `pos_weight` that is not > 0, and any NaN (`.nan`) or infinite (`.inf`) value.

    ## Why is this bad?
    torch checks few of these, and late: `label_smoothing: -0.1` silently means no smoothing,
    a negative weight makes the loss meaningless, a NaN weight makes it NaN from the first step.

    ## Example
    ```yaml
    loss:
      name: cross_entropy
      label_smoothing: 1.5
    ```

    ## Fix
    Use a value inside the range that `losscfg losses` shows for the parameter.
    """,
)

INVALID_CHOICE = declare(
    "LC105",
    "invalid-choice",
    Severity.ERROR,
    """A value outside a fixed list of choices.

    ## What it does
    Reports a value that must be one of a few words and is not, such as `kl_div`'s `reduction`
    (one of `batchmean`, `sum`, `mean`, `none`).

    ## Why is this bad?
    torch checks it only in the first forward pass: `ValueError: avg is not a valid value for
    reduction`.

    ## Example
    ```yaml
    loss:
      name: kl_div
      reduction: avg
    ```

    ## Fix
    Use one of the listed choices (`batchmean` for the KL divergence).
    """,
)

NULL_PARAMETER = declare(
    "LC106",
    "null-parameter",
    Severity.ERROR,
    """A parameter written as `null` (or with no value).

    ## What it does
    Reports a key of `loss`, `model`, `dataset` or `amp` whose value is null: `~`, `null`, or
    nothing after the colon.

    ## Why is this bad?
    The trainer converts the value it is given: `ignore_index: null` becomes `int(None)`, which
    raises `TypeError` before training starts; `label_smoothing: null` fails the same way in
    `float(None)`. A null is never "the default".

    ## Example
    ```yaml
    loss:
      name: cross_entropy
      ignore_index: null
    ```

    ## Fix
    Omit the key to get the default:
    ```yaml
    loss:
      name: cross_entropy
    ```
    """,
)


@rule("LC107", "name-case", Severity.WARNING)
def name_case(ctx: Context) -> Iterator[Finding]:
    """`loss.name` matches a loss only after lower-casing.

    ## What it does
    Reports a loss name such as `Cross_Entropy` or `MSE` that the trainer accepts only because
    it lower-cases the name first.

    ## Why is this bad?
    It works, but other tools (the JSON Schema in an editor, a search for `cross_entropy`
    across configs) do not lower-case; one spelling per loss keeps configs greppable.

    ## Example
    ```yaml
    loss:
      name: Cross_Entropy
    ```

    ## Fix
    Write the canonical name:
    ```yaml
    loss:
      name: cross_entropy
    ```
    """
    written = ctx.loss.get("name")
    canonical = ctx.catalogue.canonical_name(written)
    if canonical is not None and written != canonical:
        yield Finding(
            ("loss", "name"),
            f"loss name {written!r} works only because the trainer lower-cases it",
            hint=f"write the canonical name: name: {canonical}",
        )


@rule("LC901", "default-loss", Severity.INFO)
def default_loss(ctx: Context) -> Iterator[Finding]:
    """The file has no `loss` section, or no `loss.name`: `cross_entropy` is used.

    ## What it does
    Notes a config that relies on the trainer's default loss, `cross_entropy`, either because it
    has no `loss` section or because `loss` has no `name`.

    ## Why is this bad?
    Nothing is wrong; the note makes the choice visible (`losscfg check -v`), since a loss that
    is not written down is easy to overlook when configs are copied for another task.

    ## Example
    ```yaml
    model:
      name: resnet20
    ```

    ## Fix
    Nothing to fix; to be explicit, write:
    ```yaml
    loss:
      name: cross_entropy
    ```
    """
    data = ctx.data
    default = ctx.catalogue.default_loss
    if "loss" not in data:
        if ctx.document.ok and isinstance(ctx.document.data, (dict, type(None))):
            yield Finding(
                (),
                f"no loss section: the trainer uses {default}",
                hint=f"to say so in the file, add loss: with name: {default}",
            )
    elif isinstance(data["loss"], dict) and "name" not in data["loss"]:
        yield Finding(
            ("loss",),
            f"loss has no name: the trainer uses {default}",
            hint=f"to say so in the file, add name: {default} under loss:",
            at_key=True,
        )


_RANGE_KEYWORDS = ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum")


def _as_written(error: SchemaError, ctx: Context) -> Any:
    """The value as the file spells it (the validator sees `loss.name` lower-cased)."""
    if error.path == ("loss", "name"):
        return ctx.loss.get("name")
    return error.value


@explains(NULL_PARAMETER, "type")
def _null(error: SchemaError, ctx: Context) -> Iterator[Finding]:
    if error.value is None and len(error.path) > 1:
        yield Finding(
            error.path,
            f"{dotted(error.path)} is null; expected {describe(error.subschema)}",
            omit_hint(error.path, error.subschema, ctx.catalogue),
            at_key=True,
        )


@explains(WRONG_TYPE, "type", fallback=True)
def _wrong_type(error: SchemaError, ctx: Context) -> Iterator[Finding]:
    message, hint = _wrong_type_words(error, ctx)
    yield Finding(error.path, message, hint)


@explains(WRONG_TYPE, "x-no-fraction")
def _float_count(error: SchemaError, ctx: Context) -> Iterator[Finding]:
    value = error.value
    if isinstance(value, float):
        yield Finding(
            error.path,
            f"{dotted(error.path)} is {show(value)}, a float; expected "
            f"{describe(error.subschema)}: {error.subschema['x-no-fraction']}",
            f"write {int(value)}",
        )


@explains(WRONG_TYPE, "*", fallback=True)
def _any_other(error: SchemaError, ctx: Context) -> Iterator[Finding]:
    yield Finding(error.path, f"{dotted(error.path)}: {error.message}")


@explains(UNKNOWN_LOSS, "enum")
def _unknown_loss(error: SchemaError, ctx: Context) -> Iterator[Finding]:
    if error.path != ("loss", "name"):
        return
    value = _as_written(error, ctx)
    known = ctx.catalogue
    names = ", ".join(known.losses)
    if not isinstance(value, str):
        yield Finding(
            error.path,
            f"loss.name is {show(value)}; expected one of: {names}",
            "write the loss name as a string: name: cross_entropy",
        )
        return
    aliases = {loss.torch_class.rsplit(".", 1)[-1]: name for name, loss in known.losses.items()}
    suggestion = closest(value, known.losses) or aliases.get(closest(value, aliases) or "")
    yield Finding(
        error.path,
        f"unknown loss {show(value)}; expected one of: {names}",
        f"did you mean {suggestion!r}?" if suggestion else "see `losscfg losses`",
    )


@explains(INVALID_CHOICE, "enum", fallback=True)
def _invalid_choice(error: SchemaError, ctx: Context) -> Iterator[Finding]:
    value, subschema = error.value, error.subschema
    suggestion = (
        closest(value, map(str, subschema.get("enum", []))) if isinstance(value, str) else None
    )
    yield Finding(
        error.path,
        f"{dotted(error.path)} is {show(value)}; expected {describe(subschema)}",
        f"did you mean {suggestion!r}?"
        if suggestion
        else omit_hint(error.path, subschema, ctx.catalogue),
    )


@explains(OUT_OF_RANGE, *_RANGE_KEYWORDS)
def _out_of_range(error: SchemaError, ctx: Context) -> Iterator[Finding]:
    value = error.value
    expected = describe(error.subschema)
    if isinstance(value, float) and not math.isfinite(value):
        expected = expected.replace("a number", "a finite number", 1)
        hint = "write a finite number: .nan and .inf make the loss NaN or infinite"
    else:
        hint = f"use {expected}"
    yield Finding(error.path, f"{dotted(error.path)} is {show(value)}; expected {expected}", hint)


@explains(OUT_OF_RANGE, "minItems", fallback=True)
def _too_few_items(error: SchemaError, ctx: Context) -> Iterator[Finding]:
    yield empty_list(error)


def empty_list(error: SchemaError) -> Finding:
    """An empty list where the schema wants entries."""
    key = error.path[-1] if error.path else "it"
    return Finding(
        error.path,
        f"{dotted(error.path)} is an empty list; expected {describe(error.subschema)}",
        f"give {key} its entries, or remove it",
    )


@explains(UNKNOWN_PARAMETER, "additionalProperties")
def _unknown_parameters(error: SchemaError, ctx: Context) -> Iterator[Finding]:
    section: Mapping[Any, Any] = error.value if isinstance(error.value, dict) else {}
    allowed = list(error.subschema.get("properties", {}))
    named = "name" in section
    known = ctx.catalogue
    loss_name = str(section["name"]) if named else known.default_loss
    for key in section:
        if key in allowed:
            continue
        key_path = (*error.path, key)
        shown = key if isinstance(key, str) else ctx.document.pointer(key_path).rsplit("/", 1)[-1]
        loss_words = f"loss {loss_name!r}" + ("" if named else " (the default: loss has no name)")
        message = f"unknown parameter {shown!r} for {loss_words}: the trainer silently drops it"
        takers = [name for name in known.losses_taking(str(key)) if name != loss_name]
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
        yield Finding(key_path, message, hint, at_key=True)


def _either(names: list[str]) -> str:
    quoted = [repr(name) for name in names]
    return quoted[0] if len(quoted) == 1 else ", ".join(quoted[:-1]) + " or " + quoted[-1]


def omit_hint(path: tuple[Any, ...], subschema: Mapping[str, Any], catalogue: Catalogue) -> str:
    key = path[-1] if path else ""
    if path == ("loss", "name"):
        return f"omit name to get the default loss, {catalogue.default_loss}"
    if "default" in subschema:
        return f"omit {key} to get the default ({show(subschema['default'])})"
    return f"omit {key} to go without it"


def _wrong_type_words(error: SchemaError, ctx: Context) -> tuple[str, str | None]:
    path, value, subschema = error.path, _as_written(error, ctx), error.subschema
    where = dotted(path)
    expected = describe(subschema)
    wanted = subschema.get("type")
    node = ctx.document.node(path)
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
    if wanted == "integer" and isinstance(value, float):
        return (
            f"{where} is {show(value)}; expected {expected}",
            f"write a whole number: the trainer's int() would silently make it {int(value)}"
            if math.isfinite(value)
            else "write a whole number",
        )
    if wanted == "array" and isinstance(value, (int, float)) and not isinstance(value, bool):
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


def _type_hint(path: tuple[Any, ...], subschema: Mapping[str, Any]) -> str | None:
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
