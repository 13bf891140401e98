"""Chart blocks resolved against the facts: categories, series and their figures.

    ```图表
    类型: 柱形图            # 柱形图 / 折线图 / 饼图 / 堆积柱形图 (bar / line / pie / stacked)
    标题: 各险种基金收支情况  # may use facts: {{ 年度 }}年……
    单位: 万元              # every figure is converted to it (元 → 万元); default: the first figure's
    数据: 基金.险种          # a group: each member is a category …
    系列: [收入, 支出, 累计结余]  # … and these of its facts are the series
    ```

or, naming every figure:

    分类: [省内, 跨省]
    系列:
      备案人次: [待遇.异地备案.省内, 待遇.异地备案.跨省]   # fact keys, or {{ 待遇.异地备案.省内 }}

Every figure is a fact, so it keeps its source (FactSpan) and is formatted as the text is.
A chart whose facts a rule marks as wrong is withheld: the writers print a notice instead.
"""

from __future__ import annotations

from decimal import Decimal

from msgspec.structs import replace

from zongjie.document.figures import FigureError
from zongjie.document.model import Chart, ChartSeries, Document, FactSpan, ListBlock, plain_text
from zongjie.document.sourceref import SourceRef
from zongjie.document.walk import iter_blocks
from zongjie.inputs.facts import Fact, FactGroup, FactNode, FactSet
from zongjie.location import Location
from zongjie.numbers import format as fmt
from zongjie.numbers.quantity import Quantity

KINDS = {"柱形图": "bar", "柱状图": "bar", "bar": "bar", "折线图": "line", "line": "line",
         "饼图": "pie", "pie": "pie", "堆积柱形图": "stacked", "堆积柱状图": "stacked", "stacked": "stacked"}
_ALIASES = {"kind": "类型", "title": "标题", "unit": "单位", "data": "数据", "categories": "分类",
            "series": "系列", "decimals": "小数"}
_KEYS = {"类型", "标题", "单位", "数据", "分类", "系列", "小数"}
MAX_CATEGORIES, MAX_SERIES = 40, 8
_HINT = "图表的写法见 README“图表”一节：类型、标题、单位，以及 数据+系列 或 分类+系列。"


def resolve_charts(document: Document, facts: FactSet, flagged: frozenset[str] = frozenset()) -> Document:
    """Each chart with its figures; `flagged` are the keys of facts a rule found wrong."""
    if not any(isinstance(block, Chart) for block in iter_blocks(document)):
        return document
    return replace(document, blocks=tuple(_resolved_blocks(document.blocks, facts, flagged)))


def _resolved_blocks(blocks, facts, flagged):
    """The blocks with each chart resolved; a chart none of whose figures is filled in is left out."""
    for block in blocks:
        if isinstance(block, Chart) and block.spec is not None:
            chart = resolve_chart(block, facts, flagged)
            if chart is not None:
                yield chart
        elif isinstance(block, ListBlock):
            yield replace(block, items=tuple(tuple(_resolved_blocks(item, facts, flagged)) for item in block.items))
        else:
            yield block


def resolve_chart(chart: Chart, facts: FactSet, flagged: frozenset[str] = frozenset()) -> Chart | None:
    """The chart with categories and series, or None when none of its figures is filled in."""
    spec = _normalised(chart.spec, chart.origin)
    kind_text = _text(spec.get("类型"), chart.origin, "类型")
    kind = KINDS.get(kind_text)
    if kind is None:
        raise FigureError(f"不认识的图表类型“{kind_text}”", _where(spec.get("类型"), chart.origin),
                          f"可用的类型：{'、'.join(k for k in KINDS if not k.isascii())}。")
    title = spec["标题"][0][0] if "标题" in spec and isinstance(spec["标题"][0], tuple) else ()
    unit = _text(spec.get("单位"), chart.origin, "单位", required=False)
    decimals = _decimals(spec.get("小数"), chart.origin)
    if "数据" in spec:
        categories, columns = _from_group(spec, facts, chart.origin)
    else:
        categories, columns = _from_lists(spec, facts, chart.origin)
    present = [i for i in range(len(categories)) if any(values[i] is not None for _, values in columns)]
    if not present:
        return None
    categories = [categories[i] for i in present]
    columns = [(name, [values[i] for i in present]) for name, values in columns]
    if len(categories) > MAX_CATEGORIES or len(columns) > MAX_SERIES:
        raise FigureError(f"图表的分类或系列太多（{len(categories)} 个分类、{len(columns)} 个系列）", chart.origin,
                          f"一张图最多 {MAX_CATEGORIES} 个分类、{MAX_SERIES} 个系列；数据多时请用表格。")
    if kind == "pie" and len(columns) != 1:
        raise FigureError("饼图只能有一个系列", chart.origin, "请只保留一个系列，或改用柱形图。")
    unit = unit or _first_unit(columns)
    series = tuple(_series(name, values, unit, decimals, chart.origin) for name, values in columns)
    if kind == "pie" and any(n is not None and n < 0 for s in series for n in s.numbers):
        raise FigureError("饼图的数值不能为负", chart.origin, "负数请用柱形图表示。")
    withheld = _withheld(columns, flagged)
    return replace(chart, kind=kind, title=title, unit=unit, categories=tuple(categories), series=series,
                   spec=None, withheld=withheld)


# ---- the spec ------------------------------------------------------------------------------
def _normalised(spec, origin: Location) -> dict:
    if not isinstance(spec, dict):
        raise FigureError("图表块里应当是“键: 值”", origin, _HINT)
    out = {}
    for key, value in spec.items():
        name = _ALIASES.get(key, key)
        if name not in _KEYS:
            raise FigureError(f"图表中不认识的键“{key}”", value[1], f"可用的键：{'、'.join(sorted(_KEYS))}。")
        out[name] = value
    if "类型" not in out:
        raise FigureError("图表没有写“类型”", origin, _HINT)
    if "系列" not in out:
        raise FigureError("图表没有写“系列”", origin, _HINT)
    return out


def _where(entry, origin: Location) -> Location:
    return entry[1] if entry else origin


def _text(entry, origin: Location, key: str, required: bool = True) -> str:
    if entry is None:
        if required:
            raise FigureError(f"图表没有写“{key}”", origin, _HINT)
        return ""
    value, location = entry
    if not isinstance(value, tuple):
        raise FigureError(f"图表的“{key}”应当是一个值", location, _HINT)
    return plain_text(value[0]).strip()


def _decimals(entry, origin: Location) -> int | None:
    text = _text(entry, origin, "小数", required=False)
    if not text:
        return None
    if not text.isdigit() or int(text) > 6:
        raise FigureError(f"图表的“小数”应当是 0 到 6 的整数，而不是“{text}”", _where(entry, origin))
    return int(text)


def _leaf_text(leaf) -> str:
    return plain_text(leaf[0]).strip()


def _from_group(spec: dict, facts: FactSet, origin: Location):
    """`数据: 基金.险种` + `系列: [收入, 支出]`: the group's members are the categories."""
    group_key = _text(spec["数据"], origin, "数据")
    where = spec["数据"][1]
    group = _group(facts, group_key)
    if group is None and facts.empty_location(group_key) is not None:
        return [], []  # declared but not filled in yet: no chart
    if group is None:
        raise FigureError(f"没有事实分组“{group_key}”", where, "“数据”写分组的名称（如 基金.险种），它的每一项是一个分类。")
    names, names_where = spec["系列"]
    if not isinstance(names, list) or not all(isinstance(n, tuple) for n in names):
        raise FigureError("用“数据”时，“系列”应当是列表，如 [收入, 支出]", names_where, _HINT)
    fields = [_leaf_text(n) for n in names]
    subgroups = {name: member for name, member in group.members.items() if isinstance(member, FactGroup)}
    categories = list(subgroups)
    if not categories and not group.empty:
        raise FigureError(f"分组“{group_key}”下没有可作分类的子分组", where, _HINT)
    columns = []
    for field in fields:
        values: list[Fact | None] = []
        for name, subgroup in subgroups.items():
            node = subgroup.members.get(field)
            values.append(_checked_fact(node, f"{group_key}.{name}.{field}", where) if node is not None else None)
        columns.append((field, values))
    return categories, columns


def _group(facts: FactSet, key: str) -> FactGroup | None:
    node: FactNode | None = facts.root
    for part in key.split("."):
        node = node.members.get(part) if isinstance(node, FactGroup) else None
    return node if isinstance(node, FactGroup) else None


def _from_lists(spec: dict, facts: FactSet, origin: Location):
    if "分类" not in spec:
        raise FigureError("图表需要“数据”（一个分组）或“分类”（一个列表）", origin, _HINT)
    labels, labels_where = spec["分类"]
    if not isinstance(labels, list) or not all(isinstance(label, tuple) for label in labels):
        raise FigureError("“分类”应当是列表，如 [省内, 跨省]", labels_where, _HINT)
    categories = [_leaf_text(label) for label in labels]
    series, series_where = spec["系列"]
    if not isinstance(series, dict):
        raise FigureError("“系列”应当是“名称: [事实, …]”", series_where, _HINT)
    columns = []
    for name, (items, where) in series.items():
        if not isinstance(items, list) or len(items) != len(categories):
            raise FigureError(f"系列“{name}”应当是 {len(categories)} 个事实的列表（与分类一一对应）", where, _HINT)
        columns.append((name, [_leaf_fact(item, facts, where) for item in items]))
    return categories, columns


def _leaf_fact(leaf, facts: FactSet, where: Location) -> Fact:
    if not isinstance(leaf, tuple):
        raise FigureError("系列中的每一项应当是一个事实", where, _HINT)
    inlines, location = leaf
    spans = [inline for inline in inlines if isinstance(inline, FactSpan)]
    key = spans[0].keys[0] if len(spans) == 1 and len(spans[0].keys) == 1 else plain_text(inlines).strip()
    fact = facts.get(key)
    if fact is None:
        empty = facts.empty_location(key)
        if empty is not None:
            raise FigureError(f"图表用到的事实“{key}”在 {empty} 处没有填写", location, "请在 facts.yaml 中填写，或从图表中去掉这一项。")
        raise FigureError(f"图表中的“{key}”不是一个事实", location,
                          "图表中的数字必须来自 facts.yaml：写事实的名称，如 基金.险种.城乡居民医保.收入。")
    return _checked_fact(fact, key, location)


def _checked_fact(fact: FactNode, key: str, where: Location) -> Fact:
    if not isinstance(fact, Fact):  # a series named a sub-group or a list, not one figure
        raise FigureError(f"“{key}”是一组事实，不是一个数字，不能画进图表", where,
                          "“系列”写每个分类下的一项事实的名称，如 [收入, 支出]。")
    if not isinstance(fact.value, Quantity):
        raise FigureError(f"事实“{key}”（{fact.written}）不是数字，不能画进图表", where)
    return fact


def _first_unit(columns) -> str:
    for _, values in columns:
        for fact in values:
            if fact is not None:
                return fact.value.unit
    return ""


def _series(name: str, values: list, unit: str, decimals: int | None, origin: Location) -> ChartSeries:
    spans: list[FactSpan | None] = []
    numbers: list[float | None] = []
    for fact in values:
        if fact is None:
            spans.append(None)
            numbers.append(None)
            continue
        quantity = fact.value
        try:
            value = fmt.convert_to(quantity, unit) if quantity.unit != unit else quantity.value
        except (ValueError, KeyError, ArithmeticError):
            raise FigureError(f"事实“{fact.key}”（{fact.written}）的单位与图表的单位“{unit}”不一致", origin,
                              "同一张图里的数字要能换算成同一个单位（如 元、万元、亿元）。") from None
        places = decimals if decimals is not None else (None if quantity.unit == unit else 2)
        text = fmt.number_text(value, places)
        if places is None and "." in text:
            text = text.rstrip("0").rstrip(".") if quantity.unit != unit else text
        spans.append(FactSpan(text, SourceRef.of((fact,))))
        numbers.append(float(Decimal(text)))
    return ChartSeries(name, tuple(spans), tuple(numbers))


def _withheld(columns, flagged: frozenset[str]) -> str:
    wrong = sorted({fact.key for _, values in columns for fact in values if fact is not None and fact.key in flagged})
    if not wrong:
        return ""
    return f"图表所用的数据未通过校验（{'、'.join(wrong)}），本图暂不绘制"
