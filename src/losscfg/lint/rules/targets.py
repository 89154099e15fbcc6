"""Rules of the dialects that name a torch.nn class (SPEC §15): Hydra's `_target_` and
LightningCLI's `class_path`. They read the file's loss sites."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from losscfg.diagnostics import Severity
from losscfg.dialects.hydra import TARGET, unknown_targets
from losscfg.dialects.hydra_values import Unresolved
from losscfg.dialects.lightning import unknown_classes
from losscfg.dialects.names import HYDRA, LIGHTNING
from losscfg.dialects.site import LossSite
from losscfg.fix.remedies import Remedy, SetValue, safe, unsafe
from losscfg.lint.context import Context, Finding
from losscfg.lint.registry import rule
from losscfg.load.values import show, yaml_float


@rule("LC110", "unknown-target", Severity.ERROR, dialects=(HYDRA, LIGHTNING))
def unknown_target(ctx: Context) -> Iterator[Finding]:
    """A `_target_` means a torch.nn loss but names none that Hydra can import.

    ## What it does
    Reports a `_target_` that reads as a loss of torch.nn but is not one of its classes
    (`torch.nn.CrossEntropyloss`, `torch.nn.FocalLoss`), or a loss class without its module
    (`nn.CrossEntropyLoss`, `CrossEntropyLoss`), and suggests the class it most likely means.
    A `_target_` of the project's own code, or of torch.nn's other modules, is left alone.

    ## Why is this bad?
    `hydra.utils.instantiate` imports the target by its full path, and fails when the job
    builds the loss: `Error locating target 'torch.nn.CrossEntropyloss'`.

    ## Example
    ```yaml
    criterion:
      _target_: torch.nn.CrossEntropyloss
    ```

    ## Fix
    Write the class's full path: `torch.nn.CrossEntropyLoss` (`losscfg losses` lists them).
    With `--fix --unsafe-fixes` the likely class is written (an unsafe fix: another class
    trains; where only the case differs, `--fix` alone makes it).

    ## In a LightningCLI file
    The same for a `class_path`, or a bare `torch.nn.…Loss` string, that names no loss class:
    jsonargparse refuses it when it parses the config (`Problem with given class_path
    'torch.nn.CrossEntropyloss': module 'torch.nn' has no attribute 'CrossEntropyloss'`;
    `nn.CrossEntropyLoss`: `No module named 'nn'`). The short `CrossEntropyLoss` works there.
    """
    yield from _unknown_classes(ctx)
    for found in unknown_targets(ctx.document.data, ctx.schema.classes(), ctx.schema.not_losses()):
        message = (
            f"_target_ {show(found.target, longest=200)} names no loss class Hydra can import: "
            "instantiate "
            f"fails with \"Error locating target '{found.target}'\""
        )
        if found.meant is None:
            yield Finding((*found.path, TARGET), message, "see `losscfg losses` for the classes")
            continue
        same_but_case = found.meant.lower().endswith(found.target.lower().rsplit(".", 1)[-1])
        make = safe if same_but_case and found.target.startswith("torch.nn.") else unsafe
        change = SetValue((*found.path, TARGET), found.meant, found.meant, keep_quotes=True)
        yield Finding(
            (*found.path, TARGET),
            message,
            f"did you mean {found.meant!r}?",
            fix=make(f"write {found.meant}", change),
        )


def _unknown_classes(ctx: Context) -> Iterator[Finding]:
    """LightningCLI: a `class_path` or bare `torch.nn.` string that names no loss class."""
    for found in unknown_classes(ctx.document.data, ctx.schema.classes(), ctx.schema.not_losses()):
        module, _, name = found.written.rpartition(".")
        if not module:
            refusal = "Expected a dot import path string"
        elif not found.written.startswith("torch."):
            refusal = f"No module named '{module}'"
        else:
            refusal = f"module '{module}' has no attribute '{name}'"
        message = (
            f"{show(found.written, longest=200)} names no loss class: the parser refuses it "
            f"(\"Problem with given class_path '{found.written}': {refusal}\")"
        )
        if found.meant is None:
            yield Finding(found.path, message, "see `losscfg losses` for the classes")
            continue
        same_but_case = found.meant.lower() == found.written.lower()
        make = safe if same_but_case else unsafe
        change = SetValue(found.path, found.meant, found.meant, keep_quotes=True)
        yield Finding(
            found.path,
            message,
            f"did you mean {found.meant!r}?",
            fix=make(f"write {found.meant}", change),
        )


@rule("LC111", "list-for-tensor", Severity.ERROR, dialects=(HYDRA, LIGHTNING))
def list_for_tensor(ctx: Context) -> Iterator[Finding]:
    """A tensor argument (`weight`, `pos_weight`) written as a YAML list or a number.

    ## What it does
    Reports a loss class's tensor buffer — the class weights `weight`, BCEWithLogitsLoss's
    `pos_weight` — given as a list or a number rather than a tensor.

    ## Why is this bad?
    Hydra passes the list as OmegaConf holds it, and the constructor refuses it when the job
    builds the loss: `cannot assign 'omegaconf.listconfig.ListConfig' object to buffer 'weight'
    (torch Tensor or None required)` (with `_convert_` too, naming a `list`).

    ## Example
    ```yaml
    _target_: torch.nn.CrossEntropyLoss
    weight: [1.0, 2.0, 1.0]
    ```

    ## Fix
    Build the tensor with a nested target:
    ```yaml
    _target_: torch.nn.CrossEntropyLoss
    weight: {_target_: torch.tensor, data: [1.0, 2.0, 1.0]}
    ```
    `--fix` writes it, in flow style for a one-line list or a number (a safe fix: the
    weights are the ones written; integers become floats for the classes whose kernel needs
    float weights, as it refuses integers).

    ## In a LightningCLI file
    jsonargparse refuses a list or a number for `weight: Optional[Tensor]` when it parses the
    config (`Does not validate against any of the Union subtypes ... Not a valid subclass of
    Tensor`), unless the project registers a list-to-tensor type
    (`jsonargparse.typing.register_type(torch.Tensor, ...)`). Say so with the setting
    `tensor-from-list = true`: the list is then a tensor, an int64 one when it holds only
    integers (LC207), and its length is checked (LC201, LC202).
    """
    for site in ctx.sites:
        assert site.spec is not None
        for argument in sorted(site.arguments):
            parameter = site.spec.parameters.get(argument)
            value = site.value(argument)
            if parameter is None or not parameter.is_tensor:
                continue
            if not _list_or_number(value) and not isinstance(value, dict):
                continue
            kinds: dict[type, str] = {list: "a YAML list", dict: "a mapping"}
            kind = kinds.get(type(value), "a number")
            if site.dialect == LIGHTNING:
                yield _unregistered(site, argument, kind, value)
                continue
            containers: dict[type, str] = {
                list: "omegaconf.listconfig.ListConfig",
                dict: "omegaconf.dictconfig.DictConfig",  # _recursive_: false builds nothing
            }
            held = containers.get(type(value), type(value).__name__)
            yield Finding(
                site.at(argument),
                f'{argument} is {kind}, not a tensor: instantiate fails with "cannot assign '
                f"'{held}' object to buffer '{argument}' (torch Tensor or None required)\"",
                "remove _recursive_: false, so that instantiate builds the nested tensor"
                if isinstance(value, dict)
                else f"build the tensor: {argument}: {{_target_: torch.tensor, data: ...}}",
                fix=_as_tensor(site, argument, value)
                if value is site.written[argument] and not isinstance(value, dict)
                else None,
            )


def _unregistered(site: LossSite, argument: str, kind: str, value: Any) -> Finding:
    return Finding(
        site.at(argument),
        f'{argument} is {kind}, not a tensor: the parser refuses it ("Parser key '
        f'"{argument}": Does not validate against any of the Union subtypes ... Not a valid '
        f'subclass of Tensor ... Given value: {show(value)}")',
        "a nested _target_ is Hydra's: jsonargparse builds no object from it; give a list with "
        "a registered list-to-tensor type (tensor-from-list = true), or build the loss in code"
        if isinstance(value, dict)
        else "jsonargparse builds no tensor from YAML: register a list-to-tensor type in the "
        "project (jsonargparse.typing.register_type) and set tensor-from-list = true in "
        "losscfg's settings, or build the loss in code",
    )


def _list_or_number(value: Any) -> bool:
    if isinstance(value, list):
        return True
    return isinstance(value, int | float) and not isinstance(value, bool)


def _as_tensor(site: LossSite, argument: str, value: Any) -> Remedy | None:
    assert site.spec is not None
    if not isinstance(value, list) and not site.spec.parameters[argument].broadcasts:
        return None  # one number where the class needs one per class: no one meaning
    numbers = value if isinstance(value, list) else [value]
    if not numbers or not all(_list_or_number(n) and not isinstance(n, list) for n in numbers):
        return None
    floats = site.spec is not None and site.spec.needs_float_weight and argument == "weight"
    data = [float(n) if floats else n for n in numbers]
    written = [yaml_float(n) if isinstance(n, float) else str(n) for n in data]
    text = f"[{', '.join(written)}]" if isinstance(value, list) else written[0]
    tensor = {TARGET: "torch.tensor", "data": data if isinstance(value, list) else data[0]}
    spelling = f"{{{TARGET}: torch.tensor, data: {text}}}"
    return safe(f"write {argument}: {spelling}", SetValue(site.at(argument), tensor, spelling))


@rule("LC112", "partial-loss", Severity.INFO, dialects=(HYDRA,))
def partial_loss(ctx: Context) -> Iterator[Finding]:
    """A torch.nn loss with `_partial_: true`.

    ## What it does
    Notes a loss site that Hydra builds as a `functools.partial` of the class rather than as
    the loss itself.

    ## Why is this bad?
    A factory may want the partial, but code that calls the result as a loss builds the class
    instead: `criterion(logits, target)` makes `CrossEntropyLoss(weight=logits,
    size_average=target)`, which fails with `Boolean value of Tensor with more than one value
    is ambiguous`, far from the cause.

    ## Example
    ```yaml
    _target_: torch.nn.CrossEntropyLoss
    _partial_: true
    ```

    ## Fix
    Remove `_partial_` unless the code calls the result to build the loss; silence the line
    where it does (`# losscfg: disable=LC112`).
    """
    for site in ctx.sites:
        if site.written.get("_partial_") is True:
            yield Finding(
                site.at("_partial_"),
                f"{site.torch_class} is built as a partial: calling it as a loss builds the "
                "class instead, with the batch as its arguments",
                "remove _partial_ unless the code calls the result to build the loss",
                at_key=True,
            )


@rule("LC113", "unresolved-value", Severity.INFO, dialects=(HYDRA, LIGHTNING))
def unresolved_value(ctx: Context) -> Iterator[Finding]:
    """An argument whose value only the job knows: `???`, or `${…}` the file cannot resolve.

    ## What it does
    Notes an argument of a torch.nn loss written as `???` (OmegaConf's mandatory value, given
    on the command line) or as an interpolation whose key is not in this file
    (`ignore_index: ${data.ignore_label}` in a config-group file), a resolver
    (`${oc.env:…}`) or a string with an interpolation inside. An interpolation this file can
    resolve is checked with the value it resolves to.

    ## Why is this bad?
    Nothing is known to be wrong, but the argument's checks (type, range, choices) are
    skipped: the value comes from outside the file. Left unset, the job fails when it builds
    the loss (`MissingMandatoryValue`, `InterpolationKeyError`).

    ## Example
    ```yaml
    _target_: torch.nn.CrossEntropyLoss
    ignore_index: ${data.ignore_label}
    ```

    ## Fix
    Nothing to fix in the file; check the composed config with `python train.py --cfg job
    --resolve`, or silence the line (`# losscfg: disable=LC113`).
    """
    for site in ctx.sites:
        for argument in sorted(site.arguments):
            value = site.value(argument)
            if isinstance(value, Unresolved):
                yield Finding(
                    site.at(argument),
                    f"{argument} is {show(value.written)}: {value.why}, so its checks are skipped",
                    "check the composed config (--cfg job --resolve) or give the value here",
                )


@rule("LC115", "missing-argument", Severity.ERROR, dialects=(HYDRA, LIGHTNING))
def missing_argument(ctx: Context) -> Iterator[Finding]:
    """A torch.nn loss without an argument its constructor requires.

    ## What it does
    Reports a site whose class has required arguments (LinearCrossEntropyLoss's `in_features`
    and `num_classes`) that the file does not give: as keys (Hydra), under `init_args` or
    `dict_kwargs` (LightningCLI), or by position in Hydra's `_args_`.

    ## Why is this bad?
    The loss cannot be built: Hydra's instantiate fails with `TypeError:
    LinearCrossEntropyLoss.__init__() missing 1 required positional argument: 'num_classes'`,
    jsonargparse with `the following arguments are required: num_classes`.

    ## Example
    ```yaml
    _target_: torch.nn.LinearCrossEntropyLoss
    in_features: 512
    ```

    ## Fix
    Give the argument (`num_classes: 10`). In Hydra, `_partial_: true` leaves it to the code
    that calls the partial: no finding then.
    """
    for site in ctx.sites:
        assert site.spec is not None
        if site.written.get("_partial_") is True and site.dialect == HYDRA:
            continue
        order = list(site.spec.parameters)
        positional = site.written.get("_args_") if site.dialect == HYDRA else None
        given = len(positional) if isinstance(positional, list) else 0
        missing = [
            name
            for name in site.spec.required
            if name not in site.arguments and order.index(name) >= given
        ]
        if not missing:
            continue
        name = (site.torch_class or "").rsplit(".", 1)[-1]
        listed = " and ".join(repr(m) for m in missing)
        refusal = (
            f'instantiate fails with "TypeError: {name}.__init__() missing {len(missing)} '
            f'required positional argument{"s" if len(missing) > 1 else ""}: {listed}"'
            if site.dialect == HYDRA
            else f'the parser refuses it ("the following arguments are required: '
            f'{", ".join(missing)}")'
        )
        yield Finding(
            site.class_path,
            f"{site.torch_class} needs {listed}: {refusal}",
            f"give {', '.join(missing)}"
            + (" under init_args" if site.dialect == LIGHTNING else ""),
        )


@rule("LC114", "deprecated-argument", Severity.WARNING, dialects=(HYDRA, LIGHTNING))
def deprecated_argument(ctx: Context) -> Iterator[Finding]:
    """`size_average` or `reduce`, deprecated since torch 0.4.

    ## What it does
    Reports the arguments that torch keeps only for old code and maps to a `reduction`.

    ## Why is this bad?
    The loss trains, but torch warns on construction (`size_average and reduce args will be
    deprecated`), and the pair is easy to get wrong: `reduce: false` returns a tensor of
    per-element losses, whatever `reduction` says.

    ## Example
    ```yaml
    _target_: torch.nn.MSELoss
    size_average: false
    ```

    ## Fix
    Write `reduction` instead: `size_average: false` is `reduction: sum`, `reduce: false` is
    `reduction: none`.
    """
    for site in ctx.sites:
        assert site.spec is not None
        for argument in sorted(site.arguments):
            parameter = site.spec.parameters.get(argument)
            if parameter is not None and parameter.replaced_by is not None:
                yield Finding(
                    site.at(argument),
                    f"{argument} is deprecated: torch maps it to a reduction and warns",
                    f"write {parameter.replaced_by} instead (size_average: false is reduction: "
                    "sum; reduce: false is reduction: none)",
                    at_key=True,
                )
