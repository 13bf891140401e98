"""The document in the locale's script: every text of the model converted (OpenCC after the
workspace's own phrases), the figures' sources and a chart's data left as they are."""

from __future__ import annotations

from msgspec.structs import replace

from zongjie.document.model import Block, Chart, Document, FactSpan, Heading, Inline, Text
from zongjie.document.walk import map_blocks, map_inlines
from zongjie.script import is_traditional, text_converter


def convert_document(document: Document, locale: str, phrases: tuple[tuple[str, str], ...] = ()) -> Document:
    if not is_traditional(locale):
        return document
    convert = text_converter(locale, phrases)
    return map_blocks(_block_converter(convert), map_inlines(_inline_converter(convert), document))


def _inline_converter(convert):
    """Text and figures' text in the locale's script; a draft's 【待填：键】 names the key as
    written in facts.yaml, so it stays as it is."""
    def converted(inline: Inline) -> Inline:
        match inline:
            case Text():
                text = convert(inline.text)
                return inline if text == inline.text else Text(text)  # not replace(): the hot path
            case FactSpan(placeholder=False):
                text = convert(inline.text)
                return inline if text == inline.text else replace(inline, text=text)
        return inline
    return converted


def _block_converter(convert):
    """What a block shows that is not inlines: a heading's number; a chart's unit, category
    and series names and the reason it is withheld (its figures stay as they are)."""
    def converted(block: Block) -> Block:
        match block:
            case Heading():
                return replace(block, number=convert(block.number))
            case Chart():
                return replace(block, unit=convert(block.unit),
                               categories=tuple(convert(name) for name in block.categories),
                               series=tuple(replace(s, name=convert(s.name)) for s in block.series),
                               withheld=convert(block.withheld))
        return block
    return converted
