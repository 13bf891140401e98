"""Check rules as written in `checks.yaml` files.

    规则:
      - 参保.参保人数 = 参保.城乡居民缴费人数 + 参保.职工参保人数      # a formula alone
      - 名称: 住院人次合计
        关系: 待遇.住院.人次 = 求和(待遇.住院.*.人次)
        级别: 警告            # 错误 (default) or 警告
        小数: 2               # decimals of a derived value
        说明: 为什么有这条规则
        例外: 原报告中此项不相符，保留原文数字   # a documented, known exception
        例外差额: 2家         # the discrepancy the exception excuses (left − right)
        精确: 知晓率.达标线、知晓率.扣分标准   # policy standards: exact, not rounded figures
        约数误差: 10%         # how far 约300万元 / 300万元左右 may be off (default 5%)
      - 名称: 一级指标小计
        对每个: 自评.一级指标.*     # the rule holds inside every matching group
        关系: 自评得分 = 求和(二级指标.*.自评得分)

The file may also be a bare list of such items. Rules come from the template folder (apply to
every district using it), the district folder and the year folder.
"""

from __future__ import annotations

import re
from decimal import Decimal
from functools import lru_cache
from pathlib import Path

from msgspec import Struct

from zongjie.checks.expr import FormulaError, Relation, parse_relation, references, summed_references
from zongjie.checks.findings import Severity
from zongjie.errors import NumberFormatError, RuleError
from zongjie.inputs.containment import ensure_inside
from zongjie.inputs.yamlio import YMap, YNode, YScalar, YSeq, load_yaml
from zongjie.location import Location
from zongjie.numbers.parse import parse_quantity
from zongjie.numbers.quantity import Quantity
from zongjie.script import fold

SEVERITIES = {"错误": Severity.ERROR, "error": Severity.ERROR, "警告": Severity.WARNING, "warning": Severity.WARNING}
_KEYS = {"名称", "关系", "级别", "小数", "说明", "例外", "例外差额", "对每个", "精确", "约数误差"}
_LIST_SEPARATORS = re.compile(r"[,，、;；\s]+")


class Rule(Struct, frozen=True):
    name: str
    relation: Relation
    location: Location
    severity: Severity = Severity.ERROR
    decimals: int | None = None
    note: str = ""
    exception: str = ""  # non-empty: a known, documented mismatch in the source
    scope: str = ""  # a group pattern (自评.一级指标.*): the formula's keys are inside each match
    local: bool = False  # written for this district (its own checks.yaml), not shared by a template
    pinned: Quantity | None = None  # 例外差额: the one discrepancy the exception excuses
    exact: tuple[str, ...] = ()  # 精确: keys of figures that are exact (policy standards)
    tolerance: Decimal | None = None  # 约数误差 as a fraction (0.05 for 5%)

def load_rules(path: Path) -> list[Rule]:
    """The rules of a file; a batch build reads a template's rules once, not per district."""
    ensure_inside(path, what="校验规则文件")
    stat = path.stat()
    return list(_load_rules(path, stat.st_mtime_ns, stat.st_size))


@lru_cache(maxsize=256)
def _load_rules(path: Path, mtime_ns: int, size: int) -> tuple[Rule, ...]:
    return tuple(_read_rules(path))


def _read_rules(path: Path) -> list[Rule]:
    document = load_yaml(path)
    node = document.root
    if node is None:
        return []
    if isinstance(node, YMap):
        node = _simplified_keys(node)
        unknown = [key for key in node.entries if key not in ("规则", YEAR_OVER_YEAR)]
        if unknown:
            key_node = node.entries[unknown[0]][0]
            raise RuleError(f"不认识的键“{unknown[0]}”", key_node.location, "校验文件的最外层只能有“规则:”和“同比倍数:”。")
        node = node.get("规则")
        if node is None or (isinstance(node, YScalar) and node.is_null):
            return []
    if not isinstance(node, YSeq):
        raise RuleError("规则应当写成列表（每条以“- ”开头）", node.location)
    return [_rule(item) for item in node.items]


YEAR_OVER_YEAR = "同比倍数"


def load_year_over_year_factor(path: Path) -> Decimal | None:
    """`同比倍数: 3` at the top of a checks.yaml: a figure more than ×3 or below ÷3 of last
    year's is a warning."""
    stat = path.stat()
    return _year_over_year_factor(path, stat.st_mtime_ns, stat.st_size)


@lru_cache(maxsize=64)
def _year_over_year_factor(path: Path, mtime_ns: int, size: int) -> Decimal | None:
    """Read once per version of the file: every document of a batch (and every preview
    rebuild) asks again, and parsing the YAML each time cost as much as a tenth of a build."""
    node = load_yaml(path).root
    value = _simplified_keys(node).get(YEAR_OVER_YEAR) if isinstance(node, YMap) else None
    text = _text(value)
    if value is None or not text:
        return None
    try:
        factor = Decimal(text)
    except ArithmeticError:
        factor = Decimal(0)
    if factor <= 1:
        raise RuleError(f"同比倍数“{text}”应是大于 1 的数", value.location, "如：同比倍数: 3（超过上年 3 倍或不到上年三分之一时提醒）")
    return factor


def _rule(node: YNode) -> Rule:
    if isinstance(node, YScalar):
        return Rule(node.text, _relation(node.text, node.location), node.location)
    if not isinstance(node, YMap):
        raise RuleError("每条规则应是一个公式，或含“关系:”的分组", node.location)
    node = _simplified_keys(node)
    for key, (key_node, _value) in node.entries.items():
        if key not in _KEYS:
            raise RuleError(f"规则里不认识的键“{key}”", key_node.location, f"可用的键：{'、'.join(sorted(_KEYS))}。")
    formula_node = node.get("关系")
    if not isinstance(formula_node, YScalar) or formula_node.is_null:
        raise RuleError("规则缺少“关系:”（公式）", node.location, "如：关系: 合计 = 甲 + 乙")
    relation = _relation(formula_node.text, formula_node.location)
    severity_node = node.get("级别")
    severity_text = fold(_text(severity_node) or "错误")
    if severity_text not in SEVERITIES:
        raise RuleError(f"级别“{severity_text}”不认识", _where(severity_node, node), "级别可写“错误”或“警告”。")
    decimals_node = node.get("小数")
    decimals_text = _text(decimals_node)
    if decimals_text and not decimals_text.isdigit():
        raise RuleError(f"小数位数“{decimals_text}”应为整数", _where(decimals_node, node))
    return Rule(
        name=_text(node.get("名称")) or formula_node.text,
        relation=relation,
        location=formula_node.location,
        severity=SEVERITIES[severity_text],
        decimals=int(decimals_text) if decimals_text else None,
        note=_text(node.get("说明")),
        exception=_text(node.get("例外")),
        scope=fold(_text(node.get("对每个"))),
        pinned=_figure(node.get("例外差额"), "例外差额", "如：例外差额: 2家（左边减右边的差，照检查报告里的“相差”填写）"),
        exact=tuple(fold(key) for key in _LIST_SEPARATORS.split(_text(node.get("精确"))) if key),
        tolerance=_tolerance(node.get("约数误差")),
    )


def _where(node: YNode | None, rule: YMap) -> Location:
    """The line of a rule's value; the rule's own line when the value is absent."""
    return node.location if node is not None else rule.location


def _figure(node: YNode | None, name: str, hint: str) -> Quantity | None:
    text = _text(node)
    if node is None or not text:
        return None
    try:
        return parse_quantity(text)
    except NumberFormatError:
        raise RuleError(f"{name}“{text}”不是数字", node.location, hint) from None


def _tolerance(node: YNode | None) -> Decimal | None:
    quantity = _figure(node, "约数误差", "如：约数误差: 10%")
    if node is None or quantity is None:
        return None
    if quantity.unit != "%" or not 0 <= quantity.value < 100:
        raise RuleError(f"约数误差“{quantity}”应写成百分数", node.location, "如：约数误差: 10%（约300万元可在 270～330万元之间）")
    return quantity.value / 100


def _simplified_keys(node: YMap) -> YMap:
    """A rules file written in Traditional (規則: / 名稱: / 關係:) is read as the same file."""
    return YMap(node.location, {fold(key): entry for key, entry in node.entries.items()})


def _relation(text: str, location: Location) -> Relation:
    try:
        relation = parse_relation(text)
    except FormulaError as error:
        raise RuleError(error.message, location, error.hint) from None
    for side in (relation.left, relation.right):
        for reference in references(side):
            if reference.is_pattern and reference not in summed_references(side):
                raise RuleError(
                    f"“{reference.path}”含通配符 *，只能写在 求和( ) 里",
                    location,
                    f"如：求和({reference.path})",
                )
    return relation


def _text(node: YNode | None) -> str:
    if isinstance(node, YScalar) and not node.is_null:
        return node.text.strip()
    return ""
