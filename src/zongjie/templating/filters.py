"""Jinja filters and globals over facts: every figure in a document is written through these.

Each has a Chinese name (what templates use) and an English alias. A filter applied to a fact
returns `TracedText`, so the figure it writes still points at the fact's file:line.
The README lists every filter with an input and its output; keep that table in step.
"""

from __future__ import annotations

import datetime
import functools
from decimal import Decimal

import jinja2
from msgspec import Struct

from zongjie.errors import NumberFormatError
from zongjie.inputs.facts import Fact
from zongjie.numbers import format as fmt
from zongjie.numbers.chinese import chinese_digits, chinese_numeral, daxie
from zongjie.numbers.parse import parse_date, parse_quantity
from zongjie.numbers.quantity import Quantity, YearMonth
from zongjie.numbers.units import compatible
from zongjie.templating.placeholders import DROP, OptionalMissing, undefined_key
from zongjie.templating.provenance import TracedText
from zongjie.templating.state import current_state


class FilterError(ValueError):
    """A filter used on a value it cannot take; the renderer adds the template line."""


class Derived(Struct, frozen=True):
    """A figure computed in a template from facts (合计, 差额, 占比)."""

    quantity: Quantity
    facts: tuple[Fact, ...]

    def __str__(self) -> str:
        return fmt.quantity_text(self.quantity)


def _facts_in(*values) -> tuple[Fact, ...]:
    found: list[Fact] = []
    for value in values:
        if isinstance(value, Fact):
            found.append(value)
        else:  # TracedText, TracedNumber, Derived
            found.extend(getattr(value, "facts", ()))
    return tuple(found)


def _traced(text: str, *inputs) -> TracedText:
    return TracedText(text, _facts_in(*inputs))


def _describe(value) -> str:
    if isinstance(value, Fact):
        return f"事实“{value.key}”（{value.written}，{value.location}）"
    return f"“{value}”"


def _whole_in(value, low: int, high: int, what: str) -> int:
    number = _integer(value)
    if not low <= number <= high:
        raise FilterError(f"{_describe(value)}不是{what}（应在 {low} 到 {high} 之间）")
    return number


def _year(value) -> int:
    quantity = _quantity(value)
    if quantity.unit not in ("", "年"):
        raise FilterError(f"{_describe(value)}不是年份")
    return _whole_in(value, 1000, 9999, "年份")


def _flag(value, name: str) -> bool:
    if not isinstance(value, bool):
        raise FilterError(f"{name}应写 true 或 false，而不是“{value}”")
    return value


def _threshold(value) -> Decimal:
    try:
        threshold = Decimal(str(value))
    except ArithmeticError:
        raise FilterError(f"阈值“{value}”不是数字") from None
    if not threshold.is_finite() or threshold < 0:
        raise FilterError(f"阈值“{value}”应为不小于 0 的数")
    return threshold


def _quantity(value) -> Quantity:
    if isinstance(value, Fact):
        if isinstance(value.value, Quantity):
            return value.value
        raise FilterError(f"{_describe(value)}不是数字，不能用数字过滤器")
    if isinstance(value, Derived):
        return value.quantity
    if isinstance(value, Quantity):
        return value
    if isinstance(value, bool):
        raise FilterError(f"“{value}”不是数字")
    if isinstance(value, (int, Decimal)):
        return Quantity(Decimal(value))
    if isinstance(value, float):
        return Quantity(Decimal(repr(value)))
    try:
        return parse_quantity(str(value))
    except NumberFormatError as error:
        raise FilterError(error.message) from None


def _date(value) -> datetime.date | YearMonth:
    raw = value.value if isinstance(value, Fact) else value
    if isinstance(raw, (datetime.date, YearMonth)):
        return raw
    parsed = parse_date(str(raw))
    if parsed is None:
        raise FilterError(f"{_describe(value)}不是日期（应写成 2023-12-20 或 2023年12月20日）")
    return parsed


def _integer(value) -> int:
    quantity = _quantity(value)
    if quantity.value != quantity.value.to_integral_value():
        raise FilterError(f"{_describe(value)}不是整数")
    return int(quantity.value)


def _money(value, target: str, decimals: int | None) -> TracedText:
    quantity = _quantity(value)
    if not compatible(quantity.unit, "元"):
        raise FilterError(f"{_describe(value)}的单位是“{quantity.unit or '无'}”，不是金额（元/万元/亿元）")
    return _traced(fmt.quantity_text(fmt.scaled(quantity, target), decimals), value)


def _locale() -> str:
    return current_state().locale


# ---- the filters ---------------------------------------------------------------------------
def as_written(value) -> TracedText:
    """原文: exactly as the writer typed it."""
    return _traced(value.written if isinstance(value, Fact) else str(value), value)


def number_only(value, 小数: int | None = None) -> TracedText:
    """数字: the number without its unit."""
    return _traced(fmt.number_text(fmt.rounded(_quantity(value).value, 小数)), value)


def with_decimals(value, 小数: int) -> TracedText:
    """保留: rounded half up to the given decimals, unit kept (21469.1万元 | 保留(2) → 21469.10万元)."""
    return _traced(fmt.quantity_text(_quantity(value), 小数), value)


def wan_yuan(value, 小数: int | None = None) -> TracedText:
    return _money(value, "万元", 小数)


def yi_yuan(value, 小数: int | None = None) -> TracedText:
    return _money(value, "亿元", 小数)


def yuan(value, 小数: int | None = None) -> TracedText:
    return _money(value, "元", 小数)


def in_wan(value, 小数: int | None = None) -> TracedText:
    """万: a count in 万 of its unit (1388400人 → 138.84万人)."""
    return _traced(fmt.quantity_text(fmt.in_scale(_quantity(value), "万"), 小数), value)


def in_yi(value, 小数: int | None = None) -> TracedText:
    return _traced(fmt.quantity_text(fmt.in_scale(_quantity(value), "亿"), 小数), value)


_AUTO_DECIMALS = "默认"


def auto_scaled(value, 小数: int | None | str = _AUTO_DECIMALS) -> TracedText:
    """自动: 元/万元/亿元 (or 人/万人 …) chosen by magnitude. Unless told otherwise: two
    decimals when the unit changes (28.73亿元), the written precision when not (5000人)."""
    quantity = _quantity(value)
    shown = fmt.auto_scale(quantity)
    if 小数 == _AUTO_DECIMALS:
        decimals = 2 if shown.unit != quantity.unit else None
    else:
        decimals = _integer(小数) if isinstance(小数, str) else 小数
    return _traced(fmt.quantity_text(shown, decimals), value)


def digit_grouped(value, 分隔符: str = ",") -> TracedText:
    """分组: 429198人 → 429,198人 (tables); 分组(" ") for GB/T 15835's thin-space groups."""
    separator = "\u2009" if 分隔符 == " " else 分隔符
    return _traced(fmt.quantity_text(_quantity(value), grouping=separator, locale=_locale()), value)


def percent(value, 小数: int | None = None) -> TracedText:
    """百分比: a percentage fact re-rounded (96.19% | 百分比(1) → 96.2%), or a ratio (0.9619 → 96.19%)."""
    quantity = _quantity(value)
    if quantity.unit == "%":
        return _traced(fmt.quantity_text(quantity, 小数), value)
    if quantity.unit:
        raise FilterError(f"{_describe(value)}带有单位“{quantity.unit}”，不是比率")
    return _traced(fmt.quantity_text(fmt.percent_of(quantity.value, 2 if 小数 is None else 小数)), value)


def year_over_year(value, 上年, 小数: int = 1, 阈值: float | Decimal = 0, 前缀: str = "同比",
                   必需: bool = False) -> TracedText | str:
    """同比: 同比增长3.2% / 同比下降1.5% / 与上年持平."""
    compared = _comparison(value, 上年, 必需)
    if isinstance(compared, str):
        return compared
    current, previous = compared
    if previous.value == 0:
        raise FilterError(f"{_describe(上年)}为 0，无法计算增长率；可改用 增减 写出增加了多少")
    return _traced(_name_the_year(fmt.growth_phrase(current, previous, 小数, _threshold(阈值), 前缀), 上年), value, 上年)


def change(value, 上年, 小数: int | None = None, 阈值: float | Decimal = 0, 前缀: str = "",
           必需: bool = False) -> TracedText | str:
    """增减: 增加1250人 / 减少3.5万元 / 与上年持平 (前缀="比上年" → 比上年增加1250人)."""
    compared = _comparison(value, 上年, 必需)
    if isinstance(compared, str):
        return compared
    current, previous = compared
    phrase = fmt.amount_change_phrase(current, previous, 小数, _threshold(阈值))
    if 前缀 and not phrase.startswith("与"):
        phrase = 前缀 + phrase
    return _traced(_name_the_year(phrase, 上年), value, 上年)


def point_change(value, 上年, 小数: int | None = None, 前缀: str = "", 必需: bool = False) -> TracedText | str:
    """百分点: 提高0.3个百分点 / 降低… / 持平 (two percentages)."""
    if not isinstance(value, (jinja2.Undefined, OptionalMissing)) and _quantity(value).unit != "%":
        raise FilterError(f"{_describe(value)}不是百分数，不能算百分点")
    compared = _comparison(value, 上年, 必需)
    if isinstance(compared, str):
        return compared
    current, previous = compared
    previous = Quantity(fmt.convert_to(previous, "%"), "%")  # 962‰ → 96.2%
    phrase = fmt.point_change_phrase(current, previous, 小数)
    if 前缀:
        phrase = 前缀 + phrase
    return _traced(_name_the_year(phrase, 上年), value, 上年)


def _comparable(current, previous) -> tuple[Quantity, Quantity]:
    a, b = _quantity(current), _quantity(previous)
    if not compatible(a.unit, b.unit):
        raise FilterError(f"{_describe(current)}与{_describe(previous)}单位不同（{a.unit or '无'} 与 {b.unit or '无'}），无法比较")
    return a, b


def _comparison(current, previous, required) -> tuple[Quantity, Quantity] | str:
    """Both figures of a year-on-year comparison, or DROP (say nothing) when one is missing,
    their units differ or they were counted to different dates (统计截至) — unless the
    template says the comparison is required (必需=true), which a final build then enforces."""
    required = _flag(required, "必需")
    missing = next((v for v in (current, previous) if isinstance(v, (jinja2.Undefined, OptionalMissing))), None)
    if missing is not None:
        if required and _missing_mode() != "draft":
            undefined = missing.undefined if isinstance(missing, OptionalMissing) else missing
            raise FilterError(f"这里要求与上年比较，但{_undefined_text(undefined)}")
        return DROP
    try:
        a, b = _comparable(current, previous)
    except FilterError:
        if required:
            raise
        return DROP
    if not _same_statistics_date(current, previous):
        if required:
            raise FilterError(f"{_describe(current)}与{_describe(previous)}的统计截至日期不同，不能比较")
        return DROP
    return a, b


def _undefined_text(undefined) -> str:
    return f"没有“{undefined_key(undefined)}”"


def _missing_mode() -> str:
    return current_state().missing


STATISTICS_DATE = "统计截至"


def _same_statistics_date(current, previous) -> bool:
    """Two figures compare only if counted to the same point of the year: the 统计截至 of
    their nearest group (参保.统计截至 for 参保.参保人数) agree in month and day, or neither
    year gives one. Figures not straight from this and last year's facts are not checked."""
    state = current_state()
    if not (isinstance(current, Fact) and isinstance(previous, Fact)):
        return True
    if state.fact_set is None or state.previous is None or previous.location.file != state.previous.path:
        return True
    this_date = _statistics_date(current.key, state.fact_set)
    that_date = _statistics_date(previous.key, state.previous)
    if this_date is None or that_date is None:  # said on one side only: the same count cannot be told
        return this_date is None and that_date is None
    return (this_date.month, getattr(this_date, "day", None)) == (that_date.month, getattr(that_date, "day", None))


def _statistics_date(key: str, fact_set) -> datetime.date | YearMonth | None:
    parts = key.split(".")[:-1]
    for length in range(len(parts), -1, -1):
        fact = fact_set.get(".".join([*parts[:length], STATISTICS_DATE]))
        if fact is not None:
            return fact.value if isinstance(fact.value, (datetime.date, YearMonth)) else None
    return None


def _name_the_year(phrase: str, previous) -> str:
    """A comparison with a year that is not the one before (2025 against 2023, 2024 not
    written) names it: 比2023年增长… / 与2023年持平, never a misleading 同比/上年."""
    state = current_state()
    year = state.year
    if not isinstance(previous, Fact) or year is None:
        return phrase
    folder = previous.location.file.parent.name
    if state.previous is not None and state.previous.get(previous.key) is previous:  # 上年's, even if derived
        folder = state.previous.path.parent.name
    if not (len(folder) == 4 and folder.isdigit()) or int(folder) == year - 1:
        return phrase
    return phrase.replace("同比", f"比{folder}年").replace("上年", f"{folder}年")


def optional(value):
    """可选: `{{ 参保.参保率 | 可选 }}` — without this fact, the clause around it is left out
    (and its sentence, if nothing else is left), not the section; see README."""
    if isinstance(value, jinja2.Undefined):
        return OptionalMissing(value)
    return value


def cn_numeral(value) -> TracedText:
    """中文数字: 38 → 三十八."""
    return _traced(chinese_numeral(_integer(value)), value)


def cn_year(value) -> TracedText:
    """中文年份: 2023 → 二〇二三年."""
    return _traced(chinese_digits(_year(value)) + "年", value)


def enumeration(value) -> str:
    """列举: 1 → 一是, 2 → 二是 (for {{ loop.index | 列举 }})."""
    return _traced_if_from_facts(chinese_numeral(_whole_in(value, 1, 99, "序号")) + "是", value)


def ordinal(value) -> str:
    """第: 3 → 第三."""
    return _traced_if_from_facts("第" + chinese_numeral(_whole_in(value, 1, 999, "序号")), value)


def _traced_if_from_facts(text: str, value) -> str:
    """Traced when the number came from a fact; a loop counter stays a plain word."""
    facts = _facts_in(value)
    return TracedText(text, facts) if facts else text


def capital_amount(value) -> TracedText:
    """大写: an amount in 元/万元/亿元 → 壹万贰仟叁佰肆拾伍元陆角柒分 / …元整."""
    quantity = _quantity(value)
    if not compatible(quantity.unit, "元"):
        raise FilterError(f"{_describe(value)}不是金额，不能写成大写")
    return _traced(daxie(fmt.convert_to(quantity, "元")), value)


def date(value) -> TracedText:
    """日期: 2023年12月20日."""
    return _traced(fmt.date_text(_date(value), _locale()), value)


def month_end(value, 带年: bool = False) -> TracedText:
    """月底: 11月底 (带年=true → 2023年11月底)."""
    return _traced(fmt.month_end_text(_date(value), _flag(带年, "带年")), value)


def as_of(value, 带年: bool = True) -> TracedText:
    """截至: 截至2023年11月底."""
    return _traced(fmt.as_of_text(_date(value), _flag(带年, "带年")), value)


def year_label(value) -> TracedText:
    """年度: 2024 → 2024年度."""
    return _traced(f"{_year(value)}年度", value)


# ---- globals -------------------------------------------------------------------------------
def total(*values) -> Derived:
    """合计(a, b, …): a derived sum, in the first figure's unit."""
    if not values:
        raise FilterError("合计() 至少需要一个数")
    quantities = [_quantity(value) for value in values]
    unit = quantities[0].unit
    for value, quantity in zip(values, quantities):
        if not compatible(quantity.unit, unit):
            raise FilterError(f"{_describe(value)}的单位“{quantity.unit}”与“{unit}”不同，不能相加")
    amount = sum((fmt.convert_to(q, unit) for q in quantities), Decimal(0))
    return Derived(Quantity(amount, unit), _facts_in(*values))


def difference(a, b) -> Derived:
    """差额(a, b): a − b, in a's unit."""
    first, second = _comparable(a, b)
    return Derived(Quantity(first.value - fmt.convert_to(second, first.unit), first.unit), _facts_in(a, b))


def share(part, whole, 小数: int = 2) -> Derived:
    """占比(部分, 总数): part ÷ whole as a percentage."""
    numerator, denominator = _comparable(part, whole)
    if denominator.value == 0:
        raise FilterError(f"{_describe(whole)}为 0，不能作分母")
    ratio = fmt.convert_to(numerator, denominator.unit) / denominator.value
    return Derived(fmt.percent_of(ratio, 小数), _facts_in(part, whole))


def rebalance(合计, 部分, 单位: str, 小数: int = 2) -> list[TracedText]:
    """舍位平衡(合计, [部分…], "万元", 2): the parts rounded so that, as shown, they add up to
    the rounded total (the largest-remainder method accountants use for 舍位平衡):

    round the total and every part to `小数` places; if the rounded parts miss the rounded
    total by k units of the last place, add one unit to each of the k parts that rounding cut
    most (or take one from the k parts it raised most, when the parts are over)."""
    for figure in (合计, *部分):
        if not compatible(_quantity(figure).unit, 单位):
            raise FilterError(f"{_describe(figure)}不能换算为“{单位}”")
    total_value = fmt.rounded(fmt.convert_to(_quantity(合计), 单位), 小数)
    exact = [fmt.convert_to(_quantity(part), 单位) for part in 部分]
    shown = [fmt.rounded(value, 小数) for value in exact]
    step = Decimal(1).scaleb(-小数)
    missing = int((total_value - sum(shown, Decimal(0))) / step)
    residuals = sorted(range(len(exact)), key=lambda i: exact[i] - shown[i], reverse=missing > 0)
    for index in residuals[: abs(missing)]:
        shown[index] += step if missing > 0 else -step
    return [_traced(fmt.quantity_text(Quantity(value, 单位)), part) for value, part in zip(shown, 部分)]


def month_range(first, last, 连接号: str = "—") -> str:
    """月份区间(1, 6) → 1—6月."""
    first_month, last_month = _whole_in(first, 1, 12, "月份"), _whole_in(last, 1, 12, "月份")
    if first_month > last_month:
        raise FilterError(f"月份区间 {first_month}—{last_month} 前后颠倒")
    return fmt.month_range_text(first_month, last_month, 连接号)


_FILTER_TABLE = [
    # (Chinese name, English alias, function)
    ("原文", "as_written", as_written),
    ("数字", "number", number_only),
    ("保留", "decimals", with_decimals),
    ("万元", "wan_yuan", wan_yuan),
    ("亿元", "yi_yuan", yi_yuan),
    ("元", "yuan", yuan),
    ("万", "wan", in_wan),
    ("亿", "yi", in_yi),
    ("自动", "auto", auto_scaled),
    ("分组", "grouped", digit_grouped),
    ("百分比", "percent", percent),
    ("同比", "yoy", year_over_year),
    ("增减", "change", change),
    ("百分点", "points", point_change),
    ("中文数字", "cn", cn_numeral),
    ("中文年份", "cn_year", cn_year),
    ("列举", "enum", enumeration),
    ("第", "ordinal", ordinal),
    ("大写", "daxie", capital_amount),
    ("日期", "date", date),
    ("月底", "month_end", month_end),
    ("截至", "as_of", as_of),
    ("年度", "year_label", year_label),
    ("可选", "optional", optional),
]
_GLOBAL_TABLE = [
    ("合计", "total", total),
    ("差额", "difference", difference),
    ("占比", "share", share),
    ("月份区间", "month_range", month_range),
    ("舍位平衡", "rebalance", rebalance),
]


def _passing_missing(function):
    """A filter or function given a missing fact gives it back untouched, so the missing
    fact reaches the output as one placeholder (or one error naming it), whatever filters
    were between. Comparisons and 可选 decide for themselves."""
    if function in (year_over_year, change, point_change, optional):
        return function

    @functools.wraps(function)
    def passing(*args, **kwargs):
        for argument in (*args, *kwargs.values()):
            if isinstance(argument, (jinja2.Undefined, OptionalMissing)):
                return argument
        return function(*args, **kwargs)

    return passing


def _named(table) -> dict:
    """Chinese and English name → one and the same (wrapped) function."""
    named = {}
    for chinese, english, function in table:
        named[chinese] = named[english] = _passing_missing(function)
    return named


FILTERS = _named(_FILTER_TABLE)
GLOBALS = _named(_GLOBAL_TABLE)
