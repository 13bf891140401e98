"""Plausibility against last year: a figure that changed by more than the template's factor
(同比倍数 in checks.yaml, e.g. 3: more than ×3 or below ÷3) is more often a slip than news.

The warning names both lines, and when the change is close to a power of ten it says which
slip would explain it (a decimal point, 元 for 万元).
"""

from __future__ import annotations

from decimal import Decimal

from zongjie.checks.findings import Figure, Finding, Severity
from zongjie.checks.measure import Measure
from zongjie.inputs.facts import Fact, FactSet
from zongjie.numbers.format import plain_decimal
from zongjie.numbers.quantity import Quantity

_SLIPS = ((Decimal(10000), "元与万元（或人与万人）弄混"), (Decimal(100), "小数点错位两位"), (Decimal(10), "小数点错位一位或多打了一个 0"))


def comparable_pairs(facts: FactSet, previous: FactSet | None) -> list[tuple[Fact, Fact]]:
    """This year's figures with last year's figure of the same key and dimension."""
    if previous is None:
        return []
    pairs = []
    for key, fact in facts.index.items():
        earlier = previous.get(key)
        if fact.derived or not _usable(fact) or earlier is None or not _usable(earlier):
            continue
        if Measure.of(_figure(fact)).dimension == Measure.of(_figure(earlier)).dimension:
            pairs.append((fact, earlier))
    return pairs


def _usable(fact: Fact) -> bool:
    return fact.quantity is not None and not fact.quantity.approx and fact.quantity.value != 0


def _figure(fact: Fact) -> Quantity:
    """The quantity of a fact `_usable` accepted (only quantities are)."""
    quantity = fact.quantity
    assert quantity is not None, fact.key
    return quantity


def year_over_year(facts: FactSet, previous: FactSet | None, factor: Decimal | None) -> list[Finding]:
    if factor is None:
        return []
    findings = []
    for fact, earlier in comparable_pairs(facts, previous):
        now, then = Measure.of(_figure(fact)).value, Measure.of(_figure(earlier)).value
        ratio = now / then
        if ratio <= 0 or (1 / factor <= ratio <= factor):
            continue
        change = f"是上年的 {plain_decimal(round(ratio, 2))} 倍" if ratio > 1 else f"只有上年的 {plain_decimal(round(ratio * 100, 2))}%"
        findings.append(Finding(
            "implausible-change", Severity.WARNING, "同比合理性",
            f"{fact.key} = {fact.written}，{change}（上年 {earlier.written}），超出同比倍数 {plain_decimal(factor)}",
            fact.location, (Figure.of(fact), Figure(f"上年.{earlier.key}", earlier.written, earlier.location)),
            hint=_likely_slip(fact, ratio),
        ))
    return findings


def _likely_slip(fact: Fact, ratio: Decimal) -> str:
    for size, cause in _SLIPS:
        for scale in (size, 1 / size):
            if abs(ratio / scale - 1) < Decimal("0.5"):
                corrected = _figure(fact).value / scale
                shown = plain_decimal(corrected.normalize() if corrected == corrected.to_integral_value() else corrected)
                return f"可能{cause}：按 {shown}{_figure(fact).unit} 计则与上年相近。请核对；若变化属实，可不理会本警告。"
    return "请核对这个数字与上年的数字；若变化属实（政策调整、口径变化），可不理会本警告。"
