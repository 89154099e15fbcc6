"""The differential test of SPEC §15 and issue 23: every generated Hydra config (each torch.nn
loss class × its arguments at valid, boundary and invalid values, and the traps of
DIALECT_FACTS.md) is composed with OmegaConf, built with `hydra.utils.instantiate` and run on
one batch; losscfg reports an error exactly where that fails or trains other than the file
says. The table is `hydra_table.py`, whose `silently_differs` is the one place that says what
"trains other than written" means, each entry with its reason."""

from __future__ import annotations

import pytest

from hydra_table import CLASSES, Case, outcome, silently_differs, table
from losscfg.diagnostics import FixMode, Severity
from losscfg.lint.check import Options, check_source
from losscfg.workspace.fixing import fix_text

pytest.importorskip("torch")
pytest.importorskip("hydra.utils")

CASES = table()


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
