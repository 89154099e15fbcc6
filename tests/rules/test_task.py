"""LC210, LC211 (losscfg.lint.rules.task): the loss against what the trainer feeds it, logits (N, C)
and class labels (N,)."""

from __future__ import annotations

import pytest

from helpers import only, position, silent

SINGLE_LABEL = ["cifar10", "cifar100", "mnist", "fashion_mnist", "imagenet", "CIFAR10"]


@pytest.mark.parametrize("loss", ["mse", "l1", "smooth_l1", "bce", "bce_with_logits", "kl_div"])
@pytest.mark.parametrize("dataset", SINGLE_LABEL)
def test_loss_task_mismatch(loss: str, dataset: str) -> None:
    d = only(f"dataset:\n  name: {dataset}\nloss:\n  name: {loss}\n", "LC210")
    assert d.severity == "error" and d.pointer == "/loss/name"
    assert f"{loss} needs targets shaped like the logits" in d.message


@pytest.mark.parametrize(
    "config",
    [
        "dataset:\n  name: chest_xray\nloss:\n  name: bce_with_logits\n",
        "dataset:\n  name: cifar10\nloss:\n  name: cross_entropy\n",
        "dataset:\n  name: cifar10\nloss:\n  name: sqr_hinge\n",
        "loss:\n  name: mse\n",
    ],
)
def test_loss_task_mismatch_near_misses(config: str) -> None:
    silent(config, "LC210", datasets={"chest_xray": 14})


def test_nll_needs_log_probabilities() -> None:
    d = only("loss:\n  name: nll\n", "LC211")
    assert d.severity == "info" and "log-probabilities" in d.message
    silent("loss:\n  name: cross_entropy\n", "LC211")


def test_loss_task_mismatch_verdict() -> None:
    d = only("dataset:\n  name: cifar10\nloss:\n  name: bce_with_logits\n", "LC210")
    assert position(d) == (4, 9, 4, 24)
    assert "but cifar10 is single-label classification" in d.message
    assert "logits (N, C) and class labels (N,)" in d.message
    assert d.hint == "use cross_entropy (or sqr_hinge for quantised networks)"


@pytest.mark.parametrize(
    ("config", "where"),
    [
        ("loss:\n  name: nll\n", (2, 9, 2, 12)),
        ("dataset:\n  name: imagenet\nloss:\n  name: NLL\n  ignore_index: -1\n", (4, 9, 4, 12)),
    ],
)
def test_nll_verdict(config: str, where: tuple[int, int, int, int]) -> None:
    d = only(config, "LC211")
    assert (d.severity, position(d), d.pointer) == ("info", where, "/loss/name")
    assert d.message.startswith("nll expects log-probabilities")
    assert "raw logits" in d.message and "unbounded" in d.message
    assert (
        d.hint == "use cross_entropy (log_softmax and nll in one), or end the model in log_softmax"
    )


@pytest.mark.parametrize(
    ("config", "options"),
    [
        ("dataset:\n  name: my_faces\nloss:\n  name: mse\n", {}),
        ("dataset:\n  name: my_faces\nloss:\n  name: mse\n", {"datasets": {"my_faces": 7}}),
        ("dataset:\n  name: cifar10\n", {}),
        ("dataset:\n  name: imagenet\nloss:\n  name: nll\n", {}),
        ("dataset:\n  num_classes: 10\nloss:\n  name: kl_div\n", {}),
    ],
)
def test_only_the_built_in_single_label_datasets_are_judged(
    config: str, options: dict[str, object]
) -> None:
    silent(config, "LC210", **options)


@pytest.mark.parametrize("loss", ["cross_entropy", "sqr_hinge", "mse", "bce", "kl_div"])
def test_losses_on_logits_are_no_lc211(loss: str) -> None:
    silent(f"loss:\n  name: {loss}\n", "LC211")


def test_with_a_dry_run_the_run_shows_the_mismatch_in_torch_s_words() -> None:
    pytest.importorskip("torch")
    from losscfg.diagnostics import DryRunOptions, DryRunStatus
    from losscfg.dryrun.stage import stage
    from losscfg.lint.check import Options, check_source

    text = "dataset:\n  name: cifar10\nloss:\n  name: mse\n"
    labels = check_source(text, "c.yaml", Options(), dry_run=stage(DryRunOptions()).run)
    assert [d.code for d in labels.diagnostics] == ["LC501"]
    assert labels.dry_run is not None and labels.dry_run.targets == "labels"
    assert "The size of tensor a (10) must match the size of tensor b (8)" in (
        labels.diagnostics[0].message
    )
    assert "--targets natural" in (labels.diagnostics[0].hint or "")
    natural = stage(DryRunOptions(targets="natural")).run
    passed = check_source(text, "c.yaml", Options(), dry_run=natural)
    assert passed.dry_run_status is DryRunStatus.PASSED and passed.diagnostics == []
