"""The dry-run of a Hydra or LightningCLI file (SPEC §15): each torch.nn loss site built by
the dialect's own builder (`losscfg.dryrun.builders`), then forward and backward on inputs
natural to its class, on the chosen device; under autocast when the file's `trainer.precision`
is a mixed one and `--amp` says auto (or `--amp on`). The result's value and timings are the
first site's (the sites run last to first)."""

from __future__ import annotations

import contextlib
import math
import time
import warnings
from typing import Any

import torch

from losscfg.diagnostics import DryRunFailure, DryRunResult
from losscfg.dialects.site import LossSite
from losscfg.dialects.trainer import mixed_precision
from losscfg.dryrun.builders import SiteBuilder, builder
from losscfg.dryrun.inputs import call_inputs
from losscfg.dryrun.run import DEFAULT_CLASSES, RunSettings
from losscfg.lint.context import Context


class _Failed(Exception):
    def __init__(self, message: str, where: tuple[Any, ...], *, non_finite: bool = False) -> None:
        super().__init__(message)
        self.failure = DryRunFailure(non_finite, message)
        self.where = where


def run_sites(context: Context, settings: RunSettings) -> DryRunResult:
    """Build and run every site of the file; the first that fails is the result's failure."""
    device = settings.device
    amp_dtype = _amp_dtype(context, settings)
    names = ", ".join(str(site.torch_class) for site in context.sites)
    counts = [context.class_count_of(site) for site in context.sites]
    classes = next((c.value for c in counts if c is not None), DEFAULT_CLASSES)
    result = DryRunResult(
        names or "no torch.nn loss",
        str(device),
        classes,
        str(amp_dtype).removeprefix("torch.") if amp_dtype else None,
        targets="natural",
    )
    torch.manual_seed(settings.seed)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            build = _step("reading the file", (), lambda: builder(context))
            for site, count in reversed(list(zip(context.sites, counts, strict=True))):
                classes = count.value if count else DEFAULT_CLASSES
                _run_site(result, build, site, classes, settings, amp_dtype)
        except _Failed as failed:
            result.failure = failed.failure
            result.where = failed.where
    result.torch_warnings = list(dict.fromkeys(str(w.message).replace("\n", " ") for w in caught))
    return result


def _run_site(
    result: DryRunResult,
    build: SiteBuilder,
    site: LossSite,
    classes: int,
    settings: RunSettings,
    amp_dtype: torch.dtype | None,
) -> None:
    where = site.class_path
    label = f"{site.torch_class} at {site.pointer or '/'}"
    loss = _step(f"building {label}", where, lambda: build(site)).to(settings.device)
    assert site.spec is not None
    spec = site.spec
    forward, backward = [], []
    for step in range(1, settings.steps + 1):
        inputs = _step(
            f"making the inputs of {label}",
            where,
            lambda: call_inputs(spec, loss, settings.batch_size, classes, settings.device),
        )
        autocast = (
            torch.autocast(settings.device.type, dtype=amp_dtype)
            if amp_dtype is not None
            else contextlib.nullcontext()
        )
        start = time.perf_counter()
        with autocast:
            value = _step(f"the forward of {label}", where, lambda: loss(*inputs))  # noqa: B023
        forward.append(time.perf_counter() - start)
        total = value.float().sum() if value.dim() else value.float()  # reduction none: summed
        if not math.isfinite(float(total.detach())):
            raise _Failed(
                f"the loss of {label} at step {step} is {float(total)}", where, non_finite=True
            )
        start = time.perf_counter()
        _step(f"the backward of {label}", where, total.backward)
        backward.append(time.perf_counter() - start)
    result.loss_value = float(total.detach())
    result.loss_dtype = str(value.dtype).removeprefix("torch.")
    result.forward_ms = sorted(forward)[len(forward) // 2] * 1000
    result.backward_ms = sorted(backward)[len(backward) // 2] * 1000


def _step(stage: str, where: tuple[Any, ...], work: Any) -> Any:
    try:
        return work()
    except Exception as problem:  # Hydra's or torch's error, whatever its type, is the finding
        words = " ".join(str(problem).split())
        raise _Failed(f"{stage} failed: {type(problem).__name__}: {words}", where) from None


def _amp_dtype(context: Context, settings: RunSettings) -> torch.dtype | None:
    precision = mixed_precision(context.document)
    if settings.amp == "off" or (settings.amp == "auto" and precision is None):
        return None
    if precision is not None and precision.bfloat16:
        return torch.bfloat16
    return torch.bfloat16 if settings.device.type == "cpu" else torch.float16
