"""The schema's torch.nn classes against torch itself (issue 23, item 1): every loss class of
torch.nn is described, with each constructor argument, its default and its kind, so that a
torch upgrade that adds a class or an argument fails here."""

from __future__ import annotations

import inspect
import math
import typing
from typing import Any

import pytest

from losscfg.catalogue.schema import CALL_KINDS, TORCH_NN, Loss, Parameter, default_schema

torch = pytest.importorskip("torch")
nn = torch.nn

CLASSES = default_schema().classes()


def _torch_losses() -> dict[str, type]:
    from torch.nn.modules.loss import _Loss

    return {
        f"{TORCH_NN}{name}": value
        for name, value in vars(nn).items()
        if isinstance(value, type) and issubclass(value, _Loss) and value is not _Loss
    }


def _arguments(cls: type) -> list[inspect.Parameter]:
    return list(inspect.signature(cls.__init__).parameters.values())[1:]


def test_every_loss_class_of_torch_nn_is_described_and_no_other() -> None:
    assert sorted(CLASSES) == sorted(_torch_losses())
    assert len(CLASSES) == 23  # torch 2.13; a new class must be described before this passes


@pytest.mark.parametrize("path", sorted(_torch_losses()))
def test_each_argument_is_described_in_the_constructor_s_order(path: str) -> None:
    loss = CLASSES[path]
    arguments = _arguments(_torch_losses()[path])
    assert list(loss.parameters) == [a.name for a in arguments]
    assert loss.required == [a.name for a in arguments if a.default is inspect.Parameter.empty]
    assert loss.torch_class == path


@pytest.mark.parametrize("path", sorted(_torch_losses()))
def test_defaults_and_kinds_match_the_signature(path: str) -> None:
    loss = CLASSES[path]
    for argument in _arguments(_torch_losses()[path]):
        parameter = loss.parameters[argument.name]
        if parameter.replaced_by is not None:  # size_average, reduce
            assert argument.default is None and argument.name in ("size_average", "reduce")
            continue
        if argument.default is not inspect.Parameter.empty and parameter.has_default:
            assert _same(parameter.default, argument.default), argument.name
        kind = _kind(argument.annotation)
        if kind == "tensor":
            assert parameter.is_tensor, argument.name
        elif kind is not None:
            assert _schema_kinds(parameter) >= {kind}, (argument.name, kind)


@pytest.mark.parametrize("path", sorted(_torch_losses()))
def test_the_schema_s_defaults_build_the_class(path: str) -> None:
    """Every default the schema states is one torch takes (required arguments get 4)."""
    loss = CLASSES[path]
    given: dict[str, Any] = dict.fromkeys(loss.required, 4)
    for name, parameter in loss.parameters.items():
        if parameter.has_default and not parameter.is_tensor and parameter.replaced_by is None:
            default = parameter.default
            given[name] = tuple(default) if isinstance(default, list) else default
    _torch_losses()[path](**given)


@pytest.mark.parametrize("path", sorted(_torch_losses()))
def test_each_class_says_what_its_forward_takes(path: str) -> None:
    loss = CLASSES[path]
    forward = list(inspect.signature(_torch_losses()[path].forward).parameters)[1:]
    assert len(loss.call) == len(forward), (loss.call, forward)
    assert set(loss.call) <= set(CALL_KINDS)
    assert loss.title and loss.description


def test_the_float_weight_classes_are_those_torch_refuses_integers_for() -> None:
    """DIALECT_FACTS.md: an int64 weight fails CrossEntropy, NLL, NLL2d, MultiMargin and
    LinearCrossEntropy; the BCE family and MultiLabelSoftMargin train."""
    needs = {
        path.removeprefix(TORCH_NN) for path, loss in CLASSES.items() if loss.needs_float_weight
    }
    assert needs == {
        "CrossEntropyLoss",
        "NLLLoss",
        "NLLLoss2d",
        "MultiMarginLoss",
        "LinearCrossEntropyLoss",
    }


def _kind(annotation: Any) -> str | None:
    if annotation is inspect.Parameter.empty:
        return None
    text = str(annotation)
    if "Tensor" in text and "Callable" not in text:
        return "tensor"
    simple = {int: "integer", float: "number", bool: "boolean", str: "string"}
    if annotation in simple:
        return simple[annotation]
    args = [a for a in typing.get_args(annotation) if a is not type(None)]
    if len(args) == 1 and args[0] in simple:
        return simple[args[0]]
    return None


def _schema_kinds(parameter: Parameter) -> set[str]:
    kind = parameter.schema.get("type")
    kinds = set(kind) if isinstance(kind, list) else {kind}
    if "integer" in kinds:
        kinds.add("number")  # an int annotation's values are numbers too
    return kinds


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, list) and isinstance(b, tuple):
        return list(b) == a
    if isinstance(a, float) and isinstance(b, float):
        return math.isclose(a, b)
    return bool(a == b) and type(a) is type(b)


def test_the_classes_are_read_once() -> None:
    schema = default_schema()
    assert schema.classes() is schema.classes()
    assert all(isinstance(loss, Loss) for loss in schema.classes().values())


def test_torch_nn_s_other_classes_named_loss_are_listed_as_no_loss() -> None:
    """A torch upgrade that adds a class named …Loss that is no `_Loss` fails here, so that
    LC110 never calls an importable class unknown."""
    from torch.nn.modules.loss import _Loss

    others = {
        f"{TORCH_NN}{name}"
        for name, value in vars(nn).items()
        if name.lower().endswith("loss")
        and not (isinstance(value, type) and issubclass(value, _Loss))
    }
    assert default_schema().not_losses() == others
