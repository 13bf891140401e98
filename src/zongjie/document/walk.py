"""Traversal of the document model, after pandoc's Text.Pandoc.Walk: one place that knows
where blocks and inlines live, so a pass or a check says what it does to a node and not how
to reach it.

    iter_blocks(document)              every block, depth first (list items included)
    iter_inlines(document)             every inline, depth first (inside Strong and Emphasis too)
    inline_runs(block)                 the inline sequences a node shows as text, in reading order
    map_inlines(fn, document)          the same tree with `fn` applied to every inline, bottom-up
    map_blocks(fn, document)           the same tree with `fn` applied to every block, bottom-up

A node's text lives in: the metadata (title, subtitle, signature, date, each attachment), a
heading's or paragraph's content, a table's caption, header cells and body cells, a picture's
caption and a chart's title. A chart's series values are its data, not its text: no walk
reaches them (charts.py owns them), so a text pass never rewrites a figure drawn in a chart.

The maps rebuild only what changed: a node none of whose parts `fn` changed is returned as it
was (the same object), so a pass that touches little costs little. Every dispatch ends in
`assert_never` over the Block and Inline unions (a `match`, or an isinstance chain in the
loops that run once per inline): a node type added to model.py without a case here fails at
the first walk instead of being skipped in silence, and mypy names the walk that lacks it.
"""

from __future__ import annotations

from typing import Callable, Iterable, Iterator, TypeVar, assert_never, overload

from msgspec.structs import replace

from zongjie.document.model import (
    Block,
    Chart,
    Document,
    Emphasis,
    FactSpan,
    Heading,
    Inline,
    LineBreak,
    ListBlock,
    Meta,
    PageBreak,
    Paragraph,
    Picture,
    Strong,
    Table,
    Text,
)

Inlines = tuple[Inline, ...]


# ---- queries -------------------------------------------------------------------------------
def iter_blocks(blocks: Document | Block | tuple[Block, ...] | list[Block]) -> Iterator[Block]:
    """Every block, each before the blocks inside it (a list's items)."""
    if isinstance(blocks, Document):
        blocks = blocks.blocks
    elif not isinstance(blocks, (tuple, list)):
        blocks = (blocks,)
    for block in blocks:
        yield block
        match block:
            case Heading() | Paragraph() | Table() | PageBreak() | Picture() | Chart():
                pass
            case ListBlock():
                for item in block.items:
                    yield from iter_blocks(item)
            case _:
                assert_never(block)


def inline_runs(node: Document | Meta | Block | tuple[Block, ...] | list[Block]) -> Iterator[Inlines]:
    """The inline sequences a node shows as text, in reading order: a check that looks at a
    figure and the word after it looks within one run (a table cell, a paragraph)."""
    match node:  # the most frequent first: checks ask this of every block of a document
        case tuple() | list():
            for block in node:
                match block:
                    case Heading() | Paragraph():  # most blocks: no generator of their own
                        yield block.content
                    case _:
                        yield from inline_runs(block)
        case Heading() | Paragraph():
            yield node.content
        case Table():
            if node.caption:
                yield node.caption
            yield from node.header
            for row in node.rows:
                yield from row
        case ListBlock():
            for item in node.items:
                yield from inline_runs(item)
        case Picture():
            yield node.caption
        case Chart():
            yield node.title
        case PageBreak():
            pass
        case Document():
            yield from inline_runs(node.meta)
            yield from inline_runs(node.blocks)
        case Meta():
            yield from (node.title, node.subtitle, node.signature, node.date, *node.attachments)
        case _:
            assert_never(node)


def walk_inlines(inlines: Iterable[Inline]) -> Iterator[Inline]:
    """Every inline of a sequence, each before its children (a Strong before its text)."""
    for inline in inlines:  # isinstance, not match: this runs for every inline of a document
        yield inline
        if isinstance(inline, (Text, FactSpan, LineBreak)):  # leaves first: one test for most
            continue
        if isinstance(inline, (Strong, Emphasis)):
            yield from walk_inlines(inline.children)
        else:
            assert_never(inline)


def iter_inlines(node: Document | Meta | Block | tuple[Block, ...] | list[Block]) -> Iterator[Inline]:
    """Every inline of a node, depth first, in reading order."""
    for run in inline_runs(node):
        for inline in run:  # walk_inlines' loop, one generator less for the common leaf
            yield inline
            if isinstance(inline, (Text, FactSpan, LineBreak)):  # leaves first: one test for most
                continue
            if isinstance(inline, (Strong, Emphasis)):
                yield from walk_inlines(inline.children)
            else:
                assert_never(inline)


# ---- maps ----------------------------------------------------------------------------------
@overload
def map_inlines(fn: Callable[[Inline], Inline], node: Document) -> Document: ...
@overload
def map_inlines(fn: Callable[[Inline], Inline], node: Meta) -> Meta: ...
@overload
def map_inlines(fn: Callable[[Inline], Inline], node: Block) -> Block: ...
@overload
def map_inlines(fn: Callable[[Inline], Inline], node: Inline) -> Inline: ...
def map_inlines(fn, node):
    """The node with `fn` applied to every inline it holds, children before their parent."""
    return _InlineMap(fn).node(node)


@overload
def map_blocks(fn: Callable[[Block], Block], node: Document) -> Document: ...
@overload
def map_blocks(fn: Callable[[Block], Block], node: Block) -> Block: ...
def map_blocks(fn, node):
    """The node with `fn` applied to every block it holds (itself included), the blocks inside
    a list before the list."""
    def mapped(block: Block) -> Block:
        if isinstance(block, (Heading, Paragraph, Table, PageBreak, Picture, Chart)):  # most: no items
            return fn(block)
        if isinstance(block, ListBlock):
            items = _mapped(lambda item: _mapped(mapped, item), block.items)
            return fn(block if items is block.items else replace(block, items=items))
        assert_never(block)

    if isinstance(node, Document):
        blocks = _mapped(mapped, node.blocks)
        return node if blocks is node.blocks else replace(node, blocks=blocks)
    return mapped(node)


class _InlineMap:
    def __init__(self, fn: Callable[[Inline], Inline]):
        self.fn = fn

    def node(self, node):
        match node:
            case Document():
                meta, blocks = self.node(node.meta), _mapped(self.node, node.blocks)
                if meta is node.meta and blocks is node.blocks:
                    return node
                return replace(node, meta=meta, blocks=blocks)
            case Meta():
                return _changed(node, title=self.inlines(node.title), subtitle=self.inlines(node.subtitle),
                                signature=self.inlines(node.signature), date=self.inlines(node.date),
                                attachments=_mapped(self.inlines, node.attachments))
            case Heading() | Paragraph():
                return _changed(node, content=self.inlines(node.content))
            case ListBlock():
                return _changed(node, items=_mapped(lambda item: _mapped(self.node, item), node.items))
            case Table():
                return _changed(node, header=_mapped(self.inlines, node.header),
                                rows=_mapped(lambda row: _mapped(self.inlines, row), node.rows),
                                caption=self.inlines(node.caption))
            case Picture():
                return _changed(node, caption=self.inlines(node.caption))
            case Chart():
                return _changed(node, title=self.inlines(node.title))
            case PageBreak():
                return node
            case Text() | FactSpan() | Strong() | Emphasis() | LineBreak():
                return self.inline(node)
            case _:
                assert_never(node)

    def inlines(self, inlines: Inlines) -> Inlines:
        return _mapped(self.inline, inlines)

    def inline(self, inline: Inline) -> Inline:
        if isinstance(inline, (Strong, Emphasis)):
            inline = _changed(inline, children=self.inlines(inline.children))
        elif not isinstance(inline, (Text, FactSpan, LineBreak)):
            assert_never(inline)
        return self.fn(inline)


_T = TypeVar("_T")


def _mapped(fn: Callable[[_T], _T], items: tuple[_T, ...]) -> tuple[_T, ...]:
    """`fn` over a tuple; the same tuple when nothing in it changed."""
    mapped = [fn(item) for item in items]
    for new, old in zip(mapped, items):
        if new is not old:
            return tuple(mapped)
    return items


def _changed(node, **fields):
    """The node with these fields, or the node itself when every one is the value it holds."""
    if all(value is getattr(node, name) for name, value in fields.items()):
        return node
    return replace(node, **fields)
