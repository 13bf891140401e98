"""Which written figures some check looks at, and which none does.

A figure no rule touches can be wrong by a factor of ten and pass: `zongjie check --coverage`
lists them so a writer can add a rule (or see that last year's figure covers it).
"""

from __future__ import annotations

from msgspec import Struct

from zongjie.checks.engine import expand_rules
from zongjie.checks.expr import PREVIOUS_YEAR, path_pattern, references
from zongjie.checks.plausibility import comparable_pairs
from zongjie.checks.rules import Rule
from zongjie.checks.run import year_over_year_factor
from zongjie.inputs.facts import Fact, FactSet


class Coverage(Struct, frozen=True):
    numeric: tuple[Fact, ...]  # every figure written in facts.yaml
    uncovered: tuple[Fact, ...]  # those no rule or plausibility check looks at

    @property
    def covered(self) -> int:
        return len(self.numeric) - len(self.uncovered)

    @property
    def share(self) -> float:
        return self.covered / len(self.numeric) if self.numeric else 1.0


def rule_keys(rules: list[Rule], facts: FactSet) -> set[str]:
    """The keys of this year's facts that some rule refers to (patterns expanded)."""
    keys: set[str] = set()
    for rule in expand_rules(rules, facts):
        for side in (rule.relation.left, rule.relation.right):
            for reference in references(side):
                if reference.path.startswith(PREVIOUS_YEAR + "."):
                    continue
                if reference.is_pattern:
                    pattern = path_pattern(reference.path)
                    keys.update(key for key in facts.index if pattern.match(key))
                else:
                    keys.add(reference.path)
    return keys


def coverage(rules: list[Rule], facts: FactSet, plausibility_keys: frozenset[str] | set[str] = frozenset()) -> Coverage:
    touched = rule_keys(rules, facts) | set(plausibility_keys)
    numeric = tuple(fact for fact in facts.index.values() if fact.quantity is not None and not fact.derived)
    return Coverage(numeric, tuple(fact for fact in numeric if fact.key not in touched))


def coverage_text(label: str, result: Coverage) -> str:
    percent = round(result.share * 100)
    lines = [f"{label}：{len(result.numeric)} 个数字中 {result.covered} 个有校验（{percent}%）"]
    if result.uncovered:
        lines.append(f"  没有任何规则或合理性检查涉及的数字 {len(result.uncovered)} 个：")
        for fact in result.uncovered:
            lines.append(f"    {fact.key} = {fact.written}    ← {fact.location}")
    return "\n".join(lines)


def coverage_of(loaded) -> Coverage:
    """The coverage of one loaded district-year (inputs/loading.Loaded): its rules, and last year's
    figures where the template sets 同比倍数."""
    plausible = set()
    if year_over_year_factor(loaded) is not None:
        plausible = {fact.key for fact, _ in comparable_pairs(loaded.facts, loaded.previous)}
    return coverage(list(loaded.rules), loaded.facts, plausible)


def coverage_json(coverage_result: Coverage) -> dict:
    return {
        "numeric": len(coverage_result.numeric),
        "covered": coverage_result.covered,
        "share": round(coverage_result.share, 4),
        "uncovered": [{"key": f.key, "written": f.written, "location": str(f.location)} for f in coverage_result.uncovered],
    }
