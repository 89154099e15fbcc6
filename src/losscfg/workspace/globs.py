"""Whether a gitignore-style pattern can be used at all, decided without pathspec.

Settings and `--exclude` are checked when they are read, so a malformed pattern is a usage
error that names where it was written, not a failure in the middle of a search; pathspec (30 ms
to import) is still loaded only when a path is matched. The brackets are read as pathspec reads
them: their contents reach a regular expression as they are, so `[z-a]` cannot compile.
"""

from __future__ import annotations

import re
import warnings


def pattern_problem(pattern: str) -> str | None:
    """Why `pattern` is not a usable gitignore-style pattern; None when it is."""
    body = pattern.removeprefix("!")
    if not body.strip():
        return "it is a lone '!' that negates nothing"
    escaped = False
    i = 0
    while i < len(body):
        char = body[i]
        i += 1
        if escaped:
            escaped = False
        elif char == "\\":
            escaped = True
        elif char == "[":
            end = _bracket_end(body, i)
            if end is not None:
                problem = _bracket_problem(body[i - 1 : end])
                if problem is not None:
                    return problem
                i = end
    if escaped:
        return "it ends with a lone backslash (write \\\\ for a backslash, or drop it)"
    return None


def _bracket_end(body: str, start: int) -> int | None:
    """One past the `]` that closes the bracket opened just before `start`; None: unclosed
    (then the `[` is a literal)."""
    j = start
    if j < len(body) and body[j] in "!^":
        j += 1
    if j < len(body) and body[j] == "]":
        j += 1
    j = body.find("]", j)
    return None if j < 0 else j + 1


def _bracket_problem(bracket: str) -> str | None:
    inside = bracket[1:-1]
    if inside[:1] in ("!", "^"):
        inside = inside[1:]
    try:
        with warnings.catch_warnings():  # `[[:alpha:]]`: "possible nested set"
            warnings.simplefilter("ignore")
            re.compile("[" + inside.replace("\\", "\\\\") + "]")
    except re.error as problem:
        return f"its bracket expression {bracket} is not valid ({problem.msg})"
    return None
