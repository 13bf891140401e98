"""The Jinja filters and globals, called as functions on located facts.

Every figure in a document is written through these, so each is checked for the exact text
it writes, for keeping the link back to the fact's file:line, and for refusing misuse with a
Chinese message.
"""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from zongjie.inputs.facts import Fact
from zongjie.location import Location
from zongjie.numbers.format import rounded
from zongjie.numbers.parse import parse_value
from zongjie.templating.filters import FILTERS, GLOBALS, Derived, FilterError
from zongjie.templating.provenance import TracedText

FAST = settings(max_examples=200, deadline=None)
HAN = re.compile(r"[\u4e00-\u9fff]")


def fact(written: str, key: str = "参保.参保人数", line: int = 3) -> Fact:
    return Fact(key, parse_value(written), written, Location(Path("facts.yaml"), line))


# (filter name, written facts, keyword arguments, expected text)
FILTER_CASES = [
    # as written / number only / decimals
    ("原文", ["429,198人"], {}, "429,198人"),
    ("数字", ["11720.82万元"], {}, "11720.82"),
    ("数字", ["11720.825万元"], {"小数": 2}, "11720.83"),
    ("保留", ["21469.1万元"], {"小数": 2}, "21469.10万元"),
    ("保留", ["96.25%"], {"小数": 1}, "96.3%"),
    # money
    ("万元", ["370891元"], {}, "37.0891万元"),
    ("万元", ["370891元"], {"小数": 2}, "37.09万元"),
    ("万元", ["12250元"], {"小数": 2}, "1.23万元"),
    ("万元", ["1.2亿元"], {}, "12000万元"),
    ("万元", ["1500余万元"], {}, "1500余万元"),
    ("亿元", ["11720.82万元"], {}, "1.172082亿元"),
    ("亿元", ["11720.82万元"], {"小数": 2}, "1.17亿元"),
    ("元", ["11720.82万元"], {}, "117208200元"),
    ("元", ["1.5万元"], {}, "15000元"),
    ("元", ["12345.6元"], {"小数": 2}, "12345.60元"),
    ("元", ["约300万元"], {}, "约3000000元"),
    # counts in 万 / 亿
    ("万", ["1388400人"], {"小数": 2}, "138.84万人"),
    ("万", ["1388400人次"], {}, "138.84万人次"),
    ("万", ["1388450人"], {"小数": 1}, "138.8万人"),
    ("万", ["1万余份"], {}, "1万余份"),
    ("万", ["12345"], {}, "1.2345万"),
    ("亿", ["1388400000人次"], {}, "13.884亿人次"),
    ("亿", ["11720.82万元"], {"小数": 2}, "1.17亿元"),
    # scale chosen by magnitude
    ("自动", ["1388400人"], {}, "138.84万人"),
    ("自动", ["370891元"], {}, "37.09万元"),
    ("自动", ["12345678901元"], {}, "123.46亿元"),
    ("自动", ["12345人"], {"小数": None}, "1.2345万人"),
    # digit groups
    ("分组", ["429198人"], {}, "429,198人"),
    ("分组", ["11720.82万元"], {}, "11,720.82万元"),
    ("分组", ["429198人"], {"分隔符": " "}, "429\u2009198人"),
    ("分组", ["999人"], {}, "999人"),
    # percentages
    ("百分比", ["96.19%"], {"小数": 1}, "96.2%"),
    ("百分比", ["96.25%"], {"小数": 1}, "96.3%"),
    ("百分比", ["96.19%"], {}, "96.19%"),
    ("百分比", ["0.9619"], {}, "96.19%"),
    ("百分比", ["0.5"], {}, "50.00%"),
    ("百分比", ["0.12345"], {}, "12.35%"),
    # year over year
    ("同比", ["103.2万元", "100万元"], {}, "同比增长3.2%"),
    ("同比", ["98.5万元", "100万元"], {}, "同比下降1.5%"),
    ("同比", ["103万元", "100万元"], {}, "同比增长3.0%"),
    ("同比", ["103.25万元", "100万元"], {}, "同比增长3.3%"),
    ("同比", ["103.256万元", "100万元"], {"小数": 2}, "同比增长3.26%"),
    ("同比", ["1032000元", "100万元"], {}, "同比增长3.2%"),
    ("同比", ["100.04万元", "100万元"], {}, "与上年持平"),
    ("同比", ["100万元", "100万元"], {}, "与上年持平"),
    ("同比", ["101万元", "100万元"], {"阈值": 1}, "与上年持平"),
    ("同比", ["99万元", "100万元"], {"阈值": 1}, "与上年持平"),
    ("同比", ["101万元", "100万元"], {"阈值": 0.5}, "同比增长1.0%"),
    ("同比", ["103.2万元", "100万元"], {"前缀": "较上年"}, "较上年增长3.2%"),
    # absolute change
    ("增减", ["5250人", "4000人"], {}, "增加1250人"),
    ("增减", ["96.5万元", "100万元"], {}, "减少3.5万元"),
    ("增减", ["100万元", "100万元"], {}, "与上年持平"),
    ("增减", ["100万元", "960000元"], {}, "增加4万元"),
    ("增减", ["100万元", "99.99万元"], {"阈值": 0.01}, "与上年持平"),
    ("增减", ["100.004万元", "100万元"], {"小数": 2}, "与上年持平"),
    # percentage points
    ("百分点", ["96.49%", "96.19%"], {}, "提高0.3个百分点"),
    ("百分点", ["96.19%", "96.49%"], {}, "降低0.3个百分点"),
    ("百分点", ["96.49%", "96.19%"], {"小数": 2}, "提高0.30个百分点"),
    ("百分点", ["96.19%", "96.19%"], {}, "持平"),
    # Chinese numerals
    ("中文数字", ["38"], {}, "三十八"),
    ("中文数字", ["11"], {}, "十一"),
    ("中文数字", ["105"], {}, "一百零五"),
    ("中文年份", ["2023"], {}, "二〇二三年"),
    ("中文年份", ["2000"], {}, "二〇〇〇年"),
    ("大写", ["12345.67元"], {}, "壹万贰仟叁佰肆拾伍元陆角柒分"),
    ("大写", ["1005元"], {}, "壹仟零伍元整"),
    ("大写", ["1.2亿元"], {}, "壹亿贰仟万元整"),
    ("大写", ["10.05万元"], {}, "壹拾万零伍佰元整"),
    ("大写", ["1.00512万元"], {}, "壹万零伍拾壹元贰角"),
    # dates
    ("日期", ["2023-12-20"], {}, "2023年12月20日"),
    ("日期", ["2023年3月底"], {}, "2023年3月31日"),
    ("日期", ["2023年11月"], {}, "2023年11月"),
    ("月底", ["2023-11-30"], {}, "11月底"),
    ("月底", ["2023-11-30"], {"带年": True}, "2023年11月底"),
    ("月底", ["2023年11月"], {}, "11月底"),
    ("月底", ["2023-12-13"], {}, "12月13日"),
    ("截至", ["2023年11月底"], {}, "截至2023年11月底"),
    ("截至", ["2023年11月底"], {"带年": False}, "截至11月底"),
    ("截至", ["2023-12-13"], {}, "截至2023年12月13日"),
    ("截至", ["2023年11月"], {}, "截至2023年11月底"),
    ("年度", ["2024"], {}, "2024年度"),
]


# The filter table of the README, row by row, called as the README writes it (positional 小数).
README_ROWS = [
    ("原文", ["429,198人"], (), "429,198人"),
    ("数字", ["11720.82万元"], (), "11720.82"),
    ("保留", ["21469.1万元"], (2,), "21469.10万元"),
    ("万元", ["467108元"], (2,), "46.71万元"),
    ("亿元", ["287300万元"], (2,), "28.73亿元"),
    ("元", ["2.47万元"], (), "24700元"),
    ("万", ["1388400人"], (2,), "138.84万人"),
    ("亿", ["2873000000元"], (2,), "28.73亿元"),
    ("自动", ["2873000000元"], (), "28.73亿元"),
    ("分组", ["429198人"], (), "429,198人"),
    ("百分比", ["96.19%"], (1,), "96.2%"),
    ("百分比", ["0.9619"], (), "96.19%"),
    ("同比", ["103.2万元", "100万元"], (), "同比增长3.2%"),
    ("增减", ["429198人", "427948人"], (), "增加1250人"),
    ("百分点", ["96.49%", "96.19%"], (), "提高0.3个百分点"),
    ("中文数字", ["38"], (), "三十八"),
    ("中文年份", ["2023"], (), "二〇二三年"),
    ("列举", ["2"], (), "二是"),
    ("第", ["2"], (), "第二"),
    ("大写", ["12345.67元"], (), "壹万贰仟叁佰肆拾伍元陆角柒分"),
    ("大写", ["0.1005万元"], (), "壹仟零伍元整"),
    ("日期", ["2023-12-20"], (), "2023年12月20日"),
    ("月底", ["2023-11-30"], (), "11月底"),
    ("截至", ["2023-11-30"], (), "截至2023年11月底"),
    ("年度", ["2024"], (), "2024年度"),
]


@pytest.mark.parametrize(("name", "inputs", "args", "expected"), README_ROWS)
def test_readme_filter_table_row_holds(name, inputs, args, expected):
    facts = [fact(written, key=f"事实{index}") for index, written in enumerate(inputs)]
    assert FILTERS[name](*facts, *args) == expected


def test_readme_threshold_and_without_year_rows_hold():
    assert FILTERS["同比"](fact("100.3万元"), fact("100万元", key="上年"), 阈值=0.5) == "与上年持平"
    assert FILTERS["截至"](fact("2023-12-13"), 带年=False) == "截至12月13日"


def test_readme_global_rows_hold():
    assert str(GLOBALS["合计"](fact("389888人", key="甲"), fact("39310人", key="乙"))) == "429198人"
    assert str(GLOBALS["差额"](fact("11720.82万元", key="甲"), fact("6627.96万元", key="乙"))) == "5092.86万元"
    assert str(GLOBALS["占比"](fact("39310人", key="甲"), fact("429198人", key="乙"))) == "9.16%"
    assert GLOBALS["月份区间"](1, 6) == "1—6月"


def _case_id(case) -> str:
    name, inputs, kwargs, _ = case
    return f"{name}-{'-'.join(inputs)}-{kwargs}" if kwargs else f"{name}-{'-'.join(inputs)}"


def _call(name: str, inputs: list[str], kwargs: dict):
    facts = [fact(written, key=f"事实{index}", line=3 + index) for index, written in enumerate(inputs)]
    return facts, FILTERS[name](*facts, **kwargs)


@pytest.mark.parametrize("case", FILTER_CASES, ids=[_case_id(case) for case in FILTER_CASES])
def test_filter_writes_the_official_text(case):
    name, inputs, kwargs, expected = case
    _, result = _call(name, inputs, kwargs)
    assert str(result) == expected


@pytest.mark.parametrize("case", FILTER_CASES, ids=[_case_id(case) for case in FILTER_CASES])
def test_filter_output_remembers_the_facts_it_was_made_from(case):
    name, inputs, kwargs, _ = case
    facts, result = _call(name, inputs, kwargs)
    assert isinstance(result, TracedText)
    assert result.facts == tuple(facts)
    assert all(f.location == Location(Path("facts.yaml"), 3 + i) for i, f in enumerate(result.facts))


def test_every_filter_and_global_is_covered_by_these_tests():
    covered = {FILTERS[name] for name, *_ in FILTER_CASES} | {FILTERS["列举"], FILTERS["第"], FILTERS["可选"]}
    covered |= {GLOBALS[name] for name in ("合计", "差额", "占比", "月份区间", "舍位平衡")}
    assert covered == set(FILTERS.values()) | set(GLOBALS.values())


@pytest.mark.parametrize(
    ("english", "chinese"),
    [("as_written", "原文"), ("number", "数字"), ("decimals", "保留"), ("wan_yuan", "万元"), ("yi_yuan", "亿元"),
     ("yuan", "元"), ("wan", "万"), ("yi", "亿"), ("auto", "自动"), ("grouped", "分组"), ("percent", "百分比"),
     ("yoy", "同比"), ("change", "增减"), ("points", "百分点"), ("cn", "中文数字"), ("cn_year", "中文年份"),
     ("enum", "列举"), ("ordinal", "第"), ("daxie", "大写"), ("date", "日期"), ("month_end", "月底"),
     ("as_of", "截至"), ("year_label", "年度")],
)
def test_english_filter_alias_is_the_same_filter_as_the_chinese_name(english, chinese):
    assert FILTERS[english] is FILTERS[chinese]


def test_english_global_aliases_are_the_same_globals():
    for english, chinese in [("total", "合计"), ("difference", "差额"), ("share", "占比"), ("month_range", "月份区间"),
                             ("rebalance", "舍位平衡")]:
        assert GLOBALS[english] is GLOBALS[chinese]


# ---- filters fed by other filters and by plain template values ----------------------------------------
def test_chained_filters_keep_the_number_and_the_source():
    income = fact("11720.82万元", key="基金.收入")
    shown = FILTERS["数字"](FILTERS["万元"](income))
    assert shown == "11720.82"
    assert isinstance(shown, TracedText)
    assert shown.facts == (income,)


def test_filter_accepts_plain_template_numbers_and_figure_text():
    assert FILTERS["中文数字"](3) == "三"
    assert FILTERS["万"](Decimal("12345")) == "1.2345万"
    assert FILTERS["百分比"](0.25) == "25.00%"
    assert FILTERS["万元"]("370891元") == "37.0891万元"


def test_money_filter_refuses_a_number_without_a_unit():
    with pytest.raises(FilterError) as raised:
        FILTERS["万元"](Decimal("370891"))
    assert "金额" in str(raised.value)


# ---- enumeration and ordinals ----------------------------------------------------------------------------
@pytest.mark.parametrize(("index", "expected"), [(1, "一是"), (2, "二是"), (10, "十是"), (11, "十一是")])
def test_enumeration_of_loop_index_reads_yi_shi(index, expected):
    assert FILTERS["列举"](index) == expected


@pytest.mark.parametrize(("index", "expected"), [(1, "第一"), (3, "第三"), (12, "第十二"), (20, "第二十")])
def test_ordinal_reads_di_with_chinese_numeral(index, expected):
    assert FILTERS["第"](index) == expected


def test_ordinal_of_a_fact_writes_the_chinese_ordinal():
    assert FILTERS["第"](fact("3", key="集采.支付改革批次")) == "第三"
    assert FILTERS["列举"](fact("2")) == "二是"


@pytest.mark.parametrize("name", ["第", "列举"])
def test_ordinal_and_enumeration_of_a_fact_keep_its_source(name):
    batch = fact("3", key="集采.支付改革批次")
    result = FILTERS[name](batch)
    assert isinstance(result, TracedText)
    assert result.facts == (batch,)


# ---- globals -------------------------------------------------------------------------------------------------
def test_total_adds_in_the_first_figures_unit_and_keeps_both_sources():
    a, b = fact("1.2万元", key="甲"), fact("3000元", key="乙")
    result = GLOBALS["合计"](a, b)
    assert isinstance(result, Derived)
    assert str(result) == "1.5万元"
    assert result.facts == (a, b)


def test_total_in_yuan_of_a_wan_yuan_figure_invents_no_decimals():
    assert str(GLOBALS["合计"](fact("3000元", key="甲"), fact("1.2万元", key="乙"))) == "15000元"


def test_total_can_be_written_through_a_money_filter_with_its_sources():
    a, b = fact("1.2万元", key="甲"), fact("3000元", key="乙")
    shown = FILTERS["元"](GLOBALS["合计"](a, b))
    assert shown == "15000元"
    assert isinstance(shown, TracedText)
    assert shown.facts == (a, b)


def test_difference_subtracts_in_the_first_figures_unit():
    a, b = fact("100万元", key="甲"), fact("300000元", key="乙")
    result = GLOBALS["差额"](a, b)
    assert str(result) == "70万元"
    assert result.facts == (a, b)


@pytest.mark.parametrize(("kwargs", "expected"), [({}, "33.33%"), ({"小数": 1}, "33.3%"), ({"小数": 0}, "33%")])
def test_share_is_a_rounded_percentage(kwargs, expected):
    part, whole = fact("30人", key="部分"), fact("90人", key="总数")
    result = GLOBALS["占比"](part, whole, **kwargs)
    assert str(result) == expected
    assert result.facts == (part, whole)


def test_share_converts_units_before_dividing():
    assert str(GLOBALS["占比"](fact("2500元"), fact("1万元"))) == "25.00%"
    assert str(GLOBALS["占比"](fact("1"), fact("8"))) == "12.50%"  # half up


@pytest.mark.parametrize(
    ("first", "last", "kwargs", "expected"), [(1, 6, {}, "1—6月"), (1, 12, {"连接号": "～"}, "1～12月")]
)
def test_month_range_is_written_with_a_dash(first, last, kwargs, expected):
    assert GLOBALS["月份区间"](first, last, **kwargs) == expected


def test_month_range_from_facts():
    assert GLOBALS["月份区间"](fact("1"), fact("6")) == "1—6月"


# 舍位平衡: parts shown rounded so that they add up to the rounded total
def test_rebalanced_parts_add_up_to_the_rounded_total():
    total = fact("100000元", key="合计")
    parts = [fact("33333元", key="甲"), fact("33333元", key="乙"), fact("33334元", key="丙")]
    shown = GLOBALS["舍位平衡"](total, parts, "万元", 2)
    # plain rounding gives 3.33 + 3.33 + 3.33 = 9.99 ≠ 10.00; the part rounding cut most gets 0.01
    assert [str(text) for text in shown] == ["3.33万元", "3.33万元", "3.34万元"]
    assert [text.facts for text in shown] == [(part,) for part in parts]
    assert all(isinstance(text, TracedText) for text in shown)


def test_rebalanced_parts_over_the_total_take_from_the_part_rounding_raised_most():
    total = fact("20000元", key="合计")
    parts = [fact("6665元", key="甲"), fact("6669元", key="乙"), fact("6666元", key="丙")]
    # rounded: 0.67 + 0.67 + 0.67 = 2.01 > 2.00; 6665 was raised most (0.6665 → 0.67)
    shown = GLOBALS["舍位平衡"](total, parts, "万元", 2)
    assert [str(text) for text in shown] == ["0.66万元", "0.67万元", "0.67万元"]


def test_parts_that_already_add_up_are_only_rounded():
    parts = [fact("12340元", key="甲"), fact("56780元", key="乙")]
    shown = GLOBALS["舍位平衡"](fact("69120元", key="合计"), parts, "万元", 1)
    assert [str(text) for text in shown] == ["1.2万元", "5.7万元"]


@FAST
@given(st.lists(st.integers(min_value=0, max_value=10**10), min_size=1, max_size=8), st.integers(0, 2))
def test_rebalanced_parts_always_sum_to_the_rounded_total_and_move_at_most_one_unit(yuan_parts, decimals):
    parts = [fact(f"{value}元", key=f"部分{index}") for index, value in enumerate(yuan_parts)]
    total = fact(f"{sum(yuan_parts)}元", key="合计")
    shown = [parse_value(str(text)).value for text in GLOBALS["舍位平衡"](total, parts, "万元", decimals)]
    step = Decimal(1).scaleb(-decimals)
    assert sum(shown) == rounded(Decimal(sum(yuan_parts)) / 10000, decimals)
    for value, exact in zip(shown, yuan_parts):
        assert abs(value - Decimal(exact) / 10000) < step


# ---- misuse ----------------------------------------------------------------------------------------------------
MISUSE_CASES = [
    ("万元", ["429198人"], {}, "金额"),
    ("亿元", ["96.19%"], {}, "金额"),
    ("元", ["一站式"], {}, "数字"),
    ("大写", ["429198人"], {}, "大写"),
    ("大写", ["96.19%"], {}, "金额"),
    ("同比", ["100人", "90人次"], {"必需": True}, "单位"),  # not required: says nothing
    ("增减", ["100万元", "90人"], {"必需": True}, "单位"),
    ("百分点", ["100人", "90人"], {}, "百分"),
    ("百分比", ["429198人"], {}, "比率"),
    ("中文数字", ["3.5"], {}, "整数"),
    ("中文年份", ["2023年11月"], {}, "数字"),
    ("第", ["一站式"], {}, "数字"),
    ("日期", ["429198人"], {}, "日期"),
    ("月底", ["一站式"], {}, "日期"),
    ("截至", ["96.19%"], {}, "日期"),
    ("年度", ["2024.5"], {}, "整数"),
]


@pytest.mark.parametrize("case", MISUSE_CASES, ids=[_case_id(case) for case in MISUSE_CASES])
def test_filter_misuse_is_refused_with_a_chinese_message(case):
    name, inputs, kwargs, word = case
    with pytest.raises(FilterError) as raised:
        _call(name, inputs, kwargs)
    message = str(raised.value)
    assert word in message
    assert HAN.search(message)
    assert inputs[0] in message  # says which fact, as written


def test_total_of_amount_and_headcount_is_refused():
    with pytest.raises(FilterError) as raised:
        GLOBALS["合计"](fact("3000元", key="甲"), fact("12人", key="乙"))
    assert "不能相加" in str(raised.value)


def test_total_of_nothing_is_refused():
    with pytest.raises(FilterError) as raised:
        GLOBALS["合计"]()
    assert "合计" in str(raised.value)


def test_share_of_zero_total_is_refused():
    with pytest.raises(FilterError) as raised:
        GLOBALS["占比"](fact("30人"), fact("0人", key="总数"))
    assert "分母" in str(raised.value)


def test_difference_of_money_and_people_is_refused():
    with pytest.raises(FilterError) as raised:
        GLOBALS["差额"](fact("3000元"), fact("12人"))
    assert "单位" in str(raised.value)


# ---- known bugs outside zongjie.numbers (documented, see report) -------------------------------------------------
def test_auto_scale_of_a_small_headcount_keeps_it_whole():
    assert FILTERS["自动"](fact("5000人")) == "5000人"


def test_year_over_year_against_zero_is_refused_as_filter_error():
    with pytest.raises(FilterError) as raised:
        FILTERS["同比"](fact("100人"), fact("0人", key="上年"))
    assert "0" in str(raised.value)


@pytest.mark.parametrize("previous", ["962‰", "0.962"])
def test_percentage_points_against_a_non_percent_figure_are_correct_or_refused(previous):
    try:
        result = FILTERS["百分点"](fact("96.49%"), fact(previous, key="上年"))
    except FilterError:
        return
    assert result == "提高0.29个百分点"
