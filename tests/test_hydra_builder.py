"""The Hydra verdicts against Hydra itself (SPEC §1, §15: the builder is the reference): each
config is built with `hydra.utils.instantiate` as a Hydra job builds it, then run on one batch;
where losscfg reports an error the build or the batch fails, where it reports none both work.
The full differential table over every class is issue 23's; this holds the rules there are."""

from __future__ import annotations

from typing import Any

import pytest

from helpers import yaml
from losscfg.diagnostics import FixMode, Severity
from losscfg.lint.check import Options, check_source
from losscfg.workspace.fixing import fix_text

torch = pytest.importorskip("torch")
hydra_utils = pytest.importorskip("hydra.utils")
omegaconf = pytest.importorskip("omegaconf")

BATCH, CLASSES = 4, 3


def _inputs(target: str) -> tuple[Any, Any]:
    """Natural inputs for the classes these configs use."""
    logits = torch.randn(BATCH, CLASSES, requires_grad=True)
    if target == "torch.nn.CrossEntropyLoss":
        return logits, torch.randint(0, CLASSES, (BATCH,))
    if target == "torch.nn.BCEWithLogitsLoss":
        return logits, torch.randint(0, 2, (BATCH, CLASSES)).float()
    return logits, torch.randn(BATCH, CLASSES)


def _builds_and_runs(text: str, pointer: str) -> bool:
    """Whether Hydra builds the node at `pointer` and one forward and backward run."""
    config = omegaconf.OmegaConf.create(text)
    node = (
        omegaconf.OmegaConf.select(config, pointer.strip("/").replace("/", "."))
        if pointer
        else config
    )
    try:
        loss = hydra_utils.instantiate(node)
        if not isinstance(loss, torch.nn.Module):
            loss = loss()  # a _partial_: what a factory would call
        value = loss(*_inputs(f"torch.nn.{type(loss).__name__}"))
        value.sum().backward()
    except Exception:
        return False
    return True


def _errors(text: str) -> list[str]:
    report = check_source(text, "c.yaml", Options())
    return [d.code for d in report.diagnostics if d.severity is Severity.ERROR]


CONFIGS = [
    # (config, where the loss is, the error losscfg reports or None)
    ("_target_: torch.nn.CrossEntropyLoss\nreduction: none\nignore_index: 2\n", "", None),
    ("_target_: torch.nn.modules.loss.BCEWithLogitsLoss\nreduction: sum\n", "", None),
    ("loss:\n  _target_: torch.nn.L1Loss\n", "/loss", None),
    ("_target_: torch.nn.MSELoss\nsize_average: false\n", "", None),  # LC114, a warning
    ("_target_: torch.nn.CrossEntropyLoss\n_partial_: true\n", "", None),  # LC112, an info
    ("_target_: torch.nn.CrossEntropyLoss\nlabel_smoothing: 1e-1\n", "", None),
    ("_target_: torch.nn.CrossEntropyLoss\nweight: [1.0, 2.0, 1.0]\n", "", "LC111"),
    ("_target_: torch.nn.CrossEntropyLoss\nweight: [1, 2, 1]\n", "", "LC111"),
    ("_target_: torch.nn.BCEWithLogitsLoss\npos_weight: 2.0\n", "", "LC111"),
    ("_target_: torch.nn.BCEWithLogitsLoss\npos_weight: [2.0, 2.0, 2.0]\n", "", "LC111"),
    (
        "c:\n  _target_: torch.nn.NLLLoss\n  weight:\n    - 1.0\n    - 1.0\n    - 1.0\n",
        "/c",
        "LC111",
    ),
    ("_target_: torch.nn.CrossEntropyloss\n", "", "LC110"),
    ("_target_: nn.CrossEntropyLoss\n", "", "LC110"),
    ("_target_: CrossEntropyLoss\n", "", "LC110"),
    ("_target_: torch.nn.modules.loss.MSEloss\n", "", "LC110"),
    ("_target_: torch.nn.CrossEntropyLoss\nweigth: null\n", "", "LC102"),
    ("_target_: torch.nn.L1Loss\ngamma: 2.0\n", "", "LC102"),
    ("_target_: torch.nn.CrossEntropyLoss\nreduction: mean_\n", "", "LC105"),
    ("_target_: torch.nn.BCEWithLogitsLoss\nreduction: Mean\n", "", "LC105"),
    ("_target_: torch.nn.MSELoss\nreduction: none\n", "", None),
]


@pytest.mark.parametrize(("text", "pointer", "error"), CONFIGS)
def test_an_error_where_hydra_fails_and_none_where_it_trains(
    text: str, pointer: str, error: str | None
) -> None:
    assert _errors(text) == ([error] if error else [])
    assert _builds_and_runs(text, pointer) == (error is None)


@pytest.mark.parametrize(
    ("text", "pointer", "error"), [c for c in CONFIGS if c[2] is not None], ids=str
)
def test_what_the_fixes_write_hydra_builds(text: str, pointer: str, error: str) -> None:
    fixed, outcome = fix_text(yaml(text), "c.yaml", Options(), FixMode(unsafe=True, write=False))
    if not outcome.fixed:  # a block list, or no one meaning: reported, left to the user
        assert (error == "LC111" and "\n    - " in text) or error == "LC102"
        return
    assert _errors(fixed) == []
    assert _builds_and_runs(fixed, pointer)
