"""Inputs natural to a torch.nn loss class (its schema's `x-call`, SPEC §15): what a model and
a data loader would hand its forward, shaped for a batch and a class count.

The first input carries the gradient, as a model's output would; every tensor is on `device`.
"""

from __future__ import annotations

from typing import Any

import torch
from torch import Tensor, nn

from losscfg.catalogue.schema import Loss

EMBEDDING = 8  # the width of the embeddings fed to the triplet and cosine losses
STEPS = 12  # CTC: the input sequence's length
LABELS_PER_SEQUENCE = 4  # CTC: each target sequence's length


def call_inputs(
    spec: Loss, loss: nn.Module, batch: int, classes: int, device: torch.device
) -> list[Tensor]:
    """One batch of inputs for `loss`, a built instance of the class `spec` describes."""
    shape = (batch, classes)
    made: list[Tensor] = []
    for kind in spec.call:
        made.append(_make(kind, spec.call, made, loss, shape, device))
    if made and made[0].is_floating_point():
        made[0] = made[0].detach().requires_grad_()
    return made


def _make(
    kind: str,
    kinds: list[str],
    made: list[Tensor],
    loss: nn.Module,
    shape: tuple[int, int],
    device: torch.device,
) -> Tensor:
    batch, classes = shape
    if kind == "logits":
        return torch.randn(shape, device=device)
    if kind == "regression":
        if getattr(loss, "log_input", True) is False:  # PoissonNLLLoss of rates: positive
            return torch.rand(shape, device=device) + 0.1
        return torch.randn(shape, device=device)
    if kind == "log-probabilities":
        return torch.log_softmax(torch.randn(shape, device=device), dim=1)
    if kind == "probabilities":
        return torch.rand(shape, device=device) * 0.98 + 0.01
    if kind == "distribution":
        distribution = torch.softmax(torch.randn(shape, device=device), dim=1)
        return distribution.log() if getattr(loss, "log_target", False) else distribution
    if kind == "class-indices":
        return _class_indices(loss, batch, classes, device)
    if kind == "binary":
        return torch.randint(0, 2, shape, device=device).float()
    if kind == "counts":
        return torch.randint(0, 5, shape, device=device).float()
    if kind == "variance":
        return torch.rand(shape, device=device) + 0.1
    if kind == "sign":
        # CosineEmbeddingLoss: one sign per pair of embeddings; the others: per element
        size = (batch,) if kinds[0] == "embedding" else tuple(made[0].shape)
        return torch.randint(0, 2, size, device=device).float() * 2 - 1
    if kind == "embedding":
        return torch.randn(batch, EMBEDDING, device=device)
    if kind == "label-indices":
        labels = torch.full(shape, -1, dtype=torch.long, device=device)
        labels[:, 0] = torch.randint(0, classes, (batch,), device=device)
        return labels
    if kind == "features":
        return torch.randn(batch, _in_features(loss), device=device)
    if kind == "log-probabilities-in-time":
        noise = torch.randn(STEPS, batch, max(classes, 2), device=device)
        return torch.log_softmax(noise, dim=2)
    if kind == "label-sequences":
        blank = int(getattr(loss, "blank", 0))
        choices = [c for c in range(max(classes, 2)) if c != blank] or [0]
        picks = torch.randint(0, len(choices), (batch, LABELS_PER_SEQUENCE), device=device)
        return torch.tensor(choices, device=device)[picks]
    if kind == "input-lengths":
        return torch.full((batch,), STEPS, dtype=torch.long, device=device)
    if kind == "target-lengths":
        return torch.full((batch,), LABELS_PER_SEQUENCE, dtype=torch.long, device=device)
    raise ValueError(f"no input of the kind {kind!r}")


def _class_indices(loss: nn.Module, batch: int, classes: int, device: torch.device) -> Tensor:
    """Class labels (N,); a quarter of them the loss's `ignore_index` when it sets one, as a
    data set with an ignored label would give them."""
    count = int(getattr(loss, "num_classes", classes) or classes)
    extra = tuple(getattr(loss, "out_features", ()))  # LinearCrossEntropyLoss: (N, *out)
    labels = torch.randint(0, count, (batch, *extra), device=device)
    ignore_index: Any = getattr(loss, "ignore_index", None)
    if isinstance(ignore_index, int) and not isinstance(ignore_index, bool):
        labels[::4] = ignore_index
    return labels


def _in_features(loss: nn.Module) -> int:
    linear = getattr(loss, "linear", None)
    weight = getattr(linear, "weight", None)
    return int(weight.shape[-1]) if weight is not None else EMBEDDING
