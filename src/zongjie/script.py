"""Traditional-Chinese output: the whole document converted, figures untouched.

OpenCC does the conversion (s2tw for Taiwan, s2hk for Hong Kong: character standards, not
vocabulary, since names of offices and programmes must not be rewritten). Digits, percent
signs and decimal points pass through unchanged, so every figure stays as it was computed.
"""

from __future__ import annotations

from dataclasses import replace
from functools import lru_cache

from zongjie.model import (
    Document,
    Emphasis,
    FactSpan,
    Heading,
    ListBlock,
    Meta,
    Paragraph,
    Strong,
    Table,
    Text,
)

_CONFIGS = {"zh_Hant_TW": "s2tw", "zh_Hant_HK": "s2hk"}


@lru_cache(maxsize=4)
def _converter(config: str):
    import opencc

    return opencc.OpenCC(config)


def convert_document(document: Document, locale: str) -> Document:
    config = _CONFIGS.get(locale)
    if config is None:
        return document
    convert = _converter(config).convert
    return _Converter(convert).document(document)


class _Converter:
    def __init__(self, convert):
        self.convert = convert

    def document(self, document: Document) -> Document:
        meta = document.meta
        return Document(
            Meta(
                self.inlines(meta.title),
                self.inlines(meta.subtitle),
                self.inlines(meta.signature),
                self.inlines(meta.date),
                tuple(self.inlines(item) for item in meta.attachments),
            ),
            tuple(self.block(block) for block in document.blocks),
            document.numbering,
        )

    def block(self, block):
        if isinstance(block, Heading):
            return replace(block, content=self.inlines(block.content), number=self.convert(block.number))
        if isinstance(block, Paragraph):
            return replace(block, content=self.inlines(block.content))
        if isinstance(block, ListBlock):
            return replace(block, items=tuple(tuple(self.block(child) for child in item) for item in block.items))
        if isinstance(block, Table):
            return replace(
                block,
                header=tuple(self.inlines(cell) for cell in block.header),
                rows=tuple(tuple(self.inlines(cell) for cell in row) for row in block.rows),
            )
        return block

    def inlines(self, inlines):
        converted = []
        for inline in inlines:
            if isinstance(inline, FactSpan) and inline.placeholder:  # 【待填：键】 names the key as written in facts.yaml
                converted.append(inline)
            elif isinstance(inline, (Text, FactSpan)):
                converted.append(replace(inline, text=self.convert(inline.text)))
            elif isinstance(inline, (Strong, Emphasis)):
                converted.append(replace(inline, children=self.inlines(inline.children)))
            else:
                converted.append(inline)
        return tuple(converted)
