"""Checks on the assembled document and on the facts as a whole (not single relations).

- required sections of the template present and not empty;
- the plans section speaks of the following year (a copied "2023年工作打算" in the 2023
  summary is last year's plan);
- one measure, one kind of unit: the same item counted in 人 last year and 人次 this year, an
  amount written with a bare 万 among amounts in 万元, or a figure shown without its unit and
  followed (or headed in a table) by another unit than its own;
- shown against stored precision: parts shown rounded (元 shown as 万元 with two decimals)
  may no longer add up to the shown total, although the stored figures do;
- a unit written again after a fact that already carries it (266人次 + 人次 → 人次人次).
"""

from __future__ import annotations

import re
from collections import defaultdict
from decimal import Decimal

from zongjie.checks.expr import Call, Reference, path_pattern, summands
from zongjie.checks.findings import Figure, Finding, Severity
from zongjie.checks.lint import doubled_unit
from zongjie.checks.rules import Rule
from zongjie.document.model import Block, Document, FactSpan, Heading, ListBlock, Table, Text, plain_text
from zongjie.document.walk import inline_runs, iter_blocks, iter_inlines, walk_inlines
from zongjie.inputs.facts import FactSet
from zongjie.location import Location
from zongjie.numbers.format import plain_decimal, rounded
from zongjie.numbers.parse import parse_quantity
from zongjie.numbers.quantity import Quantity
from zongjie.numbers.units import COMMON_UNIT_PATTERN, convert, unit_of
from zongjie.script import fold

PLAN_WORDS = ("打算", "计划", "下一步", "展望", "思路")
_YEAR = re.compile(r"(\d{4})年")


def check_document(document: Document, template_name: str, required: tuple[str, ...], year: int,
                   where: Location) -> list[Finding]:
    return (_required_sections(document, template_name, required, where) + _plans_year(document, year, where)
            + _empty_parts(document, required, where))


def _empty_parts(document: Document, required: tuple[str, ...], where: Location) -> list[Finding]:
    """A document without a title, and sections that came out empty (an empty narrative file,
    facts all left blank), which a reader would see as a heading over nothing."""
    findings = []
    if not plain_text(document.meta.title).strip():
        findings.append(Finding("title-missing", Severity.WARNING, "文档结构", "文档没有标题", where,
                                hint="模板开头的 --- 之间应有“标题: …”一行；请检查模板的文档信息是否完整。"))
    for heading, body in _sections(document):
        title = plain_text(heading.content)
        has_text = any(plain_text(inlines).strip() for inlines in inline_runs(body))
        if not has_text and not any(fold(name) in fold(title) for name in required):  # required ones are errors above
            findings.append(Finding(
                "section-empty", Severity.WARNING, "文档结构", f"章节“{heading.number}{title}”下面没有内容", where,
                hint="请检查该章节的叙述文件是否为空、所需的事实是否都已填写；不需要的章节可删去其叙述文件。",
            ))
    return findings


def _sections(document: Document) -> list[tuple[Heading, list[Block]]]:
    """Each first-level heading with the blocks up to the next one."""
    sections: list[tuple[Heading, list[Block]]] = []
    for block in document.blocks:
        if isinstance(block, Heading) and block.level == 1:
            sections.append((block, []))
        elif sections:
            sections[-1][1].append(block)
    return sections


def _required_sections(document, template_name, required, where) -> list[Finding]:
    findings = []
    sections = _sections(document)
    for name in required:
        # either script on either side: a Traditional template.yaml or narrative heading
        found = [(heading, body) for heading, body in sections if fold(name) in fold(plain_text(heading.content))]
        if not found:
            findings.append(Finding(
                "section-missing", Severity.ERROR, "必需章节",
                f"缺少模板“{template_name}”要求的章节“{name}”", where,
                hint="请补齐该章节所需的事实或叙述文件；若本年度确实没有，请在模板的 required_sections 中去掉它。",
            ))
        elif not any(plain_text(inlines).strip() for _heading, body in found for inlines in inline_runs(body)):
            findings.append(Finding(
                "section-empty", Severity.ERROR, "必需章节",
                f"章节“{name}”没有内容", where, hint="请检查该章节引用的事实和叙述文件是否都已填写。",
            ))
    return findings


def _plans_year(document, year: int, where) -> list[Finding]:
    findings = []
    for heading, body in _sections(document):
        title = fold(plain_text(heading.content))
        if not any(word in title for word in PLAN_WORDS):
            continue
        for found in _YEAR.findall(title):
            if int(found) != year + 1:
                findings.append(Finding(
                    "plans-year", Severity.WARNING, "工作打算的年份",
                    f"{year}年度总结的“{title}”说的是{found}年", where,
                    hint=f"工作打算应当是{year + 1}年的；若是从往年文件复制来的，请更新。",
                ))
        body_text = "".join(plain_text(inlines) for inlines in inline_runs(body))
        for found in sorted({int(y) for y in _YEAR.findall(body_text)}):
            if found < year:
                findings.append(Finding(
                    "plans-year", Severity.WARNING, "工作打算的年份",
                    f"工作打算中提到了{found}年（本总结为{year}年度）", where,
                    hint="计划应面向下一年；请确认这段文字不是往年的旧稿。",
                ))
    return findings


# ---- units -----------------------------------------------------------------------------------
def check_units(facts: FactSet, previous: FactSet | None = None) -> list[Finding]:
    """One measure, one kind of unit: a key counted in 人 last year and 人次 this year, and an
    amount with a bare 万/亿 among amounts in 万元 (the 元 left out)."""
    findings = []
    if previous is not None:
        for key, fact in facts.index.items():
            earlier = previous.get(key)
            if fact.quantity is None or earlier is None or earlier.quantity is None:
                continue
            if unit_of(fact.quantity.unit).dimension != unit_of(earlier.quantity.unit).dimension:
                findings.append(Finding(
                    "unit-inconsistent", Severity.WARNING, "单位一致",
                    f"{key} 今年写作“{fact.written}”，上年写作“{earlier.written}”，单位种类不同",
                    fact.location, (Figure.of(fact), Figure.of(earlier)),
                    hint="同一指标每年应按同一口径统计（人与人次、元与家不能互换）；请核对哪一年写错了单位。",
                ))
    findings.extend(_bare_scale(facts))
    return findings


def _bare_scale(facts: FactSet) -> list[Finding]:
    """`2310.9万` is a number with a scale but no unit: 万元? 万人? The figure cannot be
    checked or converted until the unit is written."""
    findings = []
    for key, fact in facts.index.items():
        if fact.quantity is None or fact.quantity.unit not in ("万", "亿"):
            continue
        group = key.split(".")[0]
        money = any(other.quantity is not None and unit_of(other.quantity.unit).dimension == "元"
                    for other_key, other in facts.index.items() if other_key.split(".")[0] == group)
        suggestion = f"是金额请写成“{fact.written}元”" if money else f"请补上单位，如“{fact.written}元”或“{fact.written}人”"
        findings.append(Finding(
            "unit-missing-yuan" if money else "unit-missing", Severity.WARNING, "单位一致",
            f"{key} 写作“{fact.written}”，只有“{fact.quantity.unit}”没有单位", fact.location, (Figure.of(fact),),
            hint=suggestion + "。",
        ))
    return findings


_UNIT_AFTER = re.compile(rf"^({COMMON_UNIT_PATTERN})")
_UNIT_IN_HEADER = re.compile(r"[（(]([^（）()]{1,4})[）)]\s*$")


def check_shown_units(document: Document) -> list[Finding]:
    """A figure shown without its unit must not be followed (or headed, in a table column) by
    another one: "{{ 收入 | 数字 }}元" for a fact in 万元 prints a figure 10,000 times too small."""
    findings = []
    for block in iter_blocks(document):
        if isinstance(block, ListBlock):
            continue  # its items are blocks of their own
        if isinstance(block, Table):
            findings.extend(_shown_under_header(block))
            continue
        for current, following in _fact_then_text(inline_runs(block)):
            match = _UNIT_AFTER.match(fold(following.text))
            if match:
                findings.extend(_shown_with_unit(current, match.group(), "后面"))
    return findings


def _shown_under_header(table: Table) -> list[Finding]:
    findings = []
    units = [_header_unit(cell) for cell in table.header]
    for row in table.rows:
        for unit, cell in zip(units, row):
            for inline in walk_inlines(cell):
                if unit and isinstance(inline, FactSpan):
                    findings.extend(_shown_with_unit(inline, unit, "表头"))
    return findings


def _fact_then_text(runs):
    """(figure, the text right after it) within each run of inlines."""
    for inlines in runs:
        flat = list(walk_inlines(inlines))
        for current, following in zip(flat, flat[1:]):
            if isinstance(current, FactSpan) and isinstance(following, Text):
                yield current, following


def _header_unit(cell) -> str:
    match = _UNIT_IN_HEADER.search(plain_text(cell))
    return match.group(1) if match else ""


def _shown_with_unit(span: FactSpan, unit: str, where: str) -> list[Finding]:
    if len(span.keys) != 1 or not span.written:
        return []
    try:
        shown, stored = parse_quantity(span.text), parse_quantity(span.written[0])
    except ValueError:
        return []
    if shown.unit or not stored.unit:  # a figure with its own unit: the next word is not its unit
        return []
    location = span.locations[0] if span.locations else None
    if unit_of(unit).dimension != unit_of(stored.unit).dimension:
        return [Finding(
            "unit-shown", Severity.WARNING, "单位一致",
            f"事实 {span.keys[0]}（{stored}）显示为“{span.text}”，{where}写的单位却是“{unit}”",
            location, hint=f"请确认单位：事实的单位是“{stored.unit}”。",
        )]
    expected = convert(stored.value, stored.unit, unit)
    if rounded(expected, shown.decimals) != shown.value:
        return [Finding(
            "unit-shown", Severity.ERROR, "单位一致",
            f"事实 {span.keys[0]} 是 {stored}，文中显示为“{span.text}{unit}”，数值不符（应为 {plain_decimal(expected)}{unit}）",
            location, hint=f"把数字换算到“{unit}”（如用 | {unit} 过滤器），或把单位改成“{stored.unit}”。",
        )]
    return []


# ---- shown against stored precision -----------------------------------------------------------
def check_shown_sums(document: Document, rules: list[Rule], facts: FactSet) -> list[Finding]:
    """Per block (a table, a paragraph): where a total and all its parts are shown, do the shown
    (rounded) figures add up? Rules that hold for the stored figures can fail when shown."""
    sums = [spec for spec in (_sum_spec(rule, facts) for rule in rules) if spec is not None]
    findings = []
    for block in document.blocks:
        shown = _shown_quantities(block)
        for rule, total_key, part_keys in sums:
            if total_key in shown:
                finding = _shown_sum(rule, total_key, part_keys, shown, facts)
                if finding:
                    findings.append(finding)
    return findings


def _sum_spec(rule: Rule, facts: FactSet) -> tuple[Rule, str, list[str]] | None:
    """(rule, total key, part keys) for a rule of the form 合计 = 甲 + 乙 + 求和(…), else None."""
    relation = rule.relation
    terms = summands(relation.right)
    if relation.operator != "=" or not isinstance(relation.left, Reference) or terms is None:
        return None
    part_keys: list[str] = []
    for sign, term in terms:
        if sign != 1 or not isinstance(term, (Reference, Call)):
            return None
        if isinstance(term, Call):
            pattern = path_pattern(term.argument.path)
            part_keys.extend(key for key in facts.index if pattern.match(key))
        else:
            part_keys.append(term.path)
    return (rule, relation.left.path, part_keys) if part_keys else None


Shown = dict[str, list[tuple[str, Quantity]]]  # fact key → (text shown, its quantity), in order


def _shown_quantities(block: Block) -> Shown:
    """Every figure shown in a block, by fact key, in the order shown (a fact may be shown
    twice: once as stored, once rounded)."""
    shown: Shown = defaultdict(list)
    for inline in iter_inlines(block):
        if isinstance(inline, FactSpan) and len(keys := inline.keys) == 1:
            try:
                shown[keys[0]].append((inline.text, parse_quantity(inline.text)))
            except ValueError:
                continue
    return shown


def _shown_as_stored(quantity, key: str, facts: FactSet) -> bool:
    fact = facts.get(key)
    return fact is not None and fact.quantity is not None and quantity == fact.quantity


def _shown_sum(rule: Rule, total_key: str, part_keys: list[str], shown: Shown, facts: FactSet) -> Finding | None:
    for total_text, total in shown[total_key]:
        # the parts as shown alongside this total: in the same unit
        found = [next((item for item in shown.get(key, []) if item[1].unit == total.unit), None) for key in part_keys]
        parts = [part for part in found if part is not None]
        if len(parts) < len(found):
            continue
        if _shown_as_stored(total, total_key, facts) and all(
                _shown_as_stored(part[1], key, facts) for part, key in zip(parts, part_keys)):
            continue  # shown as stored: the relation rules already cover it
        parts_sum = sum((part[1].value for part in parts), Decimal(0))
        if rounded(parts_sum, total.decimals) == total.value:
            continue
        figures = tuple(Figure(key, text, fact.location)
                        for key, text in [(total_key, total_text), *((k, p[0]) for k, p in zip(part_keys, parts))]
                        if (fact := facts.get(key)))
        total_fact = facts.get(total_key)
        return Finding(
            "shown-sum", Severity.WARNING, rule.name,
            f"按显示的数字，各部分之和为 {plain_decimal(rounded(parts_sum, total.decimals))}{total.unit}，"
            f"合计却显示为 {total_text}（存储的数字是相符的，差异来自四舍五入）",
            total_fact.location if total_fact else None, figures,
            hint="可用 舍位平衡(合计, [各部分], \"单位\", 小数) 调整显示的分项，使其与合计相等（见 README“舍位平衡”）。",
            check_location=rule.location,
        )
    return None


# ---- prose where template and fact meet ---------------------------------------------------------------------
_UNITS_AT_END = re.compile(rf"({COMMON_UNIT_PATTERN})$")


def _repeated_unit(shown: str, following: str) -> str:
    """万元 + 元, 人 + 人, 家 + 家 … for any unit the shown figure ends with (see lint.doubled_unit)."""
    unit = _UNITS_AT_END.search(shown)
    if unit is None:
        try:
            unit_text = parse_quantity(shown).unit
        except ValueError:
            return ""
    else:
        unit_text = unit.group()
    return doubled_unit(unit_text, following) if unit_text else ""


def lint_rendered(document: Document) -> list[Finding]:
    """A unit written after a fact that already ends with it: 266人次 + 人次."""
    findings = []
    for current, following in _fact_then_text(inline_runs(document.blocks)):
        repeated = _repeated_unit(current.text, fold(following.text))
        if repeated:
            findings.append(Finding(
                "lint-doubled-unit", Severity.WARNING, "文字检查",
                f"“{current.text}”后面又写了“{repeated}”，成文为“{current.text}{repeated}”",
                current.locations[0] if current.locations else None,
                hint=f"事实 {current.keys[0]} 已带单位，请删去模板或叙述中紧跟其后的“{repeated}”。",
            ))
    return findings
