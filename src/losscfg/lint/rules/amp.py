"""Rules about automatic mixed precision (`amp.enabled`: float16 autocast on CUDA)."""

from __future__ import annotations

from collections.abc import Iterator

from losscfg.diagnostics import Severity
from losscfg.dialects.names import FAT, HYDRA, LIGHTNING
from losscfg.dialects.trainer import TRAINER, mixed_precision
from losscfg.fix import remedies
from losscfg.fix.remedies import Remedy, SetValue
from losscfg.lint.context import Context, Finding
from losscfg.lint.registry import rule


@rule("LC301", "amp-unsafe-loss", Severity.ERROR, dialects=(FAT, HYDRA, LIGHTNING))
def amp_unsafe_loss(ctx: Context) -> Iterator[Finding]:
    """`bce` with AMP: torch refuses binary_cross_entropy under CUDA autocast.

    ## What it does
    Reports `loss.name: bce` (a loss the schema marks `x-autocast-unsafe`) while AMP is on:
    `amp.enabled` is true, or any value that Python takes as true (the strings "false" and
    "no" and the number 1 included).

    ## Why is this bad?
    The trainer turns AMP on when `amp.enabled` is truthy and the device is CUDA
    (`amp_config.get("enabled", False) and device.type == "cuda"`), and wraps model and loss
    in float16 autocast; torch bans
    `binary_cross_entropy` there, because float16 probabilities near 0 and 1 lose the precision
    the loss needs. The first batch fails with `RuntimeError:
    torch.nn.functional.binary_cross_entropy and torch.nn.BCELoss are unsafe to autocast`.
    (CPU autocast allows it, so a CPU test run does not show the problem.)

    ## Example
    ```yaml
    loss:
      name: bce
    amp:
      enabled: true
    ```

    ## Fix
    Use `bce_with_logits`, which is safe under autocast, and drop the model's final sigmoid
    (the loss applies it, in a numerically stable way):
    ```yaml
    loss:
      name: bce_with_logits
    amp:
      enabled: true
    ```
    Or turn AMP off: `amp.enabled: false`.

    With `--fix --unsafe-fixes`, the loss becomes the one the schema names instead,
    `bce_with_logits` (an unsafe fix: drop the model's final sigmoid too).

    ## In a Hydra file
    A `_target_: torch.nn.BCELoss` in a file whose `trainer.precision` (Lightning's) is `16`,
    `"16"`, `16-mixed`, `bf16` or `bf16-mixed` while `trainer.accelerator` is not `cpu`:
    CUDA autocast bans `binary_cross_entropy` in every dtype. `--fix --unsafe-fixes` writes
    `torch.nn.BCEWithLogitsLoss`.
    """
    if ctx.dialect != FAT:
        yield from _mixed_precision_sites(ctx)
        return
    unsafe = ctx.loss_spec.autocast_unsafe if ctx.loss_spec else None
    if unsafe is not None and ctx.amp_enabled:
        line = ctx.document.span(("amp", "enabled"))
        where = f" (line {line.line})" if line else ""
        yield Finding(
            ("loss", "name"),
            f"{ctx.loss_name} is unsafe under CUDA autocast: with amp.enabled{where} the first "
            f"batch fails with '{unsafe['error']}'",
            hint=f"use {unsafe['instead']}, or set amp.enabled: false",
            fix=_instead(unsafe.get("loss")),
        )


def _mixed_precision_sites(ctx: Context) -> Iterator[Finding]:
    precision = mixed_precision(ctx.document)
    if precision is None or precision.accelerator == "cpu":
        return
    span = ctx.document.span((TRAINER, "precision"))
    where = f" (line {span.line})" if span else ""
    for site in ctx.sites:
        unsafe = site.spec.autocast_unsafe if site.spec else None
        if unsafe is None:
            continue
        instead = unsafe.get("loss")
        yield Finding(
            site.class_path,
            f"{site.torch_class} is unsafe under CUDA autocast: with trainer.precision: "
            f"{precision.value}{where} the first batch on a GPU fails with '{unsafe['error']}'",
            hint=f"use {unsafe['instead']}, or train with trainer.precision: 32",
            fix=remedies.unsafe(
                f"write {instead} (and drop the model's final sigmoid)",
                SetValue(site.class_path, instead, instead, keep_quotes=True),
            )
            if instead
            else None,
        )


def _instead(loss: str | None) -> Remedy | None:
    """LC301's fix (unsafe: training changes): the loss the schema names instead."""
    if loss is None:
        return None
    return remedies.unsafe(
        f"write name: {loss} (and drop the model's final sigmoid)",
        SetValue(("loss", "name"), loss, loss, keep_quotes=True),
    )


@rule("LC302", "amp-quantized", Severity.WARNING)
def amp_quantized(ctx: Context) -> Iterator[Finding]:
    """AMP is on for quantised training (`sqr_hinge`, or a `quant_` model).

    ## What it does
    Reports AMP on (`amp.enabled` truthy, as the trainer tests it) when the loss is one of
    quantised training (`sqr_hinge`, marked `x-quantized` in the schema) or `model.name`,
    lower-cased as the trainer does, starts with `quant_` (`QUANT_CNV` included).

    ## Why is this bad?
    The framework's recommended configuration disables AMP for quantised training: quantisers
    and binarised layers rely on exact scales that float16 autocast rounds, and the original
    Brevitas squared-hinge loss ignores the GradScaler's scale in its backward, shrinking
    every gradient by it (65536x by default). The framework's docs claim AMP is switched off for
    quantised models, but its code only switches it off on non-CUDA devices.

    ## Example
    ```yaml
    model:
      name: quant_cnv
    loss:
      name: sqr_hinge
    amp:
      enabled: true
    ```

    ## Fix
    ```yaml
    amp:
      enabled: false
    ```

    With `--fix --unsafe-fixes`, `amp.enabled` becomes false (an unsafe fix: training runs in
    float32).
    """
    if not ctx.amp_enabled:
        return
    model_name = (ctx.section("model") or {}).get("name")
    reasons = []
    if isinstance(model_name, str) and model_name.lower().startswith("quant_"):
        reasons.append(f"the model {model_name} is quantised")
    if ctx.loss_spec is not None and ctx.loss_spec.for_quantized_training:
        reasons.append(f"the loss is {ctx.loss_name}")
    if reasons:
        yield Finding(
            ("amp", "enabled"),
            f"AMP is on, but {' and '.join(reasons)}: the recommended configuration disables "
            "AMP for quantised training",
            hint="set amp.enabled: false",
            fix=remedies.unsafe(
                "write amp.enabled: false", SetValue(("amp", "enabled"), False, "false")
            ),
        )
