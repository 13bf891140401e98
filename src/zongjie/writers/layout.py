"""Layout decisions shared by the page-oriented writers: where a long title breaks, how far
the signature and date stand from the right margin. Widths are in characters of the font
(a Chinese character is 1, a digit or Latin letter about half)."""

from __future__ import annotations

import math
import re

TITLE_CHARS_PER_LINE = 20  # 2号 (22 pt) in the 156 mm text block
# Places where a title may break, with how good a break they are (GB/T 9704: keep words and
# names whole; lines shaped as a trapezoid, the upper one not longer than the lower).
_GOOD_BREAK_AFTER = [(re.compile(r"(局|厅|委|办|院|区|县|市|省|镇|街道)$"), 6),
                     (re.compile(r"(年度|年)$"), 5), (re.compile(r"的$"), 4)]
_GOOD_BREAK_BEFORE = [(re.compile(r"^关于"), 6)]
_WORDS = ("医疗保障局", "医疗保障", "综合医疗保障", "健康脱贫", "民生工程", "工作总结", "自评报告", "年度",
          "实施方案", "专项", "治理", "基金", "监管", "工作", "报告", "总结", "情况", "综合")


def display_width(text: str) -> float:
    return sum(1.0 if ord(ch) > 0x2E7F else 0.5 for ch in text)


def title_lines(title: str, per_line: int = TITLE_CHARS_PER_LINE) -> list[str]:
    """A title as balanced lines: one if it fits, else broken where a word ends, the upper
    line not longer than the lower (an upright trapezoid)."""
    if display_width(title) <= per_line or len(title) < 4:
        return [title]
    lines = math.ceil(display_width(title) / per_line)
    if lines > 2:  # rare: break the head off and balance the rest
        head, rest = _best_break(title, target=display_width(title) / lines)
        return [head, *title_lines(rest, per_line)]
    return list(_best_break(title, target=display_width(title) / 2))


def _best_break(title: str, target: float) -> tuple[str, str]:
    best, best_score = len(title) // 2, -math.inf
    for index in range(1, len(title)):
        left, right = title[:index], title[index:]
        if _inside_token(title, index):
            continue
        score = -abs(display_width(left) - target) * 1.5
        if display_width(left) > display_width(right):
            score -= 2  # an inverted trapezoid reads top-heavy
        score += max([bonus for pattern, bonus in _GOOD_BREAK_AFTER if pattern.search(left)] +
                     [bonus for pattern, bonus in _GOOD_BREAK_BEFORE if pattern.search(right)] +
                     [3 if any(left.endswith(word) for word in _WORDS) else 0])
        if score > best_score:
            best, best_score = index, score
    return title[:best], title[best:]


def _inside_token(title: str, index: int) -> bool:
    """Never split digits, Latin words, a known word, or put punctuation at a line start."""
    before, after = title[index - 1], title[index]
    if before.isascii() and after.isascii() and before.isalnum() and after.isalnum():
        return True
    if after in "，。、；：）》”’！？":
        return True
    for word in _WORDS:
        start = title.find(word)
        while start != -1:
            if start < index < start + len(word):
                return True
            start = title.find(word, start + 1)
    return False


def closing_indents(signature: str, date: str) -> tuple[float, float]:
    """Right indents (characters) of the signature and the date: the signature two
    characters from the right margin, the date starting two characters right of the
    signature's start; if the date is the longer, the date keeps two characters and the
    signature moves left (GB/T 9704-2012 §7.3.5.2, documents without a seal)."""
    signature_width, date_width = display_width(signature), display_width(date)
    signature_right = 2.0
    date_right = signature_right + signature_width - 2 - date_width
    if date_right < 2:
        date_right = 2.0
        signature_right = date_right + date_width + 2 - signature_width
    return signature_right, date_right
