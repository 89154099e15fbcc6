"""Every phase is linear in its input (issue: a 99,980-entry weight list ran for minutes).

No test here times anything: each counts the Python function calls that checking a hostile
input makes, at sizes n and 4n. Linear work grows about 4x, quadratic work 16x.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any

import pytest

from losscfg.check import Options, check_source


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
    import losscfg.check

    original = losscfg.check._finish

    def quadratic_finish(report: Any, text: str) -> Any:
        lines = text.splitlines()
        for line in lines:
            for other in lines:
                _same(line, other)
        return original(report, text)

    monkeypatch.setattr(losscfg.check, "_finish", quadratic_finish)
    small, large = calls(many_unknown_keys(250)), calls(many_unknown_keys(1000))
    assert large > 10 * small


def _same(a: str, b: str) -> bool:
    return a == b
