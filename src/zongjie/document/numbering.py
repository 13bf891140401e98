"""Heading numbers as a pass over the document model.

Templates write headings without numbers; this pass numbers them by level in the official
hierarchy 一、 / （一） / 1. / （1）, or any other per template (A / B / C for a news-style
layout). Because numbers are assigned after rendering, a section a template leaves out
leaves no gap.

A pattern in template.yaml is text with one placeholder: {一} Chinese numeral, {1} Arabic
digits, {A}/{a} Latin letters, {I} Roman numerals, {壹} 大写 numerals. It is parsed once, here,
into a LevelNumbering (text before, Counter, text after); the document carries that, and
every writer reads it instead of the pattern.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from msgspec.structs import replace

from zongjie.document.model import Counter, Document, Heading, LevelNumbering
from zongjie.errors import TemplateError
from zongjie.numbers.chinese import chinese_numeral

_PLACEHOLDER = re.compile(r"\{(一|1|A|a|I|壹)\}")


def _roman(number: int) -> str:
    values = [(1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"),
              (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")]
    text = ""
    for value, letters in values:
        count, number = divmod(number, value)
        text += letters * count
    return text


def _letters(number: int, alphabet: str) -> str:
    text = ""
    while number > 0:
        number, remainder = divmod(number - 1, 26)
        text = alphabet[remainder] + text
    return text


_TO_DAXIE = str.maketrans("一二三四五六七八九十百", "壹贰叁肆伍陆柒捌玖拾佰")
_COUNTERS: dict[Counter, Callable[[int], str]] = {
    Counter.CHINESE: chinese_numeral,
    Counter.ARABIC: str,
    Counter.UPPER_LETTER: lambda n: _letters(n, "ABCDEFGHIJKLMNOPQRSTUVWXYZ"),
    Counter.LOWER_LETTER: lambda n: _letters(n, "abcdefghijklmnopqrstuvwxyz"),
    Counter.UPPER_ROMAN: _roman,
    Counter.DAXIE: lambda n: chinese_numeral(n).translate(_TO_DAXIE),
}


def parse_pattern(pattern: str, where=None) -> LevelNumbering | None:
    """"（{一}）" → LevelNumbering("（", Counter.CHINESE, "）"); "" → None (the level is not
    numbered). A pattern without exactly one placeholder is the template's mistake."""
    if not pattern:
        return None
    found = list(_PLACEHOLDER.finditer(pattern))
    if len(found) != 1:
        raise TemplateError(
            f"编号格式“{pattern}”里须恰好有一个占位符",
            where,
            "可用的占位符：{一}（中文数字）、{1}（阿拉伯数字）、{A}、{a}、{I}、{壹}，如“（{一}）”。",
        )
    match = found[0]
    return LevelNumbering(pattern[: match.start()], Counter(match.group(1)), pattern[match.end():])


def parse_patterns(patterns: tuple[str, ...], where=None) -> tuple[LevelNumbering | None, ...]:
    return tuple(parse_pattern(pattern, where) for pattern in patterns)


OFFICIAL_NUMBERING = parse_patterns(("{一}、", "（{一}）", "{1}.", "（{1}）"))


def format_number(numbering: LevelNumbering, number: int) -> str:
    return numbering.before + _COUNTERS[numbering.counter](number) + numbering.after


def number_headings(document: Document,
                    numbering: tuple[LevelNumbering | None, ...] = OFFICIAL_NUMBERING) -> Document:
    """Give every heading its number; levels without numbering (None, or past the tuple's
    end) stay unnumbered."""
    counters = [0] * 7
    blocks = []
    for block in document.blocks:
        if isinstance(block, Heading):
            level = block.level
            counters[level] += 1
            for deeper in range(level + 1, len(counters)):
                counters[deeper] = 0
            level_numbering = numbering[level - 1] if level <= len(numbering) else None
            if level_numbering is not None:
                block = replace(block, number=format_number(level_numbering, counters[level]))
        blocks.append(block)
    return replace(document, blocks=tuple(blocks), numbering=tuple(numbering))
