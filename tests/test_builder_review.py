"""Configs a fresh review found judged unlike their builder, each now run through the real
builder (Hydra's instantiate, jsonargparse as LightningCLI parses) and one batch beside
losscfg's verdict: an error exactly where that fails or trains other than written."""

from __future__ import annotations

import pytest

from hydra_table import CLASSES
from hydra_table import outcome as hydra_outcome
from lightning_table import outcome as lightning_outcome
from lightning_table import registered
from losscfg.diagnostics import Severity
from losscfg.lint.check import Options, check_source

pytest.importorskip("torch")
pytest.importorskip("hydra.utils")
pytest.importorskip("jsonargparse")

CE = "torch.nn.CrossEntropyLoss"
HYDRA = [
    # (config, where the loss is, whether it builds and trains as written)
    (f"defaults: [_self_]\n_target_: {CE}\nlabel_smoothing: 0.1\n", "", True),
    (
        "head: {_target_: torch.nn.AdaptiveLogSoftmaxWithLoss, in_features: 8, n_classes: 10,"
        " cutoffs: [4]}\n",
        None,
        True,
    ),
    (
        f"_target_: {CE}\nweight: {{_target_: torch.tensor, data: [1.0, 2.0, 3.0], dtype: "
        "{_target_: hydra.utils.get_object, path: torch.float}}\n",
        "",
        True,
    ),
    (
        f"_target_: {CE}\nweight: {{_target_: torch.tensor, data: [1.0, 2.0, 3.0], dtype: "
        "{_target_: hydra.utils.get_object, path: torch.double}}\n",
        "",
        False,
    ),
    (
        f"_target_: {CE}\n_recursive_: false\n"
        "weight: {_target_: torch.tensor, data: [1.0, 2.0, 3.0]}\n",
        "",
        False,
    ),
    (f"_target_: {CE}\nweight: {{_target_: torch.tensor, data: [[1.0, 2.0, 3.0]]}}\n", "", False),
    (f"_target_: {CE}\nweight: {{_target_: torch.tensor, data: [1.0, .nan, 1.0]}}\n", "", False),
    (f"_target_: {CE}\nlabel_smoothing: ' ${{x}}'\nx: 0.1\n", "", False),
    (
        "_target_: torch.nn.LinearCrossEntropyLoss\nin_features: 5\nnum_classes: 5\n"
        "weight: {_target_: torch.tensor, data: [1.0, 1.0, 1.0, 1.0, 1.0]}\n",
        "",
        True,
    ),
    ("_target_: torch.nn.LinearCrossEntropyLoss\nin_features: 5\n", "", False),
    ("trainer: {precision: [16]}\nloss: {_target_: torch.nn.BCELoss}\n", "/loss", True),
]
LIGHTNING = [
    (
        f"model:\n  criterion:\n    class_path: {CE}\n    init_args: {{label_smoothing: 0.1}}\n"
        "    dict_kwargs: {label_smoothing: 1.5}\n",
        False,
        False,
    ),
    (
        f"model:\n  criterion:\n    class_path: {CE}\n    init_args: {{label_smoothing: 1.5}}\n"
        "    dict_kwargs: {label_smoothing: 0.1}\n",
        False,
        True,
    ),
    (
        f"model:\n  criterion:\n    class_path: {CE}\n    init_args:\n"
        "      weight: {_target_: torch.tensor, data: [1.0, 2.0, 3.0]}\n",
        False,
        False,
    ),
    (
        f"model:\n  criterion:\n    class_path: {CE}\n"
        "    init_args: {weight: [1.0, 1e-1, 1.0]}\n",
        True,
        True,
    ),
    (
        f"model:\n  criterion:\n    class_path: {CE}\n"
        "    init_args: {weight: [true, false, true]}\n",
        True,
        False,
    ),
    (
        f"model:\n  criterion:\n    class_path: {CE}\n    init_args: {{ignore_index: '010'}}\n",
        False,
        True,
    ),
    ("model:\n  criterion:\n    class_path: CrossEntropyloss\n", False, False),
    (
        "model:\n  criterion:\n    class_path: torch.nn.LinearCrossEntropyLoss\n"
        "    init_args: {in_features: 5}\n",
        False,
        False,
    ),
]


def _errors(text: str, registers: bool = False) -> list[str]:
    options = Options(num_classes=CLASSES, tensor_from_list=registers)
    report = check_source(text, "c.yaml", options)
    assert report.internal_error is None
    return [f"{d.code} {d.message}" for d in report.diagnostics if d.severity is Severity.ERROR]


@pytest.mark.parametrize(("text", "pointer", "trains"), HYDRA)
def test_hydra(text: str, pointer: str | None, trains: bool) -> None:
    if pointer is not None:
        assert (hydra_outcome(text, pointer) is None) == trains
    assert (_errors(text) == []) == trains


@pytest.mark.parametrize(("text", "registers", "trains"), LIGHTNING)
def test_lightning(text: str, registers: bool, trains: bool) -> None:
    if registers:
        with registered():
            built = lightning_outcome(text, "/model/criterion")
    else:
        built = lightning_outcome(text, "/model/criterion")
    assert (built is None) == trains, built
    assert (_errors(text, registers) == []) == trains


def test_a_bare_loss_string_in_a_hydra_file_is_no_site() -> None:
    text = "model:\n  _target_: my.Model\n  loss_cls: torch.nn.BCELoss\ntrainer: {precision: 16}\n"
    report = check_source(text, "c.yaml", Options())
    assert report.losses == [] and report.diagnostics == []


def test_a_framework_file_with_a_stray_torch_string_stays_the_framework_s() -> None:
    text = (
        "notes: torch.nn.CrossEntropyLoss\nloss:\n  name: cross_entropy\n  label_smoothing: 1.5\n"
    )
    assert [d.code for d in check_source(text, "c.yaml", Options()).diagnostics] == ["LC104"]


def test_an_anchored_site_reached_twice_is_reported_once() -> None:
    text = "base: &b\n  _target_: torch.nn.L1Loss\n  reduction: mean_\nloss: *b\n"
    found = [d for d in check_source(text, "c.yaml", Options()).diagnostics if d.code == "LC105"]
    assert len(found) == 1
