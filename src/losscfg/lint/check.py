"""Check one config: read, load, validate, run the rules (and the dry-run), suppress, select.

`check_source` takes text in memory as cheaply as `check_path` takes a file: the language
server and `--fix` call it many times a second. Every file is read and inspected once; the
dry-run, when asked for, runs on the same context between the static rules and its own.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from types import MappingProxyType
from typing import Any, NamedTuple

from losscfg.catalogue.schema import LossSchema, default_schema, ignored
from losscfg.diagnostics import (
    STDIN,
    Diagnostic,
    DryRunResult,
    DryRunStatus,
    FileReport,
    Fix,
    FixMode,
    Severity,
)
from losscfg.dialects.choice import dialect_of
from losscfg.dialects.configs import not_a_config, text_is_config
from losscfg.dialects.names import AUTO, FAT
from losscfg.fix.edits import Lines, Unfixable, edits_for
from losscfg.fix.remedies import Remedy
from losscfg.lint.context import CLI, ClassCount, Context, Finding, SchemaError
from losscfg.lint.registry import Registry, Rule
from losscfg.lint.rules import default_registry
from losscfg.lint.rules.comments import bad_suppression
from losscfg.lint.rules.syntax import load_problem
from losscfg.lint.selection import Selection
from losscfg.lint.suppression import Suppressions
from losscfg.lint.validation import schema_errors
from losscfg.load.document import Document, load
from losscfg.load.problems import LoadProblem, Problem
from losscfg.load.reading import decode, read, shown_path, split_lines

#: Runs a config's loss with torch: given what the rules saw, what the run measured.
DryRun = Callable[[Context], DryRunResult]


class Options(NamedTuple):
    num_classes: int | None = None
    num_classes_origin: str | None = None  # in words, for messages; "--num-classes N" if None
    datasets: Mapping[str, int] = MappingProxyType({})
    selection: Selection | None = None  # None: every rule
    schema: LossSchema | None = None  # None: the schema shipped with losscfg
    registry: Registry | None = None  # None: every rule of losscfg.lint.rules
    strict: bool = False  # warnings fail too (the file's settings, or --strict)
    fix: FixMode | None = None  # --fix or --diff: see losscfg.workspace.fixing
    dialect: str = AUTO  # SPEC §15: which builder reads the file (auto: its keys say)
    tensor_from_list: bool = False  # SPEC §15: LightningCLI's project registers list-to-tensor


def check_text(
    text: str, *, path: str = "<string>", num_classes: int | None = None
) -> list[Diagnostic]:
    """Every diagnostic for one config's text, sorted by position (SPEC §9)."""
    return check_source(text, path, Options(num_classes=num_classes)).diagnostics


def check_file(path: str | Path, *, num_classes: int | None = None) -> list[Diagnostic]:
    """Every diagnostic for one config file; an unreadable file gives LC000 (SPEC §9)."""
    return check_path(str(path), Options(num_classes=num_classes)).diagnostics


def check_path(
    path: str,
    options: Options,
    *,
    stdin: bytes | None = None,
    dry_run: DryRun | None = None,
    only_if_config: bool = False,
) -> FileReport:
    """Check a file (`-` is standard input; `stdin`: what it held, when already read).

    With `only_if_config` (a file found by a search), a file that is no training config is
    not checked: its report says why it was skipped (SPEC §5)."""
    data = read(path, stdin if path == STDIN else None)
    if isinstance(data, LoadProblem):
        if only_if_config and data.kind is Problem.NOT_YAML:  # too large for a config
            return FileReport(shown_path(path), skipped=f"not a training config: {data.message}")
        return _refused(shown_path(path), data, dry_run is not None)
    return check_source(
        data, shown_path(path), options, dry_run=dry_run, only_if_config=only_if_config
    )


def check_source(
    source: bytes | str,
    path: str,
    options: Options,
    *,
    dry_run: DryRun | None = None,
    only_if_config: bool = False,
) -> FileReport:
    """Check a config's bytes or text; `path` names it in the report."""
    text = decode(source) if isinstance(source, bytes) else source
    if isinstance(text, LoadProblem):
        assert isinstance(source, bytes)
        readable = source.decode("utf-8", errors="replace")
        if only_if_config and not text_is_config(readable):
            return FileReport(path, skipped=f"not a training config: {text.message}")
        report = _refused(path, text, dry_run is not None)
        return _finish(report, readable)
    registry = options.registry or default_registry()
    selection = options.selection or Selection.everything(registry)
    document = load(text)
    if only_if_config:
        reason = not_a_config(document)
        if reason is not None:
            return FileReport(path, skipped=reason)
    suppressions = Suppressions(document, registry, selection)
    report = FileReport(
        path, suppressions.kept(_load_diagnostics(document.problems)), strict=options.strict
    )
    fixes = _Fixes(document)
    dialect = dialect_of(document.data, options.dialect, text=text) if document.ok else FAT
    if document.ok and dialect != FAT:
        context = _context(document, options, dialect)
        report.losses = [site.record() for site in context.sites]
        own = [r for r in registry.checks if dialect in r.dialects and not r.after_dry_run]
        report.diagnostics += suppressions.kept(_run(own, context, selection, fixes))
        if dry_run is not None and context.sites:
            _dry_run(report, context, dry_run, registry, suppressions, fixes)
        elif dry_run is not None:
            report.dry_run_status = DryRunStatus.NOT_RUN
            report.not_run_because = "the file has no torch.nn loss to build"
    elif document.ok:
        context = _context(document, options, FAT)
        context.schema_errors = schema_errors(_as_trained(document.data), context.schema)
        report.diagnostics += suppressions.kept(_explained(context, registry, fixes))
        static = _static(registry, dry_run is not None)
        report.diagnostics += suppressions.kept(_run(static, context, selection, fixes))
        if context.loss_name is not None and _loss_is_usable(document.data):
            report.loss = context.loss_name
        report.losses = [site.record() for site in context.sites]
        if context.class_count is not None:
            report.num_classes = context.class_count.value
            report.num_classes_source = context.class_count.source
        if dry_run is not None:
            _dry_run(report, context, dry_run, registry, suppressions, fixes)
    elif dry_run is not None:
        report.dry_run_status = DryRunStatus.NOT_RUN
    report.diagnostics += suppressions.problems(bad_suppression)
    return _finish(report, document.text, fixes)


def _refused(path: str, problem: LoadProblem, dry_run: bool) -> FileReport:
    return FileReport(
        path,
        [load_problem(problem)],
        unreadable=problem.kind is Problem.UNREADABLE,
        dry_run_status=DryRunStatus.NOT_RUN if dry_run else None,
    )


def _load_diagnostics(problems: Iterable[LoadProblem]) -> list[Diagnostic]:
    return [load_problem(problem) for problem in problems]


def _context(document: Document, options: Options, dialect: str) -> Context:
    """What the rules read; a Hydra or LightningCLI file gets no schema validation, as the
    framework's schema describes the framework's sections (its sites are checked by rules)."""
    given = None
    if options.num_classes is not None:
        origin = options.num_classes_origin or f"--num-classes {options.num_classes}"
        given = ClassCount(options.num_classes, CLI, origin)
    schema = options.schema or default_schema()
    return Context(
        document,
        schema,
        given,
        options.datasets,
        dialect=dialect,
        tensor_from_list=options.tensor_from_list,
    )


def _dry_run(
    report: FileReport,
    context: Context,
    dry_run: DryRun,
    registry: Registry,
    suppressions: Suppressions,
    fixes: _Fixes,
) -> None:
    """Run the loss when the static check found no error; its rules join the report."""
    if not report.runnable:
        report.dry_run_status = DryRunStatus.NOT_RUN
        return
    context.dry_run = report.dry_run = dry_run(context)
    if report.dry_run.failure is None:
        report.dry_run_status = DryRunStatus.PASSED
        return
    after = _after_dry_run(registry)
    found = suppressions.kept(_run(after, context, suppressions.selection, fixes))
    report.diagnostics += found
    report.dry_run_status = DryRunStatus.FAILED if found else DryRunStatus.IGNORED
    if report.dry_run.failure.refused:
        report.dry_run_status = DryRunStatus.NOT_RUN


def _static(registry: Registry, dry_run: bool) -> Iterable[Rule]:
    return (
        rule
        for rule in registry.checks
        if FAT in rule.dialects and not rule.after_dry_run and not (dry_run and rule.run_instead)
    )


def _after_dry_run(registry: Registry) -> Iterable[Rule]:
    return (rule for rule in registry.checks if rule.after_dry_run)


def _run(
    rules: Iterable[Rule], context: Context, selection: Selection, fixes: _Fixes
) -> list[Diagnostic]:
    found: dict[tuple[Any, ...], Diagnostic] = {}
    for rule in rules:
        if rule.code not in selection:
            continue
        assert rule.check is not None
        for finding in rule.check(context):
            placed = _place(rule, finding, context.document, fixes)
            # text shared by aliases (an anchored site, `loss: *base`) is reported once
            where = (placed.line, placed.column) if placed.line is not None else placed.pointer
            key = (placed.code, where, placed.message)
            found.setdefault(key, placed)
    return list(found.values())


def _explained(context: Context, registry: Registry, fixes: _Fixes) -> list[Diagnostic]:
    """Each schema error as the finding of the first rule that explains it; one diagnostic
    per place and code."""
    found: dict[tuple[str, str], Diagnostic] = {}
    for error in context.schema_errors:
        for diagnostic in _explain(error, context, registry, fixes):
            found.setdefault((diagnostic.pointer or "", diagnostic.code), diagnostic)
    return list(found.values())


def _explain(
    error: SchemaError, context: Context, registry: Registry, fixes: _Fixes
) -> list[Diagnostic]:
    for explainer in registry.explainers_of(error.keyword):
        findings = list(explainer.function(error, context))
        reason = ignored(error.subschema)
        if reason is not None:  # a key the trainer never reads cannot fail training
            findings = [
                f._replace(severity=Severity.WARNING, message=f"{f.message} ({reason})")
                for f in findings
            ]
        if findings:
            return [_place(explainer.rule, f, context.document, fixes) for f in findings]
    return []


def _place(rule: Rule, finding: Finding, document: Document, fixes: _Fixes) -> Diagnostic:
    """The finding as a diagnostic at its place; its fix is built by `fixes`, later, and only
    if the diagnostic is reported."""
    path = finding.path
    if path is None:
        return rule.diagnostic(finding.message, hint=finding.hint, severity=finding.severity)
    span = document.span(path, key=finding.at_key) if path or finding.at_key else None
    diagnostic = rule.diagnostic(
        finding.message,
        span=span,
        hint=finding.hint,
        pointer=document.pointer(path),
        severity=finding.severity,
    )
    if finding.fix is not None:
        fixes.wait(diagnostic, finding.fix)
    return diagnostic


class _Fixes:
    """The fixes of a check's diagnostics, built once the report is cut to what it shows: a
    file with 5,000 fixable findings builds the edits of the 100 per code it reports, over
    one table of its lines."""

    def __init__(self, document: Document) -> None:
        self._document = document
        self._lines: Lines | None = None
        self._waiting: dict[int, tuple[Diagnostic, Remedy]] = {}

    def wait(self, diagnostic: Diagnostic, remedy: Remedy) -> None:
        self._waiting[id(diagnostic)] = (diagnostic, remedy)

    def made(self, diagnostic: Diagnostic) -> Diagnostic:
        """The diagnostic with its fix, or with the reason it has none in its hint."""
        waiting = self._waiting.get(id(diagnostic))
        if waiting is None or waiting[0] is not diagnostic:
            return diagnostic
        remedy, hint = waiting[1], diagnostic.hint
        if self._lines is None:
            self._lines = Lines(self._document.text)
        try:
            edits = edits_for(remedy.changes, self._document, self._lines)
        except Unfixable as reason:
            hint = f"{hint} (no automatic fix: {reason})" if hint else f"no automatic fix: {reason}"
            return diagnostic._replace(hint=hint)
        return diagnostic._replace(
            fix=Fix(remedy.applicability, remedy.message, edits, remedy.changes)
        )


#: More diagnostics of one code in one file are summed up in a last one of that code.
MOST_PER_CODE = 100


def _finish(report: FileReport, text: str, fixes: _Fixes | None = None) -> FileReport:
    report.diagnostics.sort(key=Diagnostic.sort_key)
    report.diagnostics = _at_most_per_code(report.diagnostics)
    if fixes is not None:
        report.diagnostics = [fixes.made(d) for d in report.diagnostics]
    if report.diagnostics:
        wanted = {d.line for d in report.diagnostics if d.line is not None}
        for number, line in enumerate(split_lines(text), start=1):
            if number in wanted:
                report.lines[number] = line
    return report


def _at_most_per_code(diagnostics: list[Diagnostic]) -> list[Diagnostic]:
    """The first MOST_PER_CODE diagnostics of each code, and for the rest one that counts them
    ("... and 1,599,900 more LC005 in this file"): a hostile file gets a report of a readable
    size."""
    counts: dict[str, int] = {}
    for diagnostic in diagnostics:
        counts[diagnostic.code] = counts.get(diagnostic.code, 0) + 1
    if all(count <= MOST_PER_CODE for count in counts.values()):
        return diagnostics
    kept: list[Diagnostic] = []
    seen: dict[str, int] = {}
    for diagnostic in diagnostics:
        seen[diagnostic.code] = seen.get(diagnostic.code, 0) + 1
        if seen[diagnostic.code] <= MOST_PER_CODE:
            kept.append(diagnostic)
        elif seen[diagnostic.code] == MOST_PER_CODE + 1:
            more = counts[diagnostic.code] - MOST_PER_CODE
            kept.append(
                Diagnostic(
                    diagnostic.code,
                    diagnostic.rule,
                    diagnostic.severity,
                    f"... and {more:,} more {diagnostic.code} in this file, not shown",
                    hint=f"correct the {MOST_PER_CODE} shown above and check again",
                )
            )
    return kept


def _loss_is_usable(data: Any) -> bool:
    return isinstance(data, dict) and ("loss" not in data or isinstance(data["loss"], dict))


def _as_trained(data: Any) -> Any:
    """The data as the trainer reads it: `loss.name` is lower-cased (LC107 reports the case)."""
    if isinstance(data, dict) and isinstance(data.get("loss"), dict):
        name = data["loss"].get("name")
        if isinstance(name, str) and name != name.lower():
            return {**data, "loss": {**data["loss"], "name": name.lower()}}
    return data
