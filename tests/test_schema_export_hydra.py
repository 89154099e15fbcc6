"""`losscfg schema` checks Hydra's loss sites (SPEC §15): every mapping, at any depth, whose
`_target_` names a torch.nn loss class is checked against that class's arguments, as
yaml-language-server reads the export; a framework file gets the verdict it got before."""

from __future__ import annotations

import re
import textwrap
from decimal import Decimal
from typing import Any

import jsonschema
import pytest
import yaml as pyyaml

from losscfg.catalogue import hydra_export
from losscfg.catalogue.schema import DRAFT_2020_12, default_schema, exported
from losscfg.dialects import hydra
from losscfg.lint.check import check_text
from test_schema_export import agrees

EXPORT = exported()
VALIDATORS = [
    jsonschema.Draft7Validator(EXPORT),
    jsonschema.Draft202012Validator(exported(DRAFT_2020_12)),
]


def problems(instance: Any) -> list[tuple[tuple[Any, ...], str]]:
    """Where each validator finds a problem, and with which keyword (the same for both)."""
    found = [
        sorted((tuple(e.absolute_path), str(e.validator)) for e in v.iter_errors(instance))
        for v in VALIDATORS
    ]
    assert found[0] == found[1], instance
    return found[0]


def ce(**arguments: Any) -> dict[str, Any]:
    return {"_target_": "torch.nn.CrossEntropyLoss", **arguments}


@pytest.mark.parametrize(
    ("instance", "where"),
    [
        (ce(reduction="mean_"), ()),
        ({"model": {"criterion": ce(reduction="mean_")}}, ("model", "criterion")),
        ({"losses": [{"w": 1.0, "fn": ce(reduction="mean_")}]}, ("losses", 0, "fn")),
        ({"loss": ce(reduction="mean_")}, ("loss",)),
        ({"nested": [[ce(reduction="mean_")]]}, ("nested", 0, 0)),
    ],
)
def test_a_value_outside_the_choices_fails_at_any_depth(
    instance: Any, where: tuple[Any, ...]
) -> None:
    assert problems(instance) == [((*where, "reduction"), "anyOf")]


@pytest.mark.parametrize("module", ["torch.nn.", "torch.nn.modules.loss."])
def test_an_argument_the_class_does_not_take_fails(module: str) -> None:
    site = {"_target_": f"{module}CrossEntropyLoss", "weigth": 1}
    assert problems(site) == [((), "additionalProperties")]
    assert problems({"model": {"criterion": site}}) == [
        (("model", "criterion"), "additionalProperties")
    ]


@pytest.mark.parametrize(
    "instance",
    [
        ce(),
        ce(ignore_index=255, label_smoothing=0.1, reduction="sum"),
        ce(weight={"_target_": "torch.tensor", "data": [1.0, 2.0]}),
        ce(weight=None, _partial_=True, _convert_="all", _recursive_=False, _args_=[]),
        {"_target_": "torch.nn.modules.loss.KLDivLoss", "reduction": "batchmean"},
        {"model": {"_target_": "my.Net", "criterion": ce(label_smoothing=0.0)}},
        {"losses": [ce(), {"_target_": "torch.nn.L1Loss", "reduction": "none"}]},
    ],
)
def test_a_site_as_instantiate_takes_it_passes(instance: Any) -> None:
    assert problems(instance) == []


@pytest.mark.parametrize("weight", [[1.0, 2.0], 1.0, {"data": [1.0, 2.0]}, "1.0"])
def test_a_tensor_argument_takes_no_yaml_list_or_number(weight: Any) -> None:
    """LC111: instantiate refuses a ListConfig for a buffer; a mapping without a `_target_`
    is a DictConfig."""
    assert problems(ce(weight=weight)) == [(("weight",), "anyOf")]
    pos_weight = {"_target_": "torch.nn.BCEWithLogitsLoss", "pos_weight": weight}
    assert problems(pos_weight) == [(("pos_weight",), "anyOf")]


@pytest.mark.parametrize(
    "instance",
    [
        {"_target_": "my.losses.FocalLoss", "gamma": 2, "reduction": "mean_", "weight": [1]},
        {"_target_": "torch.nn.Linear", "in_features": 3, "weigth": 1},
        {"_target_": "CrossEntropyLoss", "weigth": 1},
        {"_target_": "torch.nn.CrossEntropyloss", "weigth": 1},
        {"loss": {"_target_": "my.Loss", "label_smothing": [1, 2]}},
        {"_target_": None, "anything": [1]},
    ],
)
def test_a_target_that_names_no_torch_nn_loss_class_takes_any_keys(instance: Any) -> None:
    assert problems(instance) == []


@pytest.mark.parametrize("value", ["${dataset.ignore_index}", "${oc.env:IGNORE}", "???", "a${b}"])
def test_an_interpolation_or_a_missing_value_is_left_to_hydra(value: str) -> None:
    assert problems(ce(ignore_index=value, reduction=value, weight=value)) == []


@pytest.mark.parametrize("value", ["???\n", "?", "$a", "{a}", "255"])
def test_other_strings_are_no_interpolation(value: str) -> None:
    assert problems(ce(ignore_index=value)) == [(("ignore_index",), "anyOf")]


def test_required_arguments_are_required_unless_partial() -> None:
    site = {"_target_": "torch.nn.LinearCrossEntropyLoss", "in_features": 8}
    assert problems(site) == [((), "required")]
    assert problems({**site, "_partial_": True}) == []
    assert problems({**site, "num_classes": 10}) == []


@pytest.mark.parametrize(
    "instance",
    [
        {"loss": {"name": "cross_entropy"}},
        {"loss": {"name": "nll", "weight": [1.0, 2.0]}, "model": {"num_classes": 2}},
        {"loss": {"name": "cross_entropy", "weigth": 1}},
        {"loss": {"reduction": "mean_"}},
        {"loss": {"name": "kl_div", "reduction": "avg"}},
        {"loss": {"name": "nll"}, "trainer": {"criterion": {"name": "x", "weigth": [1]}}},
        {"loss": {"weight": [1]}, "model": {"num_classes": "10"}, "amp": {"enabled": "no"}},
    ],
)
def test_a_framework_file_gets_the_verdict_of_the_schema_file(instance: Any) -> None:
    agrees(instance)


def test_the_framework_s_loss_section_leaves_a_target_mapping_to_hydra() -> None:
    """A file with a `_target_` is a Hydra file: its `loss:` is no framework section."""
    assert problems({"loss": ce(ignore_index=255)}) == []
    assert problems({"loss": {"_target_": "my.Loss", "gamma": 2}}) == []
    assert problems({"loss": {"name": "nll", "gamma": 2}}) == [(("loss",), "additionalProperties")]


def test_every_torch_nn_class_has_a_site_with_its_arguments_and_hydra_s_own_keys() -> None:
    classes = default_schema().classes()
    branches = EXPORT["definitions"]["hydra-node"]["allOf"]
    assert len(branches) == len(classes) == 23
    for branch, (name, loss) in zip(branches, classes.items(), strict=True):
        short = name.removeprefix("torch.nn.")
        assert branch["if"]["properties"]["_target_"]["enum"] == [
            f"torch.nn.{short}",
            f"torch.nn.modules.{short}",
            f"torch.nn.modules.loss.{short}",
        ]
        site = branch["then"]
        assert site["title"] == loss.title and site["additionalProperties"] is False
        assert set(site["properties"]) == set(loss.parameters) | hydra.OWN_KEYS
        for argument, parameter in loss.parameters.items():
            described = site["properties"][argument]
            assert described["description"] == parameter.description
            assert ("deprecationMessage" in described) == (parameter.replaced_by is not None)


def test_a_default_that_computes_something_else_is_no_value_to_complete() -> None:
    """KLDivLoss's `reduction: mean` divides by the class count too (LC401): the editor is
    offered `batchmean` to write instead."""
    (branch,) = [
        b
        for b in EXPORT["definitions"]["hydra-node"]["allOf"]
        if "torch.nn.KLDivLoss" in b["if"]["properties"]["_target_"]["enum"]
    ]
    reduction = branch["then"]["properties"]["reduction"]
    assert "default" not in reduction and reduction["examples"] == ["batchmean"]
    assert problems({"_target_": "torch.nn.KLDivLoss", "reduction": "mean"}) == []


def test_the_hydra_facts_of_the_export_are_those_of_hydra_s_front_end() -> None:
    assert hydra_export.TARGET == hydra.TARGET
    assert set(hydra_export.OWN_KEY_DESCRIPTIONS) == hydra.OWN_KEYS
    assert set(hydra_export.MODULES) == set(hydra.MODULES)
    assert hydra_export.TORCH_NN == "torch.nn."


# What yaml-language-server writes when it completes an argument's key (getInsertTextForProperty:
# an argument has no `type`, an `anyOf`, so its default is written as it is), losscfg accepts.


def inserted(default: Any) -> str:
    """A value as JavaScript prints it: 1e-06 as 0.000001, 1e-08 as 1e-8."""
    if default is None:
        return "null"
    if isinstance(default, bool):
        return "true" if default else "false"
    if isinstance(default, float) and 1e-7 <= abs(default) < 1e21:
        return format(Decimal(repr(default)), "f")
    if isinstance(default, float):
        return re.sub(r"e([+-])0*(\d)", r"e\1\2", repr(default))
    return str(default)


def completed_arguments() -> list[str]:
    found = []
    for branch in EXPORT["definitions"]["hydra-node"]["allOf"]:
        target = branch["if"]["properties"]["_target_"]["enum"][0]
        required = branch["then"].get("else", {}).get("required", [])
        given = "".join(f"{name}: 8\n" for name in required)
        for name, argument in branch["then"]["properties"].items():
            default = argument.get("examples", [argument.get("default", [])])[0]
            if argument.get("doNotSuggest") or isinstance(default, list) or name in required:
                continue
            found.append(f"_target_: {target}\n{given}{name}: {inserted(default)}\n")
    return found


@pytest.mark.parametrize("text", completed_arguments())
def test_losscfg_accepts_what_the_editor_completes_in_a_site(text: str) -> None:
    assert [d.code for d in check_text(text) if d.severity != "info"] == [], text
    assert problems(as_hydra_reads(text)) == [], text


def as_hydra_reads(text: str) -> Any:
    """The YAML as OmegaConf and yaml-language-server read it: `1e-8` is a float."""
    data = pyyaml.safe_load(text)
    for key, value in data.items():
        if isinstance(value, str) and re.fullmatch(r"[0-9.]+e[-+]?[0-9]+", value):
            data[key] = float(value)
    return data


def test_losscfg_and_the_export_agree_on_a_hydra_config() -> None:
    text = textwrap.dedent(
        """\
        model:
          _target_: my.Net
          criterion:
            _target_: torch.nn.CrossEntropyLoss
            reduction: mean_
            weigth: 1
        losses:
          - _target_: torch.nn.BCEWithLogitsLoss
            pos_weight: [1.0, 2.0]
        """
    )
    errors = {d.code for d in check_text(text) if d.severity == "error"}
    assert errors == {"LC102", "LC105", "LC111"}
    assert problems(pyyaml.safe_load(text)) == [
        (("losses", 0, "pos_weight"), "anyOf"),
        (("model", "criterion"), "additionalProperties"),
        (("model", "criterion", "reduction"), "anyOf"),
    ]
