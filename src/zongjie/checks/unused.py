"""Facts nothing reads: a top-level key that no template, narrative or rule names.

A key spelled otherwise than the template spells it (医疗救组, or a form the script folding
does not reach) would otherwise drop its section and its rules without a word, and the
document would still build. Names are compared in Simplified form (see zongjie.script.fold),
as anywhere else; a name that merely occurs in some text counts as read, so this warns only
where nothing could have read the fact.
"""

from __future__ import annotations

from pathlib import Path

from zongjie.checks.expr import PREVIOUS_YEAR, references
from zongjie.checks.findings import Finding, Severity
from zongjie.inputs.facts import FactSet
from zongjie.inputs.textio import read_source
from zongjie.script import fold


def source_text(paths: list[Path]) -> str:
    """Templates, narrative and rules files as one folded text, to look names up in."""
    parts = []
    for path in paths:
        try:
            parts.append(read_source(path).text)
        except (OSError, ValueError):  # unreadable files are reported where they are used
            continue
    return fold("\n".join(parts))


def unused_facts(facts: FactSet, text: str, rules) -> list[Finding]:
    named = {_top_level(reference.path) for rule in rules for reference in references(rule.relation.left)
             + references(rule.relation.right)}
    named |= {_top_level(rule.scope) for rule in rules if rule.scope}
    findings = []
    for name in facts.root.members:
        if name in named or name in text:
            continue
        findings.append(Finding(
            "fact-unused", Severity.WARNING, "未使用的事实",
            f"事实“{name}”没有被任何模板、叙述文件或校验规则用到，不会出现在文档中",
            facts.root.key_locations.get(name, facts.root.members[name].location),
            hint="若是键名与模板的写法不同（错字、别名），请改成模板所用的名称（可查看模板的 facts.yaml 骨架）；"
                 "确实不需要的事实可以删去。",
        ))
    return findings


def _top_level(path: str) -> str:
    if path.startswith(PREVIOUS_YEAR + "."):
        path = path[len(PREVIOUS_YEAR) + 1:]
    return path.split(".")[0].split("[")[0]
