"""Rules about the class count: where it comes from, and what it says about ignore_index."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from losscfg.diagnostics import Severity
from losscfg.dialects.names import FAT, HYDRA, LIGHTNING
from losscfg.fix.remedies import Remedy, SetValue, unsafe
from losscfg.lint.context import Context, Finding
from losscfg.lint.registry import rule
from losscfg.lint.rules.weights import numbers, tensor_argument


@rule("LC203", "class-count-unknown", Severity.INFO, dialects=(FAT, HYDRA, LIGHTNING))
def class_count_unknown(ctx: Context) -> Iterator[Finding]:
    """A length check was skipped because the class count is unknown.

    ## What it does
    Notes a `weight` or `pos_weight` whose length could not be checked against the class count
    (LC201, LC202) because nothing gives the count: no `--num-classes`, no `model.num_classes`,
    no `dataset.num_classes`, and a `dataset.name` that the built-in table and the `datasets`
    setting do not know.

    ## Why is this bad?
    Nothing is known to be wrong, but a wrong length would only show on the first batch.

    ## Example
    ```yaml
    dataset:
      name: my_faces
    loss:
      name: cross_entropy
      weight: [1.0, 2.0]
    ```

    ## Fix
    Give the class count: `model.num_classes: 2`, `dataset.num_classes: 2`,
    `losscfg check --num-classes 2`, or `datasets = { my_faces = 2 }` under `[tool.losscfg]`
    in pyproject.toml.

    ## In a Hydra file
    The class count of SPEC §15: `--num-classes`, the `num-classes` setting, or the file's
    `num_classes` keys (when they agree); a tensor `weight` or `pos_weight` of several entries
    without one is noted.
    """
    if ctx.dialect != FAT:
        yield from _unchecked_tensors(ctx)
        return
    if ctx.class_count is not None:
        return
    for site, parameter in ((s, p) for s in ctx.sites for p in ("weight", "pos_weight")):
        if numbers(site.value(parameter)) is not None:
            yield Finding(
                site.at(parameter),
                f"the length of {parameter} was not checked: the class count is unknown",
                hint="set model.num_classes or dataset.num_classes, use a known dataset.name, "
                "or pass --num-classes N",
                at_key=True,
            )


def _unchecked_tensors(ctx: Context) -> Iterator[Finding]:
    for site, parameter in ((s, p) for s in ctx.sites for p in ("weight", "pos_weight")):
        tensor = tensor_argument(site, parameter)
        if tensor is None or tensor.length in (None, 1) or ctx.class_count_of(site) is not None:
            continue
        yield Finding(
            tensor.path,
            f"the length of {parameter} was not checked: the class count is unknown",
            hint="pass --num-classes N, set num-classes in the settings, or write a "
            "num_classes key in this file",
            at_key=True,
        )


@rule("LC204", "class-count-conflict", Severity.ERROR)
def class_count_conflict(ctx: Context) -> Iterator[Finding]:
    """`model.num_classes` disagrees with the dataset's class count.

    ## What it does
    Compares `model.num_classes` with the dataset's class count: the count of a known
    `dataset.name` (lower-cased, as the trainer looks it up), or `dataset.num_classes` for a
    dataset the table does not know. Fewer classes in the model than in the data is an error;
    more is a warning. The model's count wins in training, and losscfg uses it for the other
    checks.

    ## Why is this bad?
    With fewer outputs than classes, labels at or above `model.num_classes` are out of range:
    `IndexError: Target 57 is out of bounds.` (or a device-side assert on CUDA) in the first
    epoch. With more outputs, the model spends capacity on classes that never occur.

    ## Example
    ```yaml
    dataset:
      name: cifar100
    model:
      name: resnet20
      num_classes: 10
    ```

    ## Fix
    Make `model.num_classes` match the dataset (100 for cifar100), or remove it: the trainer
    then takes the dataset's count.

    With `--fix --unsafe-fixes`, `model.num_classes` becomes the dataset's class count (an
    unsafe fix: the model's output changes).
    """
    model, dataset = ctx.model_class_count(), ctx.dataset_class_count()
    if model is None or dataset is None or model.value == dataset.value:
        return
    if model.value < dataset.value:
        yield Finding(
            ("model", "num_classes"),
            f"model.num_classes is {model.value} but the dataset has {dataset.value} classes "
            f"({dataset.origin}): labels {model.value}..{dataset.value - 1} are out of range "
            "for the model's output",
            hint=f"set model.num_classes: {dataset.value}, or remove it to use the dataset's count",
            fix=_dataset_count(dataset.value),
        )
    else:
        yield Finding(
            ("model", "num_classes"),
            f"model.num_classes is {model.value} but the dataset has only {dataset.value} "
            f"classes ({dataset.origin}): {model.value - dataset.value} outputs never see a label",
            hint=f"set model.num_classes: {dataset.value}, or remove it to use the dataset's count",
            severity=Severity.WARNING,
            fix=_dataset_count(dataset.value),
        )


def _dataset_count(count: int) -> Remedy:
    """LC204's fix (unsafe: the model's output changes): the dataset's class count."""
    return unsafe(
        f"write model.num_classes: {count}",
        SetValue(("model", "num_classes"), count, str(count)),
    )


@rule("LC205", "ignore-index-is-class", Severity.WARNING)
def ignore_index_is_class(ctx: Context) -> Iterator[Finding]:
    """`ignore_index` is a real class, which is then never learned.

    ## What it does
    Reports an `ignore_index` (cross_entropy, nll) between 0 and the class count minus one.
    Values outside the classes, such as torch's default -100 or 255 (segmentation's "void"),
    are what the parameter is for and pass.

    ## Why is this bad?
    Targets equal to `ignore_index` add nothing to the loss or the gradient: a real class given
    here is silently left out of training, and its accuracy stays at chance.

    ## Example
    ```yaml
    dataset:
      name: cifar10
    loss:
      name: cross_entropy
      ignore_index: 0
    ```

    ## Fix
    Omit `ignore_index`, or use a value that is no class (-100, 255). If leaving the class out
    is intended, silence the line: `# losscfg: disable=LC205`.
    """
    count = ctx.class_count
    for site in ctx.sites:
        index = site.value("ignore_index")
        if count is None or not isinstance(index, int) or isinstance(index, bool):
            continue
        if 0 <= index < count.value:
            yield Finding(
                site.at("ignore_index"),
                f"ignore_index {index} is a real class (classes are 0..{count.value - 1}, "
                f"{count.origin}): class {index} is left out of the loss and never learned",
                hint="omit ignore_index, or use a value that is no class (torch's default -100, "
                "or 255)",
            )


@rule("LC212", "dataset-num-classes-ignored", Severity.WARNING)
def dataset_num_classes_ignored(ctx: Context) -> Iterator[Finding]:
    """`dataset.num_classes` disagrees with the class count of a known `dataset.name`.

    ## What it does
    Reports a `dataset.num_classes` that differs from the count of the dataset its name picks
    (cifar10 10, cifar100 100, mnist 10, fashion_mnist 10, imagenet 1000, or the `datasets`
    setting).

    ## Why is this bad?
    The trainer never reads `dataset.num_classes`: it takes the count from the dataset's class
    (`config["model"]["num_classes"] = dataset.num_classes` in `train.py`). A config that says
    100 classes for cifar10 trains with 10, and a `weight` list of 100 entries sized to it
    fails on the first batch: `weight tensor should be defined either for all 10 classes or no
    classes`.

    ## Example
    ```yaml
    dataset:
      name: cifar10
      num_classes: 100
    ```

    ## Fix
    Remove `dataset.num_classes`; to change the model's output size, set `model.num_classes`.
    """
    named = ctx.named_dataset_class_count()
    declared = (ctx.section("dataset") or {}).get("num_classes")
    if named is None or not isinstance(declared, int) or isinstance(declared, bool):
        return
    if declared != named.value:
        yield Finding(
            ("dataset", "num_classes"),
            f"dataset.num_classes is {declared} but {named.origin} has {named.value} classes: "
            f"the trainer never reads dataset.num_classes and trains with {named.value}",
            hint=f"remove dataset.num_classes (the trainer takes {named.value} from the dataset); "
            "set model.num_classes to change the model's output",
        )


@rule("LC213", "unknown-dataset", Severity.WARNING)
def unknown_dataset(ctx: Context) -> Iterator[Finding]:
    """`dataset.name` is no known dataset, but close to one: a typo?

    ## What it does
    Reports a `dataset.name` that is neither in the built-in table nor in the `datasets`
    setting, yet close to a name that is (`cifar-10`, `CIFAR_100`, `fashion-mnist`, `imagnet`,
    `imagenett`), and suggests it. A name close to none is taken for a custom dataset: the
    class count is then unknown, and LC203 says how to give it.

    ## Why is this bad?
    The trainer looks the lower-cased name up among its registered datasets and raises
    `ValueError: Unknown dataset: cifar-10` before training starts, unless the project's own
    code registers a dataset of that name. losscfg also cannot check the class count of a
    dataset it does not know.

    ## Example
    ```yaml
    dataset:
      name: cifar-10
    ```

    ## Fix
    Use the dataset's registered name (`cifar10`), or, for a custom dataset, add it to the
    `datasets` setting with its class count: `datasets = { cifar-10 = 10 }`.
    """
    name = ctx.dataset_name
    if name is None or name in ctx.known_datasets:
        return
    suggestion = _typo_of(name, ctx.known_datasets)
    if suggestion is not None:
        written = (ctx.section("dataset") or {}).get("name")
        yield Finding(
            ("dataset", "name"),
            f"dataset {written!r} is not a known dataset, but close to {suggestion!r}: the "
            f"trainer fails with 'Unknown dataset: {name}' unless your code registers it",
            hint=f"did you mean {suggestion!r}? (for a custom dataset, add it to the datasets "
            "setting with its class count)",
        )


def _typo_of(name: str, known: Iterable[str]) -> str | None:
    """The known name that `name` misspells: the same but for case, `-`, `_` and spaces, one
    letter replaced, two swapped, one left out, or one typed twice (`imagenett`). Any other
    longer name (`emnist`, `tiny_imagenet`) is another dataset, not a typo."""
    typed = _squash(name)
    same = [candidate for candidate in sorted(known) if _squash(candidate) == typed]
    if same:
        return same[0]
    if len(typed) < 4:
        return None
    return next((c for c in sorted(known) if _one_slip(typed, _squash(c))), None)


def _one_slip(typed: str, meant: str) -> bool:
    """`typed` is `meant` with one letter replaced, two adjacent swapped, one left out, or one
    typed twice next to itself."""
    if len(typed) == len(meant):
        differ = [i for i, (a, b) in enumerate(zip(typed, meant, strict=True)) if a != b]
        return len(differ) == 1 or (
            len(differ) == 2
            and differ[1] == differ[0] + 1
            and typed[differ[0]] == meant[differ[1]]
            and typed[differ[1]] == meant[differ[0]]
        )
    if len(typed) == len(meant) - 1:
        return any(meant[:i] + meant[i + 1 :] == typed for i in range(len(meant)))
    if len(typed) == len(meant) + 1:
        return any(
            typed[i] == typed[i - 1] and typed[:i] + typed[i + 1 :] == meant
            for i in range(1, len(typed))
        )
    return False


def _squash(name: str) -> str:
    return "".join(c for c in name.lower() if c not in "-_ ")
