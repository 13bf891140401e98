"""Layout decisions shared by the page-oriented writers: where a long title breaks, how far
the signature and date stand from the right margin, which way a table cell aligns and which
tables are kept on one page. Widths are in characters of the font
(a Chinese character is 1, a digit or Latin letter about half)."""

from __future__ import annotations

import math
import re

from zongjie.document.model import plain_text

TITLE_CHARS_PER_LINE = 20  # 2号 (22 pt) in the 156 mm text block
SMALL_TABLE_ROWS = 8  # a table this short is kept on one page (moved whole to the next if need be)
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


# Advance widths of Times New Roman (and its metric twin Liberation Serif), in ems, for the
# ASCII characters a signature or date may hold; a CJK character or full-width sign is 1 em.
_TIMES_WIDTHS = {**{d: 0.5 for d in "0123456789"}, " ": 0.25, ".": 0.25, ",": 0.25, "-": 0.333, ":": 0.278,
                 "/": 0.278, "(": 0.333, ")": 0.333, "%": 0.833, "&": 0.778,
                 **dict(zip("ABCDEFGHIJKLMNOPQRSTUVWXYZ", (0.722, 0.667, 0.667, 0.722, 0.611, 0.556, 0.722, 0.722,
                                                          0.333, 0.389, 0.722, 0.611, 0.889, 0.722, 0.722, 0.556,
                                                          0.722, 0.667, 0.556, 0.611, 0.722, 0.722, 0.944, 0.722,
                                                          0.722, 0.611))),
                 **dict(zip("abcdefghijklmnopqrstuvwxyz", (0.444, 0.5, 0.444, 0.5, 0.444, 0.333, 0.5, 0.5, 0.278,
                                                          0.278, 0.5, 0.278, 0.778, 0.5, 0.5, 0.5, 0.5, 0.333,
                                                          0.389, 0.278, 0.5, 0.5, 0.722, 0.5, 0.5, 0.444)))}


def text_width(text: str, size: float = 1.0, spacing: float = 0.0, cjk_latin_gap: float = 0.0) -> float:
    """Width of `text` set in `size` (points, or 1 for ems): CJK at 1 em, ASCII at Times New
    Roman's widths, `spacing` added after every character (Word's 字符间距) and
    `cjk_latin_gap` wherever Chinese meets a digit or Latin letter (the space Word and
    LibreOffice insert there unless told not to)."""
    width = 0.0
    previous_wide = None
    for character in text:
        wide = ord(character) > 0x2E7F
        width += (1.0 if wide else _TIMES_WIDTHS.get(character, 0.5)) * size + spacing
        if previous_wide is not None and wide != previous_wide and character != " ":
            width += cjk_latin_gap
        previous_wide = wide
    return width


# The space Word and LibreOffice put between a Chinese character and a digit or Latin letter
# (自动调整中文与数字的间距, on by default and not switched off by LibreOffice 7.4 even when
# the DOCX asks), in ems: 3.44 pt at 16 pt, measured in LibreOffice's PDF. Word's is said to be
# about a quarter em (not measured here): a date with five such joints then sits ~0.2
# character off where the date is the longer; where the signature is, the date's width never counts.
CJK_LATIN_GAP_EM = 0.215


def closing_positions(signature: str, date: str, line_width: float, char: float, size: float,
                      spacing: float = 0.0) -> dict[str, tuple[str, float]]:
    """How to place the signature and the date on a line `line_width` wide (points; `char`
    is one character of the body grid, `size` the font size, `spacing` the character
    spacing): per part, ("right", right indent) or ("left", left indent).

    GB/T 9704-2012 §7.3.5.2: the signature two characters from the right margin, the date's
    first character two characters right of the signature's; when the date is the longer
    (as set: its digits, Chinese characters and the space between them), the date keeps two
    characters on the right and the signature moves left. Each part is
    anchored on the edge that does not depend on a width we estimate: in the usual case the
    signature (Chinese characters, exact widths) sets both, and the date's digits never
    count."""
    gap = CJK_LATIN_GAP_EM * size
    signature_width = text_width(signature, size, spacing, gap)
    date_width = text_width(date, size, spacing, gap)
    if not signature:
        return {"date": ("right", 2 * char)}
    if not date:
        return {"signature": ("right", 2 * char)}
    if date_width <= signature_width:
        return {"signature": ("right", 2 * char), "date": ("left", line_width - signature_width)}
    return {"signature": ("left", line_width - 4 * char - date_width), "date": ("right", 2 * char)}


def guess_alignment(inlines) -> str:
    """Figures right-aligned, words left-aligned, when the Markdown did not say."""
    text = plain_text(inlines).strip()
    return "right" if text[:1].isdigit() or text[:1] in "+-−" else "left"
