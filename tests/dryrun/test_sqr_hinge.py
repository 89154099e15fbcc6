"""SqrHingeLoss: the formula, its gradient, GradScaler safety, class-index checks."""

from __future__ import annotations

import pytest

torch = pytest.importorskip("torch")

from losscfg.dryrun.sqr_hinge import SqrHingeLoss  # noqa: E402


def reference(logits, labels):  # type: ignore[no-untyped-def]
    """mean(max(0, 1 - y * f)^2) with y the -1/+1 one-hot of the labels, by plain autograd."""
    y = torch.nn.functional.one_hot(labels, logits.shape[1]).float() * 2 - 1
    return torch.clamp(1 - y * logits, min=0).pow(2).mean()


@pytest.mark.parametrize("seed", range(5))
def test_matches_the_formula_and_autograd(seed: int) -> None:
    generator = torch.Generator().manual_seed(seed)
    logits = torch.randn(16, 7, generator=generator, dtype=torch.float64) * 2
    labels = torch.randint(0, 7, (16,), generator=generator)
    ours = logits.clone().requires_grad_()
    theirs = logits.clone().requires_grad_()
    loss = SqrHingeLoss()(ours, labels)
    expected = reference(theirs, labels)
    torch.testing.assert_close(loss, expected.float(), rtol=1e-6, atol=1e-7)
    loss.backward()
    expected.backward()
    torch.testing.assert_close(ours.grad, theirs.grad, rtol=1e-5, atol=1e-7)


def test_two_dimensional_targets_pass_through() -> None:
    logits = torch.randn(4, 3, requires_grad=True)
    targets = torch.tensor([[1.0, -1, -1], [-1, 1, -1], [-1, -1, 1], [1, -1, -1]])
    loss = SqrHingeLoss()(logits, targets)
    expected = torch.clamp(1 - targets * logits, min=0).pow(2).mean()
    torch.testing.assert_close(loss, expected)
    loss.backward()
    theirs = logits.detach().clone().requires_grad_()
    torch.clamp(1 - targets * theirs, min=0).pow(2).mean().backward()
    torch.testing.assert_close(logits.grad, theirs.grad)


def test_gradient_scales_with_the_upstream_gradient() -> None:
    # The Brevitas original overwrites grad_output: GradScaler's scale is lost (TORCH_FACTS §2d).
    logits = torch.randn(8, 5)
    labels = torch.randint(0, 5, (8,))
    once = logits.clone().requires_grad_()
    thrice = logits.clone().requires_grad_()
    SqrHingeLoss()(once, labels).backward()
    (3 * SqrHingeLoss()(thrice, labels)).backward()
    torch.testing.assert_close(thrice.grad, 3 * once.grad)


def test_works_under_cpu_autocast_in_float32() -> None:
    model = torch.nn.Linear(4, 3)
    with torch.autocast("cpu", dtype=torch.bfloat16):
        logits = model(torch.randn(6, 4))
        loss = SqrHingeLoss()(logits, torch.randint(0, 3, (6,)))
    assert logits.dtype == torch.bfloat16 and loss.dtype == torch.float32
    loss.backward()
    assert model.weight.grad is not None and torch.isfinite(model.weight.grad).all()


@pytest.mark.parametrize(
    ("labels", "error", "words"),
    [
        ([0, 3], ValueError, "class index 3 is out of range for 3 classes"),
        ([-1, 0], ValueError, "class index -1 is out of range"),
        ([0.0, 1.0], TypeError, "integer class indices"),
        ([0, 1, 2], ValueError, "expected 2 class indices"),
    ],
)
def test_bad_class_indices_raise_clear_errors(labels: list[float], error: type, words: str) -> None:
    with pytest.raises(error, match=words):
        SqrHingeLoss()(torch.randn(2, 3), torch.tensor(labels))


def test_wrong_target_shape() -> None:
    with pytest.raises(ValueError, match="shaped like the input"):
        SqrHingeLoss()(torch.randn(2, 3), torch.randn(2, 4))
