"""Typed figures → official text (GB/T 15835): units, scaling, percentages, changes, dates.

Arithmetic is Decimal throughout and rounding is 四舍五入 (half up), as statistics are
published. The two rules CLDR has for us (digit grouping, the long date pattern) are written
out below for the locales zongjie supports; the rest (unit conversion, growth wording,
个百分点, 截至…月底) is ours.
Everything here writes Simplified Chinese; a Traditional-Chinese document is converted as a
whole afterwards (see `zongjie.script`), figures untouched.
"""

from __future__ import annotations

import datetime
from decimal import ROUND_HALF_UP, Decimal

from zongjie.errors import NumberFormatError
from zongjie.numbers.quantity import Quantity, YearMonth, plain_decimal, qualified  # plain_decimal: re-exported
from zongjie.numbers.units import convert, unit_of

SIMPLIFIED = "zh_CN"


# Digit grouping and the long date are written out here, not read from Babel (CLDR). For every
# locale zongjie accepts (config.LOCALES: zh_CN, zh_Hant_TW, zh_Hant_HK) CLDR says the same:
# group separator ",", groups of three, long date "y年M月d日". Measured on a cold `zongjie build`
# of one document: importing babel and loading its zh_CN data cost 25–40 ms CPU of ≈330 ms;
# babel installs 36 MB. tests/test_numbers_properties.py checks these two rules against babel
# for all three locales when babel is installed (tests only).
CLDR_GROUP_SEPARATOR = ","


# ---- plain numbers -------------------------------------------------------------------------
def rounded(value: Decimal, decimals: int | None) -> Decimal:
    """Round half up to `decimals` places; None keeps the value exactly as it is."""
    if decimals is None:
        return value
    if isinstance(decimals, bool) or not isinstance(decimals, int) or not 0 <= decimals <= 10:
        raise NumberFormatError(f"小数位数“{decimals}”不对", "小数位数应为 0 到 10 之间的整数，如 万元(2)。")
    return value.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)


def grouped(value: Decimal, locale: str = SIMPLIFIED, separator: str | None = None) -> str:
    """Digits in groups of three with the locale's separator (or the one given, e.g. a thin
    space as GB/T 15835 prefers), keeping the written decimals; a zero has no sign."""
    if value.is_zero():
        value = value.copy_abs()
    text = format(value, ",f")  # Decimal's own formatting: exact, no exponent, groups of three
    if separator is not None:
        text = text.replace(CLDR_GROUP_SEPARATOR, separator)
    return text


def number_text(value: Decimal, decimals: int | None = None, grouping: str | None = None, locale: str = SIMPLIFIED) -> str:
    value = rounded(value, decimals)
    if grouping:
        return grouped(value, locale, None if grouping == "," else grouping)
    return plain_decimal(value)


# ---- quantities ----------------------------------------------------------------------------
def quantity_text(quantity: Quantity, decimals: int | None = None, grouping: str | None = None,
                  locale: str = SIMPLIFIED) -> str:
    """`11720.82万元`, `20余人`, `约300万元`."""
    return qualified(number_text(quantity.value, decimals, grouping, locale), quantity)


def scaled(quantity: Quantity, target_unit: str) -> Quantity:
    """Exact conversion to another unit of the same dimension (370891元 → 37.0891万元)."""
    return Quantity(convert(quantity.value, quantity.unit, target_unit), target_unit, quantity.approx,
                    quantity.approx_after_scale and target_unit[:1] in ("万", "亿"))


def convert_to(quantity: Quantity, unit: str) -> Decimal:
    """The value of a quantity in another unit of its dimension."""
    return convert(quantity.value, quantity.unit, unit)


def base_unit(unit: str) -> str:
    """The unit without its 万/亿 scale: 万人次 → 人次, 亿元 → 元, 万 → ''."""
    name = unit
    while name[:1] in ("万", "亿") and unit_of(name[1:]).dimension == unit_of(unit).dimension:
        name = name[1:]
    return name


def in_scale(quantity: Quantity, scale: str) -> Quantity:
    """Express in 万 or 亿 of the base unit (1388400人 → 138.84万人), or '' for the base."""
    return scaled(quantity, scale + base_unit(quantity.unit))


def auto_scale(quantity: Quantity) -> Quantity:
    """The scale a writer would choose: below 10^4 as is, below 10^8 in 万, else in 亿."""
    base = base_unit(quantity.unit)
    magnitude = abs(convert(quantity.value, quantity.unit, base))
    scale = "" if magnitude < 10**4 else "万" if magnitude < 10**8 else "亿"
    return scaled(quantity, scale + base)


def _computed(value: Decimal, decimals: int | None) -> Decimal:
    """A computed figure without the trailing zeros of its inputs (96.49% − 96.19% reads 0.3,
    not 0.30), unless a number of decimals was asked for."""
    return value if decimals is not None else value.normalize()


# ---- percentages and changes ---------------------------------------------------------------
def percent_of(ratio: Decimal, decimals: int = 2) -> Quantity:
    """0.9619 → 96.19%."""
    return Quantity(rounded(ratio * 100, decimals), "%")


def growth_phrase(current: Quantity, previous: Quantity, decimals: int = 1,
                  threshold: Decimal = Decimal(0), prefix: str = "同比") -> str:
    """`同比增长3.2%` / `同比下降1.5%` / `与上年持平`.

    The word follows the sign of the change; a rate of change within `threshold` percent
    (after rounding to `decimals`) reads as 持平.
    """
    previous_value = convert(previous.value, previous.unit, current.unit)
    if previous_value == 0:
        raise ValueError("上年数为 0，无法计算增长率")
    difference = current.value - previous_value
    rate = rounded(abs(difference) / abs(previous_value) * 100, decimals)
    if rate == 0 or rate <= threshold:
        return "与上年持平"
    return f"{prefix}{'增长' if difference > 0 else '下降'}{plain_decimal(rate)}%"


def amount_change_phrase(current: Quantity, previous: Quantity, decimals: int | None = None,
                         threshold: Decimal = Decimal(0)) -> str:
    """`增加1250人` / `减少3.5万元` / `与上年持平`, in the current figure's unit."""
    difference = current.value - convert(previous.value, previous.unit, current.unit)
    size = _computed(rounded(abs(difference), decimals), decimals)
    if size == 0 or abs(difference) <= threshold:
        return "与上年持平"
    return f"{'增加' if difference > 0 else '减少'}{plain_decimal(size)}{current.unit}"


def point_change_phrase(current: Quantity, previous: Quantity, decimals: int | None = None) -> str:
    """Difference of two percentages in 个百分点: `提高0.3个百分点` / `降低…` / `持平`."""
    difference = current.value - previous.value
    size = _computed(rounded(abs(difference), decimals), decimals)
    if size == 0:
        return "持平"
    word = "提高" if difference > 0 else "降低"
    return f"{word}{plain_decimal(size)}个百分点"


# ---- dates ---------------------------------------------------------------------------------
def _is_month_end(day: datetime.date) -> bool:
    return (day + datetime.timedelta(days=1)).month != day.month


def date_text(value: datetime.date | YearMonth, locale: str = SIMPLIFIED) -> str:
    """2023年11月30日 (CLDR long date) or 2023年11月."""
    if isinstance(value, YearMonth):
        return f"{value.year}年{value.month}月"
    return f"{value.year}年{value.month}月{value.day}日"  # CLDR "long" for zh, zh_Hant_TW, zh_Hant_HK


def month_end_text(value: datetime.date | YearMonth, with_year: bool = False) -> str:
    """`11月底` (`2023年11月底` with the year); a date not at a month's end keeps its day."""
    year = f"{value.year}年" if with_year else ""
    if isinstance(value, YearMonth) or _is_month_end(value):
        return f"{year}{value.month}月底"
    return f"{year}{value.month}月{value.day}日"


def as_of_text(value: datetime.date | YearMonth, with_year: bool = True) -> str:
    """`截至2023年11月底`, or `截至2023年12月13日` for a date within a month."""
    return "截至" + month_end_text(value, with_year)


def month_range_text(first: int, last: int, dash: str = "—") -> str:
    """`1—6月` (GB/T 15835 allows — or ～; keep one per document)."""
    return f"{first}{dash}{last}月"
