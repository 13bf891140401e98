"""Units of the figures in a summary and how they convert.

A unit belongs to a dimension (money, persons, person-times, …) with a factor to the
dimension's base unit: 万元 is 10^4 元. Units not listed here (家, 条, 个工作日 …) are their own
dimension with factor 1, so they compare only with themselves. Traditional forms (萬, 億) are
read as the simplified ones.
"""

from __future__ import annotations

from decimal import Decimal
from functools import lru_cache

from msgspec import Struct

_TEN_THOUSAND = Decimal(10000)
_HUNDRED_MILLION = Decimal(100000000)

# Writers use either script; units are stored in simplified form.
TRADITIONAL_TO_SIMPLIFIED = str.maketrans({"萬": "万", "億": "亿", "個": "个", "點": "点", "筆": "笔"})


class Unit(Struct, frozen=True):
    name: str
    dimension: str
    factor: Decimal  # how many base units one of this is

    @property
    def base(self) -> str:
        return self.dimension


# Base units whose dimension differs from their name, or which must never mix with a
# similar-looking one (人 counts people, 人次 counts visits: never comparable).
_DIMENSIONLESS = ""
_PERCENT = Decimal("0.01")
_SPECIAL: dict[str, Unit] = {
    "": Unit("", _DIMENSIONLESS, Decimal(1)),
    "%": Unit("%", _DIMENSIONLESS, _PERCENT),
    "‰": Unit("‰", _DIMENSIONLESS, Decimal("0.001")),
    "万": Unit("万", _DIMENSIONLESS, _TEN_THOUSAND),
    "亿": Unit("亿", _DIMENSIONLESS, _HUNDRED_MILLION),
    "个百分点": Unit("个百分点", "个百分点", Decimal(1)),
    "百分点": Unit("百分点", "个百分点", Decimal(1)),
}


# The units a figure is written with in a summary: the closed list the text checks look for
# right after a figure (in prose any word may follow a number; only these are its unit).
# Longest first, so a pattern made of them reads 万人次 before 万人, and 个月 before 个.
COMMON_UNITS: tuple[str, ...] = tuple(sorted({
    "个百分点", "百分点", "%", "‰",
    "亿元", "万元", "元", "万人次", "人次", "万人", "人", "万户", "户", "万家", "家",
    "台次", "场次", "个月", "个", "项", "次", "件", "所", "篇", "期", "场", "条", "批", "份", "册", "台", "块", "名", "颗",
    "年", "月", "天", "日", "分", "岁",
}, key=lambda unit: (-len(unit), unit)))
COMMON_UNIT_PATTERN = "|".join(COMMON_UNITS)  # a regex alternation: no unit holds a special character


def normalise_unit_name(name: str) -> str:
    return name.translate(TRADITIONAL_TO_SIMPLIFIED)


@lru_cache(maxsize=1024)  # a pure function of the name, asked thousands of times per document
def unit_of(name: str) -> Unit:
    """The Unit for a written unit name; `万`/`亿` prefixes scale any unit (万人次, 亿元)."""
    name = normalise_unit_name(name)
    special = _SPECIAL.get(name)
    if special is not None:
        return special
    for prefix, factor in (("万", _TEN_THOUSAND), ("亿", _HUNDRED_MILLION)):
        if name.startswith(prefix) and len(name) > 1:
            rest = unit_of(name[len(prefix):])
            return Unit(name, rest.dimension, rest.factor * factor)
    return Unit(name, name, Decimal(1))


def compatible(a: str, b: str) -> bool:
    return unit_of(a).dimension == unit_of(b).dimension


def convert(value: Decimal, from_unit: str, to_unit: str) -> Decimal:
    """Exact conversion between units of one dimension (11720.82万元 → 117208200元)."""
    source, target = unit_of(from_unit), unit_of(to_unit)
    if source.dimension != target.dimension:
        raise ValueError(f"单位“{from_unit}”与“{to_unit}”不能换算")
    if source.factor == target.factor:
        return value
    ratio = (source.factor / target.factor).normalize()
    sign, digits, exponent = ratio.as_tuple()
    if digits == (1,) and isinstance(exponent, int) and exponent > 0:
        # To a smaller unit by a power of ten: shift the exponent rather than multiply, so the
        # written precision keeps its meaning. 11720.82万元 is precise to 100元 and reads
        # 117208200元, not 117208200.00元 (nor 1.5万元 → 15000.0元): that would claim a
        # precision the figure never had. Exact either way.
        return value.scaleb(exponent)
    return value * source.factor / target.factor
