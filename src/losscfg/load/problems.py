"""What reading and loading a file can go wrong with, as data: the rules word it as diagnostics.

Reading (`losscfg.load.reading`) and loading (`losscfg.load.document`) know no rule: they
return these problems, and `losscfg.lint.rules.syntax` turns each kind into the diagnostic of
its rule.
"""

from __future__ import annotations

from enum import Enum
from typing import NamedTuple

from losscfg.diagnostics import Span


class Problem(Enum):
    UNREADABLE = "the path cannot be read"
    NOT_YAML = "the text is not YAML that yaml.safe_load reads"
    DUPLICATE_KEY = "a key appears twice in one mapping"
    MULTIPLE_DOCUMENTS = "more than one YAML document"


class LoadProblem(NamedTuple):
    kind: Problem
    message: str
    span: Span | None = None
    hint: str | None = None
    pointer: str | None = None
