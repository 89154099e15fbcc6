"""Where the internal-error line sends users: the project's own metadata, never a guess."""

from __future__ import annotations

from email.message import Message

import pytest

from losscfg.report import bugs


def _installed_with(monkeypatch: pytest.MonkeyPatch, *urls: str) -> None:
    metadata = Message()
    for url in urls:
        metadata["Project-URL"] = url
    monkeypatch.setattr("importlib.metadata.metadata", lambda name: metadata)
    bugs.tracker.cache_clear()


@pytest.fixture(autouse=True)
def _forget_the_tracker():  # type: ignore[no-untyped-def]
    bugs.tracker.cache_clear()
    yield
    bugs.tracker.cache_clear()


@pytest.mark.parametrize(
    ("urls", "expected"),
    [
        pytest.param(
            (
                "Source, https://git.example/ml/losscfg",
                "Issues, https://git.example/ml/losscfg/-/issues",
            ),
            "https://git.example/ml/losscfg/-/issues",
            id="the-tracker-over-the-source",
        ),
        pytest.param(
            ("Bug Tracker, https://bugs.example/losscfg",),
            "https://bugs.example/losscfg",
            id="bug-tracker",
        ),
        pytest.param(
            ("Homepage, https://example.org/losscfg",), "https://example.org/losscfg", id="any-url"
        ),
        pytest.param(("Issues,",), None, id="a-label-without-url"),
        pytest.param((), None, id="none"),
    ],
)
def test_the_tracker_comes_from_project_urls(
    monkeypatch: pytest.MonkeyPatch, urls: tuple[str, ...], expected: str | None
) -> None:
    _installed_with(monkeypatch, *urls)
    assert bugs.tracker() == expected


def test_with_a_tracker_the_line_names_it(monkeypatch: pytest.MonkeyPatch) -> None:
    _installed_with(monkeypatch, "Issues, https://git.example/ml/losscfg/-/issues")
    line = bugs.whole_run(RuntimeError("no such state"), version="0.1.0")
    assert "please report it at https://git.example/ml/losscfg/-/issues with the command" in line


def test_without_one_the_line_names_no_url(monkeypatch: pytest.MonkeyPatch) -> None:
    _installed_with(monkeypatch)
    line = bugs.whole_run(RuntimeError("no such state"), version="0.1.0")
    assert line == (
        "losscfg: internal error: RuntimeError: no such state. This is a bug in losscfg 0.1.0: "
        "please report it to the losscfg maintainers with the command you ran (set "
        "LOSSCFG_TRACEBACK=1 to see the traceback)."
    )
    assert "http" not in line


def test_the_installed_losscfg_names_no_invented_address() -> None:
    assert "github.com/losscfg" not in (bugs.tracker() or "")
