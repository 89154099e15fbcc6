"""The squared hinge loss of binarised and quantised networks (Brevitas, giovannipollo/fat).

L = mean(max(0, 1 - y * f(x))^2) over all N x C entries. Class indices (N,) become -1/+1
one-hot targets (-1 everywhere, +1 at the true class); (N, C) targets are used as given.
Unlike the Brevitas original, the backward multiplies by the upstream gradient, so it works
with a GradScaler (AMP) and inside larger graphs.
"""

from __future__ import annotations

from typing import Any

import torch
from torch import Tensor, nn


class SqrHingeLoss(nn.Module):
    """mean(max(0, 1 - y * f(x))^2); 1-D class-index targets become -1/+1 one-hot targets."""

    def forward(self, input: Tensor, target: Tensor) -> Tensor:
        if input.dim() != 2:
            raise ValueError(
                f"sqr_hinge expects logits of shape (N, C), got shape {tuple(input.shape)}"
            )
        if target.dim() == 1:
            _check_class_indices(target, input.shape)
            result: Tensor = _ClassIndexSqrHinge.apply(input, target)  # type: ignore[no-untyped-call]
            return result
        if target.shape != input.shape:
            raise ValueError(
                f"sqr_hinge expects class indices (N,) or targets shaped like the input "
                f"{tuple(input.shape)}, got shape {tuple(target.shape)}"
            )
        result = _DenseSqrHinge.apply(input, target)  # type: ignore[no-untyped-call]
        return result


def _check_class_indices(target: Tensor, shape: torch.Size) -> None:
    batch, classes = shape
    if target.dtype.is_floating_point or target.dtype.is_complex or target.dtype == torch.bool:
        raise TypeError(
            f"sqr_hinge expects integer class indices for 1-D targets, got {target.dtype}"
        )
    if target.shape[0] != batch:
        raise ValueError(
            f"sqr_hinge: expected {batch} class indices for a batch of {batch}, "
            f"got {target.shape[0]}"
        )
    if target.numel() and (int(target.min()) < 0 or int(target.max()) >= classes):
        bad = int(target.min()) if int(target.min()) < 0 else int(target.max())
        raise ValueError(
            f"sqr_hinge: class index {bad} is out of range for {classes} classes (0..{classes - 1})"
        )


def _mean_of_squares(margin: Tensor) -> Tensor:
    flat = margin.view(-1)
    return torch.dot(flat, flat) / margin.numel()


class _ClassIndexSqrHinge(torch.autograd.Function):
    """Class-index targets without a target tensor: y * f is -f, except +f at the true class.

    The margin max(0, 1 - y * f) is the only N x C tensor built (in float32, as the original
    gets by type promotion with its float32 targets); the backward builds one more.
    """

    @staticmethod
    def forward(ctx: Any, input: Tensor, target: Tensor) -> Tensor:
        index = target.long().unsqueeze(1)
        margin = input.to(torch.float32, copy=True).add_(1.0)  # 1 - (-1) * f
        margin.scatter_(1, index, 2.0 - margin.gather(1, index))  # 1 - (+1) * f
        margin.clamp_(min=0.0)
        ctx.save_for_backward(margin, index)
        ctx.input_dtype = input.dtype
        return _mean_of_squares(margin)

    @staticmethod
    def backward(ctx: Any, grad_output: Tensor) -> tuple[Tensor, None]:
        margin, index = ctx.saved_tensors
        # dL/df = -2 * y * margin / numel, scaled by the upstream gradient
        grad = margin * (2.0 / margin.numel()) * grad_output
        grad.scatter_(1, index, -grad.gather(1, index))
        return grad.to(ctx.input_dtype), None


class _DenseSqrHinge(torch.autograd.Function):
    @staticmethod
    def forward(ctx: Any, input: Tensor, target: Tensor) -> Tensor:
        target = target.to(torch.float32)
        margin = (1.0 - input.to(torch.float32) * target).clamp_(min=0.0)
        ctx.save_for_backward(margin, target)
        ctx.input_dtype = input.dtype
        return _mean_of_squares(margin)

    @staticmethod
    def backward(ctx: Any, grad_output: Tensor) -> tuple[Tensor, None]:
        margin, target = ctx.saved_tensors
        grad = margin * target * (-2.0 / margin.numel()) * grad_output
        return grad.to(ctx.input_dtype), None
