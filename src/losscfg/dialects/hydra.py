"""Hydra's dialect (SPEC §15): a loss site is a mapping whose `_target_` names a torch.nn loss
class (`torch.nn.X` or `torch.nn.modules.loss.X`), at any depth, the document root included (a
config-group file such as `configs/loss/ce.yaml`). Its arguments are its other keys but Hydra's
own; `hydra.utils.instantiate` passes them as OmegaConf holds them, unconverted."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any, NamedTuple

from losscfg.catalogue.hydra_export import MODULES as EXPORTED_MODULES
from losscfg.catalogue.hydra_export import OWN_KEY_DESCRIPTIONS
from losscfg.catalogue.hydra_export import TARGET as TARGET
from losscfg.catalogue.schema import TORCH_NN, Loss
from losscfg.dialects.hydra_values import passed
from losscfg.dialects.names import HYDRA
from losscfg.dialects.site import Builder, LossSite, mappings
from losscfg.load.document import Document, Path
from losscfg.load.values import closest

DIALECT = HYDRA
#: Keys of a `_target_` mapping that Hydra reads itself and never passes to the constructor.
OWN_KEYS = frozenset(OWN_KEY_DESCRIPTIONS)
#: The defaults list at the top of a config file, which composition consumes.
DEFAULTS = "defaults"
#: The module paths under which Hydra finds torch.nn's loss classes.
MODULES = tuple(sorted(EXPORTED_MODULES, key=len, reverse=True))  # the longer first


def torch_class(target: Any) -> str | None:
    """The torch.nn class a `_target_` names (`torch.nn.X`, whichever module path it takes),
    or None for anything else (the project's own class, `nn.X`, a bare `X`)."""
    if not isinstance(target, str):
        return None
    module = next((m for m in MODULES if target.startswith(m)), None)
    name = target.removeprefix(module) if module is not None else ""
    return f"{TORCH_NN}{name}" if name and "." not in name else None


def find_sites(document: Document, classes: Mapping[str, Loss]) -> tuple[LossSite, ...]:
    """Every mapping whose `_target_` is a loss class of torch.nn, in document order."""
    sites = []
    for path, mapping in mappings(document.data):
        found = torch_class(mapping.get(TARGET))
        if found is None or found not in classes:
            continue
        if not path and DEFAULTS in mapping:  # a config file's defaults list: Hydra's own
            mapping = {k: v for k, v in mapping.items() if k != DEFAULTS}
        arguments = frozenset(k for k in mapping if isinstance(k, str) and k not in OWN_KEYS)
        builder = _instantiated(document, path, recursive=mapping.get("_recursive_") is not False)
        spec = classes[found]
        sites.append(LossSite(path, DIALECT, spec, mapping, arguments, builder, class_key=TARGET))
    return tuple(sites)


def _instantiated(document: Document, path: Path, *, recursive: bool = True) -> Builder:
    """What instantiate passes for an argument of the site at `path` (hydra_values); with
    `_recursive_: false` a nested `_target_` mapping reaches the constructor unbuilt."""

    def value(spec: Loss, argument: str, written: Any) -> Any:
        if not recursive and isinstance(written, dict):
            return written
        return passed(document, (*path, argument), written)

    return value


def _reads_as_a_loss(name: str) -> bool:
    """A public name that ends in `loss` (`_WeightedLoss` is torch's private base class)."""
    return name.lower().endswith("loss") and not name.startswith("_")


class UnknownTarget(NamedTuple):
    path: Path  # the `_target_` key's mapping
    target: str  # as written
    meant: str | None  # the torch.nn class it most likely means


def unknown_targets(
    data: Any, classes: Mapping[str, Loss], others: frozenset[str] = frozenset()
) -> Iterator[UnknownTarget]:
    """`_target_`s that mean a torch.nn loss but name none Hydra can import: a class not in
    torch.nn that reads as a loss (`torch.nn.CrossEntropyloss`), or a loss class without its
    module (`nn.CrossEntropyLoss`, `CrossEntropyLoss`). Any other target is the project's own
    code, or torch.nn's other modules (`torch.nn.Linear`, `others`: the classes whose names
    end in `Loss` that are no loss class, such as `AdaptiveLogSoftmaxWithLoss`): no finding."""
    names = {path.removeprefix(TORCH_NN): path for path in classes}
    for path, mapping in mappings(data):
        target = mapping.get(TARGET)
        if not isinstance(target, str) or target.strip() != target or not target:
            continue
        resolved = torch_class(target)
        if resolved is not None:
            name = resolved.removeprefix(TORCH_NN)
            if resolved in classes or resolved in others or not _reads_as_a_loss(name):
                continue
        else:
            name = target.removeprefix("nn.")
            if "." in name or name not in names:  # a bare name: only a loss class's own
                continue
        meant = closest(name, names)
        yield UnknownTarget(path, target, names[meant] if meant is not None else None)
