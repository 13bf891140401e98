"""Would the edited value of a figure break a rule? Put it in place of the fact and run the
checks again, on a fresh copy of the facts (checks derive totals into the set they run on)."""

from __future__ import annotations

from decimal import Decimal

from msgspec.structs import replace

from zongjie.checks.engine import expand_rules, run_rules
from zongjie.checks.expr import PREVIOUS_YEAR, path_pattern, references
from zongjie.checks.findings import Severity
from zongjie.document.model import FactSpan
from zongjie.errors import NumberFormatError, ZongjieError
from zongjie.inputs.facts import Fact
from zongjie.inputs.loading import load_year_facts
from zongjie.numbers.parse import parse_value
from zongjie.numbers.quantity import Quantity
from zongjie.numbers.units import compatible, convert
from zongjie.review.notes import rule_key, source_place, year_of


class FigureChecker:
    def __init__(self, workspace, loaded):
        self.workspace = workspace
        self.loaded = loaded

    def __call__(self, span: FactSpan, edited: str) -> tuple[bool | None, list[str]]:
        if not edited:
            return None, ["数字被删去：如确实不要，请改模板或叙述；facts.yaml 不必改"]
        if len(span.keys) != 1:
            return None, [f"这个数字由 {len(span.keys)} 项事实计算得出，请核对参与计算的各项（见上列行号）"]
        key = span.keys[0]
        named = rule_key(key, span.locations[0], self.loaded.facts, self.loaded.previous)
        if named is None:
            return None, [f"这是 {year_of(span.locations[0])} 年度的数字，本年度的规则不核对它；"
                          f"如要改，请改 {source_place(span.locations[0], self.workspace.root)}"]
        year_facts = self.loaded.previous if named != key and self.loaded.previous is not None else self.loaded.facts
        fact = year_facts.get(key)
        if fact is None:
            return None, ["这个数字不是直接来自 facts.yaml 的一项，请核对它的来源"]
        value = self._fact_value(fact, span.text, edited)
        if value is None:
            return None, [f"无法把“{edited}”换算为 {key} 的单位（{fact.单位 or '无单位'}），未能校验"]
        breaks, messages = self._run(named, replace(fact, value=value, written=edited, derived=False))
        if fact.derived:  # checked as if the edited total were written in facts.yaml
            messages.insert(0, "这是由分项推算出的合计，facts.yaml 中没有这一行；如要改，请改参与推算的分项")
        return breaks, messages

    def _fact_value(self, fact: Fact, shown: str, edited: str):
        """The edited text as a value of the fact, in the fact's unit."""
        try:
            new = parse_value(edited)
            old = parse_value(shown)
        except (NumberFormatError, ValueError):
            return None
        if not isinstance(fact.value, Quantity):
            return new if type(new) is type(fact.value) else None
        if not isinstance(new, Quantity):
            return None
        unit = new.unit or (old.unit if isinstance(old, Quantity) else "") or fact.value.unit
        if not compatible(unit, fact.value.unit):
            return None
        try:
            return replace(fact.value, value=Decimal(convert(new.value, unit, fact.value.unit)), approx=new.approx)
        except (ValueError, ArithmeticError):
            return None

    def _run(self, key: str, changed: Fact) -> tuple[bool | None, list[str]]:
        """Run the rules with `changed` in place of the figure a rule names `key` (上年.… for
        last year's)."""
        try:
            facts, previous, _ = load_year_facts(self.workspace, self.loaded.district_year)
        except ZongjieError as error:
            return None, [f"无法重新读取事实：{error.message}"]
        if key.startswith(f"{PREVIOUS_YEAR}.") and previous is not None:
            previous.index[changed.key] = changed
        else:
            facts.index[key] = changed
        rules = list(self.loaded.rules)
        checking = [rule for rule in expand_rules(rules, facts)
                    if any(path_pattern(reference.path).match(key)
                           for side in (rule.relation.left, rule.relation.right) for reference in references(side))]
        if not checking:
            return None, ["没有规则核对这个数字"]
        result = run_rules(rules, facts, previous)
        names = {rule.name for rule in checking}
        broken = [f for f in result.findings if f.check in names and f.severity in (Severity.ERROR, Severity.WARNING)]
        messages = [f"会违反规则“{f.check}”：{f.message}" for f in broken]
        held = sorted(names - {f.check for f in broken})
        messages += [f"规则“{name}”仍然相符" for name in held]
        return bool([f for f in broken if f.severity == Severity.ERROR]), messages
