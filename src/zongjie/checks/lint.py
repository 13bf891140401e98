"""Prose lint: what slips into typed text and slips past a proofreader.

On the writer's own files (narrative Markdown and templates), with exact file:line:
- doubled punctuation (；。 ，， 、。);
- half-width punctuation inside Chinese text (人数,参保率 / (含南湖新区) );
- figures typed into prose instead of taken from facts.yaml (an untraceable figure; if its
  value matches a fact, the hint names the key to use).
Where template and fact meet (a unit written twice: 人次人次) is checked on the rendered
document, in document.py. Only `zongjie check` needs this module.
"""

from __future__ import annotations

import re
from pathlib import Path

from zongjie.checks.engine import Finding
from zongjie.errors import Location
from zongjie.facts import FactSet
from zongjie.numbers.parse import parse_quantity
from zongjie.textio import read_source

_CJK = r"[\u3400-\u9fff\uf900-\ufaff]"
_FULL_PUNCT = "，。；：、！？"
_DOUBLED = re.compile(f"[{_FULL_PUNCT}][{_FULL_PUNCT}]|[,;][，。；]|[，。；][,;.]")
_HALF_IN_CHINESE = re.compile(rf"(?<={_CJK})[,;:?!(]|[,;:?!)](?={_CJK})|(?<={_CJK})\)")
_JINJA = re.compile(r"\{%-?\s*macro\b.*?\{%-?\s*endmacro\s*-?%\}|\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}", re.DOTALL)
_QUOTED = re.compile(r"“[^”\n]*”|‘[^’\n]*’|「[^」\n]*」|『[^』\n]*』|\"[^\"\n]*\"")  # 「」: Taiwan, Hong Kong
_FIGURE = re.compile(r"(?<![A-Za-z0-9_.])\d[\d,]*(?:\.\d+)?(?:[%‰]|[\u4e00-\u9fff]{1,4})?")
_LIST_MARKER = re.compile(r"^\s*(?:\d+[.)]\s|[-*+]\s|#+\s|\|)")
_TABLE_RULE = re.compile(r"^\s*\|?\s*:?-{3,}")


def lint_source(path: Path, facts: FactSet | None = None) -> list[Finding]:
    """Lint one narrative or template file."""
    text = read_source(path).text
    blanked = _blank_markup(text)
    findings: list[Finding] = []
    for number, line in enumerate(blanked.split("\n"), 1):
        if _TABLE_RULE.match(line):
            continue
        findings.extend(_punctuation(path, number, line))
        findings.extend(_typed_figures(path, number, line, facts))
    return findings


def _blank_markup(text: str) -> str:
    """Jinja tags and quoted names replaced by spaces of the same length, newlines kept, so
    columns and lines stay where they were."""
    def blank(match: re.Match) -> str:
        return re.sub(r"[^\n]", " ", match.group())

    text = _QUOTED.sub(blank, _JINJA.sub(blank, text))
    return _blank_front_matter_keys(text)


def _blank_front_matter_keys(text: str) -> str:
    """`标题:` in the front matter is syntax, not prose."""
    lines = text.split("\n")
    start = next((i for i, line in enumerate(lines) if line.strip()), None)
    if start is None or lines[start].strip() != "---":
        return text
    for index in range(start + 1, len(lines)):
        if lines[index].strip() == "---":
            break
        lines[index] = re.sub(r"^\s*[^:：\s]+\s*[:：]", lambda m: " " * len(m.group()), lines[index])
    return "\n".join(lines)


def _punctuation(path: Path, number: int, line: str) -> list[Finding]:
    findings = []
    for match in _DOUBLED.finditer(line):
        findings.append(_lint(
            "lint-doubled-punctuation", path, number,
            f"标点重复：“{match.group()}”", "两个标点之间应只留一个（如“；。”改为“。”）。",
        ))
    for match in _HALF_IN_CHINESE.finditer(line):
        findings.append(_lint(
            "lint-half-width-punctuation", path, number,
            f"中文里用了半角标点“{match.group()}”", "中文行文请用全角标点：，；：？！（）。",
        ))
    return findings


def _typed_figures(path: Path, number: int, line: str, facts: FactSet | None) -> list[Finding]:
    prose = _LIST_MARKER.sub(lambda m: " " * len(m.group()), line)
    findings = []
    for match in _FIGURE.finditer(prose):
        written = match.group()
        keys = _matching_facts(written, facts)
        hint = (f"这个数与事实 {'、'.join(keys)} 相同，请写成 {{{{ {keys[0]} }}}}。" if keys else
                "请把它写进 facts.yaml，再在这里用 {{ 键 }} 引用，以便核对和追溯来源。")
        findings.append(_lint(
            "lint-untraceable-figure", path, number,
            f"数字“{written}”直接写在文字里，无法追溯来源", hint,
        ))
    return findings


def _matching_facts(written: str, facts: FactSet | None) -> list[str]:
    if facts is None:
        return []
    try:
        quantity = parse_quantity(written)
    except ValueError:
        return []
    return [key for key, fact in facts.index.items() if fact.quantity is not None
            and fact.quantity.value == quantity.value and fact.quantity.unit == quantity.unit][:3]


def _lint(code: str, path: Path, line: int, message: str, hint: str) -> Finding:
    return Finding(code, "warning", "文字检查", message, Location(path, line), hint=hint)
