"""The differential test of SPEC §15 and issue 23: every generated Hydra config (each torch.nn
loss class × its arguments at valid, boundary and invalid values, and the traps of
DIALECT_FACTS.md) is composed with OmegaConf, built with `hydra.utils.instantiate` and run on
one batch; losscfg reports an error exactly where that fails or trains other than the file
says. The table is `hydra_table.py`; `silently_differs` is the one place that says what
"trains other than written" means, each entry with its reason."""

from __future__ import annotations

import math
import re

import pytest

from hydra_table import CLASSES, Case, outcome, table
from losscfg.diagnostics import FixMode, Severity
from losscfg.lint.check import Options, check_source
from losscfg.workspace.fixing import fix_text

pytest.importorskip("torch")
pytest.importorskip("hydra.utils")

CASES = table()
#: Arguments where infinity is a value: the max norm, a loss quadratic everywhere.
INFINITY_IS_A_VALUE = {("TripletMarginLoss", "p"), ("HuberLoss", "delta")}
#: Booleans the class tests for truth in Python: a string is true however it is spelled.
TRUTH_TESTED = {("GaussianNLLLoss", "full"), ("TripletMarginWithDistanceLoss", "swap")}
TRUTH_TESTED |= {("LinearCrossEntropyLoss", "bias")}
_ARGUMENT = re.compile(r"^torch\.nn\.(\w+) (\w+)=(.*)$")


def silently_differs(case: Case) -> str | None:
    """Why a config that builds and runs a batch trains other than it says, or None."""
    found = _ARGUMENT.match(case.about)
    if found is None:
        return None
    name, argument, written = found.groups()
    value = _number(written)
    if (name, argument) == ("PoissonNLLLoss", "eps"):
        return None  # unused: the table's PoissonNLLLoss keeps log_input: true
    if value is not None and math.isnan(value):
        return "a NaN compares false with everything: torch skips the branch or computes NaN"
    if value is not None and math.isinf(value) and (name, argument) not in INFINITY_IS_A_VALUE:
        return "an infinite margin, beta or eps makes the loss 0, constant or infinite"
    if argument == "label_smoothing" and value is not None and value < 0:
        return "torch smooths only when label_smoothing > 0: plain cross-entropy"
    if (name, argument) == ("TripletMarginLoss", "p") and value is not None and value < 1:
        return "p below 1 is no norm: distances explode, vanish or have no gradient"
    quoted_false = written.startswith("'") and written.strip("'") in ("false", "no", "0")
    if (name, argument) in TRUTH_TESTED and quoted_false:
        return "a string is true: the file says false"
    return None


def _number(written: str) -> float | None:
    text = written.strip()
    if text in (".nan", ".NaN"):
        return math.nan
    if text in (".inf", "+.inf"):
        return math.inf
    if text == "-.inf":
        return -math.inf
    try:
        return float(text.replace("_", ""))
    except ValueError:
        return None


def _errors(case: Case) -> list[str]:
    report = check_source(case.text, "c.yaml", Options(num_classes=CLASSES))
    return [f"{d.code} {d.message}" for d in report.diagnostics if d.severity is Severity.ERROR]


def test_the_table_is_large_enough() -> None:
    assert len(CASES) >= 300
    classes = {case.about.split()[0] for case in CASES if case.about.startswith("torch.nn.")}
    assert len(classes) == 23


@pytest.mark.parametrize("case", CASES, ids=[c.about for c in CASES])
def test_an_error_exactly_where_hydra_fails_or_trains_otherwise(case: Case) -> None:
    failed = outcome(case.text, case.pointer) or silently_differs(case)
    errors = _errors(case)
    if failed:
        assert errors, f"Hydra: {failed}; losscfg reports no error"
    else:
        assert not errors, f"Hydra builds and trains; losscfg reports {errors}"


@pytest.mark.parametrize("case", CASES, ids=[c.about for c in CASES])
def test_what_the_safe_fixes_write_hydra_builds_and_trains(case: Case) -> None:
    report = check_source(case.text, "c.yaml", Options(num_classes=CLASSES))
    mode = FixMode(write=False)
    if not any(mode.applies(d.fix) for d in report.diagnostics):
        return
    fixed, result = fix_text(case.text, "c.yaml", Options(num_classes=CLASSES), mode)
    assert result.fixed
    if not _errors(Case(fixed, case.pointer, case.about)):  # else it still says what is wrong
        assert outcome(fixed, case.pointer) is None
