"""The real builders of SPEC §15 for the dry-run: Hydra's `instantiate` and jsonargparse's
parser, each as a function from a checked file to a function that builds one of its sites."""

from __future__ import annotations

import contextlib
import importlib.util
from collections.abc import Callable, Iterator
from typing import Any

import torch

from losscfg.dialects.hydra import DEFAULTS
from losscfg.dialects.names import HYDRA, LIGHTNING
from losscfg.dialects.site import LossSite
from losscfg.lint.context import Context

#: Builds the loss of one site of the file it was made for.
SiteBuilder = Callable[[LossSite], torch.nn.Module]

#: What each dialect's dry-run imports, and the extra that installs it.
NEEDS = {
    HYDRA: (("hydra", "omegaconf"), "hydra-core", "pip install 'losscfg[hydra]'"),
    LIGHTNING: (("jsonargparse",), "jsonargparse", "pip install 'losscfg[lightning]'"),
}


def missing(dialect: str) -> tuple[str, str] | None:
    """Why files of `dialect` cannot be dry-run here, and the install line; None if they can."""
    modules, name, extra = NEEDS[dialect]
    if all(importlib.util.find_spec(module) is not None for module in modules):
        return None
    which = "a Hydra" if dialect == HYDRA else "a LightningCLI"
    return f"the dry-run of {which} file builds it with {name}, which is not installed", extra


def builder(context: Context) -> SiteBuilder:
    """The builder of the file's sites: each by its own dialect's."""
    made: dict[str, SiteBuilder] = {}

    def build(site: LossSite) -> torch.nn.Module:
        if site.dialect not in made:
            make = _hydra if site.dialect == HYDRA else _lightning
            made[site.dialect] = make(context)
        return made[site.dialect](site)

    return build


def _hydra(context: Context) -> SiteBuilder:
    """`hydra.utils.instantiate` of the site's node, the file composed by OmegaConf."""
    from hydra.utils import instantiate
    from omegaconf import DictConfig, OmegaConf

    config = OmegaConf.create(context.document.text)
    if isinstance(config, DictConfig) and DEFAULTS in config:
        config.pop(DEFAULTS)  # the defaults list: composition consumes it before instantiate

    def build(site: LossSite) -> torch.nn.Module:
        path = ".".join(map(str, site.path))
        node = OmegaConf.select(config, path) if path else config
        built = instantiate(node)
        return built if isinstance(built, torch.nn.Module) else built()  # a _partial_

    return build


class _Module:
    """What LightningCLI parses a loss for: a module argument typed `torch.nn.Module`."""

    def __init__(self, criterion: torch.nn.Module) -> None:
        self.criterion = criterion


def _lightning(context: Context) -> SiteBuilder:
    """jsonargparse's parser as LightningCLI runs it: the site's node parsed against a
    `criterion: torch.nn.Module` argument, then `instantiate_classes`; with the project's
    list-to-tensor type registered meanwhile when the `tensor-from-list` setting says so."""
    from jsonargparse import ArgumentParser

    data = _resolved(context)

    def build(site: LossSite) -> torch.nn.Module:
        node = _node(data, site.path)
        parser = ArgumentParser(exit_on_error=False)
        parser.add_class_arguments(_Module, "module")
        instantiate = getattr(parser, "instantiate", None) or parser.instantiate_classes
        with _tensor_from_list(context.tensor_from_list):
            parsed = parser.parse_object({"module": {"criterion": node}})
            built: Any = instantiate(parsed).module.criterion
        return built  # type: ignore[no-any-return]

    return build


def _resolved(context: Context) -> Any:
    """The file's data; with its `${…}` resolved by OmegaConf where it is installed, as
    jsonargparse's `omegaconf` parser mode does (a file with interpolations needs it)."""
    if "${" not in context.document.text or importlib.util.find_spec("omegaconf") is None:
        return context.document.data
    from omegaconf import OmegaConf

    try:
        return OmegaConf.to_container(OmegaConf.create(context.document.text), resolve=True)
    except Exception:  # an interpolation only the job resolves: parsed as written
        return context.document.data


def _node(data: Any, path: tuple[Any, ...]) -> Any:
    for part in path:
        data = data[part]
    return data


@contextlib.contextmanager
def _tensor_from_list(registers: bool) -> Iterator[None]:
    if not registers:
        yield
        return
    from jsonargparse import typing

    known = torch.Tensor in typing.registered_type_handlers
    if not known:
        typing.register_type(
            torch.Tensor, serializer=lambda t: t.tolist(), deserializer=torch.tensor
        )
    try:
        yield
    finally:
        if not known:
            typing.registered_type_handlers.pop(torch.Tensor, None)
