"""YAML text -> `Document`: plain data, with the position of every key and value.

One pass over PyYAML's event stream (libyaml's `CSafeLoader` when PyYAML has it), building
the values exactly as `yaml.safe_load` would (its resolver and safe constructors, merge keys
included) and a parallel tree of positions. Reading problems come back as `LoadProblem`s (the rules
word them); nothing here raises on bad input, and no tag outside the safe set is ever constructed.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import yaml

from losscfg.diagnostics import Span, json_pointer
from losscfg.load.problems import LoadProblem, Problem
from losscfg.load.reading import split_lines
from losscfg.load.values import kind, show

try:
    from yaml import CSafeLoader as _Loader

    LIBYAML = True
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]

    LIBYAML = False

#: Values a document may hold once aliases are expanded; more is refused.
MAX_VALUES = 100_000

_TAG = "tag:yaml.org,2002:"
_STR, _MAP, _SEQ, _MERGE = _TAG + "str", _TAG + "map", _TAG + "seq", _TAG + "merge"
_VALUE = _TAG + "value"  # a plain `=`: PyYAML makes it a string as a key, and refuses it elsewhere
_SCALAR_TAGS = frozenset(_TAG + t for t in ("null", "bool", "int", "float", "binary", "timestamp"))
_SEQUENCE_TAGS = frozenset({_SEQ, _TAG + "omap", _TAG + "pairs"})
_MAPPING_TAGS = frozenset({_MAP, _TAG + "set"})
_SAFE_TAGS = _SCALAR_TAGS | _SEQUENCE_TAGS | _MAPPING_TAGS | {_STR}  # what safe_load constructs

# (line, column, end_line, end_column), 0-based as PyYAML's marks; converted to Span on demand.
Position = tuple[int, int, int, int]
Path = tuple[Any, ...]


@dataclass(slots=True)
class Node:
    """Where a value stands. Mappings and sequences also know where their children stand."""

    position: Position
    plain: bool = False  # a scalar written without quotes or tag: PyYAML resolved its type
    tag: str | None = None  # an explicit tag written on a scalar, as written (`!!str`)
    entries: dict[Any, Entry] | None = None
    items: list[Node] | None = None
    shared: bool = False  # anchored and used by an alias: its text stands for several values


@dataclass(slots=True)
class Entry:
    key_position: Position
    key_text: str
    node: Node
    merged: bool = False  # brought in by a merge key (<<): its text belongs to another mapping


@dataclass
class Document:
    """A loaded file: `data` is what `yaml.safe_load` returns; `ok` is False if it could not."""

    text: str
    data: Any = None
    root: Node | None = None
    problems: list[LoadProblem] = field(default_factory=list)
    ok: bool = True

    def node(self, path: Iterable[Any]) -> Node | None:
        located = self._locate(tuple(path))
        return located[1] if located else None

    def _locate(self, path: Path) -> tuple[Position | None, Node] | None:
        """The node at `path`, and the position of its key when it is a mapping value."""
        node, key_position = self.root, None
        for part in path:
            if node is None:
                return None
            if node.entries is not None:
                entry = node.entries.get(part) if _hashable(part) else None
                node, key_position = (entry.node, entry.key_position) if entry else (None, None)
            elif node.items is not None and isinstance(part, int) and 0 <= part < len(node.items):
                node, key_position = node.items[part], None
            else:
                return None
        return (key_position, node) if node is not None else None

    def span(self, path: Path, *, key: bool = False) -> Span | None:
        """Where the value at `path` stands (or its key, with `key=True`).

        A value with no text of its own (`loss:` with nothing after it) points at its key; a
        path that does not exist points at the key of its nearest existing ancestor.
        """
        path = tuple(path)
        located = self._locate(path)
        if located is not None:
            key_position, node = located
            value = to_span(node.position)
            if key_position is not None and (key or value.is_empty):
                return to_span(key_position)
            return value
        while path:
            path = path[:-1]
            located = self._locate(path)
            if located is not None:
                key_position, node = located
                return to_span(key_position if key_position is not None else node.position)
        return None

    def pointer(self, path: Path) -> str:
        """JSON pointer of `path`, spelling non-string keys as they are written in the file."""
        parts: list[str | int] = []
        node = self.root
        for part in path:
            entry = node.entries.get(part) if node and node.entries else None
            if entry is not None:
                parts.append(part if isinstance(part, str) else entry.key_text)
                node = entry.node
            else:
                parts.append(part)
                node = self.node(path[: len(parts)]) if node else None
        return json_pointer(parts)


def _hashable(value: Any) -> bool:
    try:
        hash(value)
    except TypeError:
        return False
    return True


def _written_tag(tag: str | None) -> str | None:
    if tag is None or tag == "!":
        return None
    return "!!" + tag.removeprefix(_TAG) if tag.startswith(_TAG) else tag


def to_span(position: Position) -> Span:
    line, column, end_line, end_column = position
    return Span(line + 1, column + 1, end_line + 1, end_column + 1)


def _position(event: Any) -> Position:
    start, end = event.start_mark, event.end_mark
    return (start.line, start.column, end.line, end.column)


class LoadError(Exception):
    def __init__(self, message: str, position: Position, hint: str | None = None) -> None:
        super().__init__(message)
        self.message, self.position, self.hint = message, position, hint


@dataclass(slots=True)
class _Collection:
    """A mapping or sequence whose end has not been reached yet."""

    event: Any
    start_count: int
    is_mapping: bool
    items: list[Any] = field(default_factory=list)  # sequence values
    nodes: list[Node] = field(default_factory=list)  # sequence nodes
    pairs: list[tuple[Any, Node, str, Any, Node]] = field(default_factory=list)  # mapping
    key: tuple[Any, Node, str] | None = None  # a mapping key waiting for its value


def load(text: str) -> Document:
    """Read one YAML document from `text` (already decoded), as `yaml.safe_load` reads it."""
    text = text.removeprefix("\ufeff")  # a byte-order mark is no content; columns start after it
    document, refused, deepest = _load_with(_Loader, text)
    if _libyaml_in_use() and len(text) <= PURE_CHECK_LIMIT:
        if refused and not _too_deep_for_libyaml(document):
            # libyaml refuses a few texts that yaml.safe_load reads: ask the latter. (Not a text
            # too deep for libyaml: safe_load fails on it too, and slowly: its scanner is
            # quadratic in the nesting.)
            retried, _, deepest = _load_with(yaml.SafeLoader, text)
            if retried.ok:
                document = retried
        elif document.ok and _may_differ(text):
            refusal = _safe_load_refusal(text)
            if refusal is not None:
                _refuse(document, refusal)
    if document.ok and deepest > DEEP and len(text) <= PURE_CHECK_LIMIT:
        refusal = _too_deep_for_safe_load(text, deepest)
        if refusal is not None:
            _refuse(document, refusal)
    return document


#: Nesting from which yaml.safe_load may run out of recursion (it fails from about 490 flow
#: levels); deeper documents are read once more by it, in a thread of their own.
DEEP = 100


def _too_deep_for_libyaml(document: Document) -> bool:
    return any("maximum nesting depth" in problem.message for problem in document.problems)


def _load_with(loader_class: Any, text: str) -> tuple[Document, bool, int]:
    """The document as one loader reads it, whether its parser refused the text, and the
    deepest nesting seen."""
    document = Document(text)
    loader = None
    builder = None
    refused = False
    try:
        loader = loader_class(text)  # PyYAML's pure-Python reader already checks characters here
        builder = _Builder(loader, document)
        builder.run()
    except _TooManyValues as problem:
        _refuse(document, _too_many_values(problem))
    except LoadError as problem:
        span = to_span(problem.position)
        _refuse(document, LoadProblem(Problem.NOT_YAML, problem.message, span, problem.hint))
    except yaml.YAMLError as problem:
        refused = True
        _refuse(document, _syntax_problem(problem, text))
    finally:
        if loader is not None:
            loader.dispose()
    return document, refused, builder.deepest if builder else 0


def _too_deep_for_safe_load(text: str, deepest: int) -> LoadProblem | None:
    """LC001 when yaml.safe_load, called from a fresh stack as the trainer calls it, runs out
    of recursion on this nesting (libyaml and losscfg read it)."""
    import threading

    outcome: list[BaseException] = []

    def read() -> None:
        try:
            yaml.safe_load(text)
        except RecursionError as problem:
            outcome.append(problem)
        except Exception:  # any other refusal was reported already
            pass

    reader = threading.Thread(target=read, name="losscfg-safe-load")
    reader.start()
    reader.join()
    if not outcome:
        return None
    return LoadProblem(
        Problem.NOT_YAML,
        f"the document nests {deepest} levels deep: yaml.safe_load, which the trainer uses, "
        "fails with RecursionError (libyaml-based tools read it)",
        Span(1, 1, 1, 1),
        "flatten the nesting: a training config needs a few levels",
    )


def _refuse(document: Document, problem: LoadProblem) -> None:
    """The file cannot be read as the trainer reads it: no data, and the problem says why."""
    document.ok = False
    document.data, document.root = None, None
    document.problems.append(problem)


# Where libyaml accepts what PyYAML's pure-Python scanner (the one in yaml.safe_load) refuses:
# a tab between tokens, a byte-order mark after the start, a block scalar header followed by
# `#` without a space (`|#`). Measured by fuzzing both loaders side by side.
_BLOCK_HEADER_COMMENT = re.compile("[|>][-+0-9]*#")


def _may_differ(text: str) -> bool:
    """Whether libyaml and yaml.safe_load may disagree on `text` (`in` is far faster than re)."""
    return (
        "\t" in text
        or "\ufeff" in text
        or (("|" in text or ">" in text) and _BLOCK_HEADER_COMMENT.search(text) is not None)
        or ("?" in text and ("[" in text or "{" in text))  # `?` in a flow collection
    )


#: Larger texts are not re-read with the pure-Python parser (about 5 s per MB).
PURE_CHECK_LIMIT = 256 * 1024


def _safe_load_refusal(text: str) -> LoadProblem | None:
    """The problem, when the pure-Python parser of `yaml.safe_load` refuses what libyaml read."""
    try:
        for _ in yaml.parse(text, Loader=yaml.SafeLoader):
            pass
    except yaml.YAMLError as problem:
        refusal = _syntax_problem(problem, text)
        return refusal._replace(
            message=f"{refusal.message}; libyaml-based tools and editors accept it"
        )
    return None


_RESOLVER = yaml.resolver.Resolver()
_CONSTRUCTOR = yaml.constructor.SafeConstructor()


@lru_cache(maxsize=4096)
def _plain_scalar(text: str) -> tuple[str, Any]:
    """The tag PyYAML's resolver gives a plain scalar, and the value its safe constructor makes
    of it (None for str, merge and value keys, which the builder makes). Plain scalars resolve
    and construct the same way every time, so this is cached by text."""
    tag = _RESOLVER.resolve(yaml.ScalarNode, text, (True, False))  # type: ignore[no-untyped-call]
    if tag in (_STR, _MERGE, _VALUE):
        return tag, None
    constructor = yaml.constructor.SafeConstructor.yaml_constructors[tag]
    return tag, constructor(_CONSTRUCTOR, yaml.ScalarNode(tag, text))


class _Builder:
    def __init__(self, loader: Any, document: Document) -> None:
        self.loader = loader
        self.document = document
        self.anchors: dict[str, tuple[Any, Node, int]] = {}
        self.stack: list[_Collection] = []
        self.count = 0  # values so far, aliases expanded
        self.deepest = 0  # the most collections open at once
        self.root: tuple[Any, Node] | None = None

    def run(self) -> None:
        get = self.loader.get_event
        stack = self.stack
        documents = 0
        while True:
            event = get()
            kind = type(event)
            if kind is yaml.ScalarEvent:
                self._count(1, event)
                value, node = self._scalar(event)
                self._add(value, node, event.anchor, event, 1)
            elif kind is yaml.MappingStartEvent or kind is yaml.SequenceStartEvent:
                self._check_collection_tag(event)
                self._count(1, event)
                stack.append(_Collection(event, self.count, kind is yaml.MappingStartEvent))
                if len(stack) > self.deepest:
                    self.deepest = len(stack)
            elif kind is yaml.MappingEndEvent or kind is yaml.SequenceEndEvent:
                done = stack.pop()
                value, node = self._finish(done, event)
                size = self.count - done.start_count + 1
                self._add(value, node, done.event.anchor, done.event, size)
            elif kind is yaml.AliasEvent:
                self._alias(event)
            elif kind is yaml.DocumentStartEvent:
                documents += 1
                if documents > 1:
                    self.document.problems.append(
                        LoadProblem(
                            Problem.MULTIPLE_DOCUMENTS,
                            "the file holds more than one YAML document; the trainer's "
                            "yaml.safe_load refuses it",
                            span=to_span(_position(event)),
                            hint="keep one document per file (only the first one is checked)",
                        )
                    )
                    break
            elif kind is yaml.StreamEndEvent:
                break
        if self.root is not None:
            self.document.data, self.document.root = self.root

    def _count(self, n: int, event: Any) -> None:
        self.count += n
        if self.count > MAX_VALUES:
            raise _TooManyValues(event)

    def _scalar(self, event: Any) -> tuple[Any, Node]:
        tag = event.tag
        if tag is None and event.implicit[0]:
            return self._plain(event), Node(_position(event), plain=True)
        node = Node(_position(event), tag=_written_tag(tag))
        value = event.value
        if tag is None or tag == "!":
            return value, node
        if tag == _STR:
            return value, node
        if tag == _MERGE:
            return _MergeKey(), node
        if tag not in _SCALAR_TAGS:
            raise _refused(tag, event)
        return self._construct(tag, event), node

    def _plain(self, event: Any) -> Any:
        """A plain scalar as PyYAML's resolver and safe constructors make it."""
        text = event.value
        try:
            tag, value = _plain_scalar(text)
        except Exception as problem:  # PyYAML's own constructors fail in several ways
            tag = _RESOLVER.resolve(yaml.ScalarNode, text, (True, False))  # type: ignore[no-untyped-call]
            raise _unreadable(event, tag.removeprefix(_TAG), problem) from None
        if tag == _STR:
            return text
        if tag == _MERGE:
            return _MergeKey()
        if tag == _VALUE:
            return _ValueKey()
        return value

    def _construct(self, tag: str, event: Any) -> Any:
        constructor = self.loader.yaml_constructors.get(tag)
        if constructor is None or tag not in _SCALAR_TAGS:
            raise _refused(tag, event)
        scalar = yaml.ScalarNode(tag, event.value, event.start_mark, event.end_mark, event.style)
        try:
            return constructor(self.loader, scalar)
        except Exception as problem:  # PyYAML's own constructors fail in several ways
            raise _unreadable(event, tag.removeprefix(_TAG), problem) from None

    def _check_collection_tag(self, event: Any) -> None:
        tag = event.tag
        allowed = _MAPPING_TAGS if isinstance(event, yaml.MappingStartEvent) else _SEQUENCE_TAGS
        if tag is None or tag == "!" or tag in allowed:
            return
        if tag not in _SAFE_TAGS:
            raise _refused(tag, event)
        written = _written_tag(tag)
        node = "a mapping" if isinstance(event, yaml.MappingStartEvent) else "a list"
        raise LoadError(
            f"the tag {written} cannot stand on {node}: yaml.safe_load refuses it",
            _position(event),
            f"remove the tag {written}",
        )

    def _alias(self, event: Any) -> None:
        anchored = self.anchors.get(event.anchor)
        if anchored is None:
            open_anchor = any(frame.event.anchor == event.anchor for frame in self.stack)
            reason = "refers to a node that contains it" if open_anchor else "is not defined"
            raise LoadError(
                f"alias *{event.anchor} {reason}",
                _position(event),
                f"define the anchor &{event.anchor} before this alias, outside the node that "
                "uses it",
            )
        value, node, size = anchored
        node.shared = True
        self._count(size, event)
        self._add(value, node, None, event, size)

    def _add(self, value: Any, node: Node, anchor: str | None, event: Any, size: int) -> None:
        """Attach a finished value to the collection being built (or make it the document)."""
        if anchor is not None:
            self.anchors[anchor] = (value, node, size)
        parent = self.stack[-1] if self.stack else None
        if isinstance(value, _ValueKey):
            if parent is None or not parent.is_mapping or parent.key is not None:
                raise LoadError(
                    "a plain = is YAML 1.1's value key: yaml.safe_load cannot read it as a value",
                    node.position,
                    "quote it ('=') if you mean the text",
                )
            value = "="
        if parent is None:
            if isinstance(value, _MergeKey):
                raise _merge_as_value(node)
            self.root = (value, node)
            return
        if not parent.is_mapping:
            if isinstance(value, _MergeKey):
                raise _merge_as_value(node)
            parent.items.append(value)
            parent.nodes.append(node)
        elif parent.key is None:
            text = event.value if type(event) is yaml.ScalarEvent else str(value)
            parent.key = (value, node, text)
        else:
            if isinstance(value, _MergeKey):
                raise _merge_as_value(node)
            key, key_node, key_text = parent.key
            parent.pairs.append((key, key_node, key_text, value, node))
            parent.key = None

    def _path(self) -> list[str | int]:
        """Keys and indices of the collections still open: where the next value goes."""
        path: list[str | int] = []
        for open_collection in self.stack:
            if open_collection.is_mapping:
                path.append(open_collection.key[2] if open_collection.key else "")
            else:
                path.append(len(open_collection.items))
        return path

    def _finish(self, done: _Collection, end: Any) -> tuple[Any, Node]:
        start = done.event.start_mark
        position = (start.line, start.column, end.end_mark.line, end.end_mark.column)
        tag = done.event.tag
        if not done.is_mapping:
            node = Node(position, items=done.nodes)
            if tag in (_TAG + "omap", _TAG + "pairs"):
                return _pairs(done, tag), node
            return done.items, node
        value, entries = self._mapping(done)
        if tag == _TAG + "set":
            return set(value), Node(position, entries=entries)
        return value, Node(position, entries=entries)

    def _mapping(self, done: _Collection) -> tuple[dict[Any, Any], dict[Any, Entry]]:
        merged: dict[Any, Any] = {}
        merged_entries: dict[Any, Entry] = {}
        value: dict[Any, Any] = {}
        entries: dict[Any, Entry] = {}
        for key, key_node, key_text, item, item_node in done.pairs:
            if isinstance(key, _MergeKey):
                for source, source_node in _merge_sources(item, item_node, key_node):
                    merged.update(source)
                    merged_entries.update(
                        (k, Entry(e.key_position, e.key_text, e.node, merged=True))
                        for k, e in (source_node.entries or {}).items()
                    )
                continue
            try:
                first = entries.get(key)
            except TypeError:
                raise LoadError(
                    f"{kind(key)} cannot be a mapping key (it is unhashable)",
                    key_node.position,
                    "use a plain string key",
                ) from None
            if first is not None:
                self._duplicate(key, key_node, key_text, first)
            value[key] = item
            entries[key] = Entry(key_node.position, key_text, item_node)
        if not merged:
            return value, entries
        for key in value:
            merged.pop(key, None)
            merged_entries.pop(key, None)
        merged.update(value)
        merged_entries.update(entries)
        return merged, merged_entries

    def _duplicate(self, key: Any, key_node: Node, key_text: str, first: Entry) -> None:
        line = first.key_position[0] + 1
        if first.key_text != key_text:
            message = (
                f"duplicate key {key_text!r}: YAML reads it as {show(key)}, like "
                f"{first.key_text!r} on line {line}; PyYAML silently keeps only this one"
            )
        else:
            message = (
                f"duplicate key {key_text!r}: the first one is on line {line}; PyYAML silently "
                "keeps only this one"
            )
        self.document.problems.append(
            LoadProblem(
                Problem.DUPLICATE_KEY,
                message,
                span=to_span(key_node.position),
                hint="remove one of the two keys",
                pointer=json_pointer([*self._path(), key_text]),
            )
        )


class _MergeKey:
    """The `<<` key of a merge; replaced by the merged mappings when its mapping ends."""

    __hash__ = object.__hash__


class _ValueKey:
    """A plain `=`, which PyYAML reads as the string "=" when it is a mapping key."""


class _TooManyValues(Exception):
    def __init__(self, event: Any) -> None:
        super().__init__()
        self.position = _position(event)
        self.via_alias = isinstance(event, yaml.AliasEvent)


def _too_many_values(problem: _TooManyValues) -> LoadProblem:
    if problem.via_alias:
        message = (
            f"this alias expands the document past {MAX_VALUES:,} values (an alias bomb?); "
            "losscfg refuses to expand it"
        )
        hint = "write the values out instead of nesting aliases of aliases"
    else:
        message = f"the document holds more than {MAX_VALUES:,} values; losscfg does not check it"
        hint = "a training config holds hundreds of values: is this a data file?"
    return LoadProblem(Problem.NOT_YAML, message, to_span(problem.position), hint)


def _merge_sources(value: Any, node: Node, key_node: Node) -> list[tuple[dict[Any, Any], Node]]:
    """The mappings a `<<` merges, in the order that makes the earlier ones win (as PyYAML)."""
    if isinstance(value, dict):
        return [(value, node)]
    if isinstance(value, list) and node.items is not None:
        sources = list(zip(value, node.items, strict=True))
        if all(isinstance(v, dict) for v, _ in sources):
            return sources[::-1]
    raise LoadError(
        f"a merge key (<<) takes a mapping or a list of mappings, not {kind(value)}",
        key_node.position,
        "merge an anchored mapping: <<: *base",
    )


def _pairs(done: _Collection, tag: str) -> list[tuple[Any, Any]]:
    pairs = []
    for item, node in zip(done.items, done.nodes, strict=True):
        if not isinstance(item, dict) or len(item) != 1:
            written = _written_tag(tag)
            raise LoadError(
                f"{written} takes mappings of one key each, not {kind(item)} {show(item)}",
                node.position,
                f"write each entry as - key: value, or remove the tag {written}",
            )
        pairs.append(next(iter(item.items())))
    return pairs


def _unreadable(event: Any, kind: str, problem: Exception) -> LoadError:
    return LoadError(
        f"cannot read {event.value!r} as {kind}: {problem}",
        _position(event),
        "correct the value or remove the explicit tag",
    )


def _refused(tag: str, event: Any) -> LoadError:
    shown = _written_tag(tag)
    return LoadError(
        f"the tag {shown} is refused: yaml.safe_load (which the trainer uses) constructs only "
        "plain YAML values",
        _position(event),
        f"remove the tag {shown}",
    )


def _merge_as_value(node: Node) -> LoadError:
    return LoadError(
        "<< is YAML's merge key; it cannot stand as a value",
        node.position,
        "quote it ('<<') if you mean the text",
    )


def _syntax_problem(problem: yaml.YAMLError, text: str) -> LoadProblem:
    mark = getattr(problem, "problem_mark", None) or getattr(problem, "context_mark", None)
    if isinstance(problem, yaml.reader.ReaderError):
        offset = problem.position
        if _libyaml_in_use():  # libyaml reads UTF-8 and gives a byte offset, PyYAML a character's
            offset = len(text.encode("utf-8")[:offset].decode("utf-8", errors="ignore"))
        line, column = _line_column(text, offset)
        code = problem.character if isinstance(problem.character, int) else ord(problem.character)
        message = f"the character #x{code:04x} is not allowed in YAML ({problem.reason})"
        return LoadProblem(
            Problem.NOT_YAML,
            message,
            Span(line, column, line, column + 1),
            "remove the control character (is this a binary or UTF-16 file?)",
        )
    what = str(getattr(problem, "problem", "") or problem)
    context = getattr(problem, "context", None)
    context_mark = getattr(problem, "context_mark", None)
    if context and context_mark is not None:
        what += f" ({context} that starts at line {context_mark.line + 1}, column "
        what += f"{context_mark.column + 1})"
    elif context:
        what += f" ({context})"
    if mark is None:
        return LoadProblem(Problem.NOT_YAML, f"invalid YAML: {what}", Span(1, 1, 1, 1))
    line, column = _inside(text, mark.line + 1, mark.column + 1)
    if "'\\t'" in what:  # PyYAML's Python scanner takes no tab between tokens
        return LoadProblem(
            Problem.NOT_YAML,
            f"a tab where yaml.safe_load, which the trainer uses, refuses one ({what})",
            Span(line, column, line, column + 1),
            "replace the tab with spaces",
        )
    return LoadProblem(
        Problem.NOT_YAML,
        f"invalid YAML: {what}",
        Span(line, column, line, column + 1),
        _indentation_hint(text, line, what) or "correct the YAML syntax at this position",
    )


def _indentation_hint(text: str, line: int, what: str) -> str | None:
    """The usual cause of "mapping values are not allowed": a key indented deeper than the
    key above it, which YAML reads as the continuation of that key's value."""
    if "mapping values are not allowed" not in what:
        return None
    lines = split_lines(text)
    if not 1 < line <= len(lines):
        return None
    here = lines[line - 1]
    above = next(
        (
            candidate
            for candidate in reversed(lines[: line - 1])
            if candidate.strip() and not candidate.lstrip().startswith("#")
        ),
        None,
    )
    if above is None:
        return None
    indent, above_indent = _indent(here), _indent(above)
    if indent <= above_indent or ":" not in above:
        return None
    key = here.strip().split(":", 1)[0]
    above_key = above.strip().split(":", 1)[0]
    return (
        f"{key} is indented {indent} spaces, deeper than {above_key} above it ({above_indent}): "
        f"YAML reads it as part of {above_key}'s value; indent it by {above_indent} spaces, "
        f"like {above_key}"
    )


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def _libyaml_in_use() -> bool:
    loader: type = _Loader  # a variable: tests swap in the pure-Python loader
    return loader is not yaml.SafeLoader


def _inside(text: str, line: int, column: int) -> tuple[int, int]:
    """A parser position at the very end of the file moves to the end of its last line."""
    lines = split_lines(text)
    if line <= len(lines):
        return line, column
    while lines and not lines[-1].strip():
        lines.pop()
    return (len(lines), len(lines[-1]) + 1) if lines else (1, 1)


def _line_column(text: str, offset: int) -> tuple[int, int]:
    """1-based line and column of a character offset."""
    before = split_lines(text[:offset] + "x")
    return len(before), len(before[-1])
