"""LightningCLI's dialect (jsonargparse, SPEC §15): a loss site is a mapping whose `class_path`
names a torch.nn loss class (`torch.nn.X`, `torch.nn.modules.loss.X`, or the short `X`), its
arguments the keys of its `init_args` (and `dict_kwargs`); or a bare string `torch.nn.X` as a
value (a class with no arguments). jsonargparse parses each `init_args` value against the
constructor's annotation before anything is built: a string becomes the number or boolean it
spells (`'0.1'` is 0.1), and a YAML list is no `Tensor` unless the project registers a
list-to-tensor type (the `tensor-from-list` setting)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any, NamedTuple

from losscfg.catalogue.schema import TORCH_NN, Loss
from losscfg.dialects.hydra import MODULES, TARGET
from losscfg.dialects.hydra_values import TensorValue, Unresolved, passed
from losscfg.dialects.names import LIGHTNING
from losscfg.dialects.site import Builder, LossSite, mappings
from losscfg.load.document import Document, Path
from losscfg.load.values import closest

DIALECT = LIGHTNING
CLASS_PATH, INIT_ARGS, DICT_KWARGS = "class_path", "init_args", "dict_kwargs"
OWN_KEYS = frozenset({CLASS_PATH, INIT_ARGS, DICT_KWARGS})
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


def bare_loss(value: Any) -> bool:
    """A string value that names a loss under torch.nn (`torch.nn.L1Loss`): LightningCLI's
    class with no arguments."""
    return (
        isinstance(value, str)
        and value.startswith(TORCH_NN)
        and value.rsplit(".", 1)[-1].lower().endswith("loss")
    )


def find_sites(
    document: Document, classes: Mapping[str, Loss], tensor_from_list: bool = False
) -> tuple[LossSite, ...]:
    """Every `class_path` mapping and bare `torch.nn.X` value naming a loss, in document order."""
    sites = []
    for path, mapping in mappings(document.data):
        found = torch_class(mapping.get(CLASS_PATH), classes)
        if found is not None:
            sites.append(_site(document, path, mapping, classes[found], tensor_from_list))
        for key, value in mapping.items():
            bare = torch_class(value, classes) if key not in _NOT_BARE else None
            if bare is not None and isinstance(value, str) and value.startswith(TORCH_NN):
                builder = _parsed(document, {}, tensor_from_list)
                site = LossSite((*path, key), DIALECT, classes[bare], {}, frozenset(), builder)
                sites.append(site)
    return tuple(sites)


def _site(
    document: Document, path: Path, mapping: dict[Any, Any], spec: Loss, tensor_from_list: bool
) -> LossSite:
    written: dict[Any, Any] = {}
    places: dict[str, Path] = {}
    for key in (INIT_ARGS, DICT_KWARGS):  # init_args wins over dict_kwargs, as jsonargparse
        arguments = mapping.get(key)
        if isinstance(arguments, dict):
            for name, value in arguments.items():
                if isinstance(name, str) and name not in places:
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
    (a plain `1e-1` is a float), `${…}` resolved within the file (its `omegaconf` parser mode),
    a string that spells a value of the argument's type made that value, and a list or a number
    for a tensor made a tensor when the project registers the type."""

    def value(spec: Loss, argument: str, written: Any) -> Any:
        path = (*places[argument], argument) if argument in places else None
        held = passed(document, path, written) if path is not None else written
        parameter = spec.parameters[argument]
        if parameter.is_tensor and tensor_from_list and _numeric(held):
            return TensorValue(held, _dtype(held), path or ())
        if isinstance(held, str) and not isinstance(held, Unresolved):
            return converted(held, parameter.schema.get("type"))
        return held

    return value


def converted(text: str, kinds: Any) -> Any:
    """A string as jsonargparse converts it to an annotation of `kinds` (the schema's
    `type`): loaded as YAML, kept when that gives a value the annotation takes."""
    wanted = kinds if isinstance(kinds, list) else [kinds]
    if not {"number", "integer", "boolean"} & set(map(str, wanted)):
        return text
    loaded = scalar_text(text)
    number = isinstance(loaded, int | float) and not isinstance(loaded, bool)
    if "boolean" in wanted and isinstance(loaded, bool):
        return loaded
    if "integer" in wanted and number and isinstance(loaded, int):
        return loaded
    if "number" in wanted and number:
        return float(loaded)
    return text


def scalar_text(text: str) -> Any:
    """A plain scalar's value as jsonargparse's YAML loader reads it."""
    import yaml

    from losscfg.dialects.hydra_values import omegaconf_float

    try:
        loaded = yaml.safe_load(text)
    except yaml.YAMLError:
        return text
    if isinstance(loaded, str):
        return omegaconf_float(loaded)
    return loaded


def _numeric(value: Any) -> bool:
    if isinstance(value, list):
        return bool(value) and all(_numeric(v) for v in value)
    return isinstance(value, int | float) and not isinstance(value, bool)


def _dtype(values: Any) -> str:
    flat = values if isinstance(values, list) else [values]
    return "float32" if any(isinstance(v, float) for v in _flatten(flat)) else "int64"


def _flatten(values: list[Any]) -> Iterator[Any]:
    for value in values:
        if isinstance(value, list):
            yield from _flatten(value)
        else:
            yield value


class UnknownClass(NamedTuple):
    path: Path  # where the class is named: the `class_path` value, or the bare string
    written: str
    meant: str | None


def unknown_classes(data: Any, classes: Mapping[str, Loss]) -> Iterator[UnknownClass]:
    """`class_path`s and bare `torch.nn.` strings that mean a torch.nn loss but name none:
    `torch.nn.CrossEntropyloss`, `nn.CrossEntropyLoss` (no module `nn`)."""
    names = {path.removeprefix(TORCH_NN): path for path in classes}
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
                if not name.lower().endswith("loss"):
                    continue  # torch.nn.Linear and the other modules: fine
            elif not (value.startswith("nn.") and name in names):
                continue
            meant = closest(name, names)
            yield UnknownClass((*path, key), value, names[meant] if meant is not None else None)
