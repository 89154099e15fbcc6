"""Rules of the loss catalogue: names, parameters, types, ranges and choices.

Most are found by the JSON Schema (`losscfg.lint.validation`); the `@explains` functions here word
each schema error as the finding of its rule.
"""

from __future__ import annotations

import math
import sys
from collections.abc import Iterator, Mapping
from typing import Any

from losscfg.catalogue.schema import (
    BOOL,
    FLOAT,
    INT,
    TENSOR,
    TRUTH,
    Catalogue,
    conversion,
    describe,
    ignored,
    in_range,
)
from losscfg.diagnostics import Severity
from losscfg.dialects.conversions import Converted, convert
from losscfg.dialects.names import FAT, HYDRA, LIGHTNING
from losscfg.fix.remedies import (
    MoveEntry,
    Remedy,
    RemoveEntry,
    RenameKey,
    SetValue,
    reads_as,
    safe,
    unsafe,
)
from losscfg.lint.context import Context, Finding, SchemaError
from losscfg.lint.registry import declare, explains, rule
from losscfg.lint.rules.arguments import (
    coerced_strings,
    invalid_choices,
    null_arguments,
    outside_range,
    unknown_arguments,
    wrong_types,
)
from losscfg.load.values import (
    closest,
    dotted,
    kind,
    number_like,
    quoted,
    show,
    sole_close,
    yaml_exponent,
    yaml_float,
)

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

    With `--fix --unsafe-fixes`, a name with exactly one close loss is replaced by it (an unsafe
    fix: another loss trains than the file said).
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

    With `--fix --unsafe-fixes`, a key with exactly one close parameter of the loss is renamed
    to it (an unsafe fix: the parameter then applies).

    ## In a Hydra file
    A key of a `_target_: torch.nn.…` mapping (besides Hydra's own `_args_`, `_partial_`,
    `_convert_`, `_recursive_`) that the class's constructor does not take: instantiate fails,
    `TypeError: CrossEntropyLoss.__init__() got an unexpected keyword argument 'weigth'`.

    ## In a LightningCLI file
    A key of `init_args` the class does not take is refused by the parser (`Option 'weigth'
    is not accepted`); one of `dict_kwargs` fails when the class is built. An argument written
    beside `class_path` instead of under `init_args` is refused too (`Parser key
    "model.criterion": ...`): `--fix --unsafe-fixes` moves it under `init_args` (unsafe: the
    argument then reaches the class, and changes what trains).
    """,
)._replace(check=unknown_arguments, dialects=frozenset({HYDRA, LIGHTNING}))

WRONG_TYPE = declare(
    "LC103",
    "wrong-type",
    Severity.ERROR,
    """A value of the wrong type that the trainer cannot convert, or converts to another value.

    ## What it does
    Reports a value whose type is not the one the schema gives for that key, unless the
    trainer's own conversion (`float()`, `int()`, `bool()`) turns it into exactly the value it
    spells (that is LC108, a warning): a string that is no number where a number belongs
    (`label_smoothing: "0,1"`), a list of strings for `weight`, a number where a list belongs,
    a float where an integer belongs (`ignore_index: 1.5`), the string "false" where a boolean
    belongs, and a class count written as a float or a string (`model.num_classes: "10"`).

    ## Why is this bad?
    Some values crash the trainer: `int("1e3")` raises `ValueError`, `torch.tensor(["1.0"])`
    raises `TypeError: new(): invalid data type 'str'`, `nn.Linear(512, "10")` fails when the
    model is built. Others train something else than the file says, silently: `int(1.5)` is 1,
    `bool("false")` is True (so `log_target: "false"` trains with log targets), and the
    trainer tests `amp.enabled` for truthiness, so `amp.enabled: "false"` turns AMP on.

    ## Example
    ```yaml
    loss:
      name: cross_entropy
      ignore_index: 1.5
    ```

    ## Fix
    Write the value in the expected type, as the hint shows:
    ```yaml
    loss:
      name: cross_entropy
      ignore_index: 1
    ```

    ## In a Hydra file
    Hydra passes a value to the class's constructor as OmegaConf reads it, with no
    conversion, and torch refuses a value of another type when the loss is built or on the
    first batch: `label_smoothing: '0.1'` (quoted: a string) fails with `cross_entropy_loss():
    argument 'label_smoothing' (position 6) must be float, not str`, `log_target: 'false'` and
    `log_target: 1` with `must be bool`, `ignore_index: 2.0` (and `1e2`, which OmegaConf reads
    as the float 100.0) with `must be int, not float`. A boolean where a number belongs is a
    warning (torch takes `true` as 1). Where the class tests a boolean for truth in Python
    (GaussianNLLLoss's `full`, TripletMarginWithDistanceLoss's `swap`, LinearCrossEntropyLoss's
    `bias`), any value passes and every string is true: `full: 'false'` is an error (it turns
    `full` on), `full: 'true'` a warning. `--fix` unquotes a quoted number or boolean, writes
    `2.0` as `2` and `0`/`1` as `false`/`true` where torch wants an integer or a boolean (safe
    fixes: the value the file spells, in the type torch takes).

    ## In a LightningCLI file
    jsonargparse parses each value against the constructor's annotation before anything is
    built. A string that spells a value of the type is converted (LC108, a warning); what it
    cannot take is refused with `Parser key "label_smoothing": Expected a <class 'float'>. Got
    value: True`: a boolean or a list for a float, a float for an int (`ignore_index: 2.0`, or
    `'1e2'`), 0 or 1 for a bool, a string that is no value of the type.
    """,
)._replace(check=wrong_types, dialects=frozenset({HYDRA, LIGHTNING}))


@rule("LC104", "out-of-range", Severity.ERROR, dialects=(FAT, HYDRA, LIGHTNING))
def out_of_range(ctx: Context) -> Iterator[Finding]:
    """A number outside its range, or not finite.

    ## What it does
    Reports `label_smoothing` outside [0, 1], a negative `beta`, a negative class `weight`, a
    `pos_weight` that is not > 0, and any NaN (`.nan`) or infinite (`.inf`) value; also for a
    number written as a string that the trainer converts (`label_smoothing: -.1` is the string
    "-.1", which `float()` makes -0.1), an integer outside torch's int64 range
    (`ignore_index`, `model.num_classes`), and a weight that the float32 tensor torch makes of
    it holds as inf (over 3.4e+38) or 0 (under 1.4e-45).

    ## Why is this bad?
    torch checks few of these, and late: `label_smoothing: -0.1` (and a NaN) silently means no
    smoothing, `label_smoothing: 1.5` fails on the first batch, a negative weight makes the loss
    meaningless, a NaN weight makes it NaN from the first step.

    ## Example
    ```yaml
    loss:
      name: cross_entropy
      label_smoothing: 1.5
    ```

    ## Fix
    Use a value inside the range that `losscfg losses` shows for the parameter.

    ## In a Hydra file
    The ranges of each torch.nn class's arguments (`losscfg losses` shows them), checked on
    the value the constructor receives (an interpolation resolved within the file): an error
    where torch refuses it (`label_smoothing: 1.5`, SmoothL1Loss's negative `beta`,
    HuberLoss's `delta: 0`, TripletMarginLoss's `margin: 0`, CTCLoss's negative `blank`) or
    trains on something else (a negative `label_smoothing` smooths nothing; TripletMarginLoss's
    `p` below 1 is no norm; a NaN or infinite argument); a warning outside a range that torch
    does not enforce but that makes no sense (CosineEmbeddingLoss's `margin` outside [-1, 1],
    an `eps` of 0 or below).
    """
    if ctx.dialect != FAT:
        yield from outside_range(ctx)
        return
    for error in ctx.schema_errors:
        converted = _coerced(error, ctx)
        number = converted.value if converted is not None else None
        if (
            isinstance(number, (int, float))
            and not isinstance(number, bool)
            and not in_range(number, error.subschema)
        ):
            yield Finding(
                error.path,
                f"{dotted(error.path)} is {show(error.value)}, which the trainer's "
                f"{conversion(error.subschema)}() makes {show(number)}; expected "
                f"{_finite_words(number, error.subschema)}",
                _range_hint(number, error.subschema),
            )


COERCED_STRING = declare(
    "LC108",
    "coerced-string",
    Severity.WARNING,
    """A value of the wrong type that the trainer converts to exactly what it spells.

    ## What it does
    Reports a string where a number or a boolean belongs that the trainer's `float()`,
    `int()` or `bool()` (or its truthiness test of `amp.enabled`) turns into the value it
    spells: `label_smoothing: 1e-1` (PyYAML, which reads YAML 1.1, reads exponent notation
    without a dot and a signed exponent as a string), `label_smoothing: "0.1"`,
    `ignore_index: "5"`, `log_target: "true"`, `amp.enabled: "true"`, and the numbers 0 and 1
    for a boolean. If the converted number is out of range, LC104 fires too.

    ## Why is this bad?
    It trains as written: the framework's factory calls `float(loss_config["label_smoothing"])`.
    But the JSON Schema, editors (yaml-language-server reads YAML 1.2, where `1e-1` is a
    number), `yaml.safe_load` in any other script, and the next reader see a string, and the
    same spelling breaks where no conversion is made (`"false"` is true).

    ## Example
    ```yaml
    loss:
      name: cross_entropy
      label_smoothing: 1e-1
    ```

    ## Fix
    Write the number (or true/false) itself, as the hint shows:
    ```yaml
    loss:
      name: cross_entropy
      label_smoothing: 0.1    # or 1.0e-1
    ```

    `--fix` writes the number (or true/false) in the shortest spelling PyYAML reads as that
    value (a safe fix: the trainer gets the same value).

    ## In a LightningCLI file
    jsonargparse converts a string to the argument's annotated type before anything is built:
    `label_smoothing: '0.1'` is 0.1 and `log_target: 'false'` False, so it trains; the warning
    says that other readers see a string. `--fix` writes the value (a safe fix). (In a Hydra
    file the string reaches torch, which refuses it: LC103, an error.)
    """,
)._replace(check=coerced_strings, dialects=frozenset({LIGHTNING}))

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

    With `--fix --unsafe-fixes`, a value with exactly one close choice is replaced by it (an
    unsafe fix).

    ## In a Hydra file
    The same for the arguments of a `_target_: torch.nn.…` class: `reduction: mean_` builds,
    and the first batch fails with `ValueError: mean_ is not a valid value for reduction`.
    """,
)._replace(check=invalid_choices, dialects=frozenset({HYDRA, LIGHTNING}))

NULL_PARAMETER = declare(
    "LC106",
    "null-parameter",
    Severity.ERROR,
    """A parameter written as `null` (or with no value).

    ## What it does
    Reports a key of `loss`, `model`, `dataset` or `amp` whose value is null: `~`, `null`, or
    nothing after the colon. It is an error where the trainer fails on it, and a warning where
    it reads null as false (`log_target`, `amp.enabled`) or never reads the key.

    ## Why is this bad?
    The trainer converts the value it is given: `ignore_index: null` becomes `int(None)`, which
    raises `TypeError` before training starts; `label_smoothing: null` fails the same way in
    `float(None)`, and `reduction: null` on the first batch. A null is never "the default".

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

    `--fix` removes a null loss parameter or AMP setting, so that its default applies (a safe
    fix), keeping a comment on its line; not when it is the only key of its section.

    ## In a Hydra file
    Hydra passes `None` to the constructor, and torch refuses it where the class takes no
    None: `ignore_index: null` fails on the first batch with `cross_entropy_loss(): argument
    'ignore_index' (position 5) must be int, not NoneType` (LinearCrossEntropyLoss takes a
    null `ignore_index`: no finding). `--fix` removes the argument, so that torch's default
    applies, as for the framework's files.
    """,
)._replace(check=null_arguments, dialects=frozenset({HYDRA, LIGHTNING}))


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

    `--fix` writes the canonical name, in the same quotes (a safe fix: the trainer builds the
    same loss).
    """
    written = ctx.loss.get("name")
    canonical = ctx.catalogue.canonical_name(written)
    if canonical is not None and written != canonical:
        yield Finding(
            ("loss", "name"),
            f"loss name {written!r} works only because the trainer lower-cases it",
            hint=f"write the canonical name: name: {canonical}",
            fix=safe(
                f"write name: {canonical}",
                SetValue(("loss", "name"), canonical, canonical, keep_quotes=True),
            ),
        )


@rule("LC109", "misplaced-parameter", Severity.WARNING)
def misplaced_parameter(ctx: Context) -> Iterator[Finding]:
    """A loss parameter written at the top level of the config, not under `loss:`.

    ## What it does
    Reports a top-level key that is a parameter of some loss (`label_smoothing`, `weight`,
    `ignore_index`, `beta`, `pos_weight`, `reduction`, `log_target`): usually a line indented
    one level too little. The hint names the loss that takes it when the configured loss does
    not.

    ## Why is this bad?
    The trainer reads loss parameters only from `config["loss"]`; a key beside the sections is
    ignored, and the loss trains with its default instead, without a word.

    ## Example
    ```yaml
    loss:
      name: cross_entropy
    label_smoothing: 0.1
    ```

    ## Fix
    Indent it under `loss:`:
    ```yaml
    loss:
      name: cross_entropy
      label_smoothing: 0.1
    ```

    With `--fix --unsafe-fixes`, the line moves under `loss:` when the configured loss takes the
    parameter (an unsafe fix: the parameter then applies).
    """
    configured = ctx.loss_name
    for key in ctx.data:
        if not isinstance(key, str) or key == "name":
            continue
        takers = ctx.catalogue.losses_taking(key)
        if not takers:
            continue
        fix = None
        if configured in takers:
            hint = f"move it under loss: (indent it like name:), where {configured} takes it"
            fix = unsafe("move it under loss:", MoveEntry(key, "loss"))
        else:
            hint = (
                f"move it under loss:, where {_either(takers)} takes it (the configured loss, "
                f"{configured or 'unknown'}, does not)"
            )
        yield Finding(
            (key,),
            f"{quoted(key)} is a loss parameter written at the top level: the trainer reads loss "
            "parameters only under loss:, and ignores it",
            hint,
            at_key=True,
            fix=fix,
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
        if ctx.document.ok and isinstance(ctx.document.data, dict):
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
    if error.value is not None or len(error.path) < 2:
        return
    message = f"{dotted(error.path)} is null; expected {describe(error.subschema)}"
    if conversion(error.subschema) in (BOOL, TRUTH):
        key = error.path[-1]
        yield Finding(
            error.path,
            f"{message}: the trainer reads null as false, which is the default",
            f"omit {key} (false is the default), or write {key}: false",
            severity=Severity.WARNING,
            at_key=True,
            fix=_omit(error.path),
        )
        return
    yield Finding(
        error.path,
        message,
        omit_hint(error.path, error.subschema, ctx.catalogue),
        at_key=True,
        fix=_omit(error.path),
    )


def _omit(path: tuple[Any, ...]) -> Remedy | None:
    """LC106's fix: a null loss parameter or AMP setting goes, and its default applies."""
    if path[0] in ("loss", "amp") and len(path) == 2 and isinstance(path[-1], str):
        return safe(f"remove {path[-1]}: its default applies", RemoveEntry(path))
    return None


@explains(COERCED_STRING, "type")
def _coerced_string(error: SchemaError, ctx: Context) -> Iterator[Finding]:
    converted = _coerced(error, ctx)
    if converted is not None:
        message, hint = _coerced_words(error, ctx, converted)
        yield Finding(error.path, message, hint, fix=_coerced_fix(error, ctx, converted))


def _coerced_fix(error: SchemaError, ctx: Context, converted: Converted) -> Remedy | None:
    """LC108's fix: the value the trainer makes of the string, in the spelling closest to the
    file's that PyYAML reads as that value."""
    path, how, written = error.path, conversion(error.subschema), _as_written(error, ctx)
    value = converted.value
    if how in (BOOL, TRUTH):
        spelling = "true" if value else "false"
        return safe(f"write {path[-1]}: {spelling}", SetValue(path, bool(value), spelling))
    if not in_range(value, error.subschema):
        return None
    if how == INT:
        return safe(f"write {int(value)}", SetValue(path, int(value), str(int(value))))
    spellings = [yaml_float(value)]
    if isinstance(written, str) and "e" in written.lower():
        spellings.append(yaml_exponent(written.strip()))  # the file's own digits, if shorter
    spelling = min((s for s in spellings if reads_as(s, float(value))), key=len)
    return safe(f"write {spelling}", SetValue(path, float(value), spelling))


def _coerced(error: SchemaError, ctx: Context) -> Converted | None:
    """What the trainer makes of a value of the wrong type, when that is what it spells."""
    if error.keyword != "type" or error.value is None or len(error.path) < 2:
        return None
    how = conversion(error.subschema)
    if how is None or how == TENSOR:
        return None
    converted = convert(_as_written(error, ctx), how)
    return converted if converted is not None and converted.as_spelled else None


def _coerced_words(error: SchemaError, ctx: Context, converted: Converted) -> tuple[str, str]:
    path, value, subschema = error.path, _as_written(error, ctx), error.subschema
    where, key, how = dotted(path), path[-1], conversion(subschema)
    node = ctx.document.node(path)
    tag = node.tag if node is not None else None
    if how in (BOOL, TRUTH):
        spelled = "true" if converted.value else "false"
        what = f"the string {value!r}" if isinstance(value, str) else f"the number {show(value)}"
        test = "tests it for truthiness" if how == TRUTH else f"calls bool({show(value)})"
        hint = f"write {key}: {spelled}"
        if isinstance(value, str):
            hint += f" without the tag {tag}" if tag else " without quotes"
            if how == TRUTH:
                hint += (
                    " (the trainer tests truthiness: any non-empty string, even 'false', is true)"
                )
        return (
            f"{where} is {what}: the trainer {test}, which gives {spelled}, as meant, but the "
            "schema, editors and other readers see no boolean",
            hint,
        )
    number = converted.value
    made = f"the trainer's {how}() makes it {show(number)}"
    if node is not None and node.plain and isinstance(value, str):
        why = _why_a_string(value)
        message = f"{where} is the string {value!r}, not a number: {why}; {made}"
    else:
        written = f"tagged {tag}" if tag else "quoted"
        message = f"{where} is the string {value!r} ({written}); {made}, but the schema, editors "
        message += "and other readers see a string"
    if not in_range(number, subschema):
        return message, f"write {describe(subschema)} (this value is out of range: LC104)"
    spelling = str(int(number)) if how == INT else yaml_float(number)
    if "e" in value.lower() and how == FLOAT:
        exponent = yaml_exponent(value.strip())
        if exponent != spelling:
            spelling += f" or {exponent}"
    if node is not None and not node.plain:
        spelling += f" without the tag {tag}" if tag else " without quotes"
    return message, f"write {spelling}"


def _why_a_string(text: str) -> str:
    """Why PyYAML (YAML 1.1) reads a number-like plain scalar as a string."""
    body = text.strip().lstrip("+-")
    if body.startswith(".") and text.strip()[:1] in "+-":
        return "PyYAML (YAML 1.1) reads a number with a leading dot only without a sign"
    if "e" in body.lower():
        return (
            "PyYAML (YAML 1.1) reads exponent notation as a number only with a dot and a "
            "signed exponent"
        )
    return "PyYAML (YAML 1.1) does not read this spelling as a number"


@explains(WRONG_TYPE, "type", fallback=True)
def _wrong_type(error: SchemaError, ctx: Context) -> Iterator[Finding]:
    if error.path and isinstance(error.path[-1], int):
        key = ("wrong entries", error.path[:-1])
        if key not in ctx.memo:  # one finding for the list, made once, not one per entry
            ctx.memo[key] = _wrong_entries(error.path[:-1], ctx)
        yield ctx.memo[key]
        return
    message, hint = _wrong_type_words(error, ctx)
    yield Finding(error.path, message, hint)


def _wrong_entries(path: tuple[Any, ...], ctx: Context) -> Finding:
    """One finding for a list whose entries are not all numbers (not one per entry), at the
    first entry that is not a number."""
    node: Any = ctx.data
    for part in path:
        node = node[part]
    entries: list[Any] = list(node)
    at = [
        i for i, v in enumerate(entries) if isinstance(v, bool) or not isinstance(v, (int, float))
    ]
    wrong = [entries[i] for i in at]
    where = dotted(path)
    one = len(wrong) == 1
    seen = (
        f"{show(wrong[0])} at index {at[0]}"
        if one
        else f"{show(wrong)}, the first at index {at[0]}"
    )
    message = (
        f"{where} holds {len(wrong)} {'entry' if one else 'entries'} that "
        f"{'is not a number' if one else 'are not numbers'} ({seen}); expected a list of "
        "numbers, which the trainer's torch.tensor() makes a tensor of"
    )
    path = (*path, at[0])
    numbers = [
        number_like(v) if isinstance(v, str) else v
        for v in entries
        if not isinstance(v, bool) and isinstance(v, (int, float, str))
    ]
    if len(numbers) == len(entries) and all(n is not None for n in numbers):
        written = ", ".join(yaml_float(float(n)) for n in numbers if n is not None)
        if len(written) <= 80:
            return Finding(path, message, f"write the numbers: [{written}]")
    return Finding(path, message, "write every entry as a number, such as 1.0")


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
    sole = sole_close(value, known.losses) or aliases.get(sole_close(value, aliases) or "")
    yield Finding(
        error.path,
        f"unknown loss {show(value)}; expected one of: {names}",
        f"did you mean {suggestion!r}?" if suggestion else "see `losscfg losses`",
        fix=unsafe(f"write name: {sole}", SetValue(error.path, sole, sole, keep_quotes=True))
        if sole
        else None,
    )


@explains(INVALID_CHOICE, "enum", fallback=True)
def _invalid_choice(error: SchemaError, ctx: Context) -> Iterator[Finding]:
    value, subschema = error.value, error.subschema
    fails = set(map(str, subschema.get("x-non-scalar", [])))
    choices = [str(choice) for choice in subschema.get("enum", []) if str(choice) not in fails]
    suggestion = closest(value, choices) if isinstance(value, str) else None
    sole = sole_close(value, choices) if isinstance(value, str) else None
    yield Finding(
        error.path,
        f"{dotted(error.path)} is {show(value)}; expected {describe(subschema)}",
        f"did you mean {suggestion!r}?"
        if suggestion
        else omit_hint(error.path, subschema, ctx.catalogue),
        fix=unsafe(f"write {sole}", SetValue(error.path, sole, sole, keep_quotes=True))
        if sole
        else None,
    )


@explains(out_of_range, *_RANGE_KEYWORDS)
def _out_of_range(error: SchemaError, ctx: Context) -> Iterator[Finding]:
    value = error.value
    if isinstance(value, int) and abs(value) > sys.float_info.max:
        yield Finding(
            error.path,
            f"{dotted(error.path)} is {show(value)}, too large for a float: the trainer's "
            "float() raises OverflowError, and torch cannot hold it either",
            f"use {describe(error.subschema)}",
        )
        return
    yield Finding(
        error.path,
        f"{dotted(error.path)} is {show(value)}; expected {_finite_words(value, error.subschema)}",
        _range_hint(value, error.subschema),
    )


def _finite_words(value: Any, subschema: Mapping[str, Any]) -> str:
    expected = describe(subschema)
    if isinstance(value, float) and not math.isfinite(value):
        return expected.replace("a number", "a finite number", 1)
    return expected


def _range_hint(value: Any, subschema: Mapping[str, Any]) -> str:
    if isinstance(value, float) and math.isnan(value) and "x-nan" in subschema:
        return str(subschema["x-nan"])
    if isinstance(value, float) and not math.isfinite(value):
        return "write a finite number: with .nan or .inf the loss does not train as written"
    return f"use {describe(subschema)}"


@explains(out_of_range, "x-int64", "x-float32")
def _beyond_torch(error: SchemaError, ctx: Context) -> Iterator[Finding]:
    where, value = dotted(error.path), error.value
    if error.keyword == "x-int64":
        yield Finding(
            error.path,
            f"{where} is {show(value)}, outside torch's int64 range [-2**63, 2**63 - 1]: "
            + (
                "the trainer's int() takes it, torch cannot"
                if conversion(error.subschema) == INT
                else "torch cannot hold it"
            ),
            f"use {describe(error.subschema)} that torch can hold, such as -100",
        )
        return
    becomes = "inf" if abs(value) > 1 else "0"
    yield Finding(
        error.path,
        f"{where} is {show(value)}, which becomes {becomes} in the float32 tensor torch makes of "
        "the weights",
        "use a weight between 1.4e-45 and 3.4e+38 (or 0)",
    )


@explains(out_of_range, "minItems", fallback=True)
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
        named_key = quoted(shown)
        loss_words = f"loss {loss_name!r}" + ("" if named else " (the default: loss has no name)")
        message = f"unknown parameter {named_key} for {loss_words}: the trainer silently drops it"
        takers = [name for name in known.losses_taking(str(key)) if name != loss_name]
        parameters = [p for p in allowed if p != "name"]
        suggestion = closest(str(key), allowed) if isinstance(key, str) else None
        fix = None
        if takers:
            message = (
                f"{named_key} is a parameter of {_either(takers)}, not of {loss_words}: "
                "the trainer silently drops it"
            )
            hint = f"remove {shown!r}, or switch to {_either(takers)} if that is the loss you want"
            if suggestion:
                hint += f" (or did you mean {suggestion!r}?)"
        elif suggestion:
            hint = f"did you mean {suggestion!r}?"
            sole = sole_close(str(key), allowed)
            if sole is not None and isinstance(key, str):
                fix = unsafe(f"rename {shown} to {sole}", RenameKey(key_path, sole))
        elif not parameters:
            hint = f"remove {shown!r}: {loss_name} takes no parameters"
        else:
            hint = f"remove {shown!r}; {loss_name} takes: {', '.join(parameters)}"
        if not isinstance(key, str):
            hint += f" (YAML reads the key {shown} as {show(key)}: quote it if it is text)"
        yield Finding(key_path, message, hint, at_key=True, fix=fix)


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
    how = conversion(subschema)
    node = ctx.document.node(path)
    tag = node.tag if node is not None else None
    number = number_like(value) if isinstance(value, str) else None
    if number is not None and wanted in ("number", "integer"):
        if node is not None and node.plain:
            message = f"{where} is the string {value!r}, not a number: {_why_a_string(value)}"
        else:
            message = f"{where} is the string {value!r} ({f'tagged {tag}' if tag else 'quoted'})"
        if how in (FLOAT, INT):
            message += f", and the trainer's {how}() cannot read it"
        elif ignored(subschema):
            message += f"; expected {expected}"
        else:
            message += f"; expected {expected}: the trainer passes it on as it is"
        if wanted == "integer" and number.is_integer():
            return message, f"write {int(number)}"
        if wanted == "integer":
            return message, "write a whole number"
        spelling = yaml_float(number)
        if "e" in value.lower() and yaml_exponent(value.strip()) != spelling:
            spelling += f" or {yaml_exponent(value.strip())}"
        return message, f"write {spelling}"
    if how == TRUTH and not isinstance(value, bool):
        on = "on" if bool(value) else "off"
        return (
            f"{where} is {_kind_and_value(value)}: the trainer tests it for truthiness, so AMP is "
            f"{on}",
            f"write {path[-1]}: true or {path[-1]}: false"
            + (" without quotes" if isinstance(value, str) else ""),
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
    if wanted in ("number", "integer") and isinstance(value, bool) and how in (FLOAT, INT):
        made = show(float(value) if how == FLOAT else int(value))
        hint = _type_hint(path, subschema)
        return (
            f"{where} is {show(value)} (a boolean); expected {expected}: the trainer's "
            f"{how}({show(value)}) is {made}",
            hint,
        )
    if _wants_list(wanted) and isinstance(value, (int, float)) and not isinstance(value, bool):
        return (
            f"{where} is {show(value)} ({kind(value)}); expected {expected}",
            f"write a list of numbers, one per class, such as {path[-1]}: [1.0, 1.0]",
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


def _kind_and_value(value: Any) -> str:
    if isinstance(value, str):
        return f"the string {value!r}"
    return f"{kind(value)} ({show(value)})"


def _wants_list(wanted: Any) -> bool:
    return wanted == "array" or (isinstance(wanted, list) and wanted == ["array"])


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
