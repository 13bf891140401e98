"""Planted mistakes: every kind of slip in every figure of the example rules.

For each rule of the three examples and each figure it uses, a mistake is planted (a unit
slip, a decimal shift, each adjacent transposition, a mistyped digit at each position, a part
counted twice or left out, a rate worked out from rounded figures). When the planted mistake
breaks the rule, the diagnosis must be the planted cause, or a short list that includes it,
or no cause at all — never a different cause named as the answer.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from conftest import REPO
from msgspec.structs import replace

from zongjie.checks.diagnose import UNIT_FAMILIES
from zongjie.checks.engine import expand_rules, references, run_rules
from zongjie.checks.expr import Reference, summands
from zongjie.checks.measure import Measure, is_exact_count
from zongjie.inputs.loading import load
from zongjie.inputs.workspace import Workspace
from zongjie.numbers.format import plain_decimal
from zongjie.numbers.quantity import Quantity
from zongjie.numbers.units import convert, unit_of

EXAMPLES = [("岳阳楼区", "2023"), ("裕安区", "2020"), ("奉化区", "2022")]


def _loaded(district, year):
    workspace = Workspace.open(REPO)
    return load(workspace, workspace.select(district, year)[0])


def _figure_variants(quantity: Quantity):
    """(kind, planted quantity) for every value slip possible for this figure."""
    unit = unit_of(quantity.unit)
    for other in UNIT_FAMILIES.get(unit.dimension, ()):
        if quantity.unit in UNIT_FAMILIES[unit.dimension] and other != quantity.unit:
            yield "unit", Quantity(convert(quantity.value, quantity.unit, other), quantity.unit)
    for places in (1, -1, 2):
        value = quantity.value.scaleb(places)
        if is_exact_count(quantity) and value != value.to_integral_value():
            continue
        yield "decimal", quantity.with_value(value.quantize(Decimal(1)) if is_exact_count(quantity) else value)
    text = plain_decimal(quantity.value)
    for index in range(len(text) - 1):
        a, b = text[index], text[index + 1]
        if a.isdigit() and b.isdigit() and a != b and not (index == 0 and b == "0"):
            yield "transposed", quantity.with_value(Decimal(text[:index] + b + a + text[index + 2:]))
    digit_positions = [index for index, char in enumerate(text) if char.isdigit()]
    # the first, a middle and the last digit: every figure gets the slip, not every position
    for index in sorted({digit_positions[0], digit_positions[len(digit_positions) // 2], digit_positions[-1]}):
        char = text[index]
        if char.isdigit():
            for step in (1,) if index else (1, 5):
                digit = str((int(char) + step) % 10)
                if index == 0 and digit == "0" and len(text.split(".")[0]) > 1:
                    continue
                yield "digit", quantity.with_value(Decimal(text[:index] + digit + text[index + 1:]))


def _plant(facts, fact, quantity):
    facts.index[fact.key] = replace(fact, value=quantity, written=str(quantity))


def _cases():
    for district, year in EXAMPLES:
        loaded = _loaded(district, year)
        for rule in expand_rules(list(loaded.rules), loaded.facts):
            if rule.exception:
                continue
            keys = [fact_key for side in (rule.relation.left, rule.relation.right) for fact_key in _keys(side, loaded.facts)]
            for key in dict.fromkeys(keys):
                fact = loaded.facts.get(key)
                if fact is None or fact.quantity is None or fact.derived or fact.quantity.approx:
                    continue
                for kind, quantity in _figure_variants(fact.quantity):
                    yield district, year, rule, key, kind, quantity
            yield from _structural_cases(district, year, rule, loaded.facts)


def _keys(expr, facts):
    from zongjie.checks.expr import path_pattern

    for reference in references(expr):
        if reference.is_pattern:
            pattern = path_pattern(reference.path)
            yield from (key for key in facts.index if pattern.match(key))
        elif not reference.path.startswith("上年."):
            yield reference.path


def _structural_cases(district, year, rule, facts):
    """A part counted twice in (or left out of) the total of `总计 = 甲 + 乙 …`."""
    total = rule.relation.left
    if rule.relation.operator != "=" or not isinstance(total, Reference):
        return
    total_fact = facts.get(total.path)
    if total_fact is None or total_fact.quantity is None:
        return
    terms = summands(rule.relation.right)
    if not terms or any(sign < 0 for sign, _ in terms):
        return
    parts = [key for key in _keys(rule.relation.right, facts) if key != total.path]
    if len(parts) < 2:
        return
    for key in parts:
        part = facts.get(key)
        if part is None or part.quantity is None:
            continue
        change = convert(part.quantity.value, part.quantity.unit, total_fact.quantity.unit)
        for kind, sign in (("twice", 1), ("missing", -1)):
            value = total_fact.quantity.value + sign * change
            yield district, year, rule, total.path, kind + ":" + key, total_fact.quantity.with_value(value)


CASES = list(_cases())


def test_the_generator_plants_every_kind_of_mistake():
    kinds = {case[4].split(":")[0] for case in CASES}
    assert kinds >= {"unit", "decimal", "transposed", "digit", "twice", "missing"}
    assert len({case[2].name for case in CASES}) >= 40  # rules of all three examples


@pytest.mark.parametrize("district, year", EXAMPLES)
def test_planted_mistakes_get_the_planted_cause_or_none(district, year):
    wrong, named, total = [], 0, 0
    loaded = _loaded(district, year)
    pristine = dict(loaded.facts.index)
    for case_district, case_year, rule, key, kind, quantity in CASES:
        if (case_district, case_year) != (district, year):
            continue
        loaded.facts.index.clear()
        loaded.facts.index.update(pristine)
        original = loaded.facts.get(key)
        _plant(loaded.facts, original, quantity)
        result = run_rules([rule], loaded.facts, loaded.previous)
        mismatches = [f for f in result.findings if f.code == "mismatch"]
        if not mismatches:
            continue  # the slip happens to keep the relation true (e.g. a ≤ that still holds)
        total += 1
        causes = mismatches[0].causes
        if not causes:
            continue
        named += 1
        if not any(_is_planted(cause, key, kind, original) for cause in causes):
            wrong.append(f"{rule.name}: {key} {original.written} → {quantity} ({kind}); named: "
                         + " | ".join(cause.text for cause in causes))
    assert not wrong, "\n".join(wrong[:20]) + f"\n({len(wrong)} wrong of {total})"
    assert total > 50 and named > total // 3  # the diagnosis is not silent by default


def _is_planted(cause, key, kind, original) -> bool:
    if kind.startswith(("twice:", "missing:")):
        part = kind.split(":", 1)[1]
        if cause.fact.key == part and cause.kind == kind.split(":")[0]:
            return True
    return cause.fact.key == key and cause.corrected_value == Measure.of(original.quantity).value


def test_rate_worked_out_from_rounded_figures_is_named():
    loaded = _loaded("岳阳楼区", "2023")
    rule = next(rule for rule in loaded.rules if rule.name == "医疗救助完成率")
    done, task = loaded.facts.get("医疗救助.完成人次"), loaded.facts.get("医疗救助.任务人次")
    assert (done.written, task.written) == ("18631人次", "13500人次")
    # 1.9万 ÷ 1.4万 = 135.71%: the writer divided the figures as rounded in the text
    _plant(loaded.facts, loaded.facts.get("医疗救助.完成率"), Quantity(Decimal("135.71"), "%"))
    finding = next(f for f in run_rules([rule], loaded.facts).findings if f.code == "mismatch")
    assert [cause.kind for cause in finding.causes] == ["rounded"]
    assert "取整" in finding.hint and "13500" not in finding.hint.split("（")[-1]
