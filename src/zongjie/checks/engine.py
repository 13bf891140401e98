"""Evaluating rules against one district-year's facts.

For each rule: resolve its fact keys (`上年.` reaches the previous year, `*` in 求和 expands),
derive a missing total from its parts, skip a rule whose facts this district does not have,
and otherwise compare both sides as intervals. A failure becomes a Finding that names every
figure with its file:line and, where a likely cause fits, says which.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import assert_never

from msgspec.structs import replace

from zongjie.checks.diagnose import MAX_NAMED, diagnosis_text, find_causes
from zongjie.checks.expr import (
    PREVIOUS_YEAR,
    Binary,
    Call,
    DateLiteral,
    Expr,
    Number,
    Reference,
    Relation,
    Unary,
    map_references,
    optional_references,
    path_pattern,
    references,
)
from zongjie.checks.findings import CheckResult, Figure, Finding, Severity, Unchecked
from zongjie.checks.measure import POINTS, Measure, UnitMismatch, apply, points_written_as_percent
from zongjie.checks.rules import Rule
from zongjie.checks.wording import amount, display_unit, formula_text, numbers_in
from zongjie.checks.wording import difference as gap_text
from zongjie.inputs.facts import Fact, FactGroup, FactSet, add_derived
from zongjie.numbers.format import plain_decimal, rounded
from zongjie.numbers.quantity import Quantity, YearMonth
from zongjie.numbers.units import unit_of
from zongjie.script import fold


class _Missing(Exception):
    """A rule refers to a fact this district-year does not have: the rule does not apply."""


class _NotExact(Exception):
    """A figure is approximate (20余人, 约300万元) or not a number: nothing exact to check."""

    def __init__(self, fact: Fact):
        self.fact = fact


class _Resolver:
    def __init__(self, facts: FactSet, previous: FactSet | None):
        self.facts = facts
        self.previous = previous
        self.overrides: dict[int, Measure] = {}  # id(fact) → a corrected value being tried
        self.exact: frozenset[str] = frozenset()  # keys the rule being checked marks 精确
        self.tolerance: Decimal | None = None  # 约数误差 of the rule being checked
        self.memo: dict[str, list[Fact]] | None = None  # key → facts, while diagnosing one rule

    def holds(self, relation: Relation, overrides: dict[int, Measure], accept=None) -> bool:
        """Whether the relation holds with some figures replaced (a diagnosis trying a cause);
        `accept(left, right)` replaces the relation's own test (an exception's discrepancy)."""
        self.overrides = overrides
        try:
            left = self.measure(relation.left, [])
            right = self.measure(relation.right, [])
            return accept(left, right) if accept else left.compare(relation.operator, right)
        except (_Missing, _NotExact, UnitMismatch, ZeroDivisionError, ArithmeticError):
            return False
        finally:
            self.overrides = {}

    def facts_for(self, reference: Reference) -> list[Fact]:
        # A diagnosis re-evaluates one rule hundreds of times: resolve each key once.
        if self.memo is not None:
            if reference.path not in self.memo:
                self.memo[reference.path] = self._facts_for(reference)
            return self.memo[reference.path]
        return self._facts_for(reference)

    def _facts_for(self, reference: Reference) -> list[Fact]:
        path = reference.path
        fact_set = self.facts
        if path.startswith(PREVIOUS_YEAR + "."):
            if self.previous is None:
                raise _Missing(reference.path)
            fact_set = self.previous
            path = path[len(PREVIOUS_YEAR) + 1 :]
        if reference.is_pattern:
            pattern = path_pattern(path)
            matched = [fact for key, fact in fact_set.index.items() if pattern.match(key)]
            if not matched:
                raise _Missing(reference.path)
            return matched
        fact = fact_set.get(path)
        if fact is None:
            raise _Missing(reference.path)
        return [fact]

    def measure(self, expr: Expr, used: list[Fact]) -> Measure:
        match expr:  # the commonest kinds first: a diagnosis evaluates a rule hundreds of times
            case Reference():
                return self._fact_measure(self.facts_for(expr)[0], used)
            case Binary():
                return apply(expr.operator, self.measure(expr.left, used), self.measure(expr.right, used))
            case Number():
                return Measure.constant(expr.quantity)
            case Call(function="optional"):
                try:
                    facts = self.facts_for(expr.argument)
                except _Missing:
                    return Measure.zero()
                return self._fact_measure(facts[0], used)
            case Call():  # 求和: facts_for matched at least one fact, or raised
                first, *rest = [self._fact_measure(fact, used) for fact in self.facts_for(expr.argument)]
                return sum(rest, first)
            case Unary():
                return -self.measure(expr.operand, used)
            case DateLiteral():
                return Measure.of_date(expr.value)
            case _:
                assert_never(expr)

    def _fact_measure(self, fact: Fact, used: list[Fact]) -> Measure:
        used.append(fact)
        if id(fact) in self.overrides:
            return self.overrides[id(fact)]
        quantity = fact.quantity
        if isinstance(fact.value, (datetime.date, YearMonth)):
            return Measure.of_date(fact.value)
        if quantity is None:
            raise _NotExact(fact)
        if quantity.approx:  # 97%以上, 20余人, 约300万元: the range it stands for
            return Measure.of(quantity, self.tolerance)
        if fact.key in self.exact:
            return Measure.exact(quantity)
        return Measure.of(quantity)


def run_rules(rules: list[Rule], facts: FactSet, previous: FactSet | None = None) -> CheckResult:
    """Check every rule; derive the totals a writer left out (and add them to `facts`)."""
    result = CheckResult()
    resolver = _Resolver(facts, previous)
    pending = expand_rules(rules, facts)
    # Derived totals may feed other rules, so rules that could not apply are retried once
    # after a pass that derived something.
    for _ in range(2):
        retry = []
        for rule in pending:
            outcome = _check(rule, resolver, result)
            if outcome == "missing":
                retry.append(rule)
        if len(retry) == len(pending) or not result.derived:
            pending = retry
            break
        pending = retry
    result.skipped += len(pending)
    for rule in pending:
        result.unchecked.append(Unchecked(rule.name, _missing_reason(rule, resolver), rule.location))
        if rule.local:  # a template rule may not apply to every district; a district's own should
            result.findings.append(_unknown_keys(rule, resolver))
    for rule in rules:
        if not rule.local and rule.scope and not _instances(rule, facts):
            result.unchecked.append(Unchecked(rule.name, f"没有含所需各项的“{rule.scope}”分组", rule.location))
        if rule.local and rule.scope and not _instances(rule, facts):
            result.findings.append(Finding(
                "rule-unused", Severity.WARNING, rule.name,
                f"规则“{rule.name}”的“对每个: {rule.scope}”没有匹配到任何分组", rule.location,
                hint="请检查分组的键名，并用 * 代表任意一个键（如 自评.一级指标.*）。", check_location=rule.location,
            ))
    return result


def _missing_keys(rule: Rule, resolver: _Resolver) -> list[str]:
    missing = []
    for side in (rule.relation.left, rule.relation.right):
        for reference in references(side):
            if reference in optional_references(side):
                continue
            try:
                resolver.facts_for(reference)
            except _Missing:
                missing.append(reference.path)
    return list(dict.fromkeys(missing))


def _missing_reason(rule: Rule, resolver: _Resolver) -> str:
    missing = _missing_keys(rule, resolver)
    if any(path.startswith(PREVIOUS_YEAR + ".") for path in missing) and resolver.previous is None:
        return "没有上一年度的事实（上年.…）"
    return f"事实中没有 {'、'.join(missing)}" if missing else "合计无法由各部分推算（含约数或文字）"


def _unknown_keys(rule: Rule, resolver: _Resolver) -> Finding:
    missing = _missing_keys(rule, resolver)
    return Finding(
        "rule-unused", Severity.WARNING, rule.name,
        f"规则“{rule.name}”用到的 {'、'.join(missing)} 在事实中没有，这条规则没有校验", rule.location,
        hint="请检查键名是否与 facts.yaml 一致（分组用“.”连接）；若今年没有这项数据，可删去这条规则。",
        check_location=rule.location,
    )


def expand_rules(rules: list[Rule], facts: FactSet) -> list[Rule]:
    """Every rule as it applies to these facts (a 对每个 rule once per matching group)."""
    return [instance for rule in rules for instance in _instances(rule, facts)]


def _instances(rule: Rule, facts: FactSet) -> list[Rule]:
    """A rule with 对每个 becomes one rule per matching group, its keys placed inside it."""
    if not rule.scope:
        return [rule]
    scoped = _scoped(rule)
    groups = scoped.matching(_all_group_paths(facts.root))
    if not rule.local:
        # A template's 对每个 rule (每组 基金支付 ÷ 人次) applies to the groups that have its
        # keys; a district's own rule keeps every match, so a missing key there is reported.
        index, get = facts.index, facts.get  # `in` first: most keys are there as written
        groups = [path for path in groups
                  if all(key in index or get(key) is not None for key in scoped.needed_in(path))]
    return [scoped.instance(path) for path in groups]


class _ScopedRule:
    """What a 对每个 rule's expansion needs, worked out once per rule rather than per document:
    its group pattern, the keys a group must have, and its instance in each group (the same
    for every document; building them with replace() was a tenth of a document's
    checks, expanded three times per document)."""

    __slots__ = ("rule", "pattern", "needed", "_instances", "_matched", "_needed_in")

    def __init__(self, rule: Rule):
        self.rule = rule
        self.pattern = path_pattern(rule.scope)
        self.needed = _needed_keys(rule)
        self._instances: dict[str, Rule] = {}
        self._matched: tuple[tuple[str, ...], list[str]] | None = None
        self._needed_in: dict[str, tuple[str, ...]] = {}

    def needed_in(self, path: str) -> tuple[str, ...]:
        """The full keys a group at `path` must have."""
        keys = self._needed_in.get(path)
        if keys is None:
            keys = self._needed_in[path] = tuple(f"{path}.{key}" for key in self.needed)
        return keys

    def matching(self, group_paths: tuple[str, ...]) -> list[str]:
        """The group paths its pattern matches; the same tuple of paths (one fact tree) is
        matched once, not at each of a document's three expansions."""
        matched = self._matched
        if matched is None or matched[0] is not group_paths:
            matched = self._matched = (group_paths, [path for path in group_paths if self.pattern.match(path)])
        return matched[1]

    def instance(self, path: str) -> Rule:
        instance = self._instances.get(path)
        if instance is None:
            rule = self.rule
            instance = self._instances[path] = replace(
                rule, name=f"{rule.name}（{path}）", scope="", exact=tuple(f"{path}.{key}" for key in rule.exact),
                relation=replace(rule.relation, left=_inside(rule.relation.left, path),
                                 right=_inside(rule.relation.right, path)))
        return instance


def _needed_keys(rule: Rule) -> list[str]:
    """The keys a group must have for a template's 对每个 rule to apply to it."""
    return [reference.path for side in (rule.relation.left, rule.relation.right) for reference in references(side)
            if reference not in optional_references(side) and not reference.is_pattern
            and not reference.path.startswith(PREVIOUS_YEAR + ".")]


# id(rule) → its expansion; the entry holds the rule, so an id is not reused while cached.
# Template rules are the same objects for every document (rules.py reads a file once per
# version); a district's own rules are new per document, hence the bound.
_SCOPED: dict[int, _ScopedRule] = {}


def _scoped(rule: Rule) -> _ScopedRule:
    scoped = _SCOPED.get(id(rule))
    if scoped is None or scoped.rule is not rule:
        if len(_SCOPED) >= 1024:
            _SCOPED.clear()
        scoped = _SCOPED[id(rule)] = _ScopedRule(rule)
    return scoped


_last_group_paths: tuple[FactGroup, tuple[str, ...]] | None = None


def _all_group_paths(root: FactGroup) -> tuple[str, ...]:
    """Every group's path, walked once per fact tree: each 对每个 rule is expanded several times
    per document (checks, shown sums, placeholders), and the walk was a fifth of the checks' time."""
    global _last_group_paths
    if _last_group_paths is None or _last_group_paths[0] is not root:
        _last_group_paths = (root, tuple(_group_paths(root)))
    return _last_group_paths[1]


def _group_paths(group: FactGroup):
    for member in group.members.values():
        if isinstance(member, FactGroup):
            yield member.path
            yield from _group_paths(member)


def _inside(expr: Expr, prefix: str) -> Expr:
    def placed(reference: Reference) -> Reference:
        return reference if reference.path.startswith(PREVIOUS_YEAR + ".") else Reference(f"{prefix}.{reference.path}")

    return map_references(expr, placed)


def _check(rule: Rule, resolver: _Resolver, result: CheckResult) -> str:
    resolver.exact = frozenset(rule.exact)
    resolver.tolerance = rule.tolerance
    relation = rule.relation
    if _report_number_fused_with_a_key(rule, resolver.facts, result):
        return "failed"
    used: list[Fact] = []
    try:
        right = resolver.measure(relation.right, used)
    except _Missing:
        return "missing"
    except _NotExact as not_exact:
        _skip_not_exact(rule, not_exact.fact, result)
        return "skipped"
    except (UnitMismatch, ZeroDivisionError) as error:
        _report_unit(rule, error, used, result)
        return "failed"
    try:
        left = resolver.measure(relation.left, used)
    except _Missing:
        if _derive(rule, right, used, resolver, result):
            return "derived"
        return "missing"
    except _NotExact as not_exact:
        _skip_not_exact(rule, not_exact.fact, result)
        return "skipped"
    except (UnitMismatch, ZeroDivisionError) as error:
        _report_unit(rule, error, used, result)
        return "failed"
    result.checked += 1
    if points_written_as_percent(left, right):
        _report_points_as_percent(rule, left, used, result)
    try:
        holds = left.compare(relation.operator, right)
    except UnitMismatch as error:
        _report_unit(rule, error, used, result)
        return "failed"
    figures = tuple(Figure.of(fact) for fact in _unique(used))
    if holds and rule.exception:
        result.findings.append(Finding(
            "exception-unneeded", Severity.WARNING, rule.name,
            f"规则“{rule.name}”标注了例外，但现在的数字已经相符",
            rule.location, figures, hint="可以删除这条规则的“例外:”说明。", check_location=rule.location,
        ))
    elif not holds:
        result.findings.append(_mismatch(rule, left, right, used, figures, resolver))
    return "checked"


def _skip_not_exact(rule: Rule, fact: Fact, result: CheckResult) -> None:
    """An approximate figure (20余人) cannot be checked exactly: skipped quietly. A fact that
    is not a figure at all where a rule needs one is a mistake worth saying."""
    result.skipped += 1
    result.unchecked.append(Unchecked(rule.name, f"{fact.key} 写作“{fact.written}”，不是数字", rule.location))
    if fact.quantity is None:
        result.findings.append(Finding(
            "not-a-number", Severity.WARNING, rule.name,
            f"规则“{rule.name}”用到的 {fact.key} 写作“{fact.written}”，不是数字，这条规则没有校验",
            fact.location, (Figure.of(fact),),
            hint="数字请写成 39310人、11720.82万元 这样的形式；若本来就是文字，请检查规则是否引用错了键。",
            check_location=rule.location,
        ))


def _unique(facts: list[Fact]) -> list[Fact]:
    seen, unique = set(), []
    for fact in facts:
        if fact.key not in seen:
            seen.add(fact.key)
            unique.append(fact)
    return unique


def _mismatch(rule: Rule, left: Measure, right: Measure, used: list[Fact], figures, resolver: _Resolver) -> Finding:
    resolver.memo = {}
    try:
        return _described_mismatch(rule, left, right, used, figures, resolver)
    finally:
        resolver.memo = None


def _described_mismatch(rule: Rule, left: Measure, right: Measure, used: list[Fact], figures,
                        resolver: _Resolver) -> Finding:
    causes = []
    left_used = [fact for fact in used if any(fact.key == ref.path.removeprefix(PREVIOUS_YEAR + ".")
                                              for ref in references(rule.relation.left))]
    constants = numbers_in(rule.relation.left) + numbers_in(rule.relation.right)
    unit, decimals = display_unit(left_used, used, left.dimension, constants)
    left_fact = _single_fact(rule.relation.left, used)
    found = str(left_fact.quantity) if left_fact is not None else amount(left.value, unit, decimals)
    expected = amount(right.value, unit, decimals)
    difference = gap_text(abs(left.value - right.value), unit, decimals)
    relation_word = {"=": "不等于", "<=": "大于", "<": "不小于", ">=": "小于", ">": "不大于"}[rule.relation.operator]
    left_text = formula_text(rule.relation.left)
    message = f"{left_text} = {found}，{relation_word} {formula_text(rule.relation.right)} = {expected}"
    if rule.relation.operator == "=":
        message += f"（相差 {difference}）"
    if rule.exception and _excused(rule, left, right):
        severity, code, hint = Severity.INFO, "known-exception", f"已知例外：{rule.exception}"
        if rule.pinned is None:
            severity, code = Severity.WARNING, "exception-unpinned"
            hint += (f"\n  → 这条例外没有写明它容许的差额，之后别的差错也会被它掩盖。"
                     f"请在规则中加上“例外差额: {difference}”。")
    elif rule.exception:
        # a cause is now a slip that brings the gap back to the excused one
        causes = find_causes(rule.relation, used, lambda overrides: resolver.holds(
            rule.relation, overrides, lambda left, right: _excused(rule, left, right)))
        severity, code = rule.severity, "exception-mismatch"
        hint = (f"这条规则的例外（例外差额 {rule.pinned}）只容许原有的那处差额，现在相差 {difference}，"
                f"是例外之外的新差错。" + diagnosis_text(rule.relation, causes))
    else:
        causes = find_causes(rule.relation, used, lambda overrides: resolver.holds(rule.relation, overrides))
        severity, code, hint = rule.severity, "mismatch", diagnosis_text(rule.relation, causes)
    primary = used[-1].location if used else rule.location
    left_facts = [fact for fact in used if any(fact.key == ref.path for ref in references(rule.relation.left))]
    if left_facts:
        primary = left_facts[0].location
    return Finding(code, severity, rule.name, message, primary, figures, expected, found, difference, hint,
                   rule.location, causes=tuple(causes) if len(causes) <= MAX_NAMED else ())


def _excused(rule: Rule, left: Measure, right: Measure) -> bool:
    """The discrepancy is the one the exception records (例外差额, either sign); an exception
    that records none excuses any, as before, but is itself a warning."""
    if rule.pinned is None:
        return True
    pinned = Measure.of(rule.pinned)
    if pinned.dimension != left.dimension and pinned.dimension != ():
        return False
    gap = left.value - right.value
    return any(pinned.low <= value <= pinned.high for value in (gap, -gap))


def _single_fact(expr: Expr, used: list[Fact]) -> Fact | None:
    if isinstance(expr, Reference):
        return next((fact for fact in used if fact.key == expr.path and fact.quantity is not None), None)
    return None


def _report_number_fused_with_a_key(rule: Rule, facts: FactSet, result: CheckResult) -> bool:
    """`100人/参保人数` or `5乙` reads as a constant whose unit is 人/参保人数 or 乙 (any Chinese
    after a number is its unit); when that "unit" is the name of a fact, the writer meant to
    divide or multiply by it, and the rule would check something else."""
    for number in numbers_in(rule.relation.left) + numbers_in(rule.relation.right):
        key = next((part for part in number.unit.split("/") if fold(part) in facts.root.members), None)  # keys are Simplified
        if key is None:
            continue
        shown = f"{plain_decimal(number.value)}{number.unit.partition('/')[0] if '/' in number.unit else ''}"
        operator = "÷" if "/" in number.unit else "×"
        result.checked += 1
        result.findings.append(Finding(
            "number-next-to-key", Severity.ERROR, rule.name,
            f"规则“{rule.name}”中的“{number}”被读作一个单位为“{number.unit}”的数，而“{key}”是一个事实的键",
            rule.location, check_location=rule.location,
            hint=f"若要{'除以' if operator == '÷' else '乘以'}这个事实，请写成“{shown} {operator} {key}”。",
        ))
        return True
    return False


def _report_points_as_percent(rule: Rule, left: Measure, used: list[Fact], result: CheckResult) -> None:
    """A figure in % equated with a difference of percentages: 提高0.3% where 0.3个百分点 is
    meant (or a rule that should divide by last year's rate)."""
    relation = rule.relation
    percent_side, points_side = ((relation.left, relation.right) if left.kind != POINTS
                                 else (relation.right, relation.left))
    fact = _single_fact(percent_side, used)
    figures = tuple(Figure.of(fact) for fact in _unique(used))
    difference = formula_text(points_side)
    if fact is not None and fact.quantity is not None:
        written, location = f"{fact.key} 写作“{fact.written}”", fact.location
        points = f"{plain_decimal(fact.quantity.value)}个百分点"
    else:
        written, location, points = f"{formula_text(percent_side)} 是百分比", rule.location, "…个百分点"
    result.findings.append(Finding(
        "percentage-points", Severity.ERROR, rule.name,
        f"{written}，而 {difference} 是两个百分比之差，单位是“个百分点”，不是 %",
        location, figures, check_location=rule.location,
        hint=(f"两个比率相减（如比上年提高、差距）请写作“{points}”；写成 % 读作相对增减。若这个数确是"
              f"增长率，请把规则改为“(本年 − 上年) ÷ 上年”。"),
    ))


def _report_unit(rule: Rule, error: Exception, used: list[Fact], result: CheckResult) -> None:
    figures = tuple(Figure.of(fact) for fact in _unique(used))
    units = "、".join(f"{fact.key}（{fact.written}）" for fact in _unique(used))
    if isinstance(error, ZeroDivisionError):
        message, hint = f"规则“{rule.name}”中分母为 0", "请检查作分母的事实是否填写正确。"
    else:
        message = f"规则“{rule.name}”把不同单位的数放在一起：{error}"
        hint = f"涉及：{units}。人与人次、元与家等不能相加或比较；金额请统一用元/万元/亿元。"
    location = figures[-1].location if figures else rule.location
    result.checked += 1
    result.findings.append(Finding("unit", Severity.ERROR, rule.name, message, location, figures, hint=hint,
                                   check_location=rule.location))


def _derive(rule: Rule, right: Measure, used: list[Fact], resolver: _Resolver, result: CheckResult) -> bool:
    """A total the writer left out, computed from its rule (only `键 = 公式` with every part given)."""
    left = rule.relation.left
    if rule.relation.operator != "=" or not isinstance(left, Reference) or left.is_pattern:
        return False
    if left.path.startswith(PREVIOUS_YEAR + "."):
        return False
    parts = [fact.quantity for fact in used if fact.quantity]
    if any(part.approx for part in parts) or len(right.dimension) == 1 and right.dimension[0][0] in ("日期", "天"):
        return False  # a total of 20余人 and 30人 is not a figure to print
    if right.dimension == ():  # a difference of two percentages is in 个百分点
        unit, decimals = "个百分点" if right.kind == POINTS else "%", rule.decimals if rule.decimals is not None else 2
        value = rounded(right.value * 100, decimals)
    else:
        unit = parts[0].unit if parts else ""
        decimals = rule.decimals if rule.decimals is not None else max(q.decimals for q in parts)
        value = rounded(right.value / unit_of(unit).factor, decimals)
    quantity = Quantity(value, unit)
    fact = Fact(left.path, quantity, str(quantity), rule.location, derived=True)
    add_derived(resolver.facts, fact)
    result.derived.append(fact)
    return True
