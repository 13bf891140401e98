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
from functools import cache
from pathlib import Path

from zongjie.checks.findings import Finding, Severity
from zongjie.errors import NumberFormatError
from zongjie.inputs.facts import FactSet
from zongjie.inputs.textio import read_source
from zongjie.location import Location
from zongjie.numbers.parse import parse_date, parse_quantity
from zongjie.numbers.units import COMMON_UNIT_PATTERN

_CJK = r"[\u3400-\u9fff\uf900-\ufaff]"
_FULL_PUNCT = "，。；：、！？"
_DOUBLED = re.compile(f"[{_FULL_PUNCT}][{_FULL_PUNCT}]|[,;][，。；]|[，。；][,;.]")
_JINJA = re.compile(r"\{%-?\s*macro\b.*?\{%-?\s*endmacro\s*-?%\}|\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}", re.DOTALL)
_QUOTED = re.compile(r"“[^”\n]*”|‘[^’\n]*’|「[^」\n]*」|『[^』\n]*』|\"[^\"\n]*\"")  # 「」: Taiwan, Hong Kong
_FIGURE = re.compile(r"(?<![A-Za-z0-9_.])\d[\d,]*(?:\.\d+)?(?:[%‰]|[\u4e00-\u9fff]{1,4})?")
# A date typed into prose is one figure (2023年12月20日, 2023年3月底, 2023-12-20), not three.
_DATE_IN_PROSE = re.compile(r"(?<![\d.])\d{4}(?:年\d{1,2}月(?:\d{1,2}日|底)?|[-/.]\d{1,2}[-/.]\d{1,2})(?![\d])")
# A unit typed twice after a figure: 300万元元, 20人人, 5家家. (种种, 年年 are words, not slips:
# only a repeat right after a figure's unit counts, and words that begin with a unit are kept.)
_DOUBLED_UNIT = re.compile(rf"\d(?:[\d,]*\d)?(?:\.\d+)?({COMMON_UNIT_PATTERN})")
WORDS_STARTING_WITH_A_UNIT = (
    "年度", "年底", "年初", "年末", "年内", "年中", "年龄", "个人", "人均", "人员", "人口", "人数", "人民", "人社",
    "次均", "次年", "次数", "元旦", "家庭", "家属", "家门口", "项目", "户籍", "户口", "月底", "月初", "月末",
    "月份", "日起", "日前", "日常", "天数", "条件", "条款", "件数", "批次", "期间", "期限", "分值", "分钟", "场所",
    "所属", "份额", "名单", "名额", "台账", "块钱", "岁以上", "岁以下",
)
# a chart block's YAML and a picture's file name are not prose
_FIGURE_SYNTAX = re.compile(r"^ {0,3}(`{3,}|~{3,})[ \t]*(?:图表|chart)[^\n]*\n.*?^ {0,3}\1[ \t]*$|\]\([^)\n]*\)(?:\{[^}\n]*\})?",
                            re.DOTALL | re.MULTILINE)
_LIST_MARKER = re.compile(r"^\s*(?:\d+[.)]\s|[-*+]\s|#+\s|\|)")
_TABLE_RULE = re.compile(r"^\s*\|?\s*:?-{3,}")


@cache
def _half_in_chinese() -> re.Pattern:
    """Compiled when prose is first linted: its three CJK classes take ~7 ms to compile, and
    a build imports this module (doubled_unit) without ever linting prose."""
    return re.compile(rf"(?<={_CJK})[,;:?!(]|[,;:?!)](?={_CJK})|(?<={_CJK})\)")


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
    if "图表" in text or "chart" in text or "](" in text:
        text = _FIGURE_SYNTAX.sub(blank, text)
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
    for match in _half_in_chinese().finditer(line):
        findings.append(_lint(
            "lint-half-width-punctuation", path, number,
            f"中文里用了半角标点“{match.group()}”", "中文行文请用全角标点：，；：？！（）。",
        ))
    return findings


def doubled_unit(unit: str, following: str) -> str:
    """The repeated unit if `following` (the text right after a figure in `unit`) starts by
    writing the unit again (万元 + 元, 人次 + 人次, 人 + 人), else ""."""
    for start in range(len(unit)):
        tail = unit[start:]
        if following.startswith(tail) and not following.startswith(WORDS_STARTING_WITH_A_UNIT):
            return tail
    return ""


def _typed_figures(path: Path, number: int, line: str, facts: FactSet | None) -> list[Finding]:
    prose = _LIST_MARKER.sub(lambda m: " " * len(m.group()), line)
    findings = []
    for match in _DOUBLED_UNIT.finditer(prose):
        repeated = doubled_unit(match.group(1), prose[match.end():])
        if repeated:
            findings.append(_lint(
                "lint-doubled-unit", path, number,
                f"单位重复：“{match.group()}{repeated}”", f"请删去多写的“{repeated}”。",
            ))
    for match in _DATE_IN_PROSE.finditer(prose):
        keys = _matching_dates(match.group(), facts)
        hint = (f"这个日期与事实 {'、'.join(keys)} 相同，请写成 {{{{ {keys[0]} }}}}。" if keys else
                "请把它写进 facts.yaml，再在这里用 {{ 键 }} 引用，以便核对和追溯来源。")
        findings.append(_lint(
            "lint-untraceable-date", path, number, f"日期“{match.group()}”直接写在文字里，无法追溯来源", hint,
        ))
    prose = _DATE_IN_PROSE.sub(lambda m: " " * len(m.group()), prose)
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


def _matching_dates(written: str, facts: FactSet | None) -> list[str]:
    if facts is None:
        return []
    try:
        date = parse_date(written)
    except NumberFormatError:
        return []
    return [key for key, fact in facts.index.items() if date is not None and fact.value == date][:3]


def _lint(code: str, path: Path, line: int, message: str, hint: str) -> Finding:
    return Finding(code, Severity.WARNING, "文字检查", message, Location(path, line), hint=hint)
