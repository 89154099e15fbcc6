"""Property-based tests: whatever text comes in, losscfg answers with diagnostics that point
inside the file, an exit code of 0, 1 or 2, and never an exception."""

from __future__ import annotations

import re
from pathlib import Path

import yaml as pyyaml
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from helpers import CORPUS, EXAMPLES
from losscfg.cli import app
from losscfg.lint.check import Options, check_source
from losscfg.load.document import load, split_lines
from losscfg.load.problems import Problem

TOKENS = [
    "loss",
    "model",
    "dataset",
    "amp",
    "name",
    "weight",
    "pos_weight",
    "ignore_index",
    "label_smoothing",
    "reduction",
    "log_target",
    "beta",
    "num_classes",
    "enabled",
    "cross_entropy",
    "nll",
    "bce",
    "kl_div",
    "sqr_hinge",
    "cifar10",
    "quant_cnv",
    ":",
    ": ",
    "- ",
    "[",
    "]",
    "{",
    "}",
    ", ",
    "\n",
    "\n  ",
    "\n    ",
    "  ",
    "#",
    " # losscfg: disable=",
    "LC205",
    "&a ",
    "*a",
    "<<: ",
    "!!int ",
    "!!str ",
    "!!float ",
    "!!seq ",
    "!!set ",
    "!!python/name:x ",
    "!custom ",
    "'",
    '"',
    "|",
    ">",
    "? ",
    "---\n",
    "...\n",
    "%YAML 1.1\n",
    "1",
    "0",
    "-1",
    "1.0",
    "10.0",
    "1e-3",
    ".nan",
    ".inf",
    "null",
    "~",
    "true",
    "yes",
    "on",
    "2024-01-02",
    "\t",
    "\r\n",
    "\x85",
    "\u2028",
    "é",
    "\x00",
    "\ufeff",
]
SEEDS = [p.read_text(encoding="utf-8") for p in sorted(EXAMPLES.rglob("*.yaml"))]
if CORPUS.is_dir():
    SEEDS += [p.read_text(encoding="utf-8") for p in sorted(CORPUS.glob("*.yaml"))[:12]]

yamlish = st.lists(st.sampled_from(TOKENS) | st.text(max_size=4), max_size=60).map("".join)


@st.composite
def mutated_config(draw: st.DrawFn) -> str:
    text = draw(st.sampled_from(SEEDS))
    for _ in range(draw(st.integers(1, 4))):
        at = draw(st.integers(0, len(text)))
        action = draw(st.sampled_from(["insert", "delete", "duplicate-line", "indent"]))
        if action == "insert":
            text = text[:at] + draw(st.sampled_from(TOKENS)) + text[at:]
        elif action == "delete":
            text = text[:at] + text[at + draw(st.integers(1, 20)) :]
        elif action == "duplicate-line":
            lines = text.split("\n")
            index = draw(st.integers(0, len(lines) - 1))
            text = "\n".join([*lines[: index + 1], lines[index], *lines[index + 1 :]])
        else:
            start = text.rfind("\n", 0, at) + 1
            text = text[:start] + draw(st.sampled_from([" ", "  ", "\t"])) + text[start:]
    return text


def assert_inside(text: str, path: str = "f.yaml") -> None:
    report = check_source(text.encode("utf-8", errors="surrogatepass"), path, Options())
    assert report.internal_error is None
    lines = split_lines(text.removeprefix("\ufeff")) or [""]
    for d in report.diagnostics:
        if d.line is None:
            continue
        assert d.column is not None and d.end_line is not None and d.end_column is not None
        assert 1 <= d.line <= len(lines), (d, len(lines))
        assert 1 <= d.column <= len(lines[d.line - 1]) + 1, (d, lines[d.line - 1])
        assert (d.line, d.column) <= (d.end_line, d.end_column), d
        assert d.end_line <= len(lines) + 1, d


FAST = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FAST
@given(yamlish)
def test_yamlish_text(text: str) -> None:
    assert_inside(text)


@FAST
@given(mutated_config())
def test_mutated_real_configs(text: str) -> None:
    assert_inside(text)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(yamlish, mutated_config(), st.binary(max_size=200)))
def test_command_line_exit_codes(data: str | bytes) -> None:
    raw = data.encode("utf-8", errors="surrogatepass") if isinstance(data, str) else data
    result = CliRunner().invoke(app, ["check", "--format", "json", "-"], input=raw)
    assert result.exit_code in (0, 1, 2), result.output
    assert "Traceback" not in result.output and "internal error" not in result.output


def test_split_lines_counts_as_yaml_does(tmp_path: Path) -> None:
    assert split_lines("a\r\nb\rc\nd\x85e\u2028f\u2029g") == ["a", "b", "c", "d", "e", "f", "g"]
    assert split_lines("a\x0cb\n") == ["a\x0cb"]


def _same(ours: object, theirs: object) -> bool:
    """Equal values of equal types, NaN equal to NaN (yaml.safe_load's `.nan`)."""
    if isinstance(ours, float) and isinstance(theirs, float) and ours != ours:
        return theirs != theirs
    if type(ours) is not type(theirs):
        return False
    if isinstance(ours, dict) and isinstance(theirs, dict):
        return ours.keys() == theirs.keys() and all(_same(v, theirs[k]) for k, v in ours.items())
    if isinstance(ours, list) and isinstance(theirs, list):
        return len(ours) == len(theirs) and all(map(_same, ours, theirs))
    return ours == theirs


# A known difference left alone: libyaml drops byte-order marks after the first one.
_LEFT_ALONE = re.compile("\ufeff")


@FAST
@given(st.one_of(yamlish, mutated_config(), st.text(alphabet=" \tab:-#[],'\"\n|>+", max_size=30)))
def test_values_and_refusals_are_those_of_safe_load(text: str) -> None:
    """The trainer reads configs with yaml.safe_load: PyYAML's Python parser, not libyaml."""
    text = text.removeprefix("\ufeff")
    assume(not _LEFT_ALONE.search(text))
    document = load(text)
    try:
        expected = pyyaml.safe_load(text)
    except Exception:  # PyYAML's constructors also raise ValueError and others
        kinds = {problem.kind for problem in document.problems}
        assert not document.ok or Problem.MULTIPLE_DOCUMENTS in kinds, document.data
        return
    if not document.ok:  # only a document too large to check may be refused
        assert any("values" in p.message for p in document.problems), document.problems
        return
    assert _same(document.data, expected), (document.data, expected)


@st.composite
def loader_corners(draw: st.DrawFn) -> str:
    """The shapes where libyaml and yaml.safe_load were seen to disagree: `?` in flow context
    (URLs), deep flow nesting, directives, escapes, byte-order marks after the start."""
    flow_value = draw(
        st.sampled_from(
            [
                "https://h/x.tgz?raw=1",
                "d? e",
                "a?b",
                "?x",
                '"\\ud800"',
                '"\\x41\\u00e9"',
                "'q?'",
                "plain",
            ]
        )
    )
    depth = draw(st.sampled_from([1, 2, 50, 120, 495, 600]))
    shape = draw(st.sampled_from(["map", "seq", "deep", "directive", "bom", "block"]))
    if shape == "map":
        return f"dataset: {{source: {{url: {flow_value}}}}}\n"
    if shape == "seq":
        return f"a: [{flow_value}, 1]\n"
    if shape == "deep":
        return "a: " + "[" * depth + flow_value.strip('"') + "]" * depth + "\n"
    if shape == "directive":
        version = draw(st.sampled_from(["1.1", "1.2", "1.3", "2.0"]))
        return f"%YAML {version}\n---\nloss: {{name: nll}}\n"
    if shape == "bom":
        return "loss: {name: nll}\n\ufeffseed: 1\n"
    return f"a: {flow_value}\n"


@FAST
@given(loader_corners())
def test_loader_corners_are_read_as_safe_load_reads_them(text: str) -> None:
    import threading

    document = load(text)
    outcome: list[object] = []

    def trainer() -> None:  # from a fresh stack, as the trainer's own call
        try:
            outcome.append(("ok", pyyaml.safe_load(text)))
        except (Exception, RecursionError) as problem:
            outcome.append(("refused", problem))

    thread = threading.Thread(target=trainer)
    thread.start()
    thread.join()
    verdict, value = outcome[0]  # type: ignore[misc]
    assert document.ok == (verdict == "ok"), (text[:80], value, document.problems)
    if document.ok:
        assert _same(document.data, value)
