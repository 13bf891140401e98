"""Findings as people and tools read them: Chinese text (default) or JSON."""

from __future__ import annotations

import json
from collections.abc import Callable

from msgspec import Struct

from zongjie.checks.findings import CheckResult, Finding, Severity
from zongjie.location import Location


class DocumentChecks(Struct, frozen=True):
    """The checks of one district-year, for reporting; `error` when its input was unusable."""

    label: str
    result: CheckResult
    error: str = ""


class FindingLayout(Struct, frozen=True):
    """How one Finding is laid out: the terminal's lines and a review copy's Word comment say
    the same things (the verdict, each figure with its source, the rule, the fix) in two
    layouts. `place` shows a location, `key` a fact key."""

    head: str  # fields: where (the finding's location, "file:line: "), word (错误/警告/说明), message
    figure: str  # fields: key, written, mark (（推算）), place
    rule: str  # fields: name, place
    hint: str  # field: hint
    place: Callable[[Location | None], str] = str
    key: Callable[[str], str] = str


TERMINAL = FindingLayout("{where}{word}：{message}", "    {key} = {written}{mark}    ← {place}",
                         "    规则“{name}”    ← {place}", "  → {hint}")


def render_finding(finding: Finding, layout: FindingLayout) -> str:
    where = f"{finding.location}: " if finding.location else ""
    lines = [layout.head.format(where=where, word=Severity(finding.severity).word, message=finding.message)]
    for figure in finding.figures:
        mark = "（推算）" if figure.derived else ""
        lines.append(layout.figure.format(key=layout.key(figure.key), written=figure.written, mark=mark,
                                          place=layout.place(figure.location)))
    if finding.check_location:
        lines.append(layout.rule.format(name=finding.check, place=layout.place(finding.check_location)))
    if finding.hint:
        lines.append(layout.hint.format(hint=finding.hint))
    return "\n".join(lines)


def finding_text(finding: Finding) -> str:
    """A finding as the terminal shows it."""
    return render_finding(finding, TERMINAL)


def unchecked_text(result: CheckResult) -> str:
    """Every rule not evaluated, and why: a supervisor must see what was not checked."""
    if not result.unchecked:
        return ""
    lines = [f"未校验的规则 {len(result.unchecked)} 条："]
    for item in result.unchecked:
        where = f"    ← {item.location}" if item.location else ""
        lines.append(f"    {item.rule}：{item.reason}{where}")
    return "\n".join(lines)


def summary_text(checks: list[DocumentChecks]) -> str:
    usable = [item for item in checks if not item.error]
    failed = len(checks) - len(usable)
    errors = sum(len(item.result.errors) for item in usable)
    warnings = sum(len(item.result.warnings) for item in usable)
    checked = sum(item.result.checked for item in usable)
    derived = sum(len(item.result.derived) for item in usable)
    unchecked = sum(len(item.result.unchecked) for item in usable)
    if not usable:
        return f"共 {len(checks)} 份文档，都无法校验（见上），没有校验任何关系。"
    text = f"共校验 {len(usable)} 份文档、{checked} 条关系：错误 {errors} 个，警告 {warnings} 个"
    if derived:
        text += f"，推算 {derived} 个合计"
    if unchecked:
        text += f"；另有 {unchecked} 条规则未校验（原因见上）"
    if failed:
        text += f"；另有 {failed} 份文档无法校验（见上），其中的错误没有计入"
    if checked == 0:
        text += "；没有一条关系得到校验，这不等于没有错误"
    return text + "。"


def as_json(checks: list[DocumentChecks], coverages: dict[str, dict] | None = None) -> str:
    """`zongjie check --format json`; `coverages` (label → coverage.coverage_json) when asked for."""
    coverages = coverages or {}
    return json.dumps(
        {
            "documents": [
                {
                    "document": item.label,
                    **({"coverage": coverages[item.label]} if item.label in coverages else {}),
                    "checked": item.result.checked,
                    "skipped": item.result.skipped,
                    "unchecked": [
                        {"rule": u.rule, "reason": u.reason, "location": str(u.location) if u.location else None}
                        for u in item.result.unchecked
                    ],
                    "derived": [
                        {"key": fact.key, "value": fact.written, "rule": str(fact.location)} for fact in item.result.derived
                    ],
                    "findings": [_finding_json(finding) for finding in item.result.findings],
                    "error": item.error or None,
                }
                for item in checks
            ]
        },
        ensure_ascii=False,
        indent=2,
    )


def _finding_json(finding: Finding) -> dict:
    return {
        "code": finding.code,
        "severity": finding.severity,
        "check": finding.check,
        "rule_location": str(finding.check_location) if finding.check_location else None,
        "message": finding.message,
        "location": str(finding.location) if finding.location else None,
        "file": finding.location.file.as_posix() if finding.location else None,
        "line": finding.location.line if finding.location else None,
        "expected": finding.expected,
        "found": finding.found,
        "difference": finding.difference,
        "hint": finding.hint,
        "causes": [
            {"kind": cause.kind, "key": cause.fact.key, "location": str(cause.fact.location), "text": cause.text}
            for cause in finding.causes
        ],
        "figures": [
            {"key": f.key, "written": f.written, "location": str(f.location), "derived": f.derived}
            for f in finding.figures
        ],
    }
