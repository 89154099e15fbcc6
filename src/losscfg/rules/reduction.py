"""Rules about kl_div's `reduction`."""

from __future__ import annotations

from collections.abc import Iterator

from losscfg.context import Context, Finding
from losscfg.diagnostics import Severity
from losscfg.registry import rule


@rule("LC401", "kl-div-mean", Severity.WARNING)
def kl_div_mean(ctx: Context) -> Iterator[Finding]:
    """kl_div with `reduction: mean` is not the KL divergence.

    ## What it does
    Reports `kl_div` with `reduction: mean`. (The trainer's default for kl_div is `batchmean`;
    torch's own default is `mean`.)

    ## Why is this bad?
    `mean` divides the summed divergence by the batch size and by the number of classes, so the
    loss is C times too small and its scale changes with the class count. torch warns about it
    on every forward pass ("'mean' divides the total loss by both the batch size and the support
    size") and announces that `mean` will behave like `batchmean` in a future release.

    ## Example
    ```yaml
    loss:
      name: kl_div
      reduction: mean
    ```

    ## Fix
    Use `batchmean`, or omit `reduction` (the trainer's default is `batchmean`).
    """
    if ctx.loss_name == "kl_div" and ctx.parameter("reduction") == "mean":
        yield Finding(
            ("loss", "reduction"),
            "reduction mean divides by the batch size and the class count: it is not the KL "
            "divergence, and torch warns on every batch",
            hint="use reduction: batchmean (or omit it: batchmean is the trainer's default)",
        )


@rule("LC402", "non-scalar-reduction", Severity.ERROR)
def non_scalar_reduction(ctx: Context) -> Iterator[Finding]:
    """kl_div with `reduction: none` returns a tensor that backward() cannot start from.

    ## What it does
    Reports `kl_div` with `reduction: none`.

    ## Why is this bad?
    With no reduction the loss is an (N, C) tensor, and the trainer's `loss.backward()` fails:
    `RuntimeError: grad can be implicitly created only for scalar outputs`.

    ## Example
    ```yaml
    loss:
      name: kl_div
      reduction: none
    ```

    ## Fix
    Use `batchmean` (the KL divergence) or `sum`.
    """
    if ctx.loss_name == "kl_div" and ctx.parameter("reduction") == "none":
        yield Finding(
            ("loss", "reduction"),
            "reduction none makes the loss an (N, C) tensor: the trainer's loss.backward() fails "
            "with 'grad can be implicitly created only for scalar outputs'",
            hint="use reduction: batchmean (the KL divergence) or sum",
        )
