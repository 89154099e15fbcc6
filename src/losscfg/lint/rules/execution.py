"""Rules of the dry-run (`losscfg dry-run`, `losscfg check --dry-run`): they read the result
that `losscfg.dryrun` left in the context."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from losscfg.catalogue.schema import CLASS_INDICES
from losscfg.diagnostics import Severity
from losscfg.dialects.names import FAT, HYDRA, LIGHTNING
from losscfg.lint.context import Context, Finding
from losscfg.lint.registry import rule

LABELS = "labels"  # the dry-run fed the trainer's class labels (losscfg.dryrun.run.LABELS)


@rule(
    "LC501", "dry-run-failed", Severity.ERROR, after_dry_run=True, dialects=(FAT, HYDRA, LIGHTNING)
)
def dry_run_failed(ctx: Context) -> Iterator[Finding]:
    """Building or running the loss with torch raised an error (dry-run only).

    ## What it does
    With `losscfg dry-run` or `losscfg check --dry-run`, losscfg builds the configured loss as
    the trainer does, feeds it a small random batch on the chosen device (with AMP when the
    config enables it) and runs forward and backward. If torch raises, this reports torch's own
    message.

    ## Why is this bad?
    The same error would stop the training job on its first batch, after it waited in the queue
    for a GPU.

    ## Example
    ```yaml
    dataset:
      name: cifar10    # the trainer feeds class labels (N,)
    loss:
      name: mse        # which needs targets shaped like the logits (N, C)
    ```
    ```console
    $ losscfg dry-run config.yaml
    config.yaml:4:9: error LC501 forward failed: RuntimeError: The size of tensor a (10) must
    match the size of tensor b (8) at non-singleton dimension 1
    ```

    ## Fix
    Read torch's message; most causes have a static rule too (LC201, LC207, LC301, ...) that
    says what to change.

    ## In a Hydra file
    Each torch.nn loss site is built with `hydra.utils.instantiate` and fed inputs natural to
    its class; the finding points at the `_target_` of the site that failed, with Hydra's or
    torch's words (`Error locating target 'my.missing.distance'`).
    """
    failure = ctx.dry_run.failure if ctx.dry_run else None
    if failure is None or failure.non_finite:
        return
    hint = "the static rules say what to change for most of torch's errors"
    if failure.refused:
        hint = "is the class count right? If it is, dry-run with a smaller --batch-size"
    loss = ctx.loss_spec
    if ctx.dry_run and ctx.dry_run.targets == LABELS and loss and loss.target != CLASS_INDICES:
        hint = (
            f"the trainer feeds class labels, which {loss.name} cannot take: use "
            f"{ctx.catalogue.default_loss}, or dry-run with --targets natural if your own "
            "trainer feeds the loss its natural targets"
        )
    yield Finding(_where(ctx), failure.message, hint)


@rule(
    "LC502",
    "dry-run-non-finite",
    Severity.ERROR,
    after_dry_run=True,
    dialects=(FAT, HYDRA, LIGHTNING),
)
def dry_run_non_finite(ctx: Context) -> Iterator[Finding]:
    """The loss or a gradient is NaN or infinite in the dry-run.

    ## What it does
    With `losscfg dry-run`, checks that the loss value and every gradient of the random batch
    are finite.

    ## Why is this bad?
    A NaN loss poisons the weights on the first optimizer step; training continues and produces
    garbage. Typical causes: all class weights zero (LC206), a batch whose targets are all
    `ignore_index`, an infinite parameter.

    ## Example
    ```yaml
    model:
      num_classes: 3
    loss:
      name: cross_entropy
      weight: [0.0, 0.0, 0.0]  # losscfg: disable=LC206
    ```

    ## Fix
    Correct the parameter that makes the loss non-finite; the message says which value was
    NaN or infinite.
    """
    failure = ctx.dry_run.failure if ctx.dry_run else None
    if failure is not None and failure.non_finite:
        yield Finding(
            _where(ctx),
            failure.message,
            "find the parameter that is zero, NaN or infinite (LC104, LC206)",
        )


def _where(ctx: Context) -> tuple[Any, ...] | None:
    """The loss's name, else the loss section, else nowhere (no section: the default loss);
    in a Hydra file, the `_target_` of the site that failed."""
    if ctx.dialect != FAT:
        return ctx.dry_run.where if ctx.dry_run else None
    if "loss" not in ctx.data:
        return None
    return ("loss", "name") if "name" in ctx.loss else ("loss",)
