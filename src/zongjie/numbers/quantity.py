"""The typed figure: a Decimal in a unit, remembering how precisely it was written."""

from __future__ import annotations

from decimal import Decimal
from typing import NamedTuple

from msgspec import Struct
from msgspec.structs import replace

PREFIX_QUALIFIERS = ("约", "近", "超过", "逾")
SUFFIX_QUALIFIERS = ("余", "多")
TRAILING_QUALIFIERS = ("左右", "以上", "以下", "以内")  # after the unit: 99%以上, 300万元左右


class Quantity(Struct, frozen=True):
    """A figure as written: `11720.82万元` is Quantity(Decimal('11720.82'), '万元').

    `value` keeps the written exponent (Decimal('21469.1') stays one decimal), which is what
    rounding-aware checks and "keep the writer's precision" formatting rely on.
    `approx` keeps qualifiers such as 余/多/约 (`20余人`), which also make a figure unfit
    for exact checks.
    """

    value: Decimal
    unit: str = ""
    approx: str = ""
    approx_after_scale: bool = False  # 1万余份 (not 1余万份)

    @property
    def decimals(self) -> int:
        """Number of decimals as written (0 for integers)."""
        exponent = self.value.as_tuple().exponent
        return max(0, -exponent) if isinstance(exponent, int) else 0

    @property
    def is_percent(self) -> bool:
        return self.unit == "%"

    def with_value(self, value: Decimal) -> "Quantity":
        # Every field but the value is kept: 1万余份 doubled is 2万余份 (approx_after_scale), not 2余万份.
        return replace(self, value=value)

    def __str__(self) -> str:
        number = plain_decimal(self.value)
        return qualified(number, self)


def plain_decimal(value: Decimal) -> str:
    """A Decimal as written in official text: no exponent, no grouping, written zeros kept
    (443.60 stays 443.60)."""
    if value == value.to_integral_value():
        exponent = value.as_tuple().exponent  # a str only for NaN and infinities
        if isinstance(exponent, int) and exponent > 0:  # 1E+2 is written 100
            value = value.quantize(Decimal(1))
    if value.is_zero():  # a zero keeps its written decimals but never a sign (-0.004 → 0.00)
        value = value.copy_abs()
    return format(value, "f")


def qualified(number: str, quantity: "Quantity") -> str:
    """A number text with the quantity's qualifier and unit in their written places:
    约300万元, 20余人, 1500余万元, 1万余份, 99%以上."""
    if quantity.approx in PREFIX_QUALIFIERS:
        return f"{quantity.approx}{number}{quantity.unit}"
    if quantity.approx in TRAILING_QUALIFIERS:
        return f"{number}{quantity.unit}{quantity.approx}"
    if quantity.approx_after_scale:
        return f"{number}{quantity.unit[:1]}{quantity.approx}{quantity.unit[1:]}"
    return f"{number}{quantity.approx}{quantity.unit}"


class YearMonth(NamedTuple):
    """A date written to the month (`2023年11月`, `2023-11`)."""

    year: int
    month: int

    def __str__(self) -> str:
        return f"{self.year}年{self.month}月"
