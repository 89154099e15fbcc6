"""Hydra's loss sites in the schema for editors (SPEC §15): `exported` adds them, so that
yaml-language-server checks every mapping, at any depth, whose `_target_` is a torch.nn loss
class against that class's arguments, as `hydra.utils.instantiate` passes them.

- one `if`/`then` per class, on `_target_` in either of its spellings; `then` holds the class's
  arguments and Hydra's own keys, and nothing else;
- every argument also takes `${…}` and `???`: Hydra resolves them, or the command line gives
  them, before the constructor sees a value;
- a tensor argument (`x-tensor`) takes a mapping that Hydra builds first
  (`_target_: torch.tensor`) or null, never a YAML list or a number;
- a class with required arguments needs them unless `_partial_: true` leaves them to the code;
- the framework's `loss` section steps aside for a mapping with a `_target_`: a file with one
  is a Hydra file, which the framework's section rules do not read.

It reads the schema document's `torch.nn.` definitions itself: the catalogue's module imports
this one.
"""

from __future__ import annotations

import copy
from typing import Any

TARGET, PARTIAL = "_target_", "_partial_"
#: The module paths under which Hydra finds torch.nn's loss classes (torch.nn, torch.nn.modules
#: and torch.nn.modules.loss all export them), the short one first.
TORCH_NN, LOSS_MODULE = "torch.nn.", "torch.nn.modules.loss."
MODULES = (TORCH_NN, f"{TORCH_NN}modules.", LOSS_MODULE)
#: Hydra's own keys of a `_target_` mapping, which it never passes to the constructor, with
#: what it does with each, for the editor to show.
OWN_KEY_DESCRIPTIONS = {
    TARGET: "The class `hydra.utils.instantiate` builds.",
    "_args_": "The constructor's positional arguments, in order.",
    PARTIAL: "`true`: instantiate returns a `functools.partial` of the class, not a loss.",
    "_convert_": "How OmegaConf's containers reach the constructor: "
    "`none` (the default), `partial`, `object` or `all`.",
    "_recursive_": "`false`: the nested `_target_` mappings are passed unbuilt.",
}
NODE, INTERPOLATION, TENSOR = "hydra-node", "hydra-interpolation", "hydra-tensor"
DEFINITIONS: dict[str, dict[str, Any]] = {
    INTERPOLATION: {
        "title": "Interpolation or missing value",
        "description": "`${a.b}`, resolved when Hydra composes the config, or `???`, "
        "a value that must be given when the job starts.",
        "type": "string",
        "pattern": "\\$\\{|^\\?\\?\\?$(?!\\n)",
    },
    TENSOR: {
        "title": "Tensor",
        "description": "A mapping that Hydra builds first, such as `_target_: torch.tensor` with "
        "`data: [1.0, 2.0]`, or null. A YAML list or a number is no tensor: "
        "instantiate refuses it.",
        "type": ["object", "null"],
        "required": [TARGET],
    },
}


def add_hydra_sites(root: dict[str, Any]) -> None:
    """Add Hydra's sites to a schema document (with `$defs`, and `$ref`s to them) in place;
    its `x-` keywords are still there to read."""
    definitions = root["$defs"]
    classes = {key: value for key, value in definitions.items() if key.startswith(TORCH_NN)}
    definitions.update(copy.deepcopy(DEFINITIONS))
    definitions[NODE] = {
        "allOf": [_branch(name, definition) for name, definition in classes.items()],
        "additionalProperties": _ref(NODE),
        "items": _ref(NODE),
    }
    root.setdefault("allOf", []).append(_ref(NODE))
    for branch in definitions["loss"].get("allOf", []):
        branch["if"].setdefault("properties", {})[TARGET] = {"not": {}}


def targets(name: str) -> list[str]:
    """The `_target_`s that name the torch.nn class `name` (`torch.nn.X`)."""
    return [f"{module}{name.removeprefix(TORCH_NN)}" for module in MODULES]


def _branch(name: str, definition: dict[str, Any]) -> dict[str, Any]:
    names = targets(name)
    return {
        "if": {"type": "object", "properties": {TARGET: {"enum": names}}, "required": [TARGET]},
        "then": _site(name, definition, names),
    }


def _site(name: str, definition: dict[str, Any], names: list[str]) -> dict[str, Any]:
    properties = {
        argument: _argument(name, argument, schema)
        for argument, schema in definition.get("properties", {}).items()
    }
    for key, description in OWN_KEY_DESCRIPTIONS.items():
        properties[key] = {"description": description}
    properties[TARGET]["enum"] = names
    site = {
        "title": definition.get("title", name),
        "description": definition.get("description", ""),
        "type": "object",
        "properties": properties,
        "additionalProperties": False,
    }
    if definition.get("required"):
        site["if"] = {"properties": {PARTIAL: {"const": True}}, "required": [PARTIAL]}
        site["else"] = {"required": list(definition["required"])}
    return site


def _argument(name: str, argument: str, schema: dict[str, Any]) -> dict[str, Any]:
    """The argument's annotations, where the editor reads them, over its values: those of the
    class's definition (or a tensor), or an interpolation. A default that computes something
    else (`x-misleading`, LC401) is no value for the editor to write: what to use instead is."""
    values = _ref(TENSOR) if schema.get("x-tensor") else _ref(f"{name}/properties/{argument}")
    described: dict[str, Any] = {
        key: schema[key] for key in ("title", "description", "default") if key in schema
    }
    misleading, default = schema.get("x-misleading", {}), described.get("default")
    if isinstance(default, str) and default in misleading:
        del described["default"]
        described["examples"] = [misleading[default]]
    if "x-deprecated" in schema:
        described["deprecationMessage"] = f"Deprecated: use {schema['x-deprecated']}."
        described["doNotSuggest"] = True
    return {**described, "anyOf": [values, _ref(INTERPOLATION)]}


def _ref(definition: str) -> dict[str, str]:
    return {"$ref": f"#/$defs/{definition}"}
