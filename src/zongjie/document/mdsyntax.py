"""Escaping text that is inserted into Markdown.

A fact value containing `|` would split a table cell, `*` would start emphasis, `2023. 年度` at
a line start would become a list. Values inserted into templates and text written by the
Markdown writer go through `escape_inline`.
"""

from __future__ import annotations

import re

_SPECIAL = re.compile(r"([\\`*_\[\]<>|~#!&])")
_LINE_START = re.compile(r"^(\s*)(\d+)([.)])(\s|$)|^(\s*)([-+=])(\s|$)", re.MULTILINE)


_MAY_START_A_BLOCK = frozenset("0123456789-+= \t")


def escape_inline(text: str) -> str:
    if _SPECIAL.search(text):
        text = _SPECIAL.sub(r"\\\1", text)
    if text[:1] in _MAY_START_A_BLOCK or "\n" in text:  # most figures need neither pass
        text = _LINE_START.sub(_escape_line_start, text)
    return text


def _escape_line_start(match: re.Match) -> str:
    if match.group(2) is not None:
        return f"{match.group(1)}{match.group(2)}\\{match.group(3)}{match.group(4)}"
    return f"{match.group(5)}\\{match.group(6)}{match.group(7)}"
