"""Loading YAML with positions: values as yaml.safe_load makes them, with libyaml and with
PyYAML's pure-Python parser. What loading refuses, LC001-LC004, is tested in
tests/rules/test_syntax.py."""

from __future__ import annotations

import datetime

import pytest
import yaml as pyyaml

from helpers import use_loader, yaml
from losscfg.diagnostics import Span
from losscfg.load import document
from losscfg.load.document import LIBYAML, load

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
    return use_loader(str(request.param), monkeypatch)


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


def test_values_of_yaml_types() -> None:
    data = load("d: 2024-01-02\nb: !!binary aGVsbG8=\n").data
    assert data == {"d": datetime.date(2024, 1, 2), "b": b"hello"}


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
