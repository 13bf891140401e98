"""The typed figure: a Decimal in a unit, remembering how precisely it was written."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import NamedTuple

PREFIX_QUALIFIERS = ("约", "近", "超过", "逾")
SUFFIX_QUALIFIERS = ("余", "多")


@dataclass(frozen=True)
class Quantity:
    """A figure as written: `11720.82万元` is Quantity(Decimal('11720.82'), '万元').

    `value` keeps the written exponent (Decimal('21469.1') stays one decimal), which is what
    rounding-aware checks and "keep the writer's precision" formatting rely on.
    `approx` keeps qualifiers such as 余/多/约 (`20余人`), which also make a figure unfit
    for exact checks.
    """

    value: Decimal
    unit: str = ""
    approx: str = ""

    @property
    def decimals(self) -> int:
        """Number of decimals as written (0 for integers)."""
        exponent = self.value.as_tuple().exponent
        return max(0, -exponent) if isinstance(exponent, int) else 0

    @property
    def is_percent(self) -> bool:
        return self.unit == "%"

    def with_value(self, value: Decimal) -> "Quantity":
        return Quantity(value, self.unit, self.approx)

    def __str__(self) -> str:
        from zongjie.numbers.format import plain_decimal

        number = plain_decimal(self.value)
        if self.approx in PREFIX_QUALIFIERS:
            return f"{self.approx}{number}{self.unit}"  # 约300万元
        return f"{number}{self.approx}{self.unit}"  # 20余人, 1500余万元


class YearMonth(NamedTuple):
    """A date written to the month (`2023年11月`, `2023-11`)."""

    year: int
    month: int

    def __str__(self) -> str:
        return f"{self.year}年{self.month}月"
