"""Rules of reading and loading, LC000-LC004 (losscfg.lint.rules.syntax): a path that cannot be
read, a file that is not YAML the trainer loads, a duplicate key, a section that is not a
mapping, a second document. Every test here runs with libyaml and with PyYAML's pure-Python
parser."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import yaml as pyyaml

from helpers import codes, only, position, silent, triggers, use_loader
from losscfg.lint.check import Options, check_path, check_source
from losscfg.load.document import MAX_VALUES


@pytest.fixture(params=["libyaml", "pure-python"], autouse=True)
def loader(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    return use_loader(str(request.param), monkeypatch)


# LC000: a path that cannot be read


def unreadable(folder: Path, kind: str) -> Path:
    """A path of `kind` that cannot be read as a config."""
    path = folder / f"{kind}.yaml"
    if kind == "directory":
        path.mkdir()
    elif kind == "loop":
        path.symlink_to(path)
    elif kind == "fifo":
        os.mkfifo(path)
    return path


@pytest.mark.parametrize(
    ("kind", "reason"),
    [
        ("missing", "No such file or directory"),
        ("directory", "Is a directory"),
        ("loop", "Too many levels of symbolic links"),
        ("fifo", "not a regular file: losscfg reads regular files only"),
    ],
)
def test_a_path_that_cannot_be_read(tmp_path: Path, kind: str, reason: str) -> None:
    report = check_path(str(unreadable(tmp_path, kind)), Options())
    [d] = report.diagnostics
    assert (d.code, d.rule, d.severity) == ("LC000", "io-error", "error")
    assert position(d) == (None, None, None, None) and d.pointer is None
    assert d.message == f"cannot read the file: {reason}"
    assert d.hint == "check the path and its permissions"
    assert report.unreadable


def test_a_readable_path_is_no_io_error(tmp_path: Path) -> None:
    path = tmp_path / "c.yaml"
    path.write_text("loss:\n  name: cross_entropy\n", encoding="utf-8")
    report = check_path(str(path), Options())
    assert report.diagnostics == [] and not report.unreadable
    assert report.loss == "cross_entropy"


# LC001: not YAML, or not YAML the trainer's yaml.safe_load loads


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


def test_a_block_header_glued_to_a_comment() -> None:
    # libyaml reads `|# note`; PyYAML's Python scanner wants a space before the `#`.
    text = "loss:\n  name: |# note\n    nll\n"
    with pytest.raises(pyyaml.YAMLError):
        pyyaml.safe_load(text)
    d = only(text, "LC001")
    assert (d.line, d.column) == (2, 10)
    assert "expected chomping or indentation indicators, but found '#'" in d.message


@pytest.mark.parametrize(
    ("source", "where", "words"),
    [
        (b"loss:\n  name: caf\xe9\n", (2, 12, 2, 13), "the file is not UTF-8: byte 0xe9"),
        (
            "loss:\n  name: nll\n".encode("utf-16"),
            (1, 1, 1, 1),
            "the file is UTF-16 (it starts with a UTF-16 byte-order mark)",
        ),
    ],
)
def test_a_file_that_is_not_utf8(
    source: bytes, where: tuple[int, int, int, int], words: str
) -> None:
    [d] = check_source(source, "config.yaml", Options()).diagnostics
    assert (d.code, d.severity) == ("LC001", "error")
    assert position(d) == where and d.message.startswith(words)
    assert d.hint == "save the file as UTF-8"


@pytest.mark.parametrize(
    "text",
    [
        "loss:\n  name: nll  # a comment\n",
        "---\nloss:\n  name: nll\n...\n",
        "loss:\n  weight: [1.0,\n    2.0]\n",
        'loss:\n  name: "nll\tx"\n',
    ],
)
def test_yaml_the_trainer_loads_is_no_syntax_error(text: str) -> None:
    pyyaml.safe_load(text)
    silent(text, "LC001")


# LC002: a key twice in one mapping


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
    silent(
        """
        base: &base {name: nll, ignore_index: 255}
        loss:
          <<: *base
          name: cross_entropy
        """,
        "LC002",
    )


def test_duplicates_outside_the_sections_are_reported_too() -> None:
    d = only("training:\n  epochs: 1\n  epochs: 2\n", "LC002")
    assert (d.severity, d.line, d.column, d.pointer) == ("error", 3, 3, "/training/epochs")
    assert "the first one is on line 2" in d.message


def test_duplicate_top_level_section() -> None:
    d = only("loss:\n  name: nll\nloss:\n  name: mse\n", "LC002")
    assert (d.line, d.pointer) == (3, "/loss")


def test_a_duplicate_key_is_an_error() -> None:
    d = only("amp:\n  enabled: true\n  enabled: false\n", "LC002")
    assert (d.severity, d.rule, position(d)) == ("error", "duplicate-key", (3, 3, 3, 10))
    assert d.pointer == "/amp/enabled"


# LC003: the document or a section is not a mapping

# (config, code, (line, column, end_line, end_column), words in the message, words in the hint)
TRIGGERS = [
    pytest.param(
        """
        loss:
        model:
          name: resnet20
        """,
        "LC003",
        (1, 1, 1, 5),
        ["loss has no value"],
        ["mapping"],
        id="LC003-empty-loss",
    ),
    pytest.param(
        """
        loss: cross_entropy
        """,
        "LC003",
        (1, 1, 1, 5),
        ["loss is a string ('cross_entropy')"],
        ["name: cross_entropy"],
        id="LC003-loss-string",
    ),
    pytest.param(
        """
        amp: [true]
        """,
        "LC003",
        (1, 1, 1, 4),
        ["amp is a list"],
        ["amp"],
        id="LC003-amp-list",
    ),
    pytest.param(
        """
        - loss
        - model
        """,
        "LC003",
        (1, 1, 3, 1),
        ["the document is a list"],
        ["mapping"],
        id="LC003-document-list",
    ),
    pytest.param(
        """
        just a string
        """,
        "LC003",
        (1, 1, 1, 14),
        ["the document is a string"],
        [],
        id="LC003-document-scalar",
    ),
]


@pytest.mark.parametrize(("config", "code", "where", "message", "hint"), TRIGGERS)
def test_rule_triggers(
    config: str, code: str, where: tuple[int, int, int, int], message: list[str], hint: list[str]
) -> None:
    triggers(config, code, where, message, hint)


@pytest.mark.parametrize(
    "config",
    ["loss: {}\n", "loss:\n  name: nll\nmodel: {}\ndataset:\n  name: x\namp: {enabled: true}\n"],
)
def test_mappings_are_no_lc003(config: str) -> None:
    silent(config, "LC003")


# LC004: more than one document


def test_multiple_documents() -> None:
    d = only("loss:\n  name: nll\n---\nloss:\n  name: mse\n", "LC004")
    assert (d.line, d.column) == (3, 1)
    assert "more than one YAML document" in d.message


def test_a_second_document_is_an_error_and_the_first_is_checked() -> None:
    d = only("loss:\n  name: focal\n---\nloss:\n  name: mse\n", "LC004")
    assert (d.severity, d.rule, position(d)) == ("error", "multiple-documents", (3, 1, 3, 4))
    assert d.hint == "keep one document per file (only the first one is checked)"
    assert codes("loss:\n  name: focal\n---\nloss:\n  name: mse\n") == ["LC101", "LC004"]


@pytest.mark.parametrize(
    "text", ["---\nloss:\n  name: nll\n", "---\nloss:\n  name: nll\n...\n", "# ---\nloss: {}\n"]
)
def test_one_document_is_no_lc004(text: str) -> None:
    silent(text, "LC004")
