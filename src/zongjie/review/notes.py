"""What a review copy says about each figure: what it is, where it was written, which rules
check it and what they found, and whether it was derived (推算) rather than written.

Writers ask `ReviewNotes` about a `FactSpan`; they never see facts, rules or paths themselves.
"""

from __future__ import annotations

import re
from pathlib import Path

from msgspec import Struct

from zongjie.checks.engine import expand_rules, run_rules
from zongjie.checks.expr import PREVIOUS_YEAR, path_pattern, references
from zongjie.checks.findings import CheckResult, Finding, Severity
from zongjie.checks.report import FindingLayout, render_finding
from zongjie.checks.rules import Rule
from zongjie.document.model import FactSpan
from zongjie.importing.grid import column_letters
from zongjie.inputs.facts import FactSet
from zongjie.location import Location

SPREADSHEET_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".csv", ".ods")


class PlacedFinding(Struct, frozen=True):
    number: int  # stable id, so each finding is placed once per document
    text: str
    keys: tuple[str, ...]


class ReviewNotes:
    def __init__(self, facts: FactSet, rules: list[Rule] | tuple[Rule, ...], result: CheckResult, root: Path,
                 previous: FactSet | None = None):
        self.facts = facts
        self.root = root.resolve()
        self._previous = previous
        self.result = result
        self._rules = [(rule, _patterns(rule)) for rule in expand_rules(list(rules), facts)]
        self._status = {rule.name: _rule_status(rule, result, facts, previous) for rule, _ in self._rules}
        self.findings = [
            PlacedFinding(number, finding_note(finding, self.where),
                          tuple(self._rule_key(figure.key, figure.location) or "" for figure in finding.figures))
            for number, finding in enumerate(result.findings) if finding.severity in (Severity.ERROR, Severity.WARNING)
        ]
        self._failing = {self._rule_key(figure.key, figure.location) for finding in result.findings
                         if finding.severity == Severity.ERROR for figure in finding.figures} - {None}

    # ---- what writers ask --------------------------------------------------------------
    def note(self, span: FactSpan) -> str:
        """The comment on one figure, a few short lines."""
        lines = []
        for key, location, written in zip(span.keys, span.locations, span.written or ("",) * len(span.keys)):
            fact = self.facts.get(key)
            derived = fact.derived if fact is not None else span.derived
            value = written or (fact.written if fact is not None else "")
            shown_as_written = not value or value == span.text or location.line is None
            lines.append(f"数字：{key_words(key)}" + ("" if shown_as_written else f"（填写为 {value}）"))
            if derived:
                lines.append(f"推算：facts.yaml 中没有填写，由校验规则算出（规则见 {self.where(location)}）")
            else:
                lines.append(f"来源：{self.where(location)}")
            rule_key = self._rule_key(key, location)
            lines.append(self.rule_status(rule_key) if rule_key else f"校验：这是 {year_of(location)} 年度的数字，本年度的规则不核对它")
        if len(span.keys) > 1:
            lines.append(f"推算：由以上 {len(span.keys)} 项计算得出")
        elif span.derived and not any(line.startswith("推算") for line in lines):
            lines.append("推算：由上述数字计算得出（不是直接填写的数字）")
        return "\n".join(lines)

    def fails(self, span: FactSpan) -> bool:
        return bool(span_rule_keys(span, self.facts, self._previous) & self._failing)

    def findings_for(self, span: FactSpan) -> list[PlacedFinding]:
        keys = span_rule_keys(span, self.facts, self._previous)
        return [finding for finding in self.findings if set(finding.keys) & keys]

    def _rule_key(self, key: str, location: Location | None) -> str | None:
        return rule_key(key, location, self.facts, self._previous)

    def rule_status(self, key: str) -> str:
        checking = [rule for rule, patterns in self._rules if any(p.match(key) for p in patterns)]
        if not checking:
            return "校验：没有规则核对这个数字"
        return "校验：" + "；".join(f"“{rule.name}”{self._status[rule.name]}" for rule in checking)

    def where(self, location: Location | None) -> str:
        return source_place(location, self.root)


def rule_key(key: str, location: Location | None, facts: FactSet, previous: FactSet | None) -> str | None:
    """The key a rule names a figure by: this year's `参保.参保人数`, last year's
    `上年.参保.参保人数`, or None for an earlier year's (历年) that no rule of this year checks.
    A figure is known by the year folder of its facts.yaml, so last year's 参保人数 never
    carries this year's verdict (review notes) nor stands in for this year's figure (diff)."""
    year = year_of(location)
    if year is None or (facts.path is not None and year == facts.path.parent.name):  # this year's, or derived
        return key
    if previous is not None and previous.path is not None and year == previous.path.parent.name:
        return f"{PREVIOUS_YEAR}.{key}"
    return None


def span_rule_keys(span: FactSpan, facts: FactSet, previous: FactSet | None) -> set[str]:
    """The keys rules name a figure's facts by (see rule_key); an earlier year's have none."""
    keys = {rule_key(key, location, facts, previous) for key, location in zip(span.keys, span.locations)}
    return {key for key in keys if key is not None}


def year_of(location: Location | None) -> str | None:
    """The year folder a figure was written in (content/<地区>/<年度>/facts.yaml), if any."""
    if location is None:
        return None
    folder = Path(location.file).parent.name
    return folder if len(folder) == 4 and folder.isdigit() else None


def source_place(location: Location | None, root: Path) -> str:
    """A source place as a writer reads it: workspace-relative file and line, or a
    spreadsheet's cell."""
    if location is None:
        return "（未知）"
    path = Path(location.file)
    try:
        shown = path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        shown = path.name
    if path.is_dir():
        return f"文件夹名 {shown}"
    if path.suffix.lower() in SPREADSHEET_SUFFIXES and location.line:
        cell = f"{column_letters(location.column)}{location.line}" if location.column else f"第 {location.line} 行"
        return f"表格 {shown} 单元格 {cell}"
    shown = f"{shown} 第 {location.line} 行" if location.line else shown
    origin = getattr(location, "origin", "")  # imported by `zongjie import`: the cell first
    return f"表格 {origin}（{shown}）" if origin else shown


def _rule_status(rule: Rule, result: CheckResult, facts: FactSet, previous: FactSet | None) -> str:
    """What one rule found: its findings in the check, or, run alone, whether it could check."""
    found = [f for f in result.findings if f.check == rule.name]
    severe = sorted({Severity(f.severity).word for f in found if f.severity in (Severity.ERROR, Severity.WARNING)})
    if severe:
        return "、".join(severe)
    if any(f.code == "known-exception" for f in found):
        return "不相符（已注明例外）"
    alone = run_rules([rule], facts, previous)  # the facts already hold what the check derived
    if alone.checked:
        return "相符"
    if alone.skipped:
        return "未核对（含约数或非数字）"
    return "未核对（缺少数字）"


def _patterns(rule: Rule) -> list[re.Pattern]:
    relation = rule.relation
    return [path_pattern(reference.path) for side in (relation.left, relation.right) for reference in references(side)]


def key_words(key: str) -> str:
    """参保.参保人数 → 参保 › 参保人数."""
    return " › ".join(part for part in key.split(".") if part)


def finding_note(finding: Finding, where) -> str:
    """A finding as a Word comment or the HTML review's note: report.render_finding's lines,
    with the keys in words and the places workspace-relative."""
    layout = FindingLayout("校验{word}：{message}", "{key} = {written}{mark}（{place}）", "规则“{name}”（{place}）",
                           "建议：{hint}", place=where, key=key_words)
    return render_finding(finding, layout)
