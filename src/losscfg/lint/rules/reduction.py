"""Rules about `reduction` (kl_div's): values the schema marks `x-misleading` or `x-non-scalar`."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from losscfg.catalogue.schema import Parameter
from losscfg.diagnostics import Severity
from losscfg.dialects.names import FAT, HYDRA, LIGHTNING
from losscfg.dialects.site import LossSite
from losscfg.fix.remedies import SetValue, unsafe
from losscfg.lint.context import Context, Finding
from losscfg.lint.registry import rule


@rule("LC401", "kl-div-mean", Severity.WARNING, dialects=(FAT, HYDRA, LIGHTNING))
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

    With `--fix --unsafe-fixes`, `reduction` becomes `batchmean` (an unsafe fix: the loss's
    scale changes).

    ## In a Hydra file
    The same for `_target_: torch.nn.KLDivLoss`, whose own default is `mean`: write
    `reduction: batchmean`.
    """
    for site in ctx.sites:
        value, parameter = _reduction(site)
        if parameter is None or value not in parameter.misleading_values:
            continue
        instead = parameter.misleading_values[value]
        yield Finding(
            site.at("reduction"),
            f"reduction {value} divides by the batch size and the class count: it is not the KL "
            "divergence, and torch warns on every batch",
            fix=unsafe(
                f"write reduction: {instead}",
                SetValue(site.at("reduction"), instead, instead, keep_quotes=True),
            ),
            hint=f"use reduction: {instead}"
            + (
                f" (or omit it: {instead} is the trainer's default)"
                if parameter.default == instead
                else ""
            ),
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
    for site in ctx.sites:
        value, parameter = _reduction(site)
        if parameter is not None and value in parameter.non_scalar_values:
            yield Finding(
                site.at("reduction"),
                f"reduction {value} makes the loss an (N, C) tensor: the trainer's "
                "loss.backward() fails with 'grad can be implicitly created only for scalar "
                "outputs'",
                hint=f"use reduction: {parameter.default} (the KL divergence) or sum",
            )


def _reduction(site: LossSite) -> tuple[Any, Parameter | None]:
    """The site's `reduction` as written, and its schema (None when the loss takes none)."""
    spec = site.spec
    parameter = spec.parameters.get("reduction") if spec else None
    value = site.value("reduction") if parameter else None
    return (value, parameter) if isinstance(value, str) else (None, None)
