"""How a failed relation reads to its writer: the formula as written (× ÷, brackets where
they were needed), results in the unit the writer used with the precision the figures carry,
and differences of rates in 个百分点."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import assert_never

from zongjie.checks.expr import Binary, Call, DateLiteral, Expr, Number, Reference, Unary, nodes
from zongjie.checks.measure import DATE, DAYS, Dimension, unit_dimension
from zongjie.inputs.facts import Fact
from zongjie.numbers.format import plain_decimal, rounded
from zongjie.numbers.quantity import Quantity

_SHOWN_OPERATORS = {"+": "+", "-": "-", "*": "×", "/": "÷"}
_PRECEDENCE = {"+": 1, "-": 1, "*": 2, "/": 2}
_FUNCTION_NAMES = {"sum": "求和", "optional": "缺省为零"}
MAX_SHOWN_DECIMALS = 6
DATE_UNIT = "日期"


def formula_text(expr: Expr, context: int = 0) -> str:
    """The formula with × and ÷, bracketed only where the order of operations needs it."""
    match expr:
        case Reference(path=path):
            return path
        case Number(quantity=quantity):
            return str(quantity)
        case DateLiteral(text=text):
            return text
        case Call(function=function, argument=argument):
            return f"{_FUNCTION_NAMES.get(function, function)}({argument.path})"
        case Unary(operand=operand):
            return "-" + formula_text(operand, 3)
        case Binary(operator=operator, left=left, right=right):
            precedence = _PRECEDENCE[operator]
            # the right operand of - and ÷ needs brackets at equal precedence: a - (b - c)
            text = (f"{formula_text(left, precedence)} {_SHOWN_OPERATORS[operator]} "
                    f"{formula_text(right, precedence + (operator in '-/'))}")
            return f"({text})" if precedence < context else text
        case _:
            assert_never(expr)


def dimension_of(unit: str) -> Dimension:
    return unit_dimension(unit)[0]


def _factor(unit: str) -> Decimal:
    return unit_dimension(unit)[1]


def numbers_in(expr: Expr) -> list[Quantity]:
    """The constants written in a formula (5万元/人次), whose unit may be the one to show."""
    return [node.quantity for node in nodes(expr) if isinstance(node, Number)]


def display_unit(preferred: list[Fact], others: list[Fact], dimension: Dimension,
                 constants: Sequence[Quantity] = ()) -> tuple[str, int]:
    """The writer's unit for a result of this dimension (the left-hand figure's first), and
    the decimals that keep every figure's written precision in that unit: 467108元 shown in
    万元 is 46.7108万元, never 47万元; 万元 figures summed stay in 万元."""
    if dimension == DATE:
        return DATE_UNIT, 0
    figures = [fact.quantity for fact in preferred + others if fact.quantity is not None and not fact.quantity.approx]
    same = [quantity for quantity in figures + list(constants) if dimension_of(quantity.unit) == dimension]
    if not same:
        if dimension == ():
            return "%", 2
        base = dimension[0][0] if len(dimension) == 1 and dimension[0][1] == 1 else ""
        return base, 0 if dimension == DAYS else 2
    unit = same[0].unit
    factor = _factor(unit)
    decimals = 0 if "/" not in unit else 2  # a rate worked out from figures is rarely whole
    for quantity in same:
        ratio = factor / _factor(quantity.unit)  # how many of its units one shown unit is
        shift = len(str(ratio.normalize().to_integral_value())) - 1 if ratio >= 1 else 0
        decimals = max(decimals, quantity.decimals + shift)
    if unit == "%":
        decimals = max(decimals, 2)
    return unit, min(decimals, MAX_SHOWN_DECIMALS)


def amount(value: Decimal, unit: str, decimals: int) -> str:
    if unit == DATE_UNIT:
        import datetime

        return datetime.date.fromordinal(int(value)).isoformat()
    scaled = value / _factor(unit)
    shown = rounded(scaled, decimals)
    while shown == 0 and scaled != 0 and decimals < MAX_SHOWN_DECIMALS:  # 0.0045个月, not 0.0个月
        decimals += 1
        shown = rounded(scaled, decimals)
    return f"{plain_decimal(shown)}{unit}"


def difference(value: Decimal, unit: str, decimals: int) -> str:
    """A gap between rates is in 个百分点 (96.49% − 96.19% is 0.3个百分点, not 0.3%)."""
    if unit == "%":
        return f"{plain_decimal(rounded(value * 100, decimals))}个百分点"
    return amount(value, unit, decimals)
