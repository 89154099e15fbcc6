"""build_loss: the module the trainer would build, with the right conversions."""

from __future__ import annotations

import pytest

torch = pytest.importorskip("torch")

from losscfg.catalogue.schema import catalogue  # noqa: E402
from losscfg.dryrun.build import build_loss  # noqa: E402


@pytest.mark.parametrize("name", list(catalogue().losses))
def test_every_loss_builds(name: str) -> None:
    module = build_loss({"name": name})
    expected = catalogue().losses[name].torch_class.rsplit(".", 1)[-1]
    assert type(module).__name__ == expected


def test_no_section_is_cross_entropy() -> None:
    assert isinstance(build_loss(None), torch.nn.CrossEntropyLoss)
    assert isinstance(build_loss({}), torch.nn.CrossEntropyLoss)


def test_name_is_lower_cased_as_the_trainer_does() -> None:
    assert isinstance(build_loss({"name": "MSE"}), torch.nn.MSELoss)


def test_conversions() -> None:
    module = build_loss(
        {"name": "cross_entropy", "weight": [1, 2, 3], "label_smoothing": 1, "ignore_index": 2.0}
    )
    assert module.weight.dtype == torch.float32 and module.weight.tolist() == [1.0, 2.0, 3.0]
    assert module.label_smoothing == 1.0 and module.ignore_index == 2
    assert isinstance(module.ignore_index, int)


def test_omitted_ignore_index_is_torchs_default() -> None:
    assert build_loss({"name": "nll"}).ignore_index == -100


def test_kl_div_reduction_defaults_to_batchmean() -> None:
    assert build_loss({"name": "kl_div"}).reduction == "batchmean"
    assert build_loss({"name": "kl_div", "reduction": "sum"}).reduction == "sum"


def test_pos_weight_is_a_float_tensor() -> None:
    module = build_loss({"name": "bce_with_logits", "pos_weight": [2]})
    assert module.pos_weight.dtype == torch.float32


@pytest.mark.parametrize(
    ("section", "error", "words"),
    [
        ({"name": "focal"}, ValueError, "Unknown loss function: focal"),
        ({"name": "mse", "weight": [1.0]}, TypeError, "mse does not take weight"),
        ({"name": "nll", "ignore_index": None}, TypeError, "omit it"),
    ],
)
def test_build_errors(section: dict[str, object], error: type, words: str) -> None:
    with pytest.raises(error, match=words):
        build_loss(section)


def test_conversions_are_the_trainer_s() -> None:
    # the framework's factory: bool(log_target), float(label_smoothing), int(ignore_index)
    assert build_loss({"name": "kl_div", "log_target": "false"}).log_target is True
    built = build_loss({"label_smoothing": "1e-1", "ignore_index": "5"})
    assert (built.label_smoothing, built.ignore_index) == (0.1, 5)
    assert float(build_loss({"name": "bce_with_logits", "pos_weight": 2.0}).pos_weight) == 2.0


def test_num_classes_checks_lengths_at_build_time() -> None:
    with pytest.raises(ValueError, match="weight has 2 entries but there are 3 classes"):
        build_loss({"weight": [1.0, 2.0]}, num_classes=3)
    with pytest.raises(ValueError, match="pos_weight has 2 entries; expected 1 or 3"):
        build_loss({"name": "bce_with_logits", "pos_weight": [1.0, 2.0]}, num_classes=3)
    build_loss({"name": "bce_with_logits", "pos_weight": [1.0]}, num_classes=3)


def test_the_public_api_builds_lazily() -> None:
    import losscfg

    assert losscfg.build_loss is build_loss
