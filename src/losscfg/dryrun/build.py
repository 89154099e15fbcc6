"""`build_loss`: the torch module the trainer builds from a `loss` section (SPEC §1, §9).

Names, parameters, types and defaults come from the JSON Schema; the conversions are the
trainer's (`float(label_smoothing)`, `int(ignore_index)`, `torch.tensor(weight)`, ...), except
that weights become float32 tensors on the device, as they must for the loss to run.
"""

from __future__ import annotations

import importlib
import inspect
from collections.abc import Mapping
from typing import Any

import torch
from torch import nn

from losscfg.catalogue.schema import (
    BOOL,
    FLOAT,
    INT,
    TENSOR,
    TRUTH,
    Catalogue,
    Loss,
    Parameter,
    conversion,
    default_schema,
)


def build_loss(
    loss_section: Mapping[str, Any] | None,
    *,
    num_classes: int | None = None,
    device: str | torch.device = "cpu",
    catalogue: Catalogue | None = None,
) -> nn.Module:
    """The loss module of a config's `loss` section (None or {} gives cross_entropy).

    `num_classes`, when given, is checked against the length of `weight` and `pos_weight`,
    so that a mismatch fails here rather than on the first batch. `catalogue`: the losses
    of another schema than the one shipped with losscfg.
    """
    section = dict(loss_section or {})
    known = catalogue or default_schema().catalogue
    written = section.pop("name", known.default_loss)
    name = known.canonical_name(written)
    if name is None:
        raise ValueError(f"Unknown loss function: {written}. Available: {list(known.losses)}")
    spec = known.losses[name]
    unknown = sorted(set(section) - set(spec.parameters), key=str)
    if unknown:
        takes = ", ".join(spec.parameters) or "no parameters"
        raise TypeError(f"{name} does not take {', '.join(map(str, unknown))} (it takes: {takes})")
    loss_class = _class(spec)
    kwargs = {key: _convert(spec.parameters[key], value, device) for key, value in section.items()}
    kwargs.update(_framework_defaults(spec, loss_class, kwargs))
    if num_classes is not None:
        _check_lengths(kwargs, num_classes)
    module: nn.Module = loss_class(**kwargs)
    return module.to(device)


def _class(spec: Loss) -> type[nn.Module]:
    module_name, _, class_name = spec.torch_class.rpartition(".")
    loss_class: type[nn.Module] = getattr(importlib.import_module(module_name), class_name)
    return loss_class


def _convert(parameter: Parameter, value: Any, device: str | torch.device) -> Any:
    """The trainer's conversion of a parameter (`x-converts`): float(), int(), bool(), or
    torch.tensor() (here float32 on the device, as the loss needs to run)."""
    how = conversion(parameter.schema)
    if value is None and how not in (BOOL, TRUTH):
        raise TypeError(f"{parameter.name} is None: omit it to get the default")
    if how == TENSOR:
        return torch.tensor(value, dtype=torch.float32, device=device)
    if how == FLOAT:
        return float(value)
    if how == INT:
        return int(value)
    if how in (BOOL, TRUTH):
        return bool(value)
    return value


def _framework_defaults(
    spec: Loss, loss_class: type[nn.Module], given: Mapping[str, Any]
) -> dict[str, Any]:
    """Schema defaults that differ from torch's own (kl_div's reduction is batchmean)."""
    torch_defaults = {
        name: p.default
        for name, p in inspect.signature(loss_class.__init__).parameters.items()
        if p.default is not inspect.Parameter.empty
    }
    return {
        name: parameter.default
        for name, parameter in spec.parameters.items()
        if name not in given
        and parameter.has_default
        and name in torch_defaults
        and torch_defaults[name] != parameter.default
    }


def _check_lengths(kwargs: Mapping[str, Any], num_classes: int) -> None:
    weight = kwargs.get("weight")
    if weight is not None and weight.numel() != num_classes:
        raise ValueError(f"weight has {weight.numel()} entries but there are {num_classes} classes")
    pos_weight = kwargs.get("pos_weight")
    if pos_weight is not None and pos_weight.numel() not in (1, num_classes):
        raise ValueError(
            f"pos_weight has {pos_weight.numel()} entries; expected 1 or {num_classes}"
        )
