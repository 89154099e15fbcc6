"""Rules about class weights: `weight` of cross_entropy/nll and `pos_weight` of bce_with_logits."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, NamedTuple

from losscfg.diagnostics import Severity
from losscfg.dialects.hydra_values import TensorValue
from losscfg.dialects.names import FAT, HYDRA, LIGHTNING
from losscfg.dialects.site import LossSite
from losscfg.fix.remedies import Remedy, SetValue, safe
from losscfg.lint.context import FILE_KEYS, Context, Finding, SchemaError
from losscfg.lint.registry import explains, rule
from losscfg.lint.rules.catalogue import empty_list
from losscfg.load.document import Path
from losscfg.load.values import show, yaml_float


def numbers(value: Any) -> list[int | float] | None:
    """`value` when it is a non-empty list of numbers (booleans are not numbers), else None."""
    if isinstance(value, list) and value and all(_is_number(v) for v in value):
        return value
    return None


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


@rule("LC201", "weight-length", Severity.ERROR, dialects=(FAT, HYDRA, LIGHTNING))
def weight_length(ctx: Context) -> Iterator[Finding]:
    """`weight` does not have one entry per class.

    ## What it does
    Compares the length of `weight` (cross_entropy, nll) with the class count, which comes from
    `--num-classes`, `model.num_classes`, `dataset.num_classes` or the dataset's name, in that
    order; the message names where the count came from. An empty list is reported too.

    ## Why is this bad?
    torch accepts the weights when the loss is built and fails only on the first batch:
    `RuntimeError: weight tensor should be defined either for all 10 classes or no classes but
    got weight tensor of shape: [4]`.

    ## Example
    ```yaml
    dataset:
      name: cifar10
    loss:
      name: cross_entropy
      weight: [1.0, 2.0, 1.0, 1.0]   # 4 entries, 10 classes
    ```

    ## Fix
    Give one weight per class (10 for cifar10), or correct the class count
    (`model.num_classes`).

    ## In a Hydra file
    The tensor a nested `torch.tensor` builds (`weight: {_target_: torch.tensor, data: [...]}`)
    against the class count of SPEC §15: `--num-classes` or the `num-classes` setting (an
    error), LinearCrossEntropyLoss's own `num_classes` (an error), else the file's
    `num_classes` keys when they all agree (a warning: the key may belong to another head).
    CrossEntropyLoss, NLLLoss and MultiMarginLoss need one weight per class (a 0-d tensor is
    an error); BCELoss, BCEWithLogitsLoss and MultiLabelSoftMarginLoss broadcast it, so one
    entry is fine too.
    """
    if ctx.dialect != FAT:
        yield from _tensor_lengths(ctx, "weight")
        return
    count = ctx.class_count
    for site in ctx.sites:
        weights = numbers(site.value("weight"))
        if weights is not None and count is not None and len(weights) != count.value:
            yield Finding(
                site.at("weight"),
                f"weight has {len(weights)} {_entries(len(weights))} but there are "
                f"{count.value} classes ({count.origin})",
                hint=f"give one weight per class ({count.value} entries), or correct the class "
                "count",
            )


@rule("LC202", "pos-weight-length", Severity.ERROR, dialects=(FAT, HYDRA, LIGHTNING))
def pos_weight_length(ctx: Context) -> Iterator[Finding]:
    """`pos_weight` has neither 1 entry nor one per class.

    ## What it does
    Checks that `pos_weight` (bce_with_logits) has 1 entry (one weight for every class) or one
    entry per class, the class count coming from the same sources as for `weight`.

    ## Why is this bad?
    `pos_weight` is broadcast against the class dimension of the logits; any other length fails
    on the first batch: `RuntimeError: The size of tensor a (4) must match the size of tensor b
    (5) at non-singleton dimension 1`.

    ## Example
    ```yaml
    model:
      num_classes: 5
    loss:
      name: bce_with_logits
      pos_weight: [2.0, 2.0]
    ```

    ## Fix
    Use one number for all classes (`[2.0]`) or one per class (5 entries here).

    ## In a Hydra file
    The same for the tensor a nested `torch.tensor` builds, against the class count of SPEC
    §15 (see LC201).
    """
    if ctx.dialect != FAT:
        yield from _tensor_lengths(ctx, "pos_weight")
        return
    count = ctx.class_count
    for site in ctx.sites:
        weights = numbers(site.value("pos_weight"))
        if weights is not None and count is not None and len(weights) not in (1, count.value):
            yield Finding(
                site.at("pos_weight"),
                f"pos_weight has {len(weights)} {_entries(len(weights))}; expected 1 (for every "
                f"class) or {count.value}, one per class ({count.origin})",
                hint=f"write one number for all classes ([{show(weights[0])}]) or {count.value} "
                "entries",
            )


@rule("LC206", "zero-weights", Severity.ERROR, dialects=(FAT, HYDRA, LIGHTNING))
def zero_weights(ctx: Context) -> Iterator[Finding]:
    """Every entry of `weight` is 0.

    ## What it does
    Reports a `weight` list (cross_entropy, nll) whose entries are all zero.

    ## Why is this bad?
    With the default mean reduction torch divides by the sum of the weights of the batch's
    targets, which is 0: the loss is NaN from the first step, and so is every gradient.

    ## Example
    ```yaml
    loss:
      name: cross_entropy
      weight: [0.0, 0.0, 0.0]
    ```

    ## Fix
    Give the classes you train on a weight above 0 (1.0 is neutral).
    """
    for site in ctx.sites:
        weights = numbers(site.value("weight")) if site.dialect == FAT else _tensor_data(site)
        if weights is not None and all(w == 0 for w in weights):
            yield Finding(
                site.at("weight"),
                "every entry of weight is 0: the mean loss divides by zero and is NaN"
                if site.dialect == FAT
                else "every entry of weight is 0: the loss is NaN (a mean divides by the "
                "weights' sum) or 0, and nothing is learned",
                hint="give the classes you train on a weight above 0 (1.0 is neutral)",
            )


@rule("LC207", "integer-weights", Severity.ERROR, dialects=(FAT, HYDRA, LIGHTNING))
def integer_weights(ctx: Context) -> Iterator[Finding]:
    """`weight` holds only integers, which torch turns into an int64 tensor.

    ## What it does
    Reports a `weight` list (cross_entropy, nll) written with YAML integers only (`[1, 2, 1]`).
    A single float among them (`[1, 2.0]`) is enough to make the tensor float.

    ## Why is this bad?
    The trainer calls `torch.tensor(weight)`: a list of Python ints becomes an int64 tensor, and
    the first batch fails with `RuntimeError: expected scalar type Float but found Long`.

    ## Example
    ```yaml
    loss:
      name: cross_entropy
      weight: [1, 2, 1]
    ```

    ## Fix
    Write the weights as floats:
    ```yaml
    loss:
      name: cross_entropy
      weight: [1.0, 2.0, 1.0]
    ```

    `--fix` writes each integer as the float of the same value, in place, so the list keeps its
    style and comments (a safe fix: the crash goes, the weights are the ones written).

    ## In a Hydra file
    `{_target_: torch.tensor, data: [1, 2, 1]}` is an int64 tensor, and the classes whose
    kernel needs a float weight (CrossEntropyLoss, NLLLoss, NLLLoss2d, MultiMarginLoss,
    LinearCrossEntropyLoss) fail on the first batch; so does a float64 one (`found Double`).
    BCELoss, BCEWithLogitsLoss and MultiLabelSoftMarginLoss train with integer weights: no
    finding. `--fix` writes the data's integers as floats.
    """
    if ctx.dialect != FAT:
        yield from _tensor_dtypes(ctx)
        return
    for site in ctx.sites:
        weights = numbers(site.value("weight"))
        if weights is not None and all(isinstance(w, int) for w in weights):
            as_floats = ", ".join(f"{w}.0" for w in weights)
            yield Finding(
                site.at("weight"),
                "weight holds only integers: torch.tensor makes an int64 tensor and the loss "
                "fails with 'expected scalar type Float but found Long'",
                hint=f"write floats: weight: [{as_floats}]"
                if len(as_floats) <= 80
                else "write every weight as a float (1.0, not 1)",
                fix=_as_floats(site, site.written.get("weight")),
            )


def _as_floats(site: LossSite, written: Any) -> Remedy | None:
    """LC207's fix: each integer written as the float of the same value, in place, so the
    list keeps its style (flow or block), its comments and its line breaks."""
    if not isinstance(written, list) or not all(type(w) is int for w in written):
        return None
    if any(abs(w) > 2**53 for w in written):  # beyond float's exact integers: no one meaning
        return None
    changes = [
        SetValue(site.at("weight", index), float(weight), yaml_float(float(weight)))
        for index, weight in enumerate(written)
    ]
    return safe("write the weights as floats", *changes)


@explains(weight_length, "minItems")
def _empty_weight(error: SchemaError, ctx: Context) -> Iterator[Finding]:
    if error.path[-1:] == ("weight",):
        yield empty_list(error)


@explains(pos_weight_length, "minItems")
def _empty_pos_weight(error: SchemaError, ctx: Context) -> Iterator[Finding]:
    if error.path[-1:] == ("pos_weight",):
        yield empty_list(error)


def _entries(n: int) -> str:
    return "entry" if n == 1 else "entries"


class Tensor(NamedTuple):
    """A tensor argument of a Hydra site that the file spells (a nested `torch.tensor`)."""

    value: TensorValue
    length: int | None  # entries along its one dimension; None for a 0-d tensor
    path: Path  # the argument


def tensor_argument(site: LossSite, argument: str) -> Tensor | None:
    """A 0-d or 1-D tensor that a site of a dialect naming torch.nn classes builds from the
    file's numbers (the framework's lists are `numbers`)."""
    if site.dialect == FAT or site.spec is None or argument not in site.spec.parameters:
        return None
    value = site.value(argument)
    if not isinstance(value, TensorValue) or value.shape is None or len(value.shape) > 1:
        return None
    return Tensor(value, value.shape[0] if value.shape else None, site.at(argument))


def _tensor_data(site: LossSite) -> list[Any] | None:
    """The entries of a 1-D `weight` tensor of a class that divides by their sum (the mean
    of CrossEntropyLoss, NLLLoss, …); None otherwise."""
    tensor = tensor_argument(site, "weight")
    if tensor is None or site.spec is None or not site.spec.needs_float_weight:
        return None
    values = tensor.value.values
    return values if isinstance(values, list) and values else None


def _not_one_dimensional(site: LossSite, argument: str) -> Iterator[Finding]:
    """A weight of two or more dimensions where the class needs one weight per class."""
    value = site.value(argument) if site.spec and argument in site.spec.parameters else None
    if not isinstance(value, TensorValue) or value.shape is None or len(value.shape) < 2:
        return
    assert site.spec is not None
    if site.spec.parameters[argument].broadcasts:
        return
    name = (site.torch_class or "").rsplit(".", 1)[-1]
    yield Finding(
        site.at(argument),
        f"{argument} is a {len(value.shape)}-D tensor of shape {tuple(value.shape)}: {name} needs "
        "a 1-D weight, one per class, and fails when it is built or on the first batch",
        "write one list of weights: data: [w1, w2, ...]",
    )


def _tensor_lengths(ctx: Context, argument: str) -> Iterator[Finding]:
    """LC201 and LC202 on a Hydra site: a tensor that is not one entry per class (or, where
    torch broadcasts it, one entry or 0-d)."""
    for site in ctx.sites:
        tensor = tensor_argument(site, argument)
        if tensor is None:
            yield from _not_one_dimensional(site, argument)
            continue
        assert site.spec is not None
        broadcasts = site.spec.parameters[argument].broadcasts
        name = (site.torch_class or "").rsplit(".", 1)[-1]
        if tensor.length is None or (broadcasts and tensor.length == 1):
            if not broadcasts:
                yield Finding(
                    tensor.path,
                    f"{argument} is one number (a 0-d tensor): {name} needs one weight per "
                    "class, and fails when it is built or on the first batch",
                    "give one weight per class: data: [w1, w2, ...]",
                )
            continue
        count = ctx.class_count_of(site)
        if count is None or tensor.length == count.value:
            continue
        expected = (
            f"1 (for every class) or {count.value}, one per class"
            if broadcasts
            else f"{count.value}, one per class"
        )
        yield Finding(
            tensor.path,
            f"{argument} has {tensor.length} {_entries(tensor.length)}; expected {expected} "
            f"({count.origin}): if that key is this loss's class count, the first batch fails"
            if count.source == FILE_KEYS
            else f"{argument} has {tensor.length} {_entries(tensor.length)}; expected {expected} "
            f"({count.origin}): {name} fails when it is built or on the first batch",
            f"give {count.value} entries, or correct the class count",
            severity=Severity.WARNING if count.source == FILE_KEYS else None,
        )


#: The names torch gives its scalar types in "expected scalar type Float but found Long".
_SCALAR_TYPES = {
    "float64": "Double",
    "float16": "Half",
    "bfloat16": "BFloat16",
    "int64": "Long",
    "int32": "Int",
    "int16": "Short",
    "int8": "Char",
    "uint8": "Byte",
    "bool": "Bool",
}


def _tensor_dtypes(ctx: Context) -> Iterator[Finding]:
    """LC207 on a Hydra or LightningCLI site: a `weight` tensor that is not float32 where the
    class's kernel needs one."""
    for site in ctx.sites:
        tensor = tensor_argument(site, "weight")
        if tensor is None or site.spec is None or not site.spec.needs_float_weight:
            continue
        dtype = tensor.value.dtype
        if dtype is None or dtype == "float32":
            continue
        name = (site.torch_class or "").rsplit(".", 1)[-1]
        inferred = tensor.value.inferred and dtype == "int64"
        why = " (its data holds only integers)" if inferred else ""
        yield Finding(
            tensor.path,
            f"weight is {_article(dtype)} {dtype} tensor{why}: {name}'s kernel needs a float32 "
            "weight, and the first batch fails with 'expected scalar type Float but found "
            f"{_SCALAR_TYPES.get(dtype, dtype)}'",
            "write the weights as floats (1.0, not 1)"
            if inferred
            else "build the weight as float32 (torch.tensor with float data, and no dtype)",
            fix=_data_as_floats(tensor) if inferred else None,
        )


def _article(word: str) -> str:
    return "an" if word.startswith(("int", "uint")) else "a"


def _data_as_floats(tensor: Tensor) -> Remedy | None:
    values = tensor.value.values
    entries = values if isinstance(values, list) else [values]
    if not all(type(w) is int and abs(w) <= 2**53 for w in entries):
        return None
    origin = tensor.value.origin
    if not isinstance(values, list):
        return safe("write the weight as a float", SetValue(origin, float(values), f"{values}.0"))
    changes = [
        SetValue((*origin, index), float(w), yaml_float(float(w))) for index, w in enumerate(values)
    ]
    return safe("write the weights as floats", *changes)
