"""What a year still being filled in lacks: a final build's error per missing fact, the rules
waiting for a fact, the fill progress `zongjie check` reports, and the to-do list at the end
of a draft. The placeholders themselves are recorded while rendering (templating/placeholders.py).
"""

from __future__ import annotations

from pathlib import Path

from zongjie.checks.engine import expand_rules
from zongjie.checks.expr import PREVIOUS_YEAR, references
from zongjie.checks.findings import Finding, Severity
from zongjie.document.model import FactSpan, PageBreak, Paragraph, Strong, Text
from zongjie.document.sourceref import SourceRef
from zongjie.location import Location
from zongjie.templating.placeholders import YEARS, Placeholder, declared_keys, declared_location


def unique(placeholders: list[Placeholder]) -> list[Placeholder]:
    """Each missing key once, in the order the document asks for it; a key that is required
    anywhere is required."""
    by_key: dict[str, Placeholder] = {}
    for placeholder in placeholders:
        seen = by_key.get(placeholder.key)
        if seen is None or (seen.optional and not placeholder.optional):
            by_key[placeholder.key] = placeholder if seen is None else Placeholder(seen.key, seen.location, False, seen.declared)
    return list(by_key.values())


def missing_fact_findings(placeholders: list[Placeholder]) -> list:
    """A final build's errors: every required fact the document still lacks, each at the
    facts.yaml line to fill."""
    findings = []
    for placeholder in unique(placeholders):
        if placeholder.optional:
            continue
        if placeholder.declared:
            findings.append(Finding(
                "fact-unfilled", Severity.ERROR, "待填事实", f"事实“{placeholder.key}”还没有填写", placeholder.location,
                hint="请填写这一项；只想先看看效果，可运行 zongjie build --draft 生成标出待填处的草稿。",
            ))
        elif placeholder.key.startswith(YEARS + "["):
            year = placeholder.key[len(YEARS) + 1:].partition("]")[0]
            findings.append(Finding(
                "fact-unfilled", Severity.ERROR, "待填事实", f"模板用到的“{placeholder.key}”：本地区没有“{year}”年度的事实",
                placeholder.location,
                hint="历年[…] 只能写本地区已有 facts.yaml 的年度，如 历年[2022]；请检查年份是否写对。",
            ))
        else:
            findings.append(Finding(
                "fact-unfilled", Severity.ERROR, "待填事实", f"模板用到的事实“{placeholder.key}”在 facts.yaml 中没有",
                placeholder.location,
                hint="请检查键名是否与 facts.yaml 一致（分组用“.”连接），或在 facts.yaml 中补写这一项。",
            ))
    return findings


def waiting_rules(rules: list, facts) -> list[str]:
    """Rules a draft cannot check yet: one of their figures is written in facts.yaml but not
    filled in. They are listed as waiting, not reported as errors (nor silently skipped)."""
    waiting = []
    for rule in expand_rules(rules, facts):
        unfilled = []
        for side in (rule.relation.left, rule.relation.right):
            for reference in references(side):
                path = reference.path
                if reference.is_pattern or path.startswith(PREVIOUS_YEAR + ".") or facts.get(path) is not None:
                    continue
                if declared_location(facts.path, path) is not None and path not in unfilled:
                    unfilled.append(path)
        if unfilled:
            waiting.append(f"{rule.name}（待填：{'、'.join(unfilled)}）")
    return waiting


def fill_progress(facts, assembly_placeholders, used_keys) -> str:
    """`zongjie check`'s line on how far a half-filled year is: the facts the document uses,
    how many are filled, and the parts of facts.yaml with nothing filled yet."""
    pending = unique(list(assembly_placeholders))
    required = [p for p in pending if not p.optional]
    filled = len(used_keys)
    total = filled + len(pending)
    text = f"填写进度：文档用到的事实 {total} 项，已填 {filled} 项"
    if pending:
        text += f"，待填 {len(pending)} 项（必填 {len(required)} 项，可选 {len(pending) - len(required)} 项）"
    empty = empty_groups(facts)
    if empty:
        text += f"；一项都还没填的分组（对应的章节暂不出现在文档中）：{'、'.join(empty)}"
    return text + "。"


def empty_groups(facts) -> list[str]:
    """The topmost groups of facts.yaml in which nothing is filled yet."""
    declared = declared_keys(facts.path) if facts.path else {}
    groups = {key.rpartition(".")[0] for key in declared if "." in key}
    filled_prefixes = {".".join(key.split(".")[:depth]) for key in facts.index for depth in range(1, key.count(".") + 1)}
    empty = sorted((g for g in groups if g not in filled_prefixes), key=lambda g: list(declared).index(g))
    return [g for g in empty if not any(g.startswith(other + ".") for other in empty)]


def with_todo_list(document, placeholders: list[Placeholder], facts_path: Path | None = None):
    """A draft ends with its to-do list — every placeholder with the facts.yaml line to fill —
    so a writer who only opens the document (not the terminal) sees it too. Plain paragraphs,
    not a heading: the list is no chapter and takes no chapter number."""
    from msgspec.structs import replace


    items = unique(placeholders)
    if not items:
        return document
    required = sum(not item.optional for item in items)
    blocks = [PageBreak(), Paragraph((Strong((Text(f"草稿待填事项（共 {len(items)} 项，其中必填 {required} 项；定稿中不出现）"),)),))]
    for item in items:
        where = f"{_short_place(item.location, facts_path)}：" if item.location else ""
        note = "（可选）" if item.optional else ""
        blocks.append(Paragraph((Text(where),
                                 FactSpan(item.text, SourceRef((item.key,), (item.location,) if item.location else (), placeholder=True)),
                                 Text(note))))
    return replace(document, blocks=(*document.blocks, *blocks))


def _short_place(location: Location, facts_path: Path | None) -> str:
    """`facts.yaml 第12行` for this year's own file; the full place for any other file."""
    if facts_path is not None and location.line and location.file == facts_path:
        return f"facts.yaml 第{location.line}行"
    return str(location)
