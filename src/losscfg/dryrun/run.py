"""Run one config's loss forward and backward on random tensors, as the trainer would (SPEC §8)."""

from __future__ import annotations

import contextlib
import math
import statistics
import time
import warnings
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

import torch
from torch import Tensor, nn

from losscfg.catalogue.schema import (
    BINARY,
    CLASS_INDICES,
    DISTRIBUTION,
    INT,
    LOG_PROBABILITIES,
    PROBABILITIES,
    Catalogue,
    Loss,
)
from losscfg.diagnostics import DryRunFailure, DryRunResult
from losscfg.dialects.conversions import convert
from losscfg.dryrun.build import build_loss

FEATURES = 16  # width of the random features fed to the nn.Linear that makes the logits
DEFAULT_CLASSES = 10  # when the config gives no class count


@dataclass(frozen=True)
class RunSettings:
    device: torch.device
    batch_size: int = 8
    steps: int = 3
    amp: str = "auto"  # auto (as the config says), on, off
    seed: int = 0


#: The targets a dry-run feeds: the trainer's (raw logits and int64 class labels, whatever the
#: loss), or those natural to the loss (its `x-input` and `x-target`).
LABELS, NATURAL = "labels", "natural"


class _Failed(Exception):
    def __init__(self, message: str, *, non_finite: bool = False) -> None:
        super().__init__(message)
        self.failure = DryRunFailure(non_finite, message)


def dry_run(
    loss_section: Mapping[str, Any] | None,
    settings: RunSettings,
    *,
    loss: Loss,
    catalogue: Catalogue,
    num_classes: int | None,
    amp_enabled: bool,
    targets: str = NATURAL,
) -> DryRunResult:
    """Build the loss and run `settings.steps` forward and backward passes, fed `targets`."""
    device = settings.device
    classes = num_classes or DEFAULT_CLASSES
    amp_dtype = _amp_dtype(device, settings.amp, amp_enabled)
    result = DryRunResult(
        loss.name,
        str(device),
        classes,
        str(amp_dtype).removeprefix("torch.") if amp_dtype else None,
        targets=targets,
    )
    torch.manual_seed(settings.seed)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            _measure(result, loss_section, loss, catalogue, settings, amp_dtype)
        except _Failed as failed:
            result.failure = failed.failure
    seen = dict.fromkeys(str(w.message).replace("\n", " ") for w in caught)
    result.torch_warnings = list(seen)
    return result


def _measure(
    result: DryRunResult,
    loss_section: Mapping[str, Any] | None,
    spec: Loss,
    catalogue: Catalogue,
    settings: RunSettings,
    amp_dtype: torch.dtype | None,
) -> None:
    device, classes = settings.device, result.num_classes
    criterion = _stage(
        "building the loss",
        lambda: build_loss(loss_section, device=device, catalogue=catalogue),
    )
    model = _stage("making the model", lambda: nn.Linear(FEATURES, classes).to(device))
    features = torch.randn(settings.batch_size, FEATURES, device=device)
    section = loss_section or {}
    if result.targets == LABELS:
        targets = _stage(
            "making the targets", lambda: _labels(section, settings.batch_size, classes, device)
        )
        make_input: Callable[[Tensor], Tensor] = _raw
    else:
        targets = _stage(
            "making the targets",
            lambda: _targets(spec, section, settings.batch_size, classes, device),
        )
        make_input = _input_of(spec)
    scaler = (
        torch.amp.GradScaler("cuda") if amp_dtype is not None and device.type == "cuda" else None
    )
    if device.type == "cuda":
        torch.cuda.reset_peak_memory_stats(device)
    forward_times: list[float] = []
    backward_times: list[float] = []
    overflowed = 0
    for step in range(1, settings.steps + 1):
        model.zero_grad(set_to_none=True)
        with _timer(device, forward_times):
            loss = _stage(
                "forward",
                lambda: _forward(model, criterion, features, targets, make_input, amp_dtype),
            )
        _check_finite(loss.detach(), f"the loss at step {step}")
        scaled = scaler.scale(loss) if scaler else loss
        with _timer(device, backward_times):
            _stage("backward", scaled.backward)
        if scaler is not None:
            # As GradScaler.unscale_ and update do with an optimizer (which the loss step does
            # not need: making one imports torch._dynamo, over a second)
            scale = scaler.get_scale()
            for parameter in model.parameters():
                if parameter.grad is not None:
                    parameter.grad.mul_(1.0 / scale)
            if not _grads_finite(model):
                # GradScaler skips such a step and lowers its scale, as in training
                overflowed += 1
                scaler.update(scale * scaler.get_backoff_factor())
                continue
        for name, parameter in model.named_parameters():
            assert parameter.grad is not None
            _check_finite(
                parameter.grad, f"the gradient of the logits layer's {name} at step {step}"
            )
    if overflowed == settings.steps:
        raise _Failed(
            f"the gradient overflowed float16 at every step ({settings.steps}), even as "
            "GradScaler lowered its scale",
            non_finite=True,
        )
    result.loss_value = float(loss.detach().float())
    result.loss_dtype = str(loss.dtype).removeprefix("torch.")
    grads = [p.grad.detach().float().flatten() for p in model.parameters() if p.grad is not None]
    result.grad_norm = float(torch.linalg.vector_norm(torch.cat(grads)))
    result.forward_ms = statistics.median(forward_times) * 1000
    result.backward_ms = statistics.median(backward_times) * 1000
    if device.type == "cuda":
        result.peak_memory_bytes = int(torch.cuda.max_memory_allocated(device))


def _grads_finite(model: nn.Module) -> bool:
    return all(bool(torch.isfinite(p.grad).all()) for p in model.parameters() if p.grad is not None)


def _stage(stage: str, work: Callable[[], Any]) -> Any:
    try:
        return work()
    except Exception as problem:  # torch's error, whatever its type, is the diagnostic
        words = " ".join(str(problem).split())
        raise _Failed(f"{stage} failed: {type(problem).__name__}: {words}") from None


def _forward(
    model: nn.Module,
    criterion: nn.Module,
    features: Tensor,
    targets: Tensor,
    make_input: Callable[[Tensor], Tensor],
    amp_dtype: torch.dtype | None,
) -> Tensor:
    device = features.device
    autocast = (
        torch.autocast(device.type, dtype=amp_dtype)
        if amp_dtype is not None
        else contextlib.nullcontext()
    )
    with autocast:
        logits = model(features)
        value: Tensor = criterion(make_input(logits), targets)
    if value.dim() != 0:
        raise RuntimeError(
            f"the loss has shape {tuple(value.shape)}, not a scalar: backward() needs a scalar "
            "(grad can be implicitly created only for scalar outputs)"
        )
    return value


def _raw(logits: Tensor) -> Tensor:
    return logits


def _log_softmax(logits: Tensor) -> Tensor:
    return torch.log_softmax(logits, dim=1)


def _input_of(loss: Loss) -> Callable[[Tensor], Tensor]:
    """What the loss takes (`x-input`), made from the logits as a model would end."""
    if loss.input == LOG_PROBABILITIES:
        return _log_softmax
    if loss.input == PROBABILITIES:
        return torch.sigmoid
    return _raw


def _labels(section: Mapping[str, Any], batch: int, classes: int, device: torch.device) -> Tensor:
    """int64 class labels (N,), as the trainer feeds every loss; some are `ignore_index`."""
    labels = torch.randint(0, classes, (batch,), device=device)
    ignore_index = convert(section.get("ignore_index"), INT)
    if ignore_index is not None:
        labels[::4] = ignore_index.value
    return labels


def _targets(
    loss: Loss, section: Mapping[str, Any], batch: int, classes: int, device: torch.device
) -> Tensor:
    """Targets natural to the loss (`x-target`, SPEC §8)."""
    if loss.target == CLASS_INDICES:
        return _labels(section, batch, classes, device)
    if loss.target == PROBABILITIES:
        return torch.rand(batch, classes, device=device)
    if loss.target == BINARY:
        return torch.randint(0, 2, (batch, classes), device=device).float()
    if loss.target == DISTRIBUTION:
        distribution = torch.randn(batch, classes, device=device)
        log_target = any(
            parameter.makes_log_target and bool(section.get(name))  # the trainer's bool()
            for name, parameter in loss.parameters.items()
        )
        if log_target:
            return torch.log_softmax(distribution, dim=1)
        return torch.softmax(distribution, dim=1)
    return torch.randn(batch, classes, device=device)  # regression


def _amp_dtype(device: torch.device, mode: str, enabled_in_config: bool) -> torch.dtype | None:
    if mode == "off" or (mode == "auto" and not enabled_in_config):
        return None
    return torch.bfloat16 if device.type == "cpu" else torch.float16


def _check_finite(tensor: Tensor, what: str) -> None:
    if not bool(torch.isfinite(tensor).all()):
        values = tensor.detach().float().flatten()
        bad = values[~torch.isfinite(values)][0].item()
        shown = "NaN" if math.isnan(bad) else "infinite"
        raise _Failed(f"{what} is {shown}", non_finite=True)


@contextlib.contextmanager
def _timer(device: torch.device, times: list[float]) -> Iterator[None]:
    _synchronize(device)
    start = time.perf_counter()
    yield
    _synchronize(device)
    times.append(time.perf_counter() - start)


def _synchronize(device: torch.device) -> None:
    if device.type == "cuda":
        torch.cuda.synchronize(device)
    elif device.type == "mps":
        torch.mps.synchronize()
