"""Inlines → Markdown text: shared by the Markdown writer's body (markdown.py) and its
figures (markdown_figures.py), which otherwise would import each other."""

from __future__ import annotations

from typing import assert_never

from zongjie.document.mdsyntax import escape_inline
from zongjie.document.model import Emphasis, FactSpan, Inline, LineBreak, Strong, Text


def inline_markdown(inlines: tuple[Inline, ...]) -> str:
    parts = []
    for inline in inlines:
        match inline:
            case Text() | FactSpan():
                parts.append(escape_inline(inline.text))
            case Strong():
                parts.append("**" + inline_markdown(inline.children) + "**")
            case Emphasis():
                parts.append("*" + inline_markdown(inline.children) + "*")
            case LineBreak():
                parts.append("\\\n")
            case _:
                assert_never(inline)
    return "".join(parts)


def cell_markdown(inlines: tuple[Inline, ...]) -> str:
    """A table cell: on one line."""
    return inline_markdown(inlines).replace("\\\n", " ")
