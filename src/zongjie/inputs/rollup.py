"""A city's (or province's) facts as the sum of its member districts' facts.

Every figure that all members state, in units that add (counts, amounts; not percentages,
rates or approximate figures), is summed exactly in the first member's unit. What does not
add (dates, rates, text) is carried over when every member states the same value (the same
statistics cut-off date; a rate that is equal everywhere is also the city's). The city's own
facts.yaml adds what is not a sum (dates, text, its own rates) and may state totals itself:
a stated total is checked against the members' sum, rounding-aware, and a failure names the
city's line and every member's.
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

from zongjie.checks.findings import Figure, Finding, Severity
from zongjie.checks.measure import Measure
from zongjie.errors import FactError
from zongjie.inputs.facts import Fact, FactGroup, FactSet, add_derived, load_facts
from zongjie.location import Location
from zongjie.numbers.format import plain_decimal
from zongjie.numbers.quantity import Quantity
from zongjie.numbers.units import compatible, convert

_NOT_ADDITIVE = ("", "%", "‰", "个百分点", "百分点")


def load_city_facts(folder: Path, members: dict[str, FactSet]) -> tuple[FactSet, list[Finding]]:
    """The city's own facts (if it has a facts.yaml) completed with its members' sums."""
    own_path = folder / "facts.yaml"
    if own_path.is_file():
        facts = load_facts(own_path)
    else:
        facts = FactSet(own_path, FactGroup("", Location(folder)), {})
    findings = []
    for key, total, parts in _sums(members):
        stated = facts.get(key)
        if stated is None:
            add_derived(facts, Fact(key, total, str(total), Location(folder), derived=True))
        elif stated.quantity is not None and not stated.quantity.approx:
            finding = _compare(stated, stated.quantity, total, parts)
            if finding:
                findings.append(finding)
    for key, fact in _shared(members):
        if facts.get(key) is None:
            add_derived(facts, Fact(key, fact.value, fact.written, fact.location, derived=True))
    return facts, findings


def _additive(fact: Fact) -> bool:
    quantity = fact.quantity
    return quantity is not None and not quantity.approx and quantity.unit not in _NOT_ADDITIVE


def _shared(members: dict[str, FactSet]) -> Iterator[tuple[str, Fact]]:
    """Facts that do not add up but that every member states alike."""
    first, *others = members.values()
    for key, fact in first.index.items():
        if _additive(fact):
            continue
        if all((same := other.get(key)) is not None and same.value == fact.value for other in others):
            yield key, fact


# One member's figure of a summed key: the fact (for its line) and its quantity.
Part = tuple[Fact, Quantity]


def _sums(members: dict[str, FactSet]) -> Iterator[tuple[str, Quantity, list[Part]]]:
    if not members:
        return
    first, *others = members.values()
    for key, fact in first.index.items():
        quantity = fact.quantity
        if quantity is None or not _additive(fact):
            continue
        parts: list[Part] = [(fact, quantity)]
        for other in others:
            candidate = other.get(key)
            found = candidate.quantity if candidate is not None else None
            if candidate is None or found is None or found.approx or not compatible(found.unit, quantity.unit):
                break
            parts.append((candidate, found))
        else:
            value = sum((convert(part.value, part.unit, quantity.unit) for _, part in parts), Decimal(0))
            if value == value.to_integral_value():
                value = value.quantize(Decimal(1))  # 3.9万人 + 39310人 is 78310人, not 78310.0人
            yield key, Quantity(value, quantity.unit), parts


def _compare(stated: Fact, quantity: Quantity, total: Quantity, parts: list[Part]) -> Finding | None:
    city = Measure.of(quantity)
    members = Measure.of(parts[0][1])  # parts start with the first member's own figure
    for _, part in parts[1:]:
        members = members + Measure.of(part)
    if city.compare("=", members):
        return None
    difference = (city.value - members.value) / Measure.of(Quantity(Decimal(1), quantity.unit)).value
    return Finding(
        "rollup-mismatch", Severity.ERROR, "成员地区合计",
        f"{stated.key} 市级写作 {stated.written}，各成员地区之和为 {total}（相差 {plain_decimal(abs(difference))}{quantity.unit}）",
        stated.location, (Figure.of(stated), *(Figure.of(fact) for fact, _ in parts)),
        hint="请核对市级数字和各地区的数字；若市级数字另有口径（如含市本级），请在市级事实中分开写明。",
    )


def member_facts(content_dir: Path, members: tuple[str, ...], year: str) -> dict[str, FactSet]:
    facts = {}
    for member in members:
        path = content_dir / member / year / "facts.yaml"
        if not path.is_file():
            raise FactError(
                f"成员地区“{member}”没有 {year} 年度的 facts.yaml，无法汇总",
                Location(path),
                f"请先为 {member} 建立 {year} 年度（zongjie new {member} {year}），或从 config.yaml 的成员中去掉它。",
            )
        facts[member] = load_facts(path)
    return facts
