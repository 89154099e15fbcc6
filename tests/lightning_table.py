"""A generated table of LightningCLI loss configs, and jsonargparse to build them as
LightningCLI does (SPEC §15: the builder is the reference).

`table()` writes, for every torch.nn loss class, each constructor argument at the values of
`hydra_table` (tensors as YAML lists and numbers: jsonargparse has no nested target), in
`init_args`, plus the traps of DIALECT_FACTS.md that are LightningCLI's own (the short class
name, a bare `torch.nn.X`, `dict_kwargs`, an argument beside `class_path`, anchors, deep
nesting). `outcome()` parses a config with jsonargparse (`add_class_arguments` of a module
whose `criterion: torch.nn.Module`), instantiates it and runs one forward and backward;
`registered()` makes the project's list-to-tensor type known to the parser meanwhile.
"""

import contextlib
import warnings
from collections.abc import Iterator

from hydra_table import Case, _required, _values, one_batch
from losscfg.catalogue.schema import default_schema

_CRITERION = "model:\n  criterion:\n"


def _site(target: str, arguments: dict[str, str]) -> str:
    text = _CRITERION + f"    class_path: {target}\n"
    if arguments:
        text += "    init_args:\n" + "".join(f"      {k}: {v}\n" for k, v in arguments.items())
    return text


def table() -> list[Case]:
    cases = [*_argument_cases(), *_other_cases()]
    seen: set[str] = set()
    return [c for c in cases if not (c.text in seen or seen.add(c.text))]  # type: ignore[func-returns-value]


def _argument_cases() -> Iterator[Case]:
    for target, spec in default_schema().classes().items():
        required = {k: str(v) for k, v in _required(spec).items()}
        yield Case(_site(target, required), "/model/criterion", f"{target} defaults")
        for name, parameter in spec.parameters.items():
            if name in required:
                continue
            values = (
                ["[1.0, 2.0, 0.5]", "[1, 2, 1]", "[1.0, 2.0]", "2.0", "null", "[]"]
                if parameter.is_tensor
                else [v for v in _values(parameter.schema, spec, name) if "_target_" not in v]
            )
            for written in values:
                text = _site(target, {**required, name: written})
                yield Case(text, "/model/criterion", f"{target} {name}={written}")


def _other_cases() -> Iterator[Case]:
    ce = "torch.nn.CrossEntropyLoss"
    where = "/model/criterion"
    yield from (
        Case(_CRITERION.rstrip(":\n") + ": torch.nn.L1Loss\n", where, "bare string"),
        Case(_CRITERION.rstrip(":\n") + ": torch.nn.CrossEntropyloss\n", where, "bare typo"),
        Case(_site("CrossEntropyLoss", {}), where, "short class_path"),
        Case(_site("torch.nn.modules.loss.CrossEntropyLoss", {}), where, "long class_path"),
        Case(_site("nn.CrossEntropyLoss", {}), where, "nn.X"),
        Case(_site("torch.nn.CrossEntropyloss", {}), where, "class typo"),
        Case(_site("torch.nn.crossentropyloss", {}), where, "class case"),
        Case(_site(ce, {"weigth": "null"}), where, "unknown argument"),
        Case(
            _site(ce, {}) + "    dict_kwargs:\n      label_smoothing: 0.1\n", where, "dict_kwargs"
        ),
        Case(_site(ce, {}) + "    dict_kwargs:\n      gamma: 2\n", where, "dict_kwargs unknown"),
        Case(_site("torch.nn.L1Loss", {}) + "    reduction: sum\n", where, "beside class_path"),
        Case(
            _site(ce, {"label_smoothing": "0.1"}) + "      label_smoothing: 0.2\n",
            where,
            "duplicate key",
        ),
        Case(
            "model:\n  criterion:\n    class_path: torch.nn.L1Loss\n    init_args:\n"
            "      <<: {reduction: sum}\n",
            where,
            "merge key",
        ),
        Case(
            "model:\n  criterion:\n    class_path: torch.nn.SmoothL1Loss\n    init_args:\n"
            "      <<: {beta: -1.0}\n",
            where,
            "merge key out of range",
        ),
        Case(
            "model:\n  criterion:\n    class_path: torch.nn.L1Loss\n    init_args: "
            "{reduction: none}\n",
            where,
            "flow init_args",
        ),
        Case(_site(ce, {"label_smoothing": "1e-1"}), where, "exponent float"),
        Case(_site(ce, {"ignore_index": "'1e2'"}), where, "quoted exponent for an int"),
        Case(_site(ce, {"reduction": "'null'"}), where, "the string null"),
    )


@contextlib.contextmanager
def registered() -> Iterator[None]:
    """The project's list-to-tensor type, as umami-hep/salt registers one, while inside."""
    import torch
    from jsonargparse import typing

    typing.register_type(
        torch.Tensor, serializer=lambda t: t.tolist(), deserializer=lambda v: torch.tensor(v)
    )
    try:
        yield
    finally:
        typing.registered_type_handlers.pop(torch.Tensor, None)


def outcome(text: str, pointer: str) -> str | None:
    """None where jsonargparse parses and builds the site and one batch runs; else what
    failed, in words."""
    import torch
    from jsonargparse import ArgumentParser

    class Model:
        def __init__(self, criterion: torch.nn.Module) -> None:
            self.criterion = criterion

    parser = ArgumentParser(exit_on_error=False)
    parser.add_class_arguments(Model, "model")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            config = parser.parse_string(text)
        except Exception as problem:
            return f"parse: {' '.join(str(problem).split())[:300]}"
        return one_batch(lambda: parser.instantiate_classes(config).model.criterion)
