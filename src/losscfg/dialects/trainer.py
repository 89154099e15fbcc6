"""What a Hydra or LightningCLI file says of its trainer's precision (SPEC §15): Lightning's
`trainer.precision` and `trainer.accelerator`, interpolations resolved within the file."""

from __future__ import annotations

from typing import Any, NamedTuple

from losscfg.dialects.hydra_values import passed
from losscfg.load.document import Document

TRAINER = "trainer"
#: Lightning's `trainer.precision` values that run the model and the loss under autocast.
MIXED_PRECISION = frozenset({16, "16", "16-mixed", "bf16", "bf16-mixed"})


class Precision(NamedTuple):
    value: Any  # as written, resolved
    accelerator: Any
    bfloat16: bool


def mixed_precision(document: Document) -> Precision | None:
    """The trainer's mixed precision, when the file sets one; None otherwise."""
    data = document.data if isinstance(document.data, dict) else {}
    trainer = data.get(TRAINER)
    if not isinstance(trainer, dict) or "precision" not in trainer:
        return None
    precision = passed(document, (TRAINER, "precision"), trainer["precision"])
    accelerator = passed(document, (TRAINER, "accelerator"), trainer.get("accelerator"))
    if not isinstance(precision, int | str) or isinstance(precision, bool):
        return None
    if precision not in MIXED_PRECISION:
        return None
    return Precision(precision, accelerator, str(precision).startswith("bf16"))
