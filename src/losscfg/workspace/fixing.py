"""`check --fix` (SPEC §13): apply the fixes of a file's diagnostics to its original text.

Each pass checks the text, takes the fixes that apply (safe ones, and unsafe ones with
`--unsafe-fixes`) whose edits do not overlap and that write no key another one writes, and makes
them. A pass is kept only when the file then loads, with no new load problem, to exactly the data
its fixes mean (`losscfg.fix.remedies.expected`); otherwise the pass is halved until the fixes
that break it are found, and those are reverted and reported. Passes go on until nothing
changes, at most MAX_PASSES. A file is written only when it still holds what was read:
atomically, mode, owner and group kept, or in place where a rename would break a hard link
(`losscfg.workspace.output.replace_file`).
"""

from __future__ import annotations

import bisect
import difflib
import errno
from collections.abc import Iterable, Sequence
from typing import Any

from losscfg.diagnostics import STDIN, Diagnostic, Edit, FileReport, FixMode, FixOutcome
from losscfg.fix.edits import apply
from losscfg.fix.remedies import MoveEntry, RenameKey, expected, same
from losscfg.lint.check import DryRun, Options, check_path, check_source
from losscfg.lint.rules.syntax import load_problem
from losscfg.load.document import Document, load
from losscfg.load.problems import LoadProblem, Problem
from losscfg.load.reading import decode, read, shown_path
from losscfg.workspace.output import ChangedMeanwhile, LostFile, ReadOnly, replace_file

MAX_PASSES = 10


def fix_path(
    path: str,
    options: Options,
    mode: FixMode,
    *,
    stdin: bytes | None = None,
    dry_run: DryRun | None = None,
    only_if_config: bool = False,
) -> FileReport:
    """Fix one file (or standard input, whose fixed text the report carries); the report
    holds what remains, and what was fixed."""
    shown = shown_path(path)
    data = read(path, stdin if path == STDIN else None)
    text = decode(data) if isinstance(data, bytes) else data
    if isinstance(data, LoadProblem) or isinstance(text, LoadProblem):
        return check_path(
            path, options, stdin=stdin, dry_run=dry_run, only_if_config=only_if_config
        )
    assert isinstance(data, bytes) and isinstance(text, str)
    first = check_source(text, shown, options, only_if_config=only_if_config)
    if first.skipped is not None:
        return first
    fixed_text, outcome = fix_text(text, shown, options, mode, first=first)
    if outcome.changed and path != STDIN and mode.write:
        problem = _write(path, fixed_text, data)
        if problem is not None:  # the file keeps its text, and its diagnostics
            report = check_source(text, shown, options, dry_run=dry_run)
            report.diagnostics.insert(0, load_problem(problem))
            report.unreadable = True
            report.fixes = FixOutcome(reverted=outcome.reverted)
            return report
    report = check_source(fixed_text, shown, options, dry_run=dry_run)
    report.fixes = outcome
    if path == STDIN:  # what goes back to standard output, changed or not
        outcome.text = fixed_text
    elif outcome.changed and not mode.write:
        outcome.diff = unified_diff(text, fixed_text, shown)
    return report


def fix_text(
    text: str, path: str, options: Options, mode: FixMode, *, first: FileReport | None = None
) -> tuple[str, FixOutcome]:
    """The text with every fix that applies made, pass after pass, and what was done."""
    outcome = FixOutcome()
    failed: set[tuple[str, str | None, str]] = set()
    report = first or check_source(text, path, options)
    for _ in range(MAX_PASSES):
        chosen = _non_overlapping(
            d for d in report.diagnostics if mode.applies(d.fix) and _key(d) not in failed
        )
        if not chosen:
            break
        kept = _pass(text, chosen, outcome, failed)
        if not kept:
            break
        text = apply(text, [edit for d in kept for edit in _edits(d)])
        outcome.fixed.extend(kept)
        outcome.changed = True
        report = check_source(text, path, options)
    return text, outcome


def unified_diff(before: str, after: str, path: str) -> str:
    """A diff that `git apply` and `patch` take: lines end at LF only (a CR stays in its
    line), and a last line without one is marked as such."""
    lines = difflib.unified_diff(
        _lines(before), _lines(after), fromfile=f"a/{path}", tofile=f"b/{path}"
    )
    marker = "\n\\ No newline at end of file\n"
    return "".join(line if line.endswith("\n") else line + marker for line in lines)


def _lines(text: str) -> list[str]:
    parts = text.split("\n")
    return [part + "\n" for part in parts[:-1]] + ([parts[-1]] if parts[-1] else [])


def _key(diagnostic: Diagnostic) -> tuple[str, str | None, str]:
    assert diagnostic.fix is not None
    return diagnostic.code, diagnostic.pointer, diagnostic.fix.message


def _edits(diagnostic: Diagnostic) -> tuple[Edit, ...]:
    assert diagnostic.fix is not None
    return diagnostic.fix.edits


def _non_overlapping(diagnostics: Iterable[Diagnostic]) -> list[Diagnostic]:
    """The fixes to make in one pass, in order; one whose edits overlap a taken fix's, or that
    writes a key a taken fix writes in the same mapping (two renames to `label_smoothing`),
    waits for the next pass."""
    taken = _Taken()
    keys: set[tuple[Any, ...]] = set()
    chosen = []
    for diagnostic in sorted(diagnostics, key=lambda d: _edits(d)[:1]):
        edits = _edits(diagnostic)
        written = _keys_written(diagnostic)
        if not edits or any(taken.overlaps(edit) for edit in edits) or not keys.isdisjoint(written):
            continue
        for edit in edits:
            taken.add(edit)
        keys.update(written)
        chosen.append(diagnostic)
    return chosen


def _keys_written(diagnostic: Diagnostic) -> set[tuple[Any, ...]]:
    """The keys a fix adds to a mapping, each as (the mapping's path, the key)."""
    assert diagnostic.fix is not None
    written: set[tuple[Any, ...]] = set()
    for change in diagnostic.fix.changes:
        if isinstance(change, RenameKey):
            written.add((change.path[:-1], change.new_key))
        elif isinstance(change, MoveEntry):
            written.add(((*change.within, change.section), change.key))
    return written


class _Taken:
    """Spans already taken by a pass, sorted by start: whether an edit overlaps one of them
    is a binary search, not a walk over every fix taken before."""

    def __init__(self) -> None:
        self._spans: list[tuple[tuple[int, int], tuple[int, int]]] = []

    def overlaps(self, edit: Edit) -> bool:
        start, end = (edit.line, edit.column), (edit.end_line, edit.end_column)
        at = bisect.bisect_left(self._spans, (start, start))
        before = self._spans[at - 1] if at else None
        after = self._spans[at] if at < len(self._spans) else None
        return any(span is not None and _overlap((start, end), span) for span in (before, after))

    def add(self, edit: Edit) -> None:
        start, end = (edit.line, edit.column), (edit.end_line, edit.end_column)
        bisect.insort(self._spans, (start, end))


def _overlap(
    a: tuple[tuple[int, int], tuple[int, int]], b: tuple[tuple[int, int], tuple[int, int]]
) -> bool:
    (a_start, a_end), (b_start, b_end) = a, b
    return a_start == b_start or (a_start < b_end and b_start < a_end)


def _pass(
    text: str,
    chosen: Sequence[Diagnostic],
    outcome: FixOutcome,
    failed: set[tuple[str, str | None, str]],
) -> list[Diagnostic]:
    """The fixes of one pass that keep the file sound: all of them, or, halving the group
    each time it breaks the file, those that do together with the ones kept before them. A
    pass with one bad fix among k loads the file about 2·log2(k) times, not k."""
    before = load(text)
    kept: list[Diagnostic] = []
    groups = [list(chosen)]
    while groups:
        group = groups.pop()
        problem = _sound(text, before, [*kept, *group])
        if problem is None:
            kept.extend(group)
        elif len(group) == 1:
            failed.add(_key(group[0]))
            outcome.reverted.append((group[0], problem))
        else:
            half = len(group) // 2
            groups += [group[half:], group[:half]]  # the first half is tried first
    return kept


def _sound(text: str, before: Document, fixes: Sequence[Diagnostic]) -> str | None:
    """Why making `fixes` would break the file (`text`, loaded as `before`); None when it
    loads to what they mean."""
    after = load(apply(text, [edit for d in fixes for edit in _edits(d)]))
    if not after.ok or len(after.problems) > len(before.problems):
        problem = after.problems[-1].message if after.problems else "it would not load"
        return f"the fixed file would not load as it should: {problem}"
    changes = tuple(change for d in fixes if d.fix is not None for change in d.fix.changes)
    if not same(after.data, expected(before.data, changes)):
        return "the fixed file would load to other values than the fix means"
    return None


_NO_ROOM = {errno.ENOSPC, errno.EFBIG, errno.EDQUOT}


def _write(path: str, text: str, original: bytes) -> LoadProblem | None:
    """Write the fixed text; what went wrong, if anything (the file is then as it was)."""
    try:
        replace_file(path, text.encode("utf-8"), original)
    except ChangedMeanwhile:
        message = "the file changed while it was being fixed: it was left as it is now"
        return LoadProblem(Problem.UNREADABLE, message, hint="run losscfg check --fix again")
    except ReadOnly:
        message = "the file is read-only: it was not fixed"
        return LoadProblem(Problem.UNREADABLE, message, hint="make it writable to fix it")
    except LostFile as problem:
        message = (
            f"writing the fixed file failed ({problem.strerror or problem}) and its text could "
            "not be put back: the file is cut"
        )
        return LoadProblem(Problem.UNREADABLE, message, hint="restore it from version control")
    except OSError as problem:
        why = problem.strerror or problem
        message = f"cannot write the fixed file ({why}): it was left as it was"
        if problem.errno in _NO_ROOM:
            hint = "free space on the disk (or raise the file-size limit) and run --fix again"
        else:
            hint = "check the file's permissions"
        return LoadProblem(Problem.UNREADABLE, message, hint=hint)
    return None
