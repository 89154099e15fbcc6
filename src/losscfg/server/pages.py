"""Markdown pages about losses for hover and completion: a framework loss, a torch.nn class,
one parameter."""

from __future__ import annotations

from collections.abc import Mapping

from losscfg.catalogue.schema import Loss, Parameter
from losscfg.load.values import show


def loss_page(loss: Loss, *, default: bool = False) -> str:
    """A framework loss (`loss.name`): its torch class and parameters."""
    lines = [
        f"**{loss.name}**{' (the default loss)' if default else ''}: `{loss.torch_class}`",
        "",
        loss.description,
        "",
    ]
    if loss.parameters:
        lines += _table("parameter", loss.parameters)
    else:
        lines.append("No parameters besides `name`.")
    return "\n".join(lines)


def class_page(loss: Loss) -> str:
    """A torch.nn loss class (a Hydra `_target_`): its title and constructor arguments."""
    lines = [f"**{loss.title}**: `{loss.name}`", "", loss.description, ""]
    if loss.parameters:
        lines += _table("argument", loss.parameters)
    else:
        lines.append("No arguments.")
    return "\n".join(lines)


def parameter_page(name: str, parameter: Parameter, loss: str) -> str:
    default = f"default `{show(parameter.default)}`" if parameter.has_default else "no default"
    return f"**{name}** ({loss}): {parameter.expected}; {default}\n\n{parameter.description}"


def _table(heading: str, parameters: Mapping[str, Parameter]) -> list[str]:
    lines = [f"| {heading} | type | default |", "|---|---|---|"]
    for name, parameter in parameters.items():
        default_text = f"`{show(parameter.default)}`" if parameter.has_default else "none"
        lines.append(f"| `{name}` | {parameter.expected} | {default_text} |")
    return lines
