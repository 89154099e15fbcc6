"""Every phase is linear in its input (issue: a 99,980-entry weight list ran for minutes).

No test here times anything: each counts the Python function calls that checking a hostile
input makes, at sizes n and 4n. Linear work grows about 4x, quadratic work 16x.
"""

from __future__ import annotations

import itertools
import sys
from collections.abc import Callable
from typing import Any

import pytest

from losscfg.lint.check import Options, check_source


def calls(text: str) -> int:
    count = 0

    def profile(frame: Any, event: str, arg: Any) -> None:
        nonlocal count
        if event == "call":
            count += 1

    check_source(text, "warm.yaml", Options())  # caches filled once, outside the count
    sys.setprofile(profile)
    try:
        check_source(text, "config.yaml", Options())
    finally:
        sys.setprofile(None)
    return count


def negative_weights(n: int) -> str:
    return (
        f"dataset:\n  name: x\n  num_classes: {n}\nloss:\n  weight: [{', '.join(['-1.0'] * n)}]\n"
    )


def string_weights(n: int) -> str:
    return f"loss:\n  weight: [{', '.join(repr(f'w{i}') for i in range(n))}]\n"


def file_wide_suppressions(n: int) -> str:
    return "loss:\n  name: nll\n" + "#losscfg:disable-file=a\n" * n


def inline_suppressions(n: int) -> str:
    items = ", ".join(["'a'"] * n)
    return f"loss:\n  weight: [{items}]" + " #losscfg: disable=LC103" * n + "\n"


def many_unknown_keys(n: int) -> str:
    return "loss:\n" + "".join(f"  key{i}: {i}\n" for i in range(n))


@pytest.mark.parametrize(
    "make",
    [
        negative_weights,
        string_weights,
        file_wide_suppressions,
        inline_suppressions,
        many_unknown_keys,
    ],
)
def test_work_grows_linearly(make: Callable[[int], str]) -> None:
    small, large = calls(make(250)), calls(make(1000))
    assert large < 6 * small, (small, large)


def test_the_counter_sees_quadratic_work(monkeypatch: pytest.MonkeyPatch) -> None:
    """The same count, on a checker made quadratic on purpose, fails the bound above."""
    import losscfg.lint.check

    original = losscfg.lint.check._finish

    def quadratic_finish(report: Any, text: str, *rest: Any) -> Any:
        lines = text.splitlines()
        for line in lines:
            for other in lines:
                _same(line, other)
        return original(report, text, *rest)

    monkeypatch.setattr(losscfg.lint.check, "_finish", quadratic_finish)
    small, large = calls(many_unknown_keys(250)), calls(many_unknown_keys(1000))
    assert large > 10 * small


def _same(a: str, b: str) -> bool:
    return a == b


# --- fixable findings (issue 21, item 7) ------------------------------------------------------


def _counted(work: Callable[[], object], warm: Callable[[], object]) -> int:
    """Calls of Python functions and of builtins (a line table is a builtin called per line).
    `warm`, on another input, fills the caches first (the schema's verdicts are cached by
    value: the same input would cost nothing the second time)."""
    count = 0

    def profile(frame: Any, event: str, arg: Any) -> None:
        nonlocal count
        if event in ("call", "c_call"):
            count += 1

    warm()
    sys.setprofile(profile)
    try:
        work()
    finally:
        sys.setprofile(None)
    return count


_FRESH = itertools.count()


def near_label_smoothing(n: int) -> str:
    """A loss with n keys, each a misspelling of label_smoothing: n LC102, each with a rename
    fix, and every two of those fixes write the same key."""
    base = "label_smoothing"
    letters = "tuvwxyz"
    keys = [
        base[:i] + a + base[i + 1 : j] + b + base[j + 1 :]
        for i in range(len(base))
        for j in range(i + 1, len(base))
        for a in letters
        for b in letters
    ]
    keys = list(dict.fromkeys(k for k in keys if k != base))[:n]
    assert len(keys) == n
    return "loss:\n  name: cross_entropy\n" + "".join(f"  {k}: 0.1\n" for k in keys)


def integer_weights(n: int) -> str:
    """A weight list of n integers: one LC207 whose fix makes n edits. Its first entry
    differs from call to call: the schema's verdicts on lists are cached by value."""
    weights = ", ".join([str(next(_FRESH) + 2)] + ["1"] * (n - 1))
    return f"dataset: {{num_classes: {n}}}\nloss:\n  name: cross_entropy\n  weight: [{weights}]\n"


def _check(text: str) -> Callable[[], object]:
    return lambda: check_source(text, "config.yaml", Options())


def _fix(text: str) -> Callable[[], object]:
    from losscfg.diagnostics import FixMode
    from losscfg.workspace.fixing import fix_text

    return lambda: fix_text(text, "config.yaml", Options(), FixMode(unsafe=True, write=False))


@pytest.mark.parametrize("make", [near_label_smoothing, integer_weights])
@pytest.mark.parametrize("work", [_check, _fix], ids=["check", "fix"])
def test_fixable_findings_cost_linear_work(
    make: Callable[[int], str], work: Callable[[str], Callable[[], object]]
) -> None:
    small = _counted(work(make(250)), warm=work(make(251)))
    large = _counted(work(make(4000)), warm=work(make(4001)))
    assert large < 20 * small, (small, large)


def test_fixes_are_built_only_for_the_diagnostics_reported(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import losscfg.lint.check
    from losscfg.lint.check import MOST_PER_CODE

    built = []
    real = losscfg.lint.check.edits_for

    def edits_for(*arguments: Any) -> Any:
        built.append(arguments[0])
        return real(*arguments)

    monkeypatch.setattr(losscfg.lint.check, "edits_for", edits_for)
    report = check_source(near_label_smoothing(300), "config.yaml", Options())
    assert len(built) == MOST_PER_CODE
    shown = [d for d in report.diagnostics if d.code == "LC102"]
    assert len(shown) == MOST_PER_CODE + 1  # the last one counts the rest
    assert all(d.fix is not None for d in shown[:MOST_PER_CODE])
    assert shown[-1].fix is None and shown[-1].message.startswith("... and 200 more LC102")


def test_a_fix_of_many_edits_is_made() -> None:
    from losscfg.diagnostics import FixMode
    from losscfg.workspace.fixing import fix_text

    text, outcome = fix_text(integer_weights(300), "config.yaml", Options(), FixMode())
    assert [d.code for d in outcome.fixed] == ["LC207"]
    assert text.count("1.0") == 299


def test_renames_to_one_key_are_made_one_at_a_time() -> None:
    from losscfg.diagnostics import FixMode
    from losscfg.workspace.fixing import fix_text

    text, outcome = fix_text(
        near_label_smoothing(3), "config.yaml", Options(), FixMode(unsafe=True, write=False)
    )
    assert text.count("label_smoothing:") == 1
    assert len(outcome.fixed) == 1 and outcome.reverted == []  # the others wait, then cannot
