"""Heading numbers as a pass over the document model.

Templates write headings without numbers; this pass numbers them by level in the official
hierarchy 一、 / （一） / 1. / （1）, or any other per template (A / B / C for a news-style
layout). Because numbers are assigned after rendering, a section a template leaves out
leaves no gap.

A pattern is text with one placeholder: {一} Chinese numeral, {1} Arabic digits, {A}/{a}
Latin letters, {I} Roman numerals, {壹} 大写 numerals.
"""

from __future__ import annotations

import re
from dataclasses import replace

from zongjie.errors import TemplateError
from zongjie.model import Document, Heading
from zongjie.numbers.chinese import chinese_numeral

OFFICIAL_NUMBERING = ("{一}、", "（{一}）", "{1}.", "（{1}）")
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
_COUNTERS = {
    "一": chinese_numeral,
    "1": str,
    "A": lambda n: _letters(n, "ABCDEFGHIJKLMNOPQRSTUVWXYZ"),
    "a": lambda n: _letters(n, "abcdefghijklmnopqrstuvwxyz"),
    "I": _roman,
    "壹": lambda n: chinese_numeral(n).translate(_TO_DAXIE),
}


def validate_patterns(patterns: tuple[str, ...], where=None) -> None:
    for pattern in patterns:
        if pattern and len(_PLACEHOLDER.findall(pattern)) != 1:
            raise TemplateError(
                f"编号格式“{pattern}”里须恰好有一个占位符",
                where,
                "可用的占位符：{一}（中文数字）、{1}（阿拉伯数字）、{A}、{a}、{I}、{壹}，如“（{一}）”。",
            )


def format_number(pattern: str, number: int) -> str:
    return _PLACEHOLDER.sub(lambda match: _COUNTERS[match.group(1)](number), pattern)


def number_headings(document: Document, patterns: tuple[str, ...] = OFFICIAL_NUMBERING) -> Document:
    """Give every heading its number; levels without a pattern (or with "") stay unnumbered."""
    counters = [0] * 7
    blocks = []
    for block in document.blocks:
        if isinstance(block, Heading):
            level = block.level
            counters[level] += 1
            for deeper in range(level + 1, len(counters)):
                counters[deeper] = 0
            pattern = patterns[level - 1] if level <= len(patterns) else ""
            if pattern:
                block = replace(block, number=format_number(pattern, counters[level]))
        blocks.append(block)
    return replace(document, blocks=tuple(blocks), numbering=tuple(patterns))


def split_pattern(pattern: str) -> tuple[str, str, str] | None:
    """"（{一}）" → ("（", "一", "）"): the text around the placeholder and its kind."""
    match = _PLACEHOLDER.search(pattern)
    if match is None:
        return None
    return pattern[: match.start()], match.group(1), pattern[match.end():]
