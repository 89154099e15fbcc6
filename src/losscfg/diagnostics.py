"""The values every part of losscfg passes around, and what a run found.

This module is the leaf of the house: it imports nothing of losscfg. Severities, spans and
diagnostics; one file's report (`FileReport`, with its dry-run when there was one); the run's
`Outcome`, its `Summary` and its exit code. Reporters read these and nothing else.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, NamedTuple, Protocol

#: How standard input is named on the command line, and how a report names it.
STDIN = "-"
STDIN_NAME = "<stdin>"


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"

    @property
    def rank(self) -> int:
        return _RANK[self]


_RANK = {Severity.ERROR: 0, Severity.WARNING: 1, Severity.INFO: 2}


class Span(NamedTuple):
    """A region of a file: 1-based lines and columns, the end just past the last character."""

    line: int
    column: int
    end_line: int
    end_column: int

    @property
    def is_empty(self) -> bool:
        return (self.line, self.column) == (self.end_line, self.end_column)


class Applicability(StrEnum):
    """SPEC §13: safe fixes keep what the trainer does (or give a crashing file its one obvious
    meaning); unsafe ones change what training does."""

    SAFE = "safe"
    UNSAFE = "unsafe"


class Edit(NamedTuple):
    """Replace the text from (line, column) to (end_line, end_column) with `content`: 1-based,
    the end just past the last character replaced, as a diagnostic's span."""

    line: int
    column: int
    end_line: int
    end_column: int
    content: str

    def to_dict(self) -> dict[str, Any]:
        return self._asdict()


class Fix(NamedTuple):
    """Edits of the original text that repair a diagnostic (SPEC §13).

    `changes` says what the edits mean for the loaded data (see `losscfg.fix.remedies`): a pass of
    fixes is kept only when the file then loads to exactly that."""

    applicability: Applicability
    message: str
    edits: tuple[Edit, ...]
    changes: tuple[Any, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "applicability": str(self.applicability),
            "message": self.message,
            "edits": [edit.to_dict() for edit in self.edits],
        }


class Diagnostic(NamedTuple):
    """One problem in one file, as the JSON report (SPEC §6) carries it."""

    code: str
    rule: str
    severity: Severity
    message: str
    hint: str | None = None
    pointer: str | None = None
    line: int | None = None
    column: int | None = None
    end_line: int | None = None
    end_column: int | None = None
    fix: Fix | None = None

    def sort_key(self) -> tuple[int, int, int, str]:
        return (self.line or 0, self.column or 0, self.severity.rank, self.code)

    def to_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "rule": self.rule,
            "severity": str(self.severity),
            "message": self.message,
            "hint": self.hint,
            "pointer": self.pointer,
            "line": self.line,
            "column": self.column,
            "end_line": self.end_line,
            "end_column": self.end_column,
            "fix": self.fix.to_dict() if self.fix is not None else None,
        }


class RuleDoc(Protocol):
    """What a report needs to know of a rule (SARIF's `tool.driver.rules`)."""

    @property
    def code(self) -> str: ...
    @property
    def name(self) -> str: ...
    @property
    def severity(self) -> Severity: ...
    @property
    def doc(self) -> str: ...
    @property
    def summary(self) -> str: ...


def json_pointer(path: Sequence[Any]) -> str:
    """RFC 6901 pointer of a path of keys and indices ("" is the whole document)."""
    return "".join("/" + str(part).replace("~", "~0").replace("/", "~1") for part in path)


class DryRunStatus(StrEnum):
    PASSED = "passed"
    FAILED = "failed"
    NOT_RUN = "not run"
    IGNORED = "failed (ignored)"  # failed, but its rule is not selected


class DryRunFailure(NamedTuple):
    """Why a dry-run did not pass: torch raised, or a value was NaN or infinite."""

    non_finite: bool
    message: str
    refused: bool = False  # not run at all: the batch would be too large
    install: str | None = None  # not run: the file's builder is not installed; how to install it


@dataclass
class DryRunResult:
    """What one dry-run measured (SPEC §8)."""

    loss_name: str
    device: str
    num_classes: int
    amp_dtype: str | None = None
    targets: str | None = None  # labels (the trainer's) or natural (the loss's own)
    loss_value: float | None = None
    loss_dtype: str | None = None
    grad_norm: float | None = None
    forward_ms: float | None = None
    backward_ms: float | None = None
    peak_memory_bytes: int | None = None
    failure: DryRunFailure | None = None
    torch_warnings: list[str] = field(default_factory=list)
    where: tuple[Any, ...] | None = None  # the path of the loss site that failed (SPEC §15)


class DryRunOptions(NamedTuple):
    """How the dry-run runs every config (SPEC §5, §8)."""

    device: str = "cpu"
    batch_size: int = 8
    steps: int = 3
    amp: str = "auto"  # auto (as the config says), on, off
    seed: int = 0
    targets: str = "auto"  # auto (the trainer's labels on a built-in dataset), labels, natural


class FixMode(NamedTuple):
    """`--fix` (write), `--diff` (write nothing: show), and whether unsafe fixes apply."""

    unsafe: bool = False
    write: bool = True

    def applies(self, fix: Fix | None) -> bool:
        return fix is not None and (self.unsafe or fix.applicability is Applicability.SAFE)


@dataclass
class FixOutcome:
    """What fixing one file did: the diagnostics fixed, the fixes reverted (and why), and the
    fixed text when it is not written back (standard input) or the diff (`--diff`)."""

    fixed: list[Diagnostic] = field(default_factory=list)
    reverted: list[tuple[Diagnostic, str]] = field(default_factory=list)
    changed: bool = False
    text: str | None = None
    diff: str | None = None


class LossRecord(NamedTuple):
    """A loss site as the JSON report lists it (SPEC §15): where, in which dialect, which
    class (a dotted path: torch.nn's, or losscfg's own for the framework's sqr_hinge; None
    for a name the catalogue does not know)."""

    pointer: str
    dialect: str
    class_: str | None

    def to_dict(self) -> dict[str, Any]:
        return {"pointer": self.pointer, "dialect": self.dialect, "class": self.class_}


@dataclass
class FileReport:
    """What checking one file found, with the source lines its diagnostics point at."""

    path: str
    diagnostics: list[Diagnostic] = field(default_factory=list)
    loss: str | None = None
    losses: list[LossRecord] = field(default_factory=list)
    num_classes: int | None = None
    num_classes_source: str | None = None
    lines: dict[int, str] = field(default_factory=dict)
    internal_error: str | None = None
    unreadable: bool = False  # the path could not be read (exit code 2)
    dry_run: DryRunResult | None = None
    dry_run_status: DryRunStatus | None = None  # None: no dry-run was asked for
    not_run_because: str | None = None  # why a dry-run was not run, when no error says it
    skipped: str | None = None  # why a searched file was not checked: it is no config
    strict: bool = False  # its settings make warnings fail too
    fixes: FixOutcome | None = None  # None: no --fix or --diff was asked for

    @property
    def runnable(self) -> bool:
        """Checked, with no error: a dry-run may build its loss."""
        return self.internal_error is None and self.count(Severity.ERROR) == 0

    def count(self, severity: Severity) -> int:
        return sum(1 for d in self.diagnostics if d.severity == severity)


class Summary(NamedTuple):
    files: int
    errors: int
    warnings: int
    infos: int
    files_with_problems: int

    @classmethod
    def of(cls, reports: Sequence[FileReport], *, with_infos: bool = True) -> Summary:
        def shown(report: FileReport) -> bool:
            return any(with_infos or d.severity != Severity.INFO for d in report.diagnostics)

        return cls(
            files=len(reports),
            errors=sum(r.count(Severity.ERROR) for r in reports),
            warnings=sum(r.count(Severity.WARNING) for r in reports),
            infos=sum(r.count(Severity.INFO) for r in reports),
            files_with_problems=sum(1 for r in reports if shown(r)),
        )


class Policy(NamedTuple):
    """What fails a run: errors, and warnings too with `strict` (or in a report whose own
    settings are strict); nothing with `exit_zero`."""

    strict: bool = False
    exit_zero: bool = False


_LENIENT = Policy()


def exit_code(reports: Sequence[FileReport], policy: Policy = _LENIENT) -> int:
    """SPEC §5: 3 a bug in losscfg, 2 an unreadable path, 1 a failing diagnostic, else 0."""
    if any(r.internal_error is not None for r in reports):
        return 3
    if any(r.unreadable for r in reports):
        return 2
    if not policy.exit_zero and any(_fails(r, policy.strict or r.strict) for r in reports):
        return 1
    return 0


def _fails(report: FileReport, strict: bool) -> bool:
    failing = (Severity.ERROR, Severity.WARNING) if strict else (Severity.ERROR,)
    return any(d.severity in failing for d in report.diagnostics)


class Skipped(NamedTuple):
    """A path a search passed over, and why (SPEC §5: not a config, excluded, ignored)."""

    path: str
    reason: str


@dataclass
class Outcome:
    """What one run of the pipeline found: a report per path, in the order given."""

    reports: list[FileReport]
    dry_run: DryRunOptions | None = None  # how the dry-run ran, when it was asked for
    torch_version: str | None = None
    skipped: list[Skipped] = field(default_factory=list)

    def exit_code(self, policy: Policy = _LENIENT) -> int:
        return exit_code(self.reports, policy)
