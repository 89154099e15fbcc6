"""A differential test against torch: losscfg's verdict against the framework, run.

`Trainer` below is a test-only model of the framework's factory and trainer
(giovannipollo/fat `utils/loss.py`, `utils/trainer.py`, `train.py`, `datasets/__init__.py`),
written from the measured facts (../shared/TORCH_FACTS.md, "Facts behind contract version 2"):
the factory's `float()`, `int()` and `bool()`, `torch.tensor()` of lists, the keys it drops,
kl_div's default `batchmean`, the class count from the dataset's class unless
`model.num_classes` is given, the trainer's feed of logits (N, C) and int64 labels (N,), and
AMP's truthiness test. Hypothesis generates loss, model, dataset and amp sections over every
loss, parameter, spelling, string and number form, list shape, null and boolean; for each,
losscfg must report an error exactly when the modelled trainer fails with a real torch forward
and backward, or passes torch something other than what the file spells. A CUDA-only failure
(bce under CUDA autocast) is asserted from TORCH_FACTS §2b, since this machine has no GPU.
"""

from __future__ import annotations

import math
import warnings
from typing import Any

import pytest
import yaml as pyyaml
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from losscfg.diagnostics import Severity
from losscfg.lint.check import Options, check_source

torch = pytest.importorskip("torch")
from torch import nn  # noqa: E402

from losscfg.dryrun.sqr_hinge import SqrHingeLoss  # noqa: E402

BUILTIN = {"cifar10": 10, "cifar100": 100, "mnist": 10, "fashion_mnist": 10, "imagenet": 1000}
BATCH = 8


class Fails(Exception):
    """The modelled trainer fails, or trains something else than the file says."""


# ---------------------------------------------------------------------------------------------
# The model of the framework (test-only, written from the facts, not from losscfg's code).


def build_criterion(config: dict[str, Any]) -> nn.Module:
    """`LossFactory.create(config)` (utils/loss.py)."""
    section = config.get("loss", {})
    name = section.get("name", "cross_entropy").lower()  # AttributeError on a non-string
    losses = {
        "cross_entropy": nn.CrossEntropyLoss,
        "nll": nn.NLLLoss,
        "mse": nn.MSELoss,
        "l1": nn.L1Loss,
        "smooth_l1": nn.SmoothL1Loss,
        "bce": nn.BCELoss,
        "bce_with_logits": nn.BCEWithLogitsLoss,
        "kl_div": nn.KLDivLoss,
        "sqr_hinge": SqrHingeLoss,
    }
    if name not in losses:
        raise ValueError(f"Unknown loss function: {name}")
    params: dict[str, Any] = {}
    if name == "cross_entropy":
        if "label_smoothing" in section:
            params["label_smoothing"] = float(section["label_smoothing"])
        if "weight" in section:
            params["weight"] = torch.tensor(section["weight"])
        if "ignore_index" in section:
            params["ignore_index"] = int(section["ignore_index"])
    elif name == "nll":
        if "weight" in section:
            params["weight"] = torch.tensor(section["weight"])
        if "ignore_index" in section:
            params["ignore_index"] = int(section["ignore_index"])
    elif name == "smooth_l1":
        if "beta" in section:
            params["beta"] = float(section["beta"])
    elif name == "kl_div":
        params["reduction"] = section.get("reduction", "batchmean")
        if "log_target" in section:
            params["log_target"] = bool(section["log_target"])
    elif name == "bce_with_logits" and "pos_weight" in section:
        params["pos_weight"] = torch.tensor(section["pos_weight"])
    return losses[name](**params)


#: The keys the factory reads, per loss: any other key in `loss:` is dropped.
READ = {
    "cross_entropy": {"label_smoothing", "weight", "ignore_index"},
    "nll": {"weight", "ignore_index"},
    "smooth_l1": {"beta"},
    "kl_div": {"reduction", "log_target"},
    "bce_with_logits": {"pos_weight"},
}


def train_first_batch(config: dict[str, Any]) -> None:
    """train.py and utils/trainer.py up to the first backward; raises Fails as training would."""
    try:
        dataset = BUILTIN[config["dataset"]["name"].lower()]  # get_dataset: "Unknown dataset"
        model = config.get("model", {})
        classes = model.get("num_classes", dataset)  # train.py: the dataset's unless given
        amp = bool(config.get("amp", {}).get("enabled", False))  # on a CUDA device
        criterion = build_criterion(config)
        logits = nn.Linear(16, classes)(torch.randn(BATCH, 16))
        labels = torch.randint(0, dataset, (BATCH,))
        name = config.get("loss", {}).get("name", "cross_entropy").lower()
        if amp and name == "bce":  # TORCH_FACTS §2b: banned under CUDA autocast
            raise RuntimeError("binary_cross_entropy and torch.nn.BCELoss are unsafe to autocast")
        with warnings.catch_warnings():  # torch warns of the broadcast it then refuses
            warnings.simplefilter("ignore")
            loss = criterion(logits, labels)
            loss.backward()
    except Exception as problem:
        raise Fails(f"{type(problem).__name__}: {problem}") from None
    if not math.isfinite(float(loss.detach())):
        raise Fails(f"the loss is {float(loss.detach())}")


def spelled_differently(config: dict[str, Any]) -> str | None:
    """Why the trainer passes torch something other than what the file spells, if it does."""
    section = config.get("loss", {})
    name = section.get("name", "cross_entropy")
    name = name.lower() if isinstance(name, str) else name
    read = READ.get(name, set())
    for key, value in section.items():
        if key == "name":
            continue
        if key not in read:
            return f"{key} is dropped"
        if key in ("label_smoothing", "beta") and _spelled_number(value) is None:
            return f"{key}: float({value!r}) is not what it spells"
        if key == "label_smoothing" and not (_spelled_number(value) or 0) >= 0:
            return "a negative or NaN label_smoothing is no smoothing in torch"
        if key == "ignore_index":
            number = _spelled_number(value)
            if number is None or number != int(number):
                return f"int({value!r}) is not what it spells"
        if key == "log_target" and _spelled_boolean(value) is not bool(value):
            return f"bool({value!r}) is {bool(value)}"
        if key in ("weight", "pos_weight") and _nonsense_weights(key, value):
            return f"{key} {value!r}: a weight <= 0 makes the loss meaningless (SPEC §4 LC104)"
    amp = config.get("amp", {})
    enabled = amp.get("enabled")
    if enabled is not None and _spelled_boolean(enabled) is not bool(enabled):
        return f"amp.enabled {enabled!r} is {bool(enabled)} for the trainer"
    return None


def _spelled_number(value: Any) -> float | None:
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, (int, float)):
        return float(value)
    if isinstance(value, str):
        try:
            return float(value)
        except ValueError:
            return None
    return None


def _spelled_boolean(value: Any) -> bool | None:
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)) and value in (0, 1):
        return bool(value)
    if isinstance(value, str):
        word = value.strip().lower()
        return {"true": True, "yes": True, "on": True, "false": False, "no": False}.get(word)
    return None


def _nonsense_weights(key: str, value: Any) -> bool:
    numbers = value if isinstance(value, list) else [value]
    if not all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in numbers):
        return False
    if key == "pos_weight":
        return any(not v > 0 for v in numbers)
    return any(not v >= 0 for v in numbers)


def trainer_fails(config: dict[str, Any]) -> str | None:
    """Why the modelled trainer fails or trains something else; None when it trains as said."""
    try:
        train_first_batch(config)
    except Fails as failure:
        return str(failure)
    return spelled_differently(config)


# ---------------------------------------------------------------------------------------------
# The configs.

LOSSES = [
    "cross_entropy",
    "nll",
    "mse",
    "l1",
    "smooth_l1",
    "bce",
    "bce_with_logits",
    "kl_div",
    "sqr_hinge",
]
PARAMETERS = ["label_smoothing", "weight", "ignore_index", "beta", "pos_weight", "reduction"]
PARAMETERS += ["log_target"]

number_text = st.sampled_from(
    ["0.1", "1e-1", "-.1", ".5", "5", "1.5", "1e3", "2", "0", "-1", "nan", "inf", "1.0e-1", " 3"]
)
word = st.sampled_from(["true", "false", "yes", "no", "on", "maybe", "", "batchmean", "None"])
scalar = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-3, 12),
    st.sampled_from([0.0, 0.1, 0.5, 1.0, 1.5, -0.1, 2.0, 10.0, math.nan, math.inf]),
    number_text,
    word,
    st.sampled_from(["sum", "mean", "none", "batchmean", "avg"]),
)


@st.composite
def weight_list(draw: st.DrawFn) -> list[Any]:
    length = draw(st.sampled_from([0, 1, 2, 10, 10, 10, 100]))
    entry = draw(
        st.sampled_from(
            [
                st.sampled_from([1.0, 0.5, 2.0]),
                st.integers(0, 3),
                st.sampled_from([0.0]),
                st.sampled_from([-1.0, 1.0]),
                number_text,
            ]
        )
    )
    return [draw(entry) for _ in range(length)]


@st.composite
def configs(draw: st.DrawFn) -> dict[str, Any]:
    """Half of them with a loss that can train on the trainer's labels, and mostly the keys
    that loss reads: the other half fails in many ways."""
    loss: dict[str, Any] = {}
    trains = draw(st.booleans())
    name = draw(st.sampled_from(["cross_entropy", "nll", "sqr_hinge"] if trains else LOSSES))
    if draw(st.integers(0, 5)) > 0:
        loss["name"] = draw(st.sampled_from([name, name, name.upper()]))
    readable = sorted(READ.get(name, set())) if trains and READ.get(name) else PARAMETERS
    for parameter in draw(st.lists(st.sampled_from(readable), max_size=3, unique=True)):
        if parameter in ("weight", "pos_weight"):
            loss[parameter] = draw(st.one_of(weight_list(), scalar))
        elif trains and draw(st.booleans()):
            loss[parameter] = draw(GOOD[parameter])
        else:
            loss[parameter] = draw(scalar)
    dataset = draw(st.sampled_from(["cifar10", "CIFAR10", "mnist", "cifar100", "Fashion_MNIST"]))
    config: dict[str, Any] = {"dataset": {"name": dataset}, "loss": loss}
    if draw(st.booleans()):
        config["dataset"]["num_classes"] = draw(st.sampled_from([10, 100, 7]))
    model: dict[str, Any] = {"name": draw(st.sampled_from(["resnet20", "quant_cnv", "QUANT_CNV"]))}
    if draw(st.booleans()):
        model["num_classes"] = draw(st.sampled_from([10, 100, 2, 120, "10", 10.0]))
    config["model"] = model
    if draw(st.booleans()):
        config["amp"] = {
            "enabled": draw(st.sampled_from([True, False, "false", "true", "no", 1, 0, 2, None]))
        }
    return config


#: Values of each parameter that the trainer takes as written, in several spellings.
GOOD = {
    "label_smoothing": st.sampled_from([0.0, 0.1, "0.1", "1e-1", 1, 0, " 0.2", "1.0e-1"]),
    "ignore_index": st.sampled_from([-100, 255, "255", 0, "3", 2.0]),
    "beta": st.sampled_from([1.0, "1e-3", 0, 2]),
    "reduction": st.sampled_from(["batchmean", "sum", "mean"]),
    "log_target": st.sampled_from([True, False, "true", "yes", 1, 0, "False", None]),
}


def losscfg_errors(config: dict[str, Any]) -> list[str]:
    text = pyyaml.safe_dump(config, sort_keys=False)
    assert pyyaml.safe_load(text) == config or _has_nan(config)
    report = check_source(text, "config.yaml", Options())
    return [f"{d.code} {d.message}" for d in report.diagnostics if d.severity == Severity.ERROR]


def _has_nan(value: Any) -> bool:
    if isinstance(value, float):
        return math.isnan(value)
    if isinstance(value, dict):
        return any(_has_nan(v) for v in value.values())
    if isinstance(value, list):
        return any(_has_nan(v) for v in value)
    return False


# ---------------------------------------------------------------------------------------------
# The tests.

#: Disagreements found while writing this test, each kept as a regression example.
REGRESSIONS = [
    # the README's old headline: trains exactly as 0.1 (LC108, a warning)
    {"dataset": {"name": "cifar10"}, "loss": {"name": "cross_entropy", "label_smoothing": "1e-1"}},
    # a 0-d pos_weight broadcasts like [2.0]
    {"dataset": {"name": "cifar10"}, "loss": {"name": "bce_with_logits", "pos_weight": 2.0}},
    # the trainer never reads dataset.num_classes: 100 weights fail on cifar10
    {
        "dataset": {"name": "cifar10", "num_classes": 100},
        "loss": {"name": "cross_entropy", "weight": [1.0] * 100},
    },
    # truthiness: "false" turns AMP on, and bce fails under CUDA autocast
    {"dataset": {"name": "cifar10"}, "loss": {"name": "bce"}, "amp": {"enabled": "false"}},
    # a quoted ignore_index trains as the integer it spells
    {"dataset": {"name": "mnist"}, "loss": {"name": "nll", "ignore_index": "5"}},
    # "-.1" is a string that float() makes -0.1: no smoothing in torch
    {"dataset": {"name": "cifar10"}, "loss": {"name": "cross_entropy", "label_smoothing": "-.1"}},
    # bool("false") is True
    {"dataset": {"name": "cifar10"}, "loss": {"name": "kl_div", "log_target": "false"}},
]


@pytest.mark.parametrize("config", REGRESSIONS)
def test_regressions(config: dict[str, Any]) -> None:
    assert_same_verdict(config)


@settings(
    max_examples=400,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(configs())
@example(REGRESSIONS[0])
def test_losscfg_errors_exactly_when_the_trainer_fails(config: dict[str, Any]) -> None:
    assert_same_verdict(config)


def assert_same_verdict(config: dict[str, Any]) -> None:
    torch.manual_seed(0)
    failure = trainer_fails(config)
    errors = losscfg_errors(config)
    if failure is None:
        assert errors == [], f"the trainer trains {config} as written, but losscfg says {errors}"
    else:
        assert errors, f"the trainer fails ({failure}) on {config}, and losscfg says nothing"


def test_the_model_fails_where_the_facts_say() -> None:
    """The model itself, on facts of TORCH_FACTS (so a broken model cannot pass the test)."""
    base = {"dataset": {"name": "cifar10"}}
    assert trainer_fails({**base, "loss": {"name": "mse"}}) is not None
    assert trainer_fails({**base, "loss": {"name": "cross_entropy"}}) is None
    assert trainer_fails({**base, "loss": {"name": "cross_entropy", "weight": [1, 2]}})
    assert trainer_fails({**base, "loss": {"name": "bce"}, "amp": {"enabled": 1}})
    assert trainer_fails({**base, "loss": {"name": "bce_with_logits", "pos_weight": 2.0}})
    assert trainer_fails({**base, "loss": {"label_smoothing": "0.1"}}) is None
