"""LightningCLI's dialect (jsonargparse, SPEC §15): a loss site is a mapping whose `class_path`
names a torch.nn loss class (`torch.nn.X`, `torch.nn.modules.loss.X`, or the short `X`), its
arguments the keys of its `init_args` (and `dict_kwargs`); or a bare string `torch.nn.X` as a
value (a class with no arguments). jsonargparse parses each `init_args` value against the
constructor's annotation before anything is built: a string becomes the number or boolean it
spells (`'0.1'` is 0.1), and a YAML list is no `Tensor` unless the project registers a
list-to-tensor type (the `tensor-from-list` setting)."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any, NamedTuple

from losscfg.catalogue.schema import TORCH_NN, Loss
from losscfg.dialects.hydra import MODULES, TARGET
from losscfg.dialects.hydra_values import (
    MISSING,
    TensorValue,
    Unresolved,
    inferred_dtype,
    omegaconf_float,
    omegaconf_scalar,
)
from losscfg.dialects.names import LIGHTNING
from losscfg.dialects.site import Builder, LossSite, mappings
from losscfg.load.document import Document, Path
from losscfg.load.values import closest

DIALECT = LIGHTNING
CLASS_PATH, INIT_ARGS, DICT_KWARGS = "class_path", "init_args", "dict_kwargs"
OWN_KEYS = frozenset({CLASS_PATH, INIT_ARGS, DICT_KWARGS})
#: The top-level keys of a LightningCLI config: its subcommands' and their arguments'.
TOP_LEVEL = frozenset(
    {
        "model",
        "data",
        "trainer",
        "optimizer",
        "lr_scheduler",
        "seed_everything",
        "ckpt_path",
        "config",
        "fit",
        "validate",
        "test",
        "predict",
    }
)
_NOT_BARE = OWN_KEYS | {TARGET}  # a string there names a class with its arguments beside it


def torch_class(name: Any, classes: Mapping[str, Loss]) -> str | None:
    """The torch.nn loss class a `class_path` names: `torch.nn.X`, `torch.nn.modules.loss.X`,
    or the short `X` that jsonargparse resolves among torch.nn.Module's subclasses."""
    if not isinstance(name, str):
        return None
    module = next((m for m in MODULES if name.startswith(m)), None)
    short = name.removeprefix(module) if module is not None else name
    found = f"{TORCH_NN}{short}"
    return found if "." not in short and found in classes else None


def bare_loss(value: Any, others: frozenset[str] = frozenset()) -> bool:
    """A string value that names a loss under torch.nn (`torch.nn.L1Loss`, or a typo of one):
    LightningCLI's class with no arguments; not one of torch.nn's `others`."""
    if not isinstance(value, str) or not value.startswith(TORCH_NN) or value in others:
        return False
    name = value.rsplit(".", 1)[-1]
    return name.lower().endswith("loss") and not name.startswith("_")


def find_sites(
    document: Document,
    classes: Mapping[str, Loss],
    tensor_from_list: bool = False,
    *,
    bare: bool = True,
) -> tuple[LossSite, ...]:
    """Every `class_path` mapping naming a loss, and (with `bare`, in a LightningCLI file) every
    bare `torch.nn.X` value naming one; in a Hydra file such a string is only a string."""
    sites = []
    for path, mapping in mappings(document.data):
        found = torch_class(mapping.get(CLASS_PATH), classes)
        if found is not None:
            sites.append(_site(document, path, mapping, classes[found], tensor_from_list))
        for key, value in mapping.items() if bare else ():
            named = torch_class(value, classes) if key not in _NOT_BARE else None
            if named is not None and isinstance(value, str) and value.startswith(TORCH_NN):
                builder = _parsed(document, {}, tensor_from_list)
                site = LossSite((*path, key), DIALECT, classes[named], {}, frozenset(), builder)
                sites.append(site)
    return tuple(sites)


def _site(
    document: Document, path: Path, mapping: dict[Any, Any], spec: Loss, tensor_from_list: bool
) -> LossSite:
    written: dict[Any, Any] = {}
    places: dict[str, Path] = {}
    for key in (INIT_ARGS, DICT_KWARGS):  # jsonargparse moves dict_kwargs over init_args
        arguments = mapping.get(key)
        if isinstance(arguments, dict):
            for name, value in arguments.items():
                if isinstance(name, str):
                    written[name], places[name] = value, (*path, key)
    builder = _parsed(document, places, tensor_from_list)
    return LossSite(
        path,
        DIALECT,
        spec,
        written,
        frozenset(written),
        builder,
        places=places,
        class_key=CLASS_PATH,
        holders=((*path, INIT_ARGS), (*path, DICT_KWARGS)),
    )


def _parsed(document: Document, places: Mapping[str, Path], tensor_from_list: bool) -> Builder:
    """What jsonargparse's parser makes of an argument: the value as its YAML loader reads it
    (a plain `1e-1` is a float), a string that spells a value of the argument's type made that
    value, a list or a number for a tensor made a tensor when the project registers the type;
    `???` and `${…}` are left to the job (jsonargparse resolves them only in its `omegaconf`
    parser mode, which the project's code sets), and a nested `_target_` stays a mapping."""

    def value(spec: Loss, argument: str, written: Any) -> Any:
        path = (*places[argument], argument) if argument in places else ()
        held = loaded(document, path, written)
        parameter = spec.parameters[argument]
        if parameter.is_tensor and tensor_from_list and _tensor_data(held):
            return TensorValue(held, inferred_dtype(held), path)
        if isinstance(held, str):
            return converted(held, parameter.schema.get("type"))
        return held

    return value


def loaded(document: Document, path: Path, written: Any) -> Any:
    """A value as jsonargparse's YAML loader reads it, lists entry by entry."""
    if isinstance(written, str) and (written == MISSING or "${" in written):
        return Unresolved(
            written, "jsonargparse resolves it only in its omegaconf parser mode, at the job"
        )
    if isinstance(written, list):
        return [loaded(document, (*path, i), item) for i, item in enumerate(written)]
    return omegaconf_scalar(document, path, written)


def converted(text: str, kinds: Any) -> Any:
    """A string as jsonargparse converts it to an annotation of `kinds` (the schema's
    `type`): loaded as YAML, kept when that gives a value the annotation takes."""
    wanted = kinds if isinstance(kinds, list) else [kinds]
    if not {"number", "integer", "boolean"} & set(map(str, wanted)):
        return text
    loaded_text = scalar_text(text)
    number = isinstance(loaded_text, int | float) and not isinstance(loaded_text, bool)
    if "boolean" in wanted and isinstance(loaded_text, bool):
        return loaded_text
    if "integer" in wanted and number and isinstance(loaded_text, int):
        return loaded_text
    if "number" in wanted and number:
        return float(loaded_text)
    return text


_DECIMAL = re.compile(r"[-+]?0[0-9]+")


def scalar_text(text: str) -> Any:
    """A string's value as jsonargparse reads it for a typed argument: YAML, except that a
    number with a leading zero is decimal (`'010'` is 10, not YAML 1.1's octal 8)."""
    import yaml

    if _DECIMAL.fullmatch(text.strip()):
        return int(text.strip())
    try:
        value = yaml.safe_load(text)
    except yaml.YAMLError:
        return text
    return omegaconf_float(value) if isinstance(value, str) else value


def _tensor_data(value: Any) -> bool:
    """Data a registered list-to-tensor type makes a tensor of: numbers or booleans, in
    lists of any depth (the empty list too)."""
    if isinstance(value, list):
        return all(_tensor_data(v) for v in value)
    return isinstance(value, bool | int | float)


class UnknownClass(NamedTuple):
    path: Path  # where the class is named: the `class_path` value, or the bare string
    written: str
    meant: str | None


def unknown_classes(
    data: Any, classes: Mapping[str, Loss], others: frozenset[str] = frozenset()
) -> Iterator[UnknownClass]:
    """`class_path`s and bare `torch.nn.` strings that mean a torch.nn loss but name none:
    `torch.nn.CrossEntropyloss`, `nn.CrossEntropyLoss` (no module `nn`), the short
    `CrossEntropyloss`; not torch.nn's `others` (`AdaptiveLogSoftmaxWithLoss`)."""
    names = {path.removeprefix(TORCH_NN): path for path in classes}
    lowered = {name.lower(): name for name in names}
    for path, mapping in mappings(data):
        for key, value in mapping.items():
            if not isinstance(value, str) or (key != CLASS_PATH and not value.startswith(TORCH_NN)):
                continue
            if key in (INIT_ARGS, DICT_KWARGS, TARGET) or torch_class(value, classes) is not None:
                continue
            name = value.rsplit(".", 1)[-1]
            if value.startswith(TORCH_NN):
                if "." in value.removeprefix(TORCH_NN).removeprefix("modules.loss."):
                    continue  # torch.nn.functional.…, torch.nn.modules.conv.…: not a loss
                if not name.lower().endswith("loss") or name.startswith("_"):
                    continue  # torch.nn.Linear and the other modules, private bases: fine
                if f"{TORCH_NN}{name}" in others:
                    continue
            elif value.startswith("nn.") and name in names:
                pass
            elif "." in value or value.lower() not in lowered:
                continue  # a short name: only a loss class's own, in another case
            meant = closest(name, names)
            yield UnknownClass((*path, key), value, names[meant] if meant is not None else None)
