"""Whether a gitignore-style pattern can be used at all, decided without pathspec.

Settings and `--exclude` are checked when they are read, so a malformed pattern is a usage
error that names where it was written, not a failure in the middle of a search; pathspec (30 ms
to import) is still loaded only when a path is matched. The brackets are read as pathspec reads
them: their contents reach a regular expression as they are, so `[z-a]` cannot compile.
"""

from __future__ import annotations

import re
import warnings

#: git's character classes in brackets (`[[:digit:]]`), as ranges pathspec and RE2 read (none
#: starts with `!` or `^`, which would negate the bracket).
CLASSES = {
    "alnum": "a-zA-Z0-9",
    "alpha": "a-zA-Z",
    "blank": " \t",
    "cntrl": "\x01-\x1f\x7f",
    "digit": "0-9",
    "graph": '#-~!"',
    "lower": "a-z",
    "print": " -~",
    "punct": ":-@!-.{-~^_`",  # less / (pathspec splits a pattern on it), [, \\ and ]
    "space": " \t\n\r\f\v",
    "upper": "A-Z",
    "xdigit": "0-9A-Fa-f",
}
_CLASS = re.compile(r"\[:([a-z]*):\]")


def with_classes(pattern: str) -> str:
    """The pattern with git's character classes inside brackets written as ranges
    (`[[:digit:]]` is `[0-9]`): pathspec would read `[[:digit:]` as a bracket and a literal
    `]`, and RE2 refuses it. An unknown class is left as it is (`pattern_problem` names it)."""
    return _classes(pattern)[0]


def _classes(pattern: str) -> tuple[str, list[str]]:
    """The pattern with its known classes as ranges, and the unknown classes in brackets."""
    if "[:" not in pattern:
        return pattern, []
    out: list[str] = []
    unknown: list[str] = []
    i, inside, escaped = 0, False, False
    while i < len(pattern):
        char = pattern[i]
        named = _CLASS.match(pattern, i) if inside else None
        if named is not None and named[1] in CLASSES:
            out.append(CLASSES[named[1]])
            i = named.end()
            continue
        if named is not None:
            unknown.append(named[1])
        out.append(char)
        i += 1
        if escaped:
            escaped = False
        elif char == "\\" and not inside:
            escaped = True
        elif char == "[" and not inside:
            inside = True
            if i < len(pattern) and pattern[i] in "!^":
                out.append(pattern[i])
                i += 1
            if i < len(pattern) and pattern[i] == "]":  # a first `]` is a member
                out.append("]")
                i += 1
        elif char == "]" and inside:
            inside = False
    return "".join(out), unknown


def pattern_problem(pattern: str) -> str | None:
    """Why `pattern` is not a usable gitignore-style pattern; None when it is."""
    pattern, unknown = _classes(pattern)
    if unknown:
        return (
            f"[:{unknown[0]}:] is no character class git knows "
            f"({', '.join(f'[:{name}:]' for name in CLASSES)})"
        )
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
