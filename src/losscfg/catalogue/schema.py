"""The JSON Schema in `schemas/`, and the loss catalogue read from it.

The schema file is the single source of truth for loss names, parameters, types, ranges,
defaults and descriptions, and for the facts the rules and the dry-run read about each loss
(`x-` keywords: its torch class, what it takes as input and as target, AMP facts): everything
here is derived from it, nothing is listed twice: the catalogue, and the schema that
`losscfg schema` exports for editors (`exported`).
"""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator, Mapping
from functools import cache
from importlib import resources
from typing import Any, NamedTuple

from losscfg.catalogue.hydra_export import add_hydra_sites

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

    __slots__ = ("_classes", "catalogue", "document")

    def __init__(self, document: dict[str, Any]) -> None:
        self.document = document
        self.catalogue = _read_catalogue(document)
        self._classes: dict[str, Loss] | None = None

    def not_losses(self) -> frozenset[str]:
        """`x-torch-nn-not-losses`: torch.nn's classes whose names end in `Loss` but that are
        no loss class (`AdaptiveLogSoftmaxWithLoss`, a module that also returns a loss), by
        their dotted path."""
        return frozenset(
            f"{TORCH_NN}{name}" for name in self.document.get("x-torch-nn-not-losses", [])
        )

    def classes(self) -> dict[str, Loss]:
        """Every loss class of torch.nn, by its dotted path (`torch.nn.CrossEntropyLoss`), with
        its constructor's arguments: the schema's `$defs` named `torch.nn.…`, read on first
        use (the framework's dialect never needs them)."""
        if self._classes is None:
            self._classes = _read_classes(self.document)
        return self._classes


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
        if self.replaced_by is not None:
            return f"deprecated: use {self.replaced_by}"
        if self.is_tensor:
            return "a tensor"
        if self.schema.get("x-any"):
            return "any object"
        return describe(self.schema)

    @property
    def is_tensor(self) -> bool:
        """`x-tensor`: a tensor buffer of the class (`weight`, `pos_weight`): a YAML list or a
        number is no tensor."""
        return bool(self.schema.get("x-tensor", False))

    @property
    def replaced_by(self) -> str | None:
        """`x-deprecated`: the argument to use instead of this deprecated one."""
        value = self.schema.get("x-deprecated")
        return str(value) if value is not None else None

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
    def advised(self) -> dict[str, Any]:
        """`x-advised`: bounds that torch does not enforce but a value outside of makes no
        sense, with `why` in words (LC104 warns)."""
        return dict(self.schema.get("x-advised", {}))

    @property
    def takes_infinity(self) -> bool:
        """`x-infinity`: infinity is a meaningful value (the max norm, a quadratic loss)."""
        return bool(self.schema.get("x-infinity", False))

    @property
    def below_class_count(self) -> bool:
        """`x-below-class-count`: an index among the classes (CTCLoss's `blank`)."""
        return bool(self.schema.get("x-below-class-count", False))

    @property
    def truthy(self) -> bool:
        """`x-truthy`: a boolean that the class tests for truth in Python (`if full:`), so any
        value passes, and a string is true however it is spelled."""
        return bool(self.schema.get("x-truthy", False))

    @property
    def only_with(self) -> dict[str, Any]:
        """`x-only-with`: the other arguments' values without which this one has no effect."""
        return dict(self.schema.get("x-only-with", {}))

    @property
    def broadcasts(self) -> bool:
        """`x-broadcast`: a tensor broadcast against the input: one entry, or one per class."""
        return bool(self.schema.get("x-broadcast", False))

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
    def call(self) -> list[str]:
        """`x-call`: what a torch.nn class's forward takes, in order (CALL_KINDS)."""
        return [str(kind) for kind in self.schema.get("x-call", [])]

    @property
    def required(self) -> list[str]:
        """The constructor arguments without a default (LinearCrossEntropyLoss has two)."""
        return [str(name) for name in self.schema.get("required", [])]

    @property
    def needs_float_weight(self) -> bool:
        """`x-float-weight`: the kernel refuses an integer `weight` tensor (LC207)."""
        return bool(self.schema.get("x-float-weight", False))

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


#: The prefix of the schema's definitions of torch.nn classes.
TORCH_NN = "torch.nn."
#: What a class's forward takes (`x-call`), each a tensor the dry-run makes: the model's
#: logits, log-probabilities or probabilities (N, C); class indices (N,); a regression
#: target, probabilities, 0/1 labels or a distribution of the input's shape; signs (1 or -1,
#: (N,)); embeddings (N, D); a positive variance; Poisson counts; class indices padded with
#: -1 (N, C); features (N, in_features); CTC's log-probabilities (T, N, C), label sequences
#: and the lengths of both.
CALL_KINDS = (
    *INPUTS,
    *TARGETS,
    "sign",
    "embedding",
    "variance",
    "counts",
    "label-indices",
    "features",
    "log-probabilities-in-time",
    "label-sequences",
    "input-lengths",
    "target-lengths",
)


def _read_classes(root: dict[str, Any]) -> dict[str, Loss]:
    classes: dict[str, Loss] = {}
    for key, definition in root["$defs"].items():
        if not key.startswith(TORCH_NN):
            continue
        parameters = {
            name: Parameter(name, _resolve(value, root))
            for name, value in definition.get("properties", {}).items()
        }
        classes[key] = Loss(key, definition, parameters)
    return classes


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


# The schema for editors and other validators (`losscfg schema`), derived from the file.
# yaml-language-server (VS Code's YAML extension and other editors) reads JSON Schema draft-07
# and below in every version, and drafts 2019-09 and 2020-12 only since its 1.20.0: the export
# is draft-07 unless asked otherwise, and holds only keywords that it reads.

#: `losscfg schema --draft`: the dialects of the export, with their `$schema`.
DRAFT_7, DRAFT_2020_12 = "7", "2020-12"
DIALECTS = {
    DRAFT_7: "http://json-schema.org/draft-07/schema#",
    DRAFT_2020_12: "https://json-schema.org/draft/2020-12/schema",
}
#: Keywords of VS Code's JSON Schema extensions that yaml-language-server reads as well.
EDITOR_KEYWORDS = frozenset(
    {
        "defaultSnippets",
        "markdownDescription",
        "enumDescriptions",
        "markdownEnumDescriptions",
        "errorMessage",
        "patternErrorMessage",
        "deprecationMessage",
        "doNotSuggest",
    }
)
_ONE_SCHEMA = (
    "items",
    "additionalItems",
    "additionalProperties",
    "contains",
    "propertyNames",
    "not",
    "if",
    "then",
    "else",
    "unevaluatedItems",
    "unevaluatedProperties",
)
_SCHEMA_LISTS = ("allOf", "anyOf", "oneOf", "prefixItems", "items")
_SCHEMA_MAPS = ("properties", "patternProperties", "$defs", "definitions", "dependentSchemas")
#: The characters other than a letter's two cases that Python's lower() makes that letter
#: (tests/test_schema_export.py looks at every code point): U+212A KELVIN SIGN is "k".
_ALSO_LOWERED_TO = {"k": "\u212a"}
#: Characters that a regular expression must escape, the same in Python and in JavaScript's
#: unicode mode (which refuses any other escape).
_SYNTAX_CHARACTERS = frozenset("^$\\.*+?()[]{}|/")


def exported(draft: str = DRAFT_7, document: dict[str, Any] | None = None) -> dict[str, Any]:
    """The schema as `losscfg schema` prints it, in the dialect `draft` (DIALECTS).

    What changes from the file, and why:
    - loss names match in any case, as the trainer lower-cases them (losscfg warns, LC107):
      a validator that rejected `Cross_Entropy` would also skip that loss's parameters;
    - each loss name is described (`enumDescriptions`, `markdownEnumDescriptions`), and each
      description is given as Markdown too (`markdownDescription`: they use backticks);
    - a list's entries get their first example as `default`, as yaml-language-server writes a
      new list entry from `default` alone; a float default that reaches torch as written is
      text ("1.0"), as JavaScript reads the number 1.0 as 1 and the editor would write `1`, a
      YAML integer (LC207);
    - `x-` keywords (losscfg's own facts) and `$id` go: editors read neither, and some
      yaml-language-server versions resolve references against an `$id` that is not the
      file's own address;
    - Hydra's loss sites are checked at any depth against their torch.nn class
      (`losscfg.catalogue.hydra_export`);
    - in draft-07, `$defs` becomes `definitions`.
    """
    if draft not in DIALECTS:
        raise ValueError(f"no export in draft {draft!r}: {', '.join(DIALECTS)}")
    root = copy.deepcopy(document if document is not None else schema())
    definitions = root["$defs"]
    _describe_loss_names(definitions["loss"], _read_catalogue(root))
    _match_loss_names_in_any_case(definitions["loss"])
    add_hydra_sites(root)
    for node in _schemas(root):
        _editor_defaults(node)
        _also_in_markdown(node)
    for node in _schemas(root):
        for key in [key for key in node if key.startswith("x-")]:
            del node[key]
    root.pop("$id", None)
    root.pop("$schema", None)
    if draft == DRAFT_7:
        root["definitions"] = root.pop("$defs")
        for node in _schemas(root):
            ref = node.get("$ref")
            if isinstance(ref, str) and ref.startswith("#/$defs/"):
                node["$ref"] = "#/definitions/" + ref.removeprefix("#/$defs/")
    return {"$schema": DIALECTS[draft], **root}


def exported_text(draft: str = DRAFT_7) -> str:
    return json.dumps(exported(draft), indent=2) + "\n"


def _schemas(node: Any) -> Iterator[dict[str, Any]]:
    """`node` and every schema in it (boolean schemas aside), parents before children."""
    if not isinstance(node, dict):
        return
    yield node
    for keyword in _ONE_SCHEMA:
        if isinstance(node.get(keyword), dict):
            yield from _schemas(node[keyword])
    for keyword in _SCHEMA_LISTS:
        if isinstance(node.get(keyword), list):
            for item in node[keyword]:
                yield from _schemas(item)
    for keyword in _SCHEMA_MAPS:
        if isinstance(node.get(keyword), dict):
            for item in node[keyword].values():
                yield from _schemas(item)


def _describe_loss_names(loss: dict[str, Any], known: Catalogue) -> None:
    """The loss names as a choice with a description each; any case of them accepted."""
    name = loss["properties"]["name"]
    names = name.pop("enum")
    plain, marked = [], []
    for each in names:
        entry = known.losses.get(each)
        if entry is None:
            plain.append("")
            marked.append("")
            continue
        plain.append(f"{entry.title} ({entry.torch_class}): {entry.description}")
        marked.append(f"**{entry.title}** (`{entry.torch_class}`): {entry.description}")
    name["anyOf"] = [
        {"enum": names, "enumDescriptions": plain, "markdownEnumDescriptions": marked},
        {
            "type": "string",
            "pattern": "^(?:" + "|".join(_any_case(each) for each in names) + ")$(?!\\n)",
        },
    ]


def _match_loss_names_in_any_case(loss: dict[str, Any]) -> None:
    """Each loss's parameters apply to its name in any case (the trainer lower-cases it)."""
    for branch in loss.get("allOf", []):
        condition = branch.get("if", {}).get("properties", {}).get("name", {})
        if isinstance(condition.get("const"), str):
            name = condition.pop("const")
            condition.update(type="string", pattern=f"^{_any_case(name)}$(?!\\n)")


def _any_case(name: str) -> str:
    """A regular expression, the same in Python and in JavaScript, of the strings that
    Python's lower() makes `name`, when `name` is lower-case."""
    parts = []
    for char in name:
        spellings = {char, char.upper(), *_ALSO_LOWERED_TO.get(char, "")}
        if len(spellings) > 1:
            parts.append("[" + "".join(sorted(spellings)) + "]")
        else:
            parts.append("\\" + char if char in _SYNTAX_CHARACTERS else char)
    return "".join(parts)


def _also_in_markdown(node: dict[str, Any]) -> None:
    """The description as `markdownDescription` too, next to it: written with backticks, it is
    Markdown, which an editor shows escaped when it comes as `description` alone."""
    if not isinstance(node.get("description"), str) or "markdownDescription" in node:
        return
    entries = list(node.items())
    node.clear()
    for key, value in entries:
        node[key] = value
        if key == "description":
            node["markdownDescription"] = value


def _editor_defaults(node: dict[str, Any]) -> None:
    """Completion values that losscfg accepts as yaml-language-server writes them."""
    items = node.get("items")
    if isinstance(items, dict) and "default" not in items and items.get("examples"):
        items["default"] = items.pop("examples")[0]
    if conversion(node) in (FLOAT, INT):
        return  # the trainer's float() or int() makes 0 what 0.0 is
    for keyword in ("default", "examples"):
        value = node.get(keyword)
        if _loses_its_point(value):
            node[keyword] = f"{value:.1f}"
        elif isinstance(value, list) and keyword == "examples":
            node[keyword] = [f"{v:.1f}" if _loses_its_point(v) else v for v in value]


def _loses_its_point(value: Any) -> bool:
    """A float that JavaScript prints without its decimal point (1.0 as 1)."""
    return isinstance(value, float) and value.is_integer() and abs(value) < 1e21
