"""Written figures → typed values: `11720.82万元`, `429,198人`, `１２３`, `96.19%`, `三十八`, dates.

Writers type what they see in spreadsheets and old reports; the parser accepts those forms and
refuses what is ambiguous, with a message that says what was expected. It never guesses a
float: every number becomes a Decimal with the written precision.
"""

from __future__ import annotations

import datetime
import re
from decimal import Decimal, InvalidOperation
from functools import lru_cache

from zongjie.errors import NumberFormatError
from zongjie.numbers.chinese import CHINESE_NUMERAL_CHARS, parse_chinese_numeral
from zongjie.numbers.quantity import PREFIX_QUALIFIERS, SUFFIX_QUALIFIERS, TRAILING_QUALIFIERS, Quantity, YearMonth
from zongjie.numbers.units import normalise_unit_name

# Full-width digits and signs as typed with a Chinese IME; 。 is not a decimal point.
_HALF_WIDTH = str.maketrans("０１２３４５６７８９．，％＋－−", "0123456789.,%+--")  # − typographic minus
_SPACES = re.compile(r"[\s\u00a0\u2009\u200b\u3000\ufeff]+")

# lazy, so that a trailing 以上/左右 is not read as unit; a rate unit has one "/" (200元/年, 元/人)
_UNIT = r"(?:%|‰|[\u4e00-\u9fff]{1,5}?(?:/[\u4e00-\u9fff]{1,4}?)?)"
_NUMBER = re.compile(
    r"^(?P<prefix>" + "|".join(PREFIX_QUALIFIERS) + r")?"
    r"(?P<sign>[+-])?"
    r"(?P<number>\d[\d,]*(?:\.\d+)?|\.\d+)"
    r"(?:(?P<scale>[万萬亿億])(?P<scaled_suffix>" + "|".join(SUFFIX_QUALIFIERS) + r"))?"  # 1万余份
    r"(?P<suffix>" + "|".join(SUFFIX_QUALIFIERS) + r")?"
    r"(?P<unit>" + _UNIT + r")?"
    r"(?P<trailing>" + "|".join(TRAILING_QUALIFIERS) + r")?$"
)
_GROUPED = re.compile(r"^\d{1,3}(?:,\d{3})+(?:\.\d+)?$")
# Looks like a figure (a number with a short tail) even if malformed: refuse instead of
# silently keeping it as text.
# Every prefix qualifier counts, not only 约/近: `超过1,23人` and `逾11720..82万元` are refused too.
# (1e400人 and 0x10人 are typos of a figure, not text)
_FIGURE_LIKE = re.compile(r"^(?:" + "|".join(PREFIX_QUALIFIERS) + r")?[+-]?[\d.,]+(?:[eExX][\d.+-]*)?[^\dA-Za-z]{0,5}$")
# Chinese numerals on their own (三十八, 二〇二三) or with a common unit (三十八人); with any
# word after them, 一站式 would read as 1 站式.
_COMMON_UNITS = "万人次|人次|万元|亿元|万人|元|人|家|个|项|条|次|分|篇|期|场次|台次|块|册|份|所|批"
_CHINESE_NUMBER = re.compile(
    r"^(?P<numeral>[" + "".join(sorted(CHINESE_NUMERAL_CHARS)) + r"]+?)(?P<unit>" + _COMMON_UNITS + r")?$"
)
MAX_DIGITS, MAX_DECIMALS = 18, 8  # beyond any figure of a summary; keeps Decimal arithmetic exact

_ISO_DATE = re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})$")
_CN_DATE = re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日$")
_CN_MONTH_END = re.compile(r"^(\d{4})年(\d{1,2})月底$")
_CN_MONTH = re.compile(r"^(\d{4})年(\d{1,2})月$")
_ISO_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")


def normalise_figure_text(text: str) -> str:
    """Full-width digits to half-width, spaces (also NBSP and U+3000) removed."""
    return _SPACES.sub("", text.translate(_HALF_WIDTH))


def parse_quantity(text: str) -> Quantity:
    """Read a written figure; raise NumberFormatError saying what was expected."""
    return _parse_quantity(str(text))


@lru_cache(maxsize=8192)  # figures repeat (as written, as shown); Quantity is immutable
def _parse_quantity(text: str) -> Quantity:
    compact = normalise_figure_text(text)
    match = _NUMBER.match(compact)
    if match is None:
        chinese = _CHINESE_NUMBER.match(compact)
        if chinese and _starts_like_a_numeral(chinese.group("numeral")):
            numeral = parse_chinese_numeral(chinese.group("numeral"))
            return Quantity(Decimal(numeral), normalise_unit_name(chinese.group("unit") or ""))
        raise NumberFormatError(
            f"“{text}”不是可识别的数字",
            "数字请写成 11720.82万元、429198人、96.19% 这样的形式（数字在前，单位在后）。",
        )
    number = match.group("number")
    if "," in number:
        if not _GROUPED.match(number):
            raise NumberFormatError(
                f"“{text}”中的千分位逗号位置不对",
                "千分位逗号须每三位一个（如 429,198），也可以不写逗号。",
            )
        number = number.replace(",", "")
    whole, _, fraction = number.partition(".")
    if len(whole.lstrip("0")) > MAX_DIGITS or len(fraction) > MAX_DECIMALS:
        raise NumberFormatError(
            f"“{text}”的位数太多",
            f"整数部分最多 {MAX_DIGITS} 位、小数最多 {MAX_DECIMALS} 位；很大的数请换用万元、亿元等单位。",
        )
    try:
        value = Decimal(number)
    except InvalidOperation:  # pragma: no cover - the pattern admits only valid decimals
        raise NumberFormatError(f"“{text}”不是可识别的数字") from None
    if match.group("sign") == "-":
        value = -value
    qualifiers = [q for q in (match.group("prefix"), match.group("suffix") or match.group("scaled_suffix"),
                              match.group("trailing")) if q]
    if len(qualifiers) > 1:
        raise NumberFormatError(f"“{text}”同时有“{qualifiers[0]}”和“{qualifiers[1]}”", "约数的说法只留一个。")
    approx = qualifiers[0] if qualifiers else ""
    unit = normalise_unit_name((match.group("scale") or "") + (match.group("unit") or ""))
    return Quantity(value, unit, approx, approx_after_scale=bool(match.group("scale")))


def _starts_like_a_numeral(numeral: str) -> bool:
    """三十八 and 十一 are numbers; 万元 or 千万 alone are words, not figures."""
    return numeral[0] not in "百佰千仟万萬亿億"


def parse_date(text: str) -> datetime.date | YearMonth | None:
    """`2023-12-20`, `2023年12月20日`, `2023年3月底` (→ 3-31), `2023年11月`; None if not a date."""
    compact = normalise_figure_text(text)
    for pattern in (_ISO_DATE, _CN_DATE):
        match = pattern.match(compact)
        if match:
            return _checked_date(text, *map(int, match.groups()))
    match = _CN_MONTH_END.match(compact)
    if match:
        year, month = map(int, match.groups())
        return _checked_date(text, year, month, _month_length(year, month))
    for pattern in (_CN_MONTH, _ISO_MONTH):
        match = pattern.match(compact)
        if match:
            year, month = map(int, match.groups())
            if not 1 <= month <= 12:
                raise NumberFormatError(f"“{text}”中的月份不存在", "月份须在 1 到 12 之间。")
            return YearMonth(year, month)
    return None


def _month_length(year: int, month: int) -> int:
    if not 1 <= month <= 12:
        raise NumberFormatError(f"月份 {month} 不存在", "月份须在 1 到 12 之间。")
    following = datetime.date(year + month // 12, month % 12 + 1, 1)
    return (following - datetime.timedelta(days=1)).day


def _checked_date(text: str, year: int, month: int, day: int) -> datetime.date:
    try:
        return datetime.date(year, month, day)
    except ValueError:
        raise NumberFormatError(f"“{text}”不是存在的日期", "请检查年、月、日是否写对（如 2023-12-20）。") from None


def looks_like_figure(text: str) -> bool:
    """True for text that a writer meant as a figure, even a mistyped one (`11720..82万元`)."""
    return bool(_FIGURE_LIKE.match(normalise_figure_text(text)))


def parse_value(text: str) -> Quantity | datetime.date | YearMonth | str:
    """Type a written fact: a date, a figure, or else the text itself.

    Text that looks like a figure but cannot be read raises, so a typo never silently turns
    a number into words.
    """
    date = parse_date(text)
    if date is not None:
        return date
    try:
        return parse_quantity(text)
    except NumberFormatError:
        if looks_like_figure(text):
            raise
        return text
