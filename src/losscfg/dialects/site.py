"""A loss site (SPEC §15): one place where a document configures a loss — its position, its
dialect, its class, its arguments as written, and how its builder passes them on.

Rules that judge a loss read a site and speak in the paths it gives them (`site.at("weight")`),
so the same rule serves every dialect; each dialect's front-end finds the sites of a document.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from losscfg.catalogue.schema import Loss
from losscfg.diagnostics import LossRecord
from losscfg.load.document import Path

#: How a dialect's builder passes an argument on: (the loss, its name, the value as written)
#: to the value the constructor receives.
Builder = Callable[[Loss, str, Any], Any]


@dataclass(frozen=True)
class LossSite:
    path: Path  # where the site's mapping is: ("loss",), ("model", "criterion"), ()
    dialect: str  # "fat", and next "hydra", "lightning"
    spec: Loss | None  # the catalogue's entry for its class; None: a class it does not know
    written: Mapping[Any, Any]  # the site's mapping as the file writes it
    arguments: frozenset[str]  # the keys of `written` that reach the constructor
    builder: Builder
    name: str | None = None  # the dialect's own name for the class (the framework's `loss.name`)
    #: Where each argument's mapping is, when not the site's own (LightningCLI's `init_args`).
    places: Mapping[str, Path] | None = None
    class_key: str | None = None  # the key that names the class (`_target_`, `class_path`)
    #: The mappings its arguments are written in, present or not (LightningCLI's `init_args`
    #: and `dict_kwargs`); None: the site's own mapping.
    holders: tuple[Path, ...] | None = None

    @property
    def pointer(self) -> str:
        """The site's JSON pointer (SPEC §6): "/loss", "" for the document root."""
        return "".join(f"/{_escaped(part)}" for part in self.path)

    @property
    def torch_class(self) -> str | None:
        return self.spec.torch_class if self.spec is not None else None

    def at(self, *parts: Any) -> Path:
        """The absolute path of an argument (and of parts within it)."""
        if parts and self.places is not None and parts[0] in self.places:
            return (*self.places[parts[0]], *parts)
        return (*self.path, *parts)

    @property
    def argument_mappings(self) -> tuple[Path, ...]:
        """Where its arguments are written: the site's mapping, or LightningCLI's."""
        return self.holders if self.holders is not None else (self.path,)

    @property
    def class_path(self) -> Path:
        """Where the class is named: its `_target_` or `class_path` value, or the site itself
        (a bare class name, or the framework's section)."""
        return self.at(self.class_key) if self.class_key is not None else self.path

    def value(self, argument: str) -> Any:
        """The argument as the builder passes it to the constructor (the framework's
        `float("0.1")` is 0.1); None when the class does not take it or it is not written."""
        if self.spec is None or argument not in self.spec.parameters:
            return None
        if argument not in self.arguments:
            return None
        return self.builder(self.spec, argument, self.written[argument])

    def record(self) -> LossRecord:
        """The site as the JSON report lists it."""
        return LossRecord(self.pointer, self.dialect, self.torch_class)


def _escaped(part: Any) -> str:
    return str(part).replace("~", "~0").replace("/", "~1")


def mappings(data: Any) -> Iterator[tuple[Path, dict[Any, Any]]]:
    """Every mapping of a document with its path, parents first, in document order (an
    explicit stack: a document may nest deeper than Python's recursion limit)."""
    stack: list[tuple[Path, Any]] = [((), data)]
    while stack:
        path, node = stack.pop()
        if isinstance(node, dict):
            yield path, node
            children = [((*path, key), value) for key, value in node.items()]
        elif isinstance(node, list):
            children = [((*path, index), value) for index, value in enumerate(node)]
        else:
            continue
        stack.extend(child for child in reversed(children) if isinstance(child[1], dict | list))
