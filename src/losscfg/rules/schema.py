"""Rules of the JSON Schema: names, parameters, types, ranges (found by `losscfg.validation`)."""

from __future__ import annotations

from collections.abc import Iterator

from losscfg.context import Context, Finding
from losscfg.diagnostics import Severity
from losscfg.registry import declare, rule

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
