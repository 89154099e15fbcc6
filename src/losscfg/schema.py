"""The JSON Schema in `schemas/`, and the loss catalogue read from it.

The schema file is the single source of truth for loss names, parameters, types, ranges,
defaults and descriptions: everything here is derived from it, nothing is listed twice.
"""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import Any, NamedTuple

SCHEMA_FILE = "losscfg.schema.json"
SECTIONS = ("loss", "model", "dataset", "amp")
_NO_DEFAULT = object()


def schema_text() -> str:
    return resources.files("losscfg.schemas").joinpath(SCHEMA_FILE).read_text(encoding="utf-8")


@cache
def schema() -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(schema_text())
    return loaded


class _Described:
    """A part of the schema with a name, a title and a description."""

    __slots__ = ("name", "schema")

    def __init__(self, name: str, schema: dict[str, Any]) -> None:
        self.name = name
        self.schema = schema

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.name!r})"

    @property
    def title(self) -> str:
        return str(self.schema.get("title", self.name))

    @property
    def description(self) -> str:
        return str(self.schema.get("description", ""))


class Parameter(_Described):
    __slots__ = ()

    @property
    def has_default(self) -> bool:
        return "default" in self.schema

    @property
    def default(self) -> Any:
        return self.schema.get("default")

    @property
    def expected(self) -> str:
        """What the schema wants here, in words: "a number in [0, 1]"."""
        return describe(self.schema)


class Loss(_Described):
    __slots__ = ("parameters",)

    def __init__(self, name: str, schema: dict[str, Any], parameters: dict[str, Parameter]) -> None:
        super().__init__(name, schema)
        self.parameters = parameters

    @property
    def torch_class(self) -> str:
        return str(self.schema.get("x-torch", ""))


class Catalogue(NamedTuple):
    losses: dict[str, Loss]
    default_loss: str
    dataset_classes: dict[str, int]

    def canonical_name(self, name: object) -> str | None:
        """The catalogue name the trainer picks for `name` (it lower-cases), or None."""
        if isinstance(name, str) and name.lower() in self.losses:
            return name.lower()
        return None

    def losses_taking(self, parameter: str) -> list[str]:
        return [loss.name for loss in self.losses.values() if parameter in loss.parameters]


def _resolve(node: Any, root: dict[str, Any]) -> Any:
    if isinstance(node, dict) and isinstance(node.get("$ref"), str):
        target: Any = root
        for part in node["$ref"].removeprefix("#/").split("/"):
            target = target[part]
        return {**_resolve(target, root), **{k: v for k, v in node.items() if k != "$ref"}}
    return node


@cache
def catalogue() -> Catalogue:
    root = schema()
    loss_schema = root["$defs"]["loss"]
    losses: dict[str, Loss] = {}
    default = loss_schema["properties"]["name"]["default"]
    for branch in loss_schema["allOf"]:
        condition = branch["if"].get("properties", {}).get("name", {})
        if "const" not in condition:
            continue
        name = condition["const"]
        definition = _resolve(branch["then"], root)
        parameters = {
            key: Parameter(key, _resolve(value, root))
            for key, value in definition.get("properties", {}).items()
            if key != "name"
        }
        losses[name] = Loss(name, definition, parameters)
    dataset_classes = dict(root["$defs"]["dataset"].get("x-class-counts", {}))
    return Catalogue(losses, default, dataset_classes)


def inlined(node: Any, root: dict[str, Any] | None = None) -> Any:
    """The schema with every local `$ref` replaced by its target: jsonschema validates it
    without a reference lookup (measured in benchmarks/README.md)."""
    root = root if root is not None else node
    if isinstance(node, dict):
        resolved = _resolve(node, root)
        return {key: inlined(value, root) for key, value in resolved.items() if key != "$defs"}
    if isinstance(node, list):
        return [inlined(item, root) for item in node]
    return node


def describe(subschema: dict[str, Any]) -> str:
    """A schema in words, for messages: "a number in [0, 1]", "one of: sum, mean"."""
    if "enum" in subschema:
        return "one of: " + ", ".join(str(choice) for choice in subschema["enum"])
    kind = subschema.get("type")
    if kind == "array":
        item = subschema.get("items", {})
        words = describe(item)
        return "a list of " + _plural(words)
    noun = {
        "number": "a number",
        "integer": "an integer",
        "boolean": "a boolean (true or false)",
        "string": "a string",
        "object": "a mapping",
    }.get(str(kind), "a value")
    return noun + _range(subschema)


def _range(subschema: dict[str, Any]) -> str:
    low, high = subschema.get("minimum"), subschema.get("maximum")
    if low is not None and high is not None:
        return f" in [{low}, {high}]"
    if low is not None:
        return f" >= {low}"
    if "exclusiveMinimum" in subschema:
        return f" > {subschema['exclusiveMinimum']}"
    if high is not None:
        return f" <= {high}"
    return ""


def _plural(words: str) -> str:
    for single, plural in (("a number", "numbers"), ("an integer", "integers"), ("a ", "")):
        if words.startswith(single):
            return plural + words[len(single) :] if single != "a " else words[2:] + "s"
    return words
