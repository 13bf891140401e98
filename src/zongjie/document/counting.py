"""Counts in Chinese numerals: 2 before a measure word is 两 (两家, 两个), not 二.

`{{ 新增 | 中文数字 }}家` renders 二 for 2, which reads wrong: a count of two is 两 (Traditional
兩, after conversion), while a digit read as such stays 二 (第二, 二是, 十二家, 二〇二三年).
The filter cannot see the word after it, so this pass over the assembled document does: a
Chinese numeral taken from a fact and followed by a measure word is a count, and its leading
二 before nothing or before 千/万/亿 becomes 两 (两家, 两千人, 两万元 but 二十家, 二百家).
"""

from __future__ import annotations

import re

from msgspec.structs import replace

from zongjie.document.model import Block, Document, Emphasis, FactSpan, Heading, Paragraph, Strong, Table, Text
from zongjie.document.walk import map_blocks

# Measure words (量词) and units after which a Chinese numeral is a count.
MEASURE_WORDS = (
    "个", "家", "项", "名", "位", "人", "次", "条", "所", "台", "件", "种", "批", "场", "届", "类", "份",
    "支", "套", "张", "期", "轮", "级", "处", "座", "辆", "本", "篇", "部", "起", "例", "组", "队", "户",
    "年", "月", "天", "周", "季度", "小时", "元", "万", "亿", "千", "倍", "方面", "大",
)
_MEASURE = re.compile("|".join(sorted(MEASURE_WORDS, key=len, reverse=True)))
# 二 as the whole numeral, or leading 二千 / 二万 / 二亿 (with anything after).
_COUNTED_TWO = re.compile(r"^二(?=$|[千万亿])")
_NUMERAL = re.compile(r"^[零〇一二三四五六七八九十百千万亿]+$")


def count_numerals(document: Document) -> Document:
    return map_blocks(_block, document)


def _block(block: Block) -> Block:
    """Running text: headings, paragraphs and the body of tables."""
    match block:
        case Heading() | Paragraph():
            content = _inlines(block.content)
            return block if content is block.content else replace(block, content=content)
        case Table():
            rows = tuple(_row(row) for row in block.rows)
            return block if all(new is old for new, old in zip(rows, block.rows)) else replace(block, rows=rows)
    return block


def _row(row: tuple) -> tuple:
    cells = tuple(_inlines(cell) for cell in row)
    return row if all(new is old for new, old in zip(cells, row)) else cells


def _inlines(inlines: tuple) -> tuple:
    result = list(inlines)
    for index, inline in enumerate(result):
        if isinstance(inline, (Strong, Emphasis)):
            children = _inlines(inline.children)
            if children is not inline.children:
                result[index] = replace(inline, children=children)
            continue
        if not (isinstance(inline, FactSpan) and _NUMERAL.match(inline.text)):
            continue
        following = result[index + 1] if index + 1 < len(result) else None
        if isinstance(following, Text) and _MEASURE.match(following.text) and _COUNTED_TWO.match(inline.text):
            result[index] = replace(inline, text="两" + inline.text[1:])
    if all(new is old for new, old in zip(result, inlines)):
        return inlines
    return tuple(result)

