"""Check one config: read, load, validate, run the rules, apply suppressions and selection."""

from __future__ import annotations

import codecs
import errno
import os
import stat
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any, NamedTuple

from losscfg import registry, suppression
from losscfg.context import CLI, ClassCount, Context, Finding
from losscfg.diagnostics import Diagnostic, Severity, Span
from losscfg.document import Document, load, split_lines
from losscfg.rules.syntax import IO_ERROR, YAML_SYNTAX
from losscfg.schema import SECTIONS, catalogue
from losscfg.selection import Selection
from losscfg.validation import schema_diagnostics

STDIN = "-"
STDIN_NAME = "<stdin>"


class Options(NamedTuple):
    num_classes: int | None = None
    num_classes_origin: str | None = None  # in words, for messages; "--num-classes N" if None
    datasets: Mapping[str, int] = MappingProxyType({})
    selection: Selection | None = None  # None: every rule


@dataclass
class FileReport:
    """What checking one file found, with the source lines its diagnostics point at."""

    path: str
    diagnostics: list[Diagnostic] = field(default_factory=list)
    loss: str | None = None
    num_classes: int | None = None
    num_classes_source: str | None = None
    lines: dict[int, str] = field(default_factory=dict)
    internal_error: str | None = None

    @property
    def runnable(self) -> bool:
        """Checked, with no error: a dry-run may build its loss."""
        return self.internal_error is None and self.count(Severity.ERROR) == 0

    @property
    def unreadable(self) -> bool:
        return any(d.code == IO_ERROR.code for d in self.diagnostics)

    def count(self, severity: Severity) -> int:
        return sum(1 for d in self.diagnostics if d.severity == severity)


def check_text(
    text: str, *, path: str = "<string>", num_classes: int | None = None
) -> list[Diagnostic]:
    """Every diagnostic for one config's text, sorted by position (SPEC §9)."""
    return check_source(text, path, Options(num_classes=num_classes)).diagnostics


def check_file(path: str | Path, *, num_classes: int | None = None) -> list[Diagnostic]:
    """Every diagnostic for one config file; an unreadable file gives LC000 (SPEC §9)."""
    return check_path(str(path), Options(num_classes=num_classes)).diagnostics


def check_path(path: str, options: Options, *, stdin: bytes | None = None) -> FileReport:
    """Check a file (`-` is standard input); a file that cannot be read gives LC000."""
    return inspect_path(path, options, stdin=stdin)[0]


def inspect_path(
    path: str, options: Options, *, stdin: bytes | None = None
) -> tuple[FileReport, Context | None]:
    """The report of a file, and what the rules saw of it (None when it could not be loaded).

    `stdin`: what standard input held, when the caller has read it already.
    """
    shown = STDIN_NAME if path == STDIN else path
    try:
        data = _read(path, stdin)
    except _TooLarge as large:
        diagnostic = YAML_SYNTAX.diagnostic(
            f"the file is {'over ' if path == STDIN else ''}{large.size / 2**20:.1f} MiB; "
            "losscfg does not read files over "
            f"{MAX_BYTES // 2**20} MiB: no training config is that large",
            hint="is this a data file? leave it out of the paths to check",
        )
        return FileReport(shown, [diagnostic]), None
    except OSError as problem:
        reason = problem.strerror or type(problem).__name__
        diagnostic = IO_ERROR.diagnostic(
            f"cannot read the file: {reason}", hint="check the path and its permissions"
        )
        return FileReport(shown, [diagnostic]), None
    return inspect_source(data, shown, options)


#: Larger files are not read: no config is this large (a 100,000-value document is ~1 MB).
MAX_BYTES = 32 * 1024 * 1024


class _TooLarge(Exception):
    def __init__(self, size: int) -> None:
        super().__init__(size)
        self.size = size


def read_stdin() -> bytes:
    """Standard input, up to one byte more than MAX_BYTES (an endless stream is cut there)."""
    import sys

    return sys.stdin.buffer.read(MAX_BYTES + 1)


def _read(path: str, stdin: bytes | None) -> bytes:
    if path == STDIN:
        data = stdin if stdin is not None else read_stdin()
        if len(data) > MAX_BYTES:
            raise _TooLarge(len(data))
        return data
    # O_NONBLOCK: opening a FIFO must not wait for a writer; a regular file ignores it.
    descriptor = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    with os.fdopen(descriptor, "rb") as stream:
        status = os.fstat(descriptor)
        if not stat.S_ISREG(status.st_mode):
            kind = "a directory" if stat.S_ISDIR(status.st_mode) else "not a regular file"
            raise OSError(errno.EINVAL, f"{kind}: losscfg reads regular files only")
        if status.st_size > MAX_BYTES:
            raise _TooLarge(status.st_size)
        return stream.read(MAX_BYTES + 1)


def check_source(source: bytes | str, path: str, options: Options) -> FileReport:
    return inspect_source(source, path, options)[0]


def inspect_source(
    source: bytes | str, path: str, options: Options
) -> tuple[FileReport, Context | None]:
    text, problem = decode(source) if isinstance(source, bytes) else (source, None)
    if text is None:
        assert isinstance(source, bytes) and problem is not None
        return _finish(FileReport(path, [problem]), source.decode("utf-8", errors="replace")), None
    document = load(text)
    report = FileReport(path, list(document.diagnostics))
    context = None
    if document.ok:
        given = None
        if options.num_classes is not None:
            origin = options.num_classes_origin or f"--num-classes {options.num_classes}"
            given = ClassCount(options.num_classes, CLI, origin)
        context = Context(document, catalogue(), given, options.datasets)
        report.diagnostics += schema_diagnostics(
            _as_trained(document.data), document, context.catalogue
        )
        report.diagnostics += _run_rules(context, options.selection)
        report.loss = context.loss_name if _loss_is_usable(document.data) else None
        if context.class_count is not None:
            report.num_classes = context.class_count.value
            report.num_classes_source = context.class_count.source
    selection = options.selection or Selection.everything()
    report.diagnostics = suppression.apply(
        [d for d in _lc002_in_scope(report.diagnostics) if d.code in selection], document, selection
    )
    return _finish(report, document.text), context


def _finish(report: FileReport, text: str) -> FileReport:
    report.diagnostics.sort(key=Diagnostic.sort_key)
    if report.diagnostics:
        wanted = {d.line for d in report.diagnostics if d.line is not None}
        for number, line in enumerate(split_lines(text), start=1):
            if number in wanted:
                report.lines[number] = line
    return report


def _loss_is_usable(data: Any) -> bool:
    return not isinstance(data, dict) or "loss" not in data or isinstance(data["loss"], dict)


def _lc002_in_scope(diagnostics: list[Diagnostic]) -> list[Diagnostic]:
    """Duplicate keys count in the document's own mapping and in the four sections only:
    the rest of a config is not losscfg's business (SPEC §1)."""

    def in_scope(d: Diagnostic) -> bool:
        if d.code != "LC002" or d.pointer is None:
            return True
        return d.pointer.split("/")[1] in SECTIONS

    return [d for d in diagnostics if in_scope(d)]


def _as_trained(data: Any) -> Any:
    """The data as the trainer reads it: an empty file is an empty config, and `loss.name`
    is lower-cased (LC107 reports the case)."""
    if data is None:
        return {}
    if isinstance(data, dict) and isinstance(data.get("loss"), dict):
        name = data["loss"].get("name")
        if isinstance(name, str) and name != name.lower():
            return {**data, "loss": {**data["loss"], "name": name.lower()}}
    return data


def _run_rules(context: Context, selection: Selection | None) -> list[Diagnostic]:
    found = []
    for rule in registry.checks():
        if selection is not None and rule.code not in selection:
            continue
        assert rule.check is not None
        for finding in rule.check(context):
            found.append(_place(rule, finding, context.document))
    return found


def _place(rule: registry.Rule, finding: Finding, document: Document) -> Diagnostic:
    span = document.span(finding.path, key=finding.at_key) if finding.path else None
    return rule.diagnostic(
        finding.message,
        span=span,
        hint=finding.hint,
        pointer=document.pointer(finding.path),
        severity=finding.severity,
    )


def decode(data: bytes) -> tuple[str | None, Diagnostic | None]:
    """The text of a config file, which must be UTF-8 (a UTF-8 byte-order mark is allowed)."""
    for bom, name in (
        (codecs.BOM_UTF32_LE, "UTF-32"),
        (codecs.BOM_UTF32_BE, "UTF-32"),
        (codecs.BOM_UTF16_LE, "UTF-16"),
        (codecs.BOM_UTF16_BE, "UTF-16"),
    ):
        if data.startswith(bom) and not data.startswith(codecs.BOM_UTF8):
            return None, YAML_SYNTAX.diagnostic(
                f"the file is {name} (it starts with a {name} byte-order mark); losscfg and the "
                "trainer read UTF-8",
                span=Span(1, 1, 1, 1),
                hint="save the file as UTF-8",
            )
    try:
        return data.decode("utf-8"), None
    except UnicodeDecodeError as problem:
        before = split_lines(data[: problem.start].decode("utf-8") + "x")
        line, column = len(before), len(before[-1])
        return None, YAML_SYNTAX.diagnostic(
            f"the file is not UTF-8: byte 0x{data[problem.start]:02x} cannot be decoded "
            "(is it Latin-1 or another legacy encoding?)",
            span=Span(line, column, line, column + 1),
            hint="save the file as UTF-8",
        )
