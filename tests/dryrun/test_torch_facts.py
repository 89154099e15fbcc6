"""torch behaviours that static rules rest on and the dry-run cannot reach."""

from __future__ import annotations

import pytest

torch = pytest.importorskip("torch")


def test_a_float_class_count_cannot_size_a_layer() -> None:
    # LC103 on model.num_classes: 10.0 (schema keyword x-no-fraction)
    with pytest.raises(TypeError, match="must be tuple of ints, but found element of type float"):
        torch.nn.Linear(16, 10.0)
    assert torch.nn.Linear(16, 10).out_features == 10
