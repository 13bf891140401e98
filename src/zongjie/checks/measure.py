"""Interval arithmetic on written figures, with units.

A written value stands for the interval its precision allows: 21469.1万元 is any amount in
[21469.05, 21469.15]万元. Sums, differences, products and quotients of intervals bound every
value the exact figures could have had, so a relation "holds" when the intervals allow it.
No epsilon is involved: precision comes from how each figure was written (as XBRL
calculation checks use `decimals`).

Values are kept in base units (元, 人, 人次 …); a dimension is a product of base units with
powers, so 人次 ÷ 人次 is a plain ratio and comparing 人 with 人次 is an error in itself.

A measure also knows whether it is a percentage or a difference of percentages (its `kind`):
96.49% − 96.19% is 0.3个百分点, and a writer who wrote it as 0.3% said "rose by 0.3 per cent"
(of 96.19%, i.e. 0.29个百分点) — the same number, a different claim. Sums keep a
percentage a percentage (shares adding up to 100%, 96.19% + 0.3个百分点); only the
difference of two percentages is in 百分点. A constant written in a rule (100%, 1%) is
neutral, so 100% − 支出率 stays a percentage.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from functools import lru_cache

from msgspec import Struct
from msgspec.structs import replace

from zongjie.numbers.quantity import Quantity, YearMonth
from zongjie.numbers.units import unit_of

Dimension = tuple[tuple[str, int], ...]
DIMENSIONLESS: Dimension = ()
ANY_DIMENSION: Dimension = (("*", 0),)  # the 0 of an absent optional figure fits any unit
DATE: Dimension = (("日期", 1),)  # a day, as its ordinal; date − date is 天, date ± 天 a date
DAYS: Dimension = (("天", 1),)

PERCENT, POINTS = "%", "百分点"  # a Measure's kind: a percentage, a difference of two
_POINT_UNITS = ("个百分点", "百分点")


class UnitMismatch(ValueError):
    def __init__(self, left: Dimension, right: Dimension, operation: str):
        super().__init__(f"{dimension_text(left)} 与 {dimension_text(right)} 不能{operation}")
        self.left, self.right = left, right


def dimension_text(dimension: Dimension) -> str:
    if not dimension:
        return "纯数（无单位）"
    def side(parts: list[tuple[str, int]]) -> str:
        return "·".join(name if abs(power) == 1 else f"{name}^{abs(power)}" for name, power in parts)

    top = [part for part in dimension if part[1] > 0]
    bottom = [part for part in dimension if part[1] < 0]
    if not bottom:
        return side(top)
    return f"{side(top) or '1'}/{side(bottom)}"  # 元/月, 元/人次: as a writer writes a rate


def _combine(left: Dimension, right: Dimension, sign: int) -> Dimension:
    powers = dict(left)
    for name, power in right:
        powers[name] = powers.get(name, 0) + sign * power
    return tuple(sorted((name, power) for name, power in powers.items() if power))


# Units the checks read differently from plain unit_of: a 百分点 is a hundredth (so
# 96.19% + 0.3个百分点 = 96.49%), and time units convert (a 年 is 12 月, 个月 is 月).
_CHECK_UNITS: dict[str, tuple[str, Decimal]] = {
    "个百分点": ("", Decimal("0.01")),
    "百分点": ("", Decimal("0.01")),
    "月": ("月", Decimal(1)),
    "个月": ("月", Decimal(1)),
    "年": ("月", Decimal(12)),
    "天": ("天", Decimal(1)),
    "日": ("天", Decimal(1)),
}


@lru_cache(maxsize=1024)  # a pure function of the name, asked thousands of times per document
def unit_dimension(name: str) -> tuple[Dimension, Decimal]:
    """The dimension and factor to base units of a written unit, compound ones included:
    万元/月 is 元·月⁻¹ × 10^4, 人/万人 is a plain ratio × 10^-4."""
    if "/" in name:
        numerator, denominator = name.split("/", 1)
        top, top_factor = unit_dimension(numerator)
        bottom, bottom_factor = unit_dimension(denominator)
        return _combine(top, bottom, -1), top_factor / bottom_factor
    if name in _CHECK_UNITS:
        base, factor = _CHECK_UNITS[name]
        return (((base, 1),) if base else DIMENSIONLESS), factor
    for prefix, factor in (("万", Decimal(10000)), ("亿", Decimal(100000000))):
        if name.startswith(prefix) and name[len(prefix):] in _CHECK_UNITS:
            dimension, rest = unit_dimension(name[len(prefix):])
            return dimension, rest * factor
    unit = unit_of(name)
    return (((unit.dimension, 1),) if unit.dimension else DIMENSIONLESS), unit.factor


def is_exact_count(quantity: Quantity) -> bool:
    """Whole numbers of counted things (429198人, 59975人次, 57家) are exact; everything else
    stands for its rounding interval: decimals (21469.1万元), scaled units (47.31万人, 5300万元),
    percentages, rates (200元/年), and money even in whole 元 (it may have been rounded from 角/分)."""
    unit = unit_of(quantity.unit)
    return (quantity.decimals == 0 and unit.factor == 1 and quantity.unit not in ("", "%", "‰")
            and unit.dimension != "元" and "/" not in quantity.unit and quantity.unit not in _CHECK_UNITS)


DEFAULT_TOLERANCE = Decimal("0.05")  # 约300万元 / 300万元左右: within 5% unless the rule says
UNBOUNDED = Decimal(10) ** 24  # "97%以上" has no upper bound; far beyond any figure, yet finite


def approximate_bounds(quantity: Quantity, tolerance: Decimal | None = None) -> tuple[Decimal, Decimal]:
    """The range a qualified figure stands for, in its written unit: 97%以上 is ≥ 97%,
    20余人 is above 20 and below 30 (the next step of its last non-zero digit), 约300万元 is
    300万元 ± the tolerance, 近300人 is up to 300人."""
    value, approx = quantity.value, quantity.approx
    half = Decimal(5).scaleb(-quantity.decimals - 1)
    tolerance = DEFAULT_TOLERANCE if tolerance is None else tolerance
    if approx in ("以上", "超过", "逾"):
        return value - (half if approx == "以上" else 0), UNBOUNDED
    if approx in ("以下", "以内"):
        return min(Decimal(0), value), value + half
    if approx in ("余", "多"):
        return value, value + _step(value, quantity.decimals)
    if approx == "近":
        return value * (1 - tolerance), value + half
    spread = abs(value) * tolerance  # 约, 左右
    return value - spread - half, value + spread + half


def _step(value: Decimal, decimals: int) -> Decimal:
    """20余 → 10, 1500余 → 100, 3余 → 1, 2.5余 → 0.1: one unit of the last non-zero digit."""
    if decimals:
        return Decimal(1).scaleb(-decimals)
    digits = str(abs(int(value)))
    zeros = len(digits) - len(digits.rstrip("0"))
    return Decimal(10) ** zeros if value else Decimal(1)


class Measure(Struct, frozen=True):
    """A figure (or a result computed from figures) as an interval in base units."""

    low: Decimal
    high: Decimal
    value: Decimal  # the point value from the figures as written
    dimension: Dimension
    kind: str = ""  # PERCENT, POINTS or "" (anything else, or not known)

    @classmethod
    def of(cls, quantity: Quantity, tolerance: Decimal | None = None) -> "Measure":
        dimension, factor = unit_dimension(quantity.unit)
        value = quantity.value * factor
        kind = PERCENT if quantity.unit == "%" else POINTS if quantity.unit in _POINT_UNITS else ""
        if quantity.approx:
            low, high = approximate_bounds(quantity, tolerance)
            return cls(low * factor, high * factor, value, dimension, kind)
        if is_exact_count(quantity):
            return cls(value, value, value, dimension, kind)
        half = Decimal(5).scaleb(-quantity.decimals - 1)  # half a unit of the last written digit
        return cls((quantity.value - half) * factor, (quantity.value + half) * factor, value, dimension, kind)

    @classmethod
    def exact(cls, quantity: Quantity) -> "Measure":
        measure = cls.of(quantity)
        return cls(measure.value, measure.value, measure.value, measure.dimension, measure.kind)

    @classmethod
    def constant(cls, quantity: Quantity) -> "Measure":
        """A number written in a rule: exact, and a percentage there is neutral (100% − 支出率
        is a percentage, (达标线 − 知晓率) ÷ 1% a number)."""
        measure = cls.exact(quantity)
        return replace(measure, kind="") if measure.kind == PERCENT else measure

    @classmethod
    def of_date(cls, value: datetime.date | YearMonth) -> "Measure":
        """A date is its day; a month written without a day (2023年11月) is any day in it."""
        if isinstance(value, datetime.date):
            day = Decimal(value.toordinal())
            return cls(day, day, day, DATE)
        first = datetime.date(value.year, value.month, 1)
        following = datetime.date(value.year + value.month // 12, value.month % 12 + 1, 1)
        low, high = Decimal(first.toordinal()), Decimal(following.toordinal() - 1)
        return cls(low, high, low, DATE)

    def __add__(self, other: "Measure") -> "Measure":
        dimension = DATE if {self.dimension, other.dimension} == {DATE, DAYS} else None
        if dimension is None:
            self._same(other, "相加")
            if self.dimension == other.dimension == DATE:  # two days of the calendar have no sum
                raise UnitMismatch(DATE, DATE, "相加")
        return Measure(self.low + other.low, self.high + other.high, self.value + other.value,
                       dimension or self._joint(other), _sum_kind(self.kind, other.kind))

    def __sub__(self, other: "Measure") -> "Measure":
        dimension = {(DATE, DATE): DAYS, (DATE, DAYS): DATE}.get((self.dimension, other.dimension))
        if dimension is None:
            self._same(other, "相减")
        kind = POINTS if self.kind == other.kind == PERCENT else _sum_kind(self.kind, other.kind)
        return Measure(self.low - other.high, self.high - other.low, self.value - other.value,
                       dimension or self._joint(other), kind)

    def _joint(self, other: "Measure") -> Dimension:
        return other.dimension if self.dimension == ANY_DIMENSION else self.dimension

    def __neg__(self) -> "Measure":
        return Measure(-self.high, -self.low, -self.value, self.dimension, self.kind)

    def __mul__(self, other: "Measure") -> "Measure":
        self._not_a_date(other, "相乘")
        products = [a * b for a in (self.low, self.high) for b in (other.low, other.high)]
        return Measure(min(products), max(products), self.value * other.value, _combine(self.dimension, other.dimension, 1))

    def __truediv__(self, other: "Measure") -> "Measure":
        self._not_a_date(other, "相除")
        if other.low <= 0 <= other.high:
            raise ZeroDivisionError("分母可能为 0")
        quotients = [a / b for a in (self.low, self.high) for b in (other.low, other.high)]
        return Measure(min(quotients), max(quotients), self.value / other.value, _combine(self.dimension, other.dimension, -1))

    @classmethod
    def zero(cls) -> "Measure":
        """An absent optional figure: exactly 0 in whatever unit it is combined with."""
        return cls(Decimal(0), Decimal(0), Decimal(0), ANY_DIMENSION)

    def _not_a_date(self, other: "Measure", operation: str) -> None:
        """A date is a day's ordinal: scaling it, or dividing by one, gives a number of no meaning."""
        if DATE in (self.dimension, other.dimension):
            raise UnitMismatch(self.dimension, other.dimension, operation)

    def _same(self, other: "Measure", operation: str) -> None:
        if ANY_DIMENSION in (self.dimension, other.dimension):
            return
        if self.dimension != other.dimension:
            raise UnitMismatch(self.dimension, other.dimension, operation)

    def compare(self, operator: str, other: "Measure") -> bool:
        """Whether the relation can hold for some exact values inside both intervals."""
        self._same(other, "比较")
        if operator == "=":
            return self.low <= other.high and other.low <= self.high
        if operator == "<=":
            return self.low <= other.high
        if operator == "<":
            return self.low < other.high
        if operator == ">=":
            return self.high >= other.low
        if operator == ">":
            return self.high > other.low
        raise ValueError(operator)


def _sum_kind(left: str, right: str) -> str:
    """A percentage plus or minus points is a percentage; percentages add up to one; what is
    not known takes the other's kind."""
    if PERCENT in (left, right):
        return PERCENT
    return left or right


def points_written_as_percent(left: Measure, right: Measure) -> bool:
    """One side a difference of percentages, the other a figure written in %."""
    return {left.kind, right.kind} == {PERCENT, POINTS}


def apply(operator: str, left: Measure, right: Measure) -> Measure:
    """One of the formula language's operators (+ - * /) on two measures."""
    match operator:
        case "+":
            return left + right
        case "-":
            return left - right
        case "*":
            return left * right
        case "/":
            return left / right
    raise ValueError(operator)
