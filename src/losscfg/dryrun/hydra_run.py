"""The dry-run of a Hydra file (SPEC §15): each torch.nn loss site built by
`hydra.utils.instantiate` from the file as OmegaConf composes it, then forward and backward on
inputs natural to its class, on the chosen device; under autocast when the file's
`trainer.precision` is a mixed one and `--amp` says auto (or `--amp on`). The result's value
and timings are the first site's (the sites run last to first)."""

from __future__ import annotations

import contextlib
import importlib.util
import math
import time
import warnings
from typing import Any

import torch

from losscfg.diagnostics import DryRunFailure, DryRunResult
from losscfg.dryrun.inputs import call_inputs
from losscfg.dryrun.run import DEFAULT_CLASSES, RunSettings
from losscfg.lint.context import Context
from losscfg.lint.rules.amp import MIXED_PRECISION, TRAINER

EXTRA = "pip install 'losscfg[hydra]'"


def hydra_missing() -> str | None:
    """Why a Hydra file cannot be dry-run here, with the install line; None when it can."""
    if importlib.util.find_spec("hydra") is None or importlib.util.find_spec("omegaconf") is None:
        return (
            "the dry-run of a Hydra file builds it with hydra-core, which is not installed: "
            + EXTRA
        )
    return None


class _Failed(Exception):
    def __init__(self, message: str, where: tuple[Any, ...], *, non_finite: bool = False) -> None:
        super().__init__(message)
        self.failure = DryRunFailure(non_finite, message)
        self.where = where


def run_sites(context: Context, settings: RunSettings) -> DryRunResult:
    """Build and run every site of the file; the first that fails is the result's failure."""
    from omegaconf import OmegaConf

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
            config = _step(
                "composing the file", (), lambda: OmegaConf.create(context.document.text)
            )
            for site, count in reversed(list(zip(context.sites, counts, strict=True))):
                _run_site(
                    result,
                    config,
                    site,
                    count.value if count else DEFAULT_CLASSES,
                    settings,
                    amp_dtype,
                )
        except _Failed as failed:
            result.failure = failed.failure
            result.where = failed.where
    result.torch_warnings = list(dict.fromkeys(str(w.message).replace("\n", " ") for w in caught))
    return result


def _run_site(
    result: DryRunResult,
    config: Any,
    site: Any,
    classes: int,
    settings: RunSettings,
    amp_dtype: torch.dtype | None,
) -> None:
    from hydra.utils import instantiate
    from omegaconf import OmegaConf

    where = site.at("_target_")
    label = f"{site.torch_class} at {site.pointer or '/'}"
    node = OmegaConf.select(config, ".".join(map(str, site.path))) if site.path else config

    def build() -> torch.nn.Module:
        built = instantiate(node)
        return built if isinstance(built, torch.nn.Module) else built()  # a _partial_

    loss = _step(f"building {label}", where, build).to(settings.device)
    assert site.spec is not None
    forward, backward = [], []
    for step in range(1, settings.steps + 1):
        inputs = _step(
            f"making the inputs of {label}",
            where,
            lambda: call_inputs(site.spec, loss, settings.batch_size, classes, settings.device),
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
    trainer = context.data.get(TRAINER)
    precision = trainer.get("precision") if isinstance(trainer, dict) else None
    mixed = not isinstance(precision, bool) and precision in MIXED_PRECISION
    if settings.amp == "off" or (settings.amp == "auto" and not mixed):
        return None
    if isinstance(precision, str) and precision.startswith("bf16"):
        return torch.bfloat16
    return torch.bfloat16 if settings.device.type == "cpu" else torch.float16
