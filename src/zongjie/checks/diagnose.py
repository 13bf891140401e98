"""Likely causes of a failed relation, as a clerk checking by hand would guess them.

For a total that does not equal the sum of its parts, with the gap d = total − Σ parts:
- one part written in 元 among parts in 万元 (off by a factor of 10,000), or off by 10 / 100;
- d equals one part: that part counted twice, or left out of the total;
- |d| divisible by 9 with the same digits: two digits transposed in one figure.
"""

from __future__ import annotations

from decimal import Decimal

from zongjie.checks.expr import Reference, summands
from zongjie.checks.measure import Measure
from zongjie.checks.rules import Rule
from zongjie.facts import Fact
from zongjie.numbers.quantity import Quantity
from zongjie.numbers.units import unit_of


def diagnose(rule: Rule, left: Measure, right: Measure, used: list[Fact], unit: str) -> str:
    if rule.relation.operator != "=":
        return "请核对这几个数字；若确有特殊情况，可在规则中写明“例外:”。"
    terms = summands(rule.relation.right)
    if terms is None or not isinstance(rule.relation.left, Reference):
        return "请核对公式两边的数字，注意单位与小数位数。"
    total = next((fact for fact in used if fact.key == rule.relation.left.path), None)
    parts = [fact for fact in used if fact is not total]
    gap = left.value - right.value  # in base units
    # A part missing or counted twice is checked before a scale slip: dividing a part by
    # 10,000 changes the sum by almost the whole part, which would otherwise read as a slip.
    for hint in (_counted_twice_or_missing(parts, gap, total), _scale_slip(parts, gap),
                 _scale_slip_total(total, right), _transposed_digits(total, parts, gap)):
        if hint:
            return hint
    return "请逐项核对各部分与合计；也可能缺了一项或多写了一项。"


def _base(fact: Fact) -> Decimal:
    return Measure.of(fact.quantity).value if fact.quantity else Decimal(0)


def _close(a: Decimal, b: Decimal, tolerance: Decimal) -> bool:
    return abs(a - b) <= tolerance


def _tolerance(facts: list[Fact]) -> Decimal:
    """The rounding slack of the figures involved, in base units."""
    slack = Decimal(0)
    for fact in facts:
        if fact.quantity:
            measure = Measure.of(fact.quantity)
            slack += measure.high - measure.low
    return slack or Decimal("0.5")


def _scale_slip(parts: list[Fact], gap: Decimal) -> str:
    """A part whose value × factor (or ÷ factor) closes the gap: written in the wrong unit."""
    tolerance = _tolerance(parts) * 2
    for fact in parts:
        value = _base(fact)
        for factor, cause in ((Decimal(10000), "元与万元弄混（可能把以元计的数写成了万元，或反之）"),
                              (Decimal(100), "小数点错位两位"), (Decimal(10), "小数点错位一位")):
            for corrected in (value / factor, value * factor):
                if value and _close(gap, corrected - value, tolerance):
                    return f"{fact.key}（{fact.written}，{fact.location}）可能{cause}：按 {_shown(fact, corrected)} 计算则相符。"
    return ""


def _scale_slip_total(total: Fact | None, right: Measure) -> str:
    if total is None or not total.quantity:
        return ""
    value = _base(total)
    for factor, cause in ((Decimal(10000), "元与万元弄混"), (Decimal(100), "小数点错位两位"), (Decimal(10), "小数点错位一位")):
        for corrected in (value / factor, value * factor):
            if value and _close(corrected, right.value, _tolerance([total]) * factor):
                return f"合计 {total.key}（{total.written}）可能{cause}：各部分之和为 {_shown(total, right.value)}。"
    return ""


def _counted_twice_or_missing(parts: list[Fact], gap: Decimal, total: Fact | None) -> str:
    tolerance = _tolerance(parts + ([total] if total else []))
    for fact in parts:
        value = _base(fact)
        if value and _close(-gap, value, tolerance):
            return f"各部分之和比合计多出 {fact.key}（{fact.written}）这一项：可能重复计算了它，或合计漏加了它。"
        if value and _close(gap, value, tolerance):
            return f"合计比各部分之和多出 {fact.written}，与 {fact.key} 相同：可能这一项在合计中算了两次。"
    return ""


def _transposed_digits(total: Fact | None, parts: list[Fact], gap: Decimal) -> str:
    """Two adjacent digits swapped changes a number by a multiple of 9 (in its last unit)."""
    candidates = ([total] if total else []) + parts
    for fact in candidates:
        if not fact.quantity or fact.quantity.approx:
            continue
        step = Decimal(1).scaleb(-fact.quantity.decimals) * unit_of(fact.quantity.unit).factor  # last digit
        units = gap / step
        if units == units.to_integral_value() and units != 0 and units % 9 == 0:
            swapped = _swap_to_close(fact, gap if fact is total else -gap, step)
            if swapped:
                return f"{fact.key}（{fact.written}）可能有两位数字颠倒，写作 {swapped} 则相符。"
    return ""


def _swap_to_close(fact: Fact, needed_change: Decimal, step: Decimal) -> str:
    """The figure with two adjacent digits swapped that changes it by −needed_change."""
    quantity = fact.quantity
    digits = list(format(quantity.value, "f"))
    target = _base(fact) - needed_change
    for index in range(len(digits) - 1):
        a, b = digits[index], digits[index + 1]
        if not (a.isdigit() and b.isdigit()) or a == b:
            continue
        swapped = digits.copy()
        swapped[index], swapped[index + 1] = b, a
        candidate = Quantity(Decimal("".join(swapped)), quantity.unit)
        if abs(Measure.of(candidate).value - target) < step / 2:
            return str(candidate)
    return ""


def _shown(fact: Fact, base_value: Decimal) -> str:
    from zongjie.numbers.format import plain_decimal
    from zongjie.numbers.units import unit_of

    unit = fact.quantity.unit if fact.quantity else ""
    value = base_value / unit_of(unit).factor
    return f"{plain_decimal(value.normalize() if value == value.to_integral_value() else value)}{unit}"
