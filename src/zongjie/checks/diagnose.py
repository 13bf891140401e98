"""Likely causes of a failed relation, named only when they explain the gap exactly.

A clerk checking by hand guesses: a figure typed in 元 instead of 万元, a decimal point in the
wrong place, two digits swapped, one digit mistyped, a part counted twice or left out of the
total, a rate worked out from rounded figures. Each guess is a *correction* of one figure; the
guess is named only when the corrected figure makes the whole relation hold within the written
precision (the same interval test the check itself uses), and only when that kind of slip is
possible for the figure's unit (元/万元/亿元 for money, 人/万人 for people — never 家 or 分).

Every figure of the rule is tried, on either side, for sums, differences, products, ratios and
inequalities alike. When several corrections fit, the message says so; when too many fit to be
useful, or none does, no cause is named: a wrong cause costs a supervisor more than none.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from decimal import Decimal

from msgspec import Struct

from zongjie.checks.expr import PREVIOUS_YEAR, Call, Reference, Relation, path_pattern, summands
from zongjie.checks.measure import Measure, unit_dimension
from zongjie.inputs.facts import Fact
from zongjie.numbers.format import plain_decimal
from zongjie.numbers.quantity import Quantity
from zongjie.numbers.units import unit_of

# A unit slip writes a figure in a sibling unit of its dimension: 4635.68万元 typed as
# 46356800万元. Only these dimensions have siblings a writer mixes up.
UNIT_FAMILIES: dict[str, tuple[str, ...]] = {
    "元": ("元", "万元", "亿元"),
    "人": ("人", "万人"),
    "人次": ("人次", "万人次"),
    "户": ("户", "万户"),
}
# Units that count whole things: 57家 was never meant as 5.7家. (分 is a score: 2.85分 is fine.)
COUNTED_UNITS = frozenset("人 人次 家 户 个 项 条 次 件 所 篇 期 场 例 名 座 台 辆 份 册 批 笔 张 套".split())
MAX_NAMED = 3  # more fitting causes than this say nothing useful about which figure is wrong

Holds = Callable[[dict[int, Measure]], bool]


class Cause(Struct, frozen=True):
    """One correction of one figure that makes the relation hold."""

    kind: str  # unit | decimal | transposed | digit | twice | missing | rounded
    fact: Fact
    corrected: Measure
    wording: str  # what the writer reads, with {named} for the figure (built only when shown)

    @property
    def text(self) -> str:
        return self.wording.replace("{named}", _named(self.fact))

    @property
    def corrected_value(self) -> Decimal:
        return self.corrected.value


def find_causes(relation: Relation, used: list[Fact], holds: Holds) -> list[Cause]:
    """Every single correction that makes the relation hold (one per figure and value)."""
    facts = _unique_figures(used)
    summand_facts = _summand_facts(relation, facts)
    found: list[Cause] = []
    seen: set[tuple[int, Decimal]] = set()
    for fact in facts:
        written = Measure.of(_figure(fact))
        # If an equation holds with this figure at 0, shrinking it "fits" only because it
        # vanishes (0.15分 read as 0.0015分): that explains nothing. (An inequality is one-sided:
        # every small enough value fits, so its many fits are left to MAX_NAMED.)
        vanishes = relation.operator == "=" and holds({id(fact): _scaled(written, 0)})
        for cause in _candidates(fact, fact in summand_facts):
            key = (id(cause.fact), cause.corrected_value)
            if key in seen or cause.corrected_value == written.value:
                continue
            if vanishes and cause.kind != "missing" and abs(cause.corrected_value) < abs(written.value):
                continue
            if holds({id(cause.fact): cause.corrected}):
                seen.add(key)
                found.append(cause)
                if len(found) > MAX_NAMED:
                    return found  # too many to name: no need to look for more
    if not found:  # rounding explains a gap only when no slip of a single figure does
        found.extend(_rounded_rate_causes(relation, facts, holds))
    return found


def diagnosis_text(relation: Relation, causes: list[Cause]) -> str:
    if len(causes) == 1:
        return causes[0].text
    if 1 < len(causes) <= MAX_NAMED:
        return "以下几种情况都能使之相符，请逐一核对：" + "；".join(cause.text for cause in causes) + "。"
    if causes and relation.operator != "=":
        return "数量级不合常理：请核对这几个数字的单位（元/万元、人/万人）、小数点和位数；若确属实情，可在地区的 checks.yaml 中写同名规则改写。"
    if causes:
        return "有多种单处改动都能使之相符，无法判断哪个数字有误；请逐项核对原始数据。"
    if relation.operator == "=":
        return "没有找到单个数字的笔误能解释这个差额；请逐项核对各个数字的来源，也可能缺了一项或多写了一项。"
    return "请核对这几个数字；若确有特殊情况，可在规则中写明“例外:”及其差额。"


def _unique_figures(used: list[Fact]) -> list[Fact]:
    """The written, exact figures among the facts a relation used: only they can be slips."""
    seen: set[int] = set()
    unique: list[Fact] = []
    for fact in used:
        if id(fact) in seen or fact.quantity is None or fact.derived or fact.quantity.approx:
            continue
        seen.add(id(fact))
        unique.append(fact)
    return unique


def _summand_facts(relation: Relation, facts: list[Fact]) -> list[Fact]:
    """The figures that are added up on a side with several terms (or in 求和): only they can
    be counted twice or left out."""
    patterns = []
    for side in (relation.left, relation.right):
        terms = summands(side)
        if not terms:
            continue
        if len(terms) == 1 and not isinstance(terms[0][1], Call):
            continue
        for sign, term in terms:
            if sign > 0 and isinstance(term, (Reference, Call)):
                path = term.path if isinstance(term, Reference) else term.argument.path
                patterns.append(_pattern(path))
    return [fact for fact in facts if any(pattern.match(fact.key) for pattern in patterns)]


def _pattern(path: str) -> re.Pattern:
    return path_pattern(path.removeprefix(f"{PREVIOUS_YEAR}."))


def _figure(fact: Fact) -> Quantity:
    """The quantity of a fact `_unique_figures` kept (it keeps only quantities)."""
    quantity = fact.quantity
    assert quantity is not None, fact.key
    return quantity


def _candidates(fact: Fact, is_summand: bool) -> Iterator[Cause]:
    quantity = _figure(fact)
    yield from _unit_slips(fact, quantity)
    yield from _decimal_shifts(fact, quantity)
    yield from _transpositions(fact, quantity)
    if is_summand:
        measure = Measure.of(quantity)
        yield Cause("twice", fact, _scaled(measure, 2), "合计可能把 {named} 算了两次（或分项少写了这一项）")
        yield Cause("missing", fact, _scaled(measure, 0), "合计可能漏加了 {named}（或这一项不应计入）")
    yield from _mistyped_digits(fact, quantity)


def _named(fact: Fact) -> str:
    return f"{fact.key}（{fact.written}，{fact.location}）"


def _corrected(fact: Fact, kind: str, quantity: Quantity, why: str) -> Cause:
    shown = _in_writers_unit(quantity, _figure(fact).unit)
    return Cause(kind, fact, Measure.of(quantity), "{named}" + f"可能{why}：按 {shown} 计算则相符")


def _in_writers_unit(quantity: Quantity, unit: str) -> str:
    if quantity.unit == unit:
        return f"{plain_decimal(quantity.value)}{unit}"
    value = quantity.value * unit_dimension(quantity.unit)[1] / unit_dimension(unit)[1]
    return f"{plain_decimal(value.normalize())}{unit}"


def _unit_slips(fact: Fact, quantity: Quantity) -> Iterator[Cause]:
    """元↔万元↔亿元 and the like; for a rate (万元/月, 元/人) the slip is in its numerator."""
    numerator, slash, denominator = quantity.unit.partition("/")
    unit = unit_of(numerator)
    family = UNIT_FAMILIES.get(unit.dimension)
    if not family or numerator not in family:
        return
    for other in family:
        if other != numerator:
            corrected = Quantity(quantity.value, other + slash + denominator)
            yield _corrected(fact, "unit", corrected, f"把以{corrected.unit}计的数写成了{quantity.unit}（{other}与{numerator}弄混）")


def _decimal_shifts(fact: Fact, quantity: Quantity) -> Iterator[Cause]:
    """The point moved (or a 0 typed too many/few); for counted things the corrected figure
    must be a whole number."""
    whole_count = quantity.decimals == 0 and quantity.unit in COUNTED_UNITS
    for places in (1, 2, -1, -2):
        value = quantity.value.scaleb(places)
        if value == value.to_integral_value():
            value = value.quantize(Decimal(1)) if quantity.decimals == 0 else value
        elif whole_count:
            continue  # 57家 cannot have been meant as 5.7家
        words = "一位" if abs(places) == 1 else "两位"
        yield _corrected(fact, "decimal", quantity.with_value(value), f"小数点错位{words}（或多打、少打了 0）")


def _digit_variants(quantity: Quantity) -> Iterator[tuple[str, Decimal]]:
    """("transposed" | "digit", value) for every adjacent swap and every single-digit change."""
    text = plain_decimal(abs(quantity.value)).replace(",", "")
    sign = -1 if quantity.value < 0 else 1
    for index in range(len(text) - 1):
        a, b = text[index], text[index + 1]
        if a.isdigit() and b.isdigit() and a != b:
            swapped = text[:index] + b + a + text[index + 2:]
            if _well_formed(swapped):
                yield "transposed", sign * Decimal(swapped)
    for index, char in enumerate(text):
        if not char.isdigit():
            continue
        for digit in "0123456789":
            if digit != char:
                changed = text[:index] + digit + text[index + 1:]
                if _well_formed(changed):
                    yield "digit", sign * Decimal(changed)


def _well_formed(text: str) -> bool:
    whole = text.split(".")[0]
    return not (len(whole) > 1 and whole.startswith("0"))


def _transpositions(fact: Fact, quantity: Quantity) -> Iterator[Cause]:
    for kind, value in _digit_variants(quantity):
        if kind == "transposed":
            yield _corrected(fact, kind, quantity.with_value(value), "有两位相邻数字颠倒")


def _mistyped_digits(fact: Fact, quantity: Quantity) -> Iterator[Cause]:
    for kind, value in _digit_variants(quantity):
        if kind == "digit":
            yield _corrected(fact, kind, quantity.with_value(value), "有一位数字打错")


def _scaled(measure: Measure, factor: int) -> Measure:
    times = Decimal(factor)
    return Measure(measure.low * times, measure.high * times, measure.value * times, measure.dimension, measure.kind)


def _rounded_rate_causes(relation: Relation, facts: list[Fact], holds: Holds) -> list[Cause]:
    """A rate worked out from rounded figures (47.31万人 ÷ 49.2万人 instead of the exact
    counts) is right as arithmetic: say so, naming the rounded operands that reproduce it."""
    rates = [fact for fact in facts if unit_of(_figure(fact).unit).dimension == "" and _figure(fact).unit in ("%", "‰")]
    operands = [fact for fact in facts if fact not in rates and _figure(fact).value != 0]
    if not rates or not operands:
        return []
    for digits in (2, 3, 4):
        overrides = {id(fact): _rounded_measure(fact, digits) for fact in operands}
        if holds(overrides):
            shown = "、".join(f"{fact.key} ≈ {_rounded_text(fact, digits)}" for fact in operands)
            rate = rates[0]
            return [Cause("rounded", rate, Measure.of(_figure(rate)),
                          "{named}" + f"可能是用取整后的数算的（{shown}），按原始数字计算并不相符")]
    return []


def _significant(value: Decimal, digits: int) -> Decimal:
    if value == 0:
        return value
    exponent = value.adjusted() - digits + 1
    return value.quantize(Decimal(1).scaleb(exponent)) if exponent > 0 else round(value, -exponent)


def _rounded_measure(fact: Fact, digits: int) -> Measure:
    measure = Measure.of(_figure(fact))
    value = _significant(measure.value, digits)
    return Measure(value, value, value, measure.dimension, measure.kind)


def _rounded_text(fact: Fact, digits: int) -> str:
    quantity = _figure(fact)
    return f"{plain_decimal(_significant(quantity.value, digits).normalize())}{quantity.unit}"
