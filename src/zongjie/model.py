"""The one document model every writer reads.

Frozen dataclasses, in the spirit of pandoc's AST: a Document is metadata plus blocks; blocks
hold inlines. The Markdown reader produces it, passes (heading numbering, checks) transform it,
and the DOCX, HTML and Markdown writers consume it. No writer parses another writer's output.
`FactSpan` is an inline that came from a fact, so every figure stays traceable to its line.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Union

from zongjie.errors import Location


# ---- inlines -------------------------------------------------------------------------------
@dataclass(frozen=True)
class Text:
    text: str


@dataclass(frozen=True)
class FactSpan:
    """Text produced from a fact (or a filter over facts): `429198人` from 参保.参保人数."""

    text: str
    keys: tuple[str, ...]
    locations: tuple[Location, ...]
    derived: bool = False
    written: tuple[str, ...] = ()  # each fact as written in facts.yaml
    placeholder: bool = False  # a draft's 【待填：键】 (writers highlight it), not a figure


@dataclass(frozen=True)
class Strong:
    children: tuple["Inline", ...]


@dataclass(frozen=True)
class Emphasis:
    children: tuple["Inline", ...]


@dataclass(frozen=True)
class LineBreak:
    pass


Inline = Union[Text, FactSpan, Strong, Emphasis, LineBreak]


# ---- blocks --------------------------------------------------------------------------------
@dataclass(frozen=True)
class Heading:
    level: int  # 1 = 一、, 2 = （一）, 3 = 1., 4 = （1）
    content: tuple[Inline, ...]
    number: str = ""  # filled by the numbering pass, e.g. "一、"
    line: int | None = None  # line in the rendered Markdown


@dataclass(frozen=True)
class Paragraph:
    content: tuple[Inline, ...]
    line: int | None = None


@dataclass(frozen=True)
class ListBlock:
    ordered: bool
    items: tuple[tuple["Block", ...], ...]
    start: int = 1


@dataclass(frozen=True)
class Table:
    header: tuple[tuple[Inline, ...], ...]
    rows: tuple[tuple[tuple[Inline, ...], ...], ...]
    align: tuple[str, ...]  # "left" | "center" | "right" | "" per column


@dataclass(frozen=True)
class PageBreak:
    pass


Block = Union[Heading, Paragraph, ListBlock, Table, PageBreak]


# ---- document ------------------------------------------------------------------------------
@dataclass(frozen=True)
class Meta:
    title: tuple[Inline, ...] = ()
    subtitle: tuple[Inline, ...] = ()
    signature: tuple[Inline, ...] = ()  # 落款: issuing body
    date: tuple[Inline, ...] = ()  # 成文日期
    attachments: tuple[tuple[Inline, ...], ...] = ()  # 附件 list


@dataclass(frozen=True)
class Document:
    meta: Meta
    blocks: tuple[Block, ...] = field(default_factory=tuple)
    # the heading number patterns per level ("{一}、", …), set by the numbering pass, so a
    # writer can number headings its own way (DOCX: real list numbering) and still agree
    numbering: tuple[str, ...] = ()


# ---- helpers -------------------------------------------------------------------------------
def plain_text(inlines: tuple[Inline, ...]) -> str:
    parts = []
    for inline in inlines:
        if isinstance(inline, (Text, FactSpan)):
            parts.append(inline.text)
        elif isinstance(inline, (Strong, Emphasis)):
            parts.append(plain_text(inline.children))
        elif isinstance(inline, LineBreak):
            parts.append("\n")
    return "".join(parts)


def walk_inlines(inlines: tuple[Inline, ...]):
    """Every inline, depth first."""
    for inline in inlines:
        yield inline
        if isinstance(inline, (Strong, Emphasis)):
            yield from walk_inlines(inline.children)


def block_inlines(block: Block):
    """The inline sequences a block holds (a table has one per cell)."""
    if isinstance(block, (Heading, Paragraph)):
        yield block.content
    elif isinstance(block, ListBlock):
        for item in block.items:
            for inner in item:
                yield from block_inlines(inner)
    elif isinstance(block, Table):
        for cell in block.header:
            yield cell
        for row in block.rows:
            yield from row
