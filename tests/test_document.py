"""Loading YAML with positions: values as yaml.safe_load makes them, and LC001-LC004."""

from __future__ import annotations

import datetime

import pytest
import yaml as pyyaml

from helpers import codes, only, position, yaml
from losscfg import document
from losscfg.diagnostics import Span
from losscfg.document import LIBYAML, MAX_VALUES, load

SAMPLES = [
    "a: 1\nb: [1, 2.5, -3]\nc: {d: null, e: true}\n",
    "on: yes\noff: no\nx: 0o17\ny: 0x1f\nz: 1_000\nw: 1:30\n",
    "t: 2024-01-02\nu: 2024-01-02 10:00:00\nv: !!binary aGVsbG8=\n",
    "f: [.inf, -.inf, 1e-3, 1.0e-3, 1.5, '2']\n",
    "base: &b {k: 1, m: 2}\nderived:\n  <<: *b\n  k: 3\n",
    "a: &x {k: 1}\nb: &y {k: 2, j: 3}\nc:\n  <<: [*x, *y]\n",
    "s: !!set {a, b}\no: !!omap [{x: 1}, {y: 2}]\n",
    "s: !!str 12\ni: !!int '7'\nf: !!float 3\n",
    "block: |\n  line one\n  line two\nfolded: >\n  a\n  b\n",
    "? complex\n: value\n'quoted key': 1\n",
    "=: 1\n",
    "",
    "# only a comment\n",
    "---\n",
]


@pytest.fixture(params=["libyaml", "pure-python"], autouse=True)
def loader(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Every test here runs with libyaml and with PyYAML's pure-Python parser (the fallback)."""
    if request.param == "pure-python":
        monkeypatch.setattr(document, "_Loader", pyyaml.SafeLoader)
    elif not LIBYAML:
        pytest.skip("PyYAML has no libyaml here")
    return str(request.param)


@pytest.mark.parametrize("text", SAMPLES)
def test_values_are_those_of_safe_load(text: str) -> None:
    document = load(text)
    assert document.ok
    assert document.data == pyyaml.safe_load(text)


def test_libyaml_is_used_when_pyyaml_has_it() -> None:
    assert hasattr(pyyaml, "CSafeLoader") == LIBYAML


def test_positions_of_keys_and_values() -> None:
    document = load(
        yaml("""
        loss:
          name: cross_entropy
          weight: [1.0, 2.0]
    """)
    )
    assert document.span(("loss", "name")) == Span(2, 9, 2, 22)
    assert document.span(("loss", "name"), key=True) == Span(2, 3, 2, 7)
    assert document.span(("loss", "weight", 1)) == Span(3, 17, 3, 20)
    assert document.pointer(("loss", "weight", 1)) == "/loss/weight/1"


def test_a_value_with_no_text_points_at_its_key() -> None:
    document = load("loss:\n")
    assert document.span(("loss",)) == Span(1, 1, 1, 5)


def test_a_missing_path_points_at_the_key_of_its_nearest_ancestor() -> None:
    document = load("loss:\n  name: nll\n")
    assert document.span(("loss", "weight", 3)) == Span(1, 1, 1, 5)


def test_merged_keys_point_where_they_are_written() -> None:
    document = load(
        yaml("""
        base: &base
          name: nll
        loss:
          <<: *base
    """)
    )
    assert document.data["loss"] == {"name": "nll"}
    assert document.span(("loss", "name")) == Span(2, 9, 2, 12)


def test_non_ascii_columns_count_characters() -> None:
    document = load("é: 'ü'\nloss: {name: x}\n")
    assert document.span(("é",)) == Span(1, 4, 1, 7)


def test_pointer_spells_non_string_keys_as_written() -> None:
    document = load("loss:\n  yes: 1\n")
    assert document.pointer(("loss", True)) == "/loss/yes"


def test_duplicate_key_points_at_the_second_and_names_the_first() -> None:
    d = only(
        """
        loss:
          name: cross_entropy
          label_smoothing: 0.1
          label_smoothing: 0.2
        """,
        "LC002",
    )
    assert position(d) == (4, 3, 4, 18)
    assert "label_smoothing" in d.message and "line 3" in d.message
    assert d.pointer == "/loss/label_smoothing"


def test_keys_that_yaml_reads_alike_are_duplicates() -> None:
    d = only("loss:\n  on: 1\n  yes: 2\n", "LC002")
    assert "'yes'" in d.message and "true" in d.message and "'on' on line 2" in d.message


def test_merged_keys_are_not_duplicates() -> None:
    assert "LC002" not in codes(
        """
        base: &base {name: nll, ignore_index: 255}
        loss:
          <<: *base
          name: cross_entropy
        """
    )


def test_duplicates_outside_the_sections_are_not_reported() -> None:
    assert codes("training:\n  epochs: 1\n  epochs: 2\n") == ["LC901"]


def test_duplicate_top_level_section() -> None:
    d = only("loss:\n  name: nll\nloss:\n  name: mse\n", "LC002")
    assert (d.line, d.pointer) == (3, "/loss")


def test_multiple_documents() -> None:
    d = only("loss:\n  name: nll\n---\nloss:\n  name: mse\n", "LC004")
    assert (d.line, d.column) == (3, 1)
    assert "more than one YAML document" in d.message


@pytest.mark.parametrize(
    ("text", "line", "column", "words"),
    [
        ("loss:\n  weight: [1.0, 2.0\n", 2, 20, "flow sequence that starts at line 2, column 11"),
        ("loss: a: b\n", 1, 8, "mapping values are not allowed"),
        ("loss:\n  name: *nothing\n", 2, 9, "alias *nothing is not defined"),
        ("a: &a [*a]\n", 1, 8, "refers to a node that contains it"),
        ("loss: <<\n", 1, 7, "merge key"),
        ("loss:\n  name: =\n", 2, 9, "value key"),
        ("t: 2024-13-45\n", 1, 4, "month must be in 1..12"),
        ("? [1, 2]\n: x\n", 1, 3, "unhashable"),
        ("a: &x 1\nb:\n  <<: *x\n", 3, 3, "merge key (<<) takes a mapping"),
        ("loss:\n  name: !custom x\n", 2, 9, "tag !custom is refused"),
        ("x: !!python/name:os.system\n", 1, 4, "!!python/name:os.system is refused"),
        ("loss:\n  weight: !!float [1]\n", 2, 11, "!!float cannot stand on a list"),
        ("x: !!seq {a: 1}\n", 1, 4, "!!seq cannot stand on a mapping"),
        ("- <<\n", 1, 3, "merge key"),
        ("<<\n", 1, 1, "merge key"),
        ("a: !!merge x\n", 1, 4, "merge key"),
        ("!!omap [a, b]\n", 1, 9, "!!omap takes mappings of one key each"),
        ("a: \x00\n", 1, 4, "not allowed"),
    ],
)
def test_syntax_errors(text: str, line: int, column: int, words: str) -> None:
    d = only(text, "LC001")
    assert (d.line, d.column) == (line, column)
    assert words in d.message
    assert d.hint


def test_syntax_error_stops_every_other_rule() -> None:
    assert codes("loss:\n  name: focal\n  weight: [1,\n") == ["LC001"]


def test_alias_bomb_is_refused_quickly() -> None:
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]" for i in range(1, 10)]
    d = only("\n".join(lines) + "\n", "LC001")
    assert "alias" in d.message and f"{MAX_VALUES:,}" in d.message


def test_huge_document_is_refused() -> None:
    text = "loss:\n  weight: [" + ", ".join(["1.0"] * (MAX_VALUES + 5)) + "]\n"
    d = only(text, "LC001")
    assert "more than" in d.message and d.line == 2


def test_values_of_yaml_types() -> None:
    data = load("d: 2024-01-02\nb: !!binary aGVsbG8=\n").data
    assert data == {"d": datetime.date(2024, 1, 2), "b": b"hello"}


@pytest.mark.parametrize(
    ("text", "line", "column"),
    [
        ("loss:\n  name: nll\t# a comment\n", 2, 12),
        ("loss:\n  name:\tnll\n", 2, 8),
        ("loss:\n  weight: [1.0,\t2.0]\n", 2, 16),
        ('{\n\t"loss": {"name": "nll"}\n}\n', 2, 1),
        ("loss:\n  name: nll\t\n", 2, 12),
    ],
)
def test_a_tab_that_yaml_safe_load_refuses(text: str, line: int, column: int) -> None:
    # libyaml (CSafeLoader, editors) reads these; yaml.safe_load, PyYAML's Python scanner, raises
    # "found character '\t' that cannot start any token".
    with pytest.raises(pyyaml.YAMLError):
        pyyaml.safe_load(text)
    d = only(text, "LC001")
    assert (d.line, d.column) == (line, column)
    assert d.message.startswith("a tab where yaml.safe_load, which the trainer uses, refuses one")
    assert d.hint == "replace the tab with spaces"


@pytest.mark.parametrize(
    "text",
    [
        'loss:\n  name: "nll\tx"\n',
        "loss:\n  name: 'a\tb'\n",
        "# a\tcomment\nloss:\n  name: nll # and\tanother\n",
        "loss:\n  name: |\n    a\tb\n",
    ],
)
def test_tabs_yaml_safe_load_takes(text: str) -> None:
    document = load(text)
    assert document.ok and document.data == pyyaml.safe_load(text)


def test_large_texts_are_not_read_twice(monkeypatch: pytest.MonkeyPatch) -> None:
    text = "loss:\n  name: nll\t# a comment\n"
    monkeypatch.setattr(document, "PURE_CHECK_LIMIT", len(text) - 1)
    assert load(text).ok == (document._Loader is not pyyaml.SafeLoader)


def test_a_block_header_glued_to_a_comment() -> None:
    # libyaml reads `|# note`; PyYAML's Python scanner wants a space before the `#`.
    text = "loss:\n  name: |# note\n    nll\n"
    with pytest.raises(pyyaml.YAMLError):
        pyyaml.safe_load(text)
    d = only(text, "LC001")
    assert (d.line, d.column) == (2, 10)
    assert "expected chomping or indentation indicators, but found '#'" in d.message
