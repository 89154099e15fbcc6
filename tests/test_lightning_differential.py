"""The differential test of SPEC §15 and issue 24: every generated LightningCLI config (each
torch.nn loss class × its arguments at valid, boundary and invalid values, and the traps of
DIALECT_FACTS.md) is parsed by jsonargparse as LightningCLI parses it, instantiated, and run
on one batch — once as jsonargparse alone reads it, once with a registered list-to-tensor type
and the `tensor-from-list` setting; losscfg reports an error exactly where that fails or
trains other than the file says (`hydra_table.silently_differs`)."""

from __future__ import annotations

import pytest

from hydra_table import CLASSES, Case, silently_differs
from lightning_table import outcome, registered, table
from losscfg.diagnostics import FixMode, Severity
from losscfg.lint.check import Options, check_source
from losscfg.workspace.fixing import fix_text

pytest.importorskip("torch")
pytest.importorskip("jsonargparse")

CASES = table()
REGISTERED = [False, True]


def _options(registers: bool) -> Options:
    return Options(num_classes=CLASSES, tensor_from_list=registers)


def _errors(text: str, registers: bool) -> list[str]:
    report = check_source(text, "c.yaml", _options(registers))
    return [f"{d.code} {d.message}" for d in report.diagnostics if d.severity is Severity.ERROR]


def _built(case: Case, registers: bool) -> str | None:
    if registers:
        with registered():
            return outcome(case.text, case.pointer)
    return outcome(case.text, case.pointer)


def test_the_table_is_large_enough() -> None:
    assert len(CASES) >= 200
    classes = {case.about.split()[0] for case in CASES if case.about.startswith("torch.nn.")}
    assert len(classes) == 23


@pytest.mark.parametrize("registers", REGISTERED, ids=["alone", "tensor-from-list"])
@pytest.mark.parametrize("case", CASES, ids=[c.about for c in CASES])
def test_an_error_exactly_where_jsonargparse_fails_or_trains_otherwise(
    case: Case, registers: bool
) -> None:
    failed = _built(case, registers) or silently_differs(case, "jsonargparse")
    errors = _errors(case.text, registers)
    if failed:
        assert errors, f"jsonargparse: {failed}; losscfg reports no error"
    else:
        assert not errors, f"jsonargparse builds and trains; losscfg reports {errors}"


@pytest.mark.parametrize("registers", REGISTERED, ids=["alone", "tensor-from-list"])
@pytest.mark.parametrize("case", CASES, ids=[c.about for c in CASES])
def test_what_the_safe_fixes_write_jsonargparse_builds_and_trains(
    case: Case, registers: bool
) -> None:
    report = check_source(case.text, "c.yaml", _options(registers))
    mode = FixMode(write=False)
    if not any(mode.applies(d.fix) for d in report.diagnostics):
        return
    fixed, result = fix_text(case.text, "c.yaml", _options(registers), mode)
    assert result.fixed
    if not _errors(fixed, registers):  # else it still says what is wrong
        assert _built(Case(fixed, case.pointer, case.about), registers) is None
