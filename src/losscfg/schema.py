"""The JSON Schema in `schemas/`, and the loss catalogue read from it.

The schema file is the single source of truth for loss names, parameters, types, ranges,
defaults and descriptions, and for the facts the rules and the dry-run read about each loss
(`x-` keywords: its torch class, what it takes as input and as target, AMP facts): everything
here is derived from it, nothing is listed twice.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from functools import cache
from importlib import resources
from typing import Any, NamedTuple

SCHEMA_FILE = "losscfg.schema.json"
SECTIONS = ("loss", "model", "dataset", "amp")

#: What a loss takes as input (`x-input`): the model's raw logits, or logits made into
#: log-probabilities (log_softmax) or probabilities (sigmoid).
LOGITS, LOG_PROBABILITIES, PROBABILITIES = "logits", "log-probabilities", "probabilities"
INPUTS = (LOGITS, LOG_PROBABILITIES, PROBABILITIES)
#: What a loss takes as target (`x-target`): class indices (N,), or a tensor of the input's
#: shape holding real values, probabilities, 0/1 labels or a probability distribution per row.
CLASS_INDICES, REGRESSION = "class-indices", "regression"
BINARY, DISTRIBUTION = "binary", "distribution"
TARGETS = (CLASS_INDICES, REGRESSION, PROBABILITIES, BINARY, DISTRIBUTION)


def schema_text() -> str:
    return resources.files("losscfg.schemas").joinpath(SCHEMA_FILE).read_text(encoding="utf-8")


class LossSchema:
    """A JSON Schema of configs and the catalogue read from it (one object per schema: the
    validators built from it are cached by its identity)."""

    __slots__ = ("catalogue", "document")

    def __init__(self, document: dict[str, Any]) -> None:
        self.document = document
        self.catalogue = _read_catalogue(document)


@cache
def default_schema() -> LossSchema:
    """The schema shipped with losscfg, read once per process."""
    return LossSchema(json.loads(schema_text()))


def schema() -> dict[str, Any]:
    return default_schema().document


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

    @property
    def non_scalar_values(self) -> list[Any]:
        """`x-non-scalar`: values that make the loss a tensor, not a scalar."""
        return list(self.schema.get("x-non-scalar", []))

    @property
    def misleading_values(self) -> dict[str, Any]:
        """`x-misleading`: values that run but compute something else, with the value to use."""
        return dict(self.schema.get("x-misleading", {}))

    @property
    def zero_is(self) -> str | None:
        """`x-zero-is`: the loss that this one is exactly when the parameter is 0."""
        value = self.schema.get("x-zero-is")
        return str(value) if value is not None else None

    @property
    def makes_log_target(self) -> bool:
        """`x-log-target`: when true, the loss takes its target as log-probabilities."""
        return bool(self.schema.get("x-log-target", False))


class Loss(_Described):
    __slots__ = ("parameters",)

    def __init__(self, name: str, schema: dict[str, Any], parameters: dict[str, Parameter]) -> None:
        super().__init__(name, schema)
        self.parameters = parameters

    @property
    def torch_class(self) -> str:
        """`x-torch`: the class the trainer builds, as a dotted path."""
        return str(self.schema.get("x-torch", ""))

    @property
    def input(self) -> str:
        """`x-input`: what the loss takes as input, one of INPUTS."""
        return str(self.schema.get("x-input", LOGITS))

    @property
    def target(self) -> str:
        """`x-target`: what the loss takes as target, one of TARGETS."""
        return str(self.schema.get("x-target", CLASS_INDICES))

    @property
    def autocast_unsafe(self) -> dict[str, str] | None:
        """`x-autocast-unsafe`: torch's error under CUDA autocast, and what to use instead."""
        value = self.schema.get("x-autocast-unsafe")
        return dict(value) if isinstance(value, dict) else None

    @property
    def for_quantized_training(self) -> bool:
        """`x-quantized`: a loss of quantised training, for which AMP is not recommended."""
        return bool(self.schema.get("x-quantized", False))


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


def catalogue() -> Catalogue:
    """The catalogue of the shipped schema."""
    return default_schema().catalogue


def _read_catalogue(root: dict[str, Any]) -> Catalogue:
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


def describe(subschema: Mapping[str, Any]) -> str:
    """A schema in words, for messages: "a number in [0, 1]", "one of: sum, mean"."""
    if "enum" in subschema:
        return "one of: " + ", ".join(str(choice) for choice in subschema["enum"])
    kind = subschema.get("type")
    if isinstance(kind, list):
        return " or ".join(describe({**subschema, "type": one}) for one in kind)
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


def in_range(value: float, subschema: Mapping[str, Any]) -> bool:
    """Whether a finite number meets the subschema's range keywords (NaN and infinity never)."""
    if value != value or abs(value) == float("inf"):
        return False
    if subschema.get("x-int64") and not -(2**63) <= value <= 2**63 - 1:
        return False
    low, high = subschema.get("minimum"), subschema.get("maximum")
    above, below = subschema.get("exclusiveMinimum"), subschema.get("exclusiveMaximum")
    return (
        (low is None or value >= low)
        and (high is None or value <= high)
        and (above is None or value > above)
        and (below is None or value < below)
    )


#: How the trainer converts a value before torch sees it (`x-converts`): `float(v)`, `int(v)`,
#: `bool(v)`, `torch.tensor(v)`, or Python truthiness (`if v`). Without it: passed as written.
FLOAT, INT, BOOL, TENSOR, TRUTH = "float", "int", "bool", "tensor", "truth"


def conversion(subschema: Mapping[str, Any]) -> str | None:
    value = subschema.get("x-converts")
    return str(value) if value is not None else None


def ignored(subschema: Mapping[str, Any]) -> str | None:
    """`x-ignored`: why the trainer never reads this key (its problems are only warnings)."""
    value = subschema.get("x-ignored")
    return str(value) if value is not None else None


def _range(subschema: Mapping[str, Any]) -> str:
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
