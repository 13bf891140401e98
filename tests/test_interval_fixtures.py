"""Rounding-aware arithmetic, case by case from tests/fixtures/intervals.yaml: a figure stands
for the interval its writing allows, and a relation holds when values inside the intervals can
make it hold. The cases' figures are written as in facts.yaml; their formulas in checks.yaml's
language."""

from __future__ import annotations

import datetime
from decimal import Decimal
from pathlib import Path
from typing import assert_never

import pytest
from ruamel.yaml import YAML

from zongjie.checks.expr import Binary, Call, DateLiteral, Expr, Number, Reference, Unary, parse_relation
from zongjie.checks.measure import DATE, Measure, UnitMismatch, apply, unit_dimension
from zongjie.numbers.parse import parse_value
from zongjie.numbers.quantity import Quantity

FIXTURES = Path(__file__).parent / "fixtures"
CASES = YAML(typ="base").load((FIXTURES / "intervals.yaml").read_text(encoding="utf-8"))  # every scalar a string
DATE_UNIT = "日期"  # 区间 written as two dates
KEYS = {"标题", "数", "式", "区间", "单位", "关系", "成立", "报错"}


def measured(expr: Expr, figures: dict[str, str]) -> Measure:
    """What the check engine computes for a formula over facts written as `figures`."""
    match expr:
        case Reference(path=path):
            value = parse_value(figures[path])
            assert not isinstance(value, str), value
            return Measure.of(value) if isinstance(value, Quantity) else Measure.of_date(value)
        case Number(quantity=quantity):
            return Measure.exact(quantity)
        case Unary(operand=operand):
            return -measured(operand, figures)
        case Binary(operator=operator, left=left, right=right):
            return apply(operator, measured(left, figures), measured(right, figures))
        case Call() | DateLiteral():
            raise AssertionError("the interval table uses figures and arithmetic only")
        case _:
            assert_never(expr)


def expression(text: str) -> Expr:
    return parse_relation(f"{text} = 0").left  # the formula language reads relations only


def bound(text: str, unit: str) -> Decimal:
    if unit == DATE_UNIT:  # a day, as the checks count days
        return Decimal(datetime.date.fromisoformat(text).toordinal())
    numerator, _, denominator = text.partition("/")
    return Decimal(numerator) / Decimal(denominator or 1)


def close(found: Decimal, expected: Decimal) -> bool:
    """Equal but for the last of Decimal's 28 digits (a quotient's bounds are rounded)."""
    return abs(found - expected) <= abs(expected) * Decimal("1e-20") + Decimal("1e-20")


def outcome(case: dict) -> Measure | bool:
    figures = case["数"]
    if "式" in case:
        return measured(expression(case["式"]), figures)
    relation = parse_relation(case["关系"])
    return measured(relation.left, figures).compare(relation.operator, measured(relation.right, figures))


def test_every_case_asks_one_question_with_its_answer():
    assert len(CASES) > 40
    for case in CASES:
        assert set(case) <= KEYS and case["标题"] and case["数"], case
        assert ("式" in case) != ("关系" in case), case
        answers = [key for key in ("区间", "成立", "报错") if key in case]
        assert len(answers) == 1 and ("区间" not in case or "式" in case) and ("成立" not in case or "关系" in case), case


@pytest.mark.parametrize("case", CASES, ids=[case["标题"] for case in CASES])
def test_a_computation_gives_the_interval_or_verdict_the_table_says(case):
    if "报错" in case:
        with pytest.raises((UnitMismatch, ZeroDivisionError)) as error:
            outcome(case)
        assert str(error.value) == case["报错"]
        return
    result = outcome(case)
    if "成立" in case:
        assert result is {"是": True, "否": False}[case["成立"]]
        return
    assert isinstance(result, Measure)
    dimension, factor = (DATE, Decimal(1)) if case["单位"] == DATE_UNIT else unit_dimension(case["单位"])
    low, high = (bound(text, case["单位"]) * factor for text in case["区间"])
    assert result.dimension == dimension
    assert close(result.low, low) and close(result.high, high), (result.low / factor, result.high / factor)
    assert result.low <= result.value <= result.high  # the figures as written lie inside their interval
