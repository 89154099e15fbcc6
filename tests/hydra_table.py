"""A generated table of Hydra loss configs, and Hydra itself to build them (SPEC §15: the
builder is the reference).

`table()` writes, for every torch.nn loss class of the schema, each constructor argument at
valid, boundary and invalid values — numbers, quoted numbers, booleans, nulls, lists, tensors,
strings — plus the traps of DIALECT_FACTS.md that are not one argument's value (class typos,
unknown arguments, `_partial_`, interpolations, duplicate keys). `outcome()` composes a config
as a Hydra job does (OmegaConf's YAML loader, then `hydra.utils.instantiate` of the site) and
runs one forward and backward on inputs natural to the class.
"""

from __future__ import annotations

import math
import re
import warnings
from collections.abc import Iterator
from typing import Any, NamedTuple

from losscfg.catalogue.schema import default_schema

BATCH, CLASSES = 4, 3


class Case(NamedTuple):
    text: str
    pointer: str  # where the loss is: "" for the document root
    about: str  # what the case varies, for the test's id


def table() -> list[Case]:
    cases = [*_argument_cases(), *_other_cases()]
    seen: set[str] = set()
    unique = []
    for case in cases:
        if case.text not in seen:
            seen.add(case.text)
            unique.append(case)
    return unique


def _header(target: str, required: dict[str, Any]) -> str:
    lines = [f"_target_: {target}"]
    lines += [f"{name}: {value}" for name, value in required.items()]
    return "\n".join(lines) + "\n"


def _required(spec: Any) -> dict[str, Any]:
    return {name: 5 if name == "in_features" else CLASSES for name in spec.required}


def _argument_cases() -> Iterator[Case]:
    for target, spec in default_schema().classes().items():
        required = _required(spec)
        yield Case(_header(target, required), "", f"{target} defaults")
        for name, parameter in spec.parameters.items():
            if name in required:
                continue
            head = _header(target, required)
            for written in _values(parameter.schema, spec, name):
                yield Case(f"{head}{name}: {written}\n", "", f"{target} {name}={written}")


def _values(schema: dict[str, Any], spec: Any, name: str) -> list[str]:
    """YAML spellings of values for one argument: valid, at its bounds, and not."""
    if schema.get("x-tensor"):
        floats = ", ".join(["1.0", "2.0", "0.5"])
        ints = ", ".join(["1", "2", "1"])
        return [
            f"[{floats}]",
            "2.0",
            "null",
            f"{{_target_: torch.tensor, data: [{floats}]}}",
            f"{{_target_: torch.tensor, data: [{ints}]}}",
            "{_target_: torch.tensor, data: [1.0, 2.0]}",
            "{_target_: torch.tensor, data: [1.0, 2.0, 0.5, 1.0]}",
            "{_target_: torch.tensor, data: 2.0}",
            "{_target_: torch.ones, _args_: [3]}",
        ]
    if schema.get("x-deprecated"):
        return ["true", "false", "null"]
    if schema.get("x-any"):
        return ["null"]
    if "enum" in schema:
        choices = [str(choice) for choice in schema["enum"]]
        return [*choices, f"{choices[0]}_", choices[-1].capitalize(), "null", "'1'", "1", "2.0"]
    kind = schema.get("type")
    if kind == "boolean":
        return ["true", "false", "'false'", "'true'", "yes", "0", "1", "null", "[true]"]
    if kind == "integer" or kind == ["integer", "null"]:
        return ["0", "2", "-1", "-100", "1.5", "2.0", "'2'", "null", "true", "1e2", "[1]"]
    if kind == "number":
        values = ["0.5", "1", "0", "-0.5", "1.5", "'0.1'", "1e-1", "5e-1", "null", "true", "[0.1]"]
        values += ["10", ".inf", ".nan", "'abc'", "1_0"]
        for bound in ("minimum", "maximum", "exclusiveMinimum"):
            if bound in schema:
                edge = float(schema[bound])
                values += [_yaml_number(edge), _yaml_number(edge - 0.01), _yaml_number(edge + 0.01)]
        return values
    if kind == "array":
        return ["[]", "[4]", "[4, 4]", "[0]", "4", "null"]
    return ["null"]


def _yaml_number(number: float) -> str:
    return repr(round(number, 4))


def _other_cases() -> Iterator[Case]:
    ce = "_target_: torch.nn.CrossEntropyLoss\n"
    yield from (
        Case("_target_: torch.nn.modules.loss.CrossEntropyLoss\n", "", "long module path"),
        Case("_target_: torch.nn.CrossEntropyloss\n", "", "class typo"),
        Case("_target_: nn.CrossEntropyLoss\n", "", "nn.X"),
        Case("_target_: CrossEntropyLoss\n", "", "bare X"),
        Case("_target_: torch.nn.crossentropyloss\n", "", "case"),
        Case(ce + "weigth: null\n", "", "unknown argument"),
        Case(ce + "gamma: 2.0\n", "", "unknown argument far"),
        Case(ce + "_partial_: true\n", "", "partial"),
        Case(ce + "_convert_: all\nweight: [1.0, 2.0, 0.5]\n", "", "convert all list"),
        Case(ce + "_recursive_: false\n", "", "not recursive"),
        Case(ce + "label_smoothing: 0.1\nlabel_smoothing: 0.2\n", "", "duplicate key"),
        Case(
            "loss:\n  " + ce.strip() + "\n  label_smoothing: ${smoothing}\nsmoothing: 0.1\n",
            "/loss",
            "interpolation resolved",
        ),
        Case(
            "loss:\n  " + ce.strip() + "\n  label_smoothing: ${smoothing}\nsmoothing: 1.5\n",
            "/loss",
            "interpolation resolved out of range",
        ),
        Case(
            "loss:\n  " + ce.strip() + "\n  reduction: ${r}\nr: mean_\n",
            "/loss",
            "interpolation resolved bad choice",
        ),
        Case(
            "loss:\n  " + ce.strip() + "\n  ignore_index: ${data.ignore}\ndata:\n  ignore: 2\n",
            "/loss",
            "interpolation nested",
        ),
        Case(
            "loss:\n  " + ce.strip() + "\n  ignore_index: ${data.ignore}\ndata:\n  ignore: null\n",
            "/loss",
            "interpolation to null",
        ),
        Case(
            "model:\n  num_classes: 3\n  loss:\n    "
            + ce.strip()
            + "\n    weight: {_target_: torch.tensor, data: [1.0, 2.0, 0.5]}\n",
            "/model/loss",
            "nested site",
        ),
        Case(
            "losses:\n  - " + ce.strip() + "\n  - _target_: torch.nn.L1Loss\n    reduction: sum\n",
            "/losses/0",
            "site in a list",
        ),
        Case(
            "losses:\n  - " + ce.strip() + "\n  - _target_: torch.nn.L1Loss\n    reduction: sum\n",
            "/losses/1",
            "second site in a list",
        ),
        Case(
            "base: &base\n  reduction: sum\nloss:\n  <<: *base\n  _target_: torch.nn.L1Loss\n",
            "/loss",
            "merge key",
        ),
        Case(
            ce + "weight: {_target_: torch.tensor, data: [1.0, 2.0, 0.5], dtype: "
            "{_target_: hydra.utils.get_object, path: torch.float64}}\n",
            "",
            "float64 weight",
        ),
        Case(ce + "label_smoothing: 0.1 # a comment\n", "", "comment"),
        Case(ce + "label_smoothing: !!float '0.1'\n", "", "tagged float"),
        Case(ce + "label_smoothing: !!str 0.1\n", "", "tagged string"),
        Case(ce + "ignore_index: 0x10\n", "", "hex int"),
        Case(ce + "ignore_index: 1_0\n", "", "underscore int"),
        Case(ce + "reduction: 'sum'\n", "", "quoted choice"),
        Case(ce + "reduction: ~\n", "", "tilde null"),
        Case("_target_: torch.nn.L1Loss\nreduction: NONE\n", "", "upper-case choice"),
    )


#: Arguments where infinity is a value: the max norm, a loss quadratic everywhere.
INFINITY_IS_A_VALUE = {("TripletMarginLoss", "p"), ("HuberLoss", "delta")}
#: Booleans the class tests for truth in Python: a string is true however it is spelled.
TRUTH_TESTED = {("GaussianNLLLoss", "full"), ("TripletMarginWithDistanceLoss", "swap")}
TRUTH_TESTED |= {("LinearCrossEntropyLoss", "bias")}
_ARGUMENT = re.compile(r"^torch\.nn\.(\w+) (\w+)=(.*)$")


def silently_differs(case: Case, builder: str = "hydra") -> str | None:
    """Why a config that builds and runs a batch trains other than it says, or None;
    `builder`: "hydra", or "jsonargparse", which converts a string to its annotation."""
    if case.about == "duplicate key" and builder == "jsonargparse":
        return "the last of the two values wins, silently"
    found = _ARGUMENT.match(case.about)
    if found is None:
        return None
    name, argument, written = found.groups()
    value = _number(written.strip("'") if builder == "jsonargparse" else written)
    if (name, argument) == ("PoissonNLLLoss", "eps"):
        return None  # unused: the table's PoissonNLLLoss keeps log_input: true
    if value is not None and math.isnan(value):
        return "a NaN compares false with everything: torch skips the branch or computes NaN"
    if value is not None and math.isinf(value) and (name, argument) not in INFINITY_IS_A_VALUE:
        return "an infinite margin, beta or eps makes the loss 0, constant or infinite"
    if argument == "label_smoothing" and value is not None and value < 0:
        return "torch smooths only when label_smoothing > 0: plain cross-entropy"
    if (name, argument) == ("TripletMarginLoss", "p") and value is not None and value < 1:
        return "p below 1 is no norm: distances explode, vanish or have no gradient"
    quoted_false = written.startswith("'") and written.strip("'") in ("false", "no", "0")
    if (name, argument) in TRUTH_TESTED and quoted_false and builder == "hydra":
        return "a string is true: the file says false"
    return None


def _number(written: str) -> float | None:
    text = written.strip()
    if text in (".nan", ".NaN"):
        return math.nan
    if text in (".inf", "+.inf"):
        return math.inf
    if text == "-.inf":
        return -math.inf
    try:
        return float(text.replace("_", ""))
    except ValueError:
        return None


def outcome(text: str, pointer: str) -> str | None:
    """None where Hydra builds the site and one batch runs; else what failed, in words."""
    import torch
    from hydra.utils import instantiate
    from omegaconf import DictConfig, OmegaConf

    try:
        config = OmegaConf.create(text)
    except Exception as problem:
        return f"load: {type(problem).__name__}: {problem}"
    if isinstance(config, DictConfig) and "defaults" in config:
        config.pop("defaults")  # composition consumes a config file's defaults list
    path = pointer.strip("/").replace("/", ".")
    node = OmegaConf.select(config, path) if path else config

    def build() -> Any:
        loss = instantiate(node)
        return loss if isinstance(loss, torch.nn.Module) else loss()  # a _partial_'s call

    return one_batch(build)


def one_batch(build: Any) -> str | None:
    """None where `build()` gives a loss and one forward and backward on inputs natural to
    its class run to a finite value; else what failed, in words."""
    import torch

    from losscfg.dryrun.inputs import call_inputs

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            loss = build()
            spec = default_schema().classes()[f"torch.nn.{type(loss).__name__}"]
            torch.manual_seed(0)
            inputs = call_inputs(spec, loss, BATCH, CLASSES, torch.device("cpu"))
            value = loss(*inputs)
            if value.dim():
                value = value.sum()  # reduction: none: the project's code reduces
            value.backward()
    except Exception as problem:
        return f"{type(problem).__name__}: {' '.join(str(problem).split())[:300]}"
    if not math.isfinite(float(value.detach())):
        return f"non-finite loss {float(value.detach())}"
    return None
