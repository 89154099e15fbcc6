"""Config text and paths made safe to print: no terminal escapes, no bidirectional overrides,
no line breaks that start another GitHub workflow command, no lone surrogates in UTF-8 output.

A config or a file name can hold any character; losscfg's output quotes both. These functions
make every such character visible instead of letting it act on the terminal or the CI log.
"""

from __future__ import annotations

import re

# C0 and C1 controls (tab excepted), DEL, and the bidirectional formatting characters that can
# reorder what a terminal shows (Trojan Source): U+200E/F, U+202A-U+202E, U+2066-U+2069.
_UNSAFE = re.compile("[\x00-\x08\x0a-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")
# Lone surrogates: what Python makes of undecodable bytes in file names (surrogateescape).
_SURROGATE = re.compile("[\ud800-\udfff]")


def printable(text: str, *, line_breaks: bool = False) -> str:
    """`text` with every control, bidirectional and surrogate character written as an escape
    (`\\x1b`, `\\u202e`, `\\udcff`): one line, shown as it is, acting on nothing. With
    `line_breaks`, CR and LF stay (for a format that escapes them itself)."""
    if _UNSAFE.search(text) is None and _SURROGATE.search(text) is None:
        return text
    escape = _keep_line_breaks if line_breaks else _escape
    text = _UNSAFE.sub(escape, text)
    return _SURROGATE.sub(_escape, text)


def _keep_line_breaks(match: re.Match[str]) -> str:
    return match.group() if match.group() in "\r\n" else _escape(match)


def same_width(text: str) -> str:
    """`text` with each unsafe character replaced by U+FFFD: a source line whose columns still
    line up with the caret under it."""
    if _UNSAFE.search(text) is None and _SURROGATE.search(text) is None:
        return text
    return _SURROGATE.sub("\ufffd", _UNSAFE.sub("\ufffd", text))


def utf8_safe(text: str) -> str:
    """`text` encodable as UTF-8: lone surrogates written as escapes (`\\udcff`)."""
    return _SURROGATE.sub(_escape, text) if _SURROGATE.search(text) else text


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"
