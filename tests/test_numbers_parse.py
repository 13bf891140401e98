"""Reading written figures and dates the way bureau writers type them."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from zongjie.errors import NumberFormatError
from zongjie.numbers.parse import looks_like_figure, parse_date, parse_quantity, parse_value
from zongjie.numbers.quantity import Quantity, YearMonth


def same_decimal(actual: Decimal, expected: str) -> bool:
    """Equal in value AND in written precision (Decimal('443.60') is not Decimal('443.6'))."""
    return actual == Decimal(expected) and actual.as_tuple() == Decimal(expected).as_tuple()


# ---- figures --------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("written", "value", "unit"),
    [
        ("11720.82万元", "11720.82", "万元"),
        ("1.2亿元", "1.2", "亿元"),
        ("429198人", "429198", "人"),
        ("96.19%", "96.19", "%"),
        ("443.60万元", "443.60", "万元"),
        ("0.00", "0.00", ""),
        ("3个工作日", "3", "个工作日"),
        ("0.3个百分点", "0.3", "个百分点"),
        ("12.5万人次", "12.5", "万人次"),
        (".5元", "0.5", "元"),
    ],
)
def test_written_figure_is_read_as_exact_decimal_with_its_unit(written, value, unit):
    quantity = parse_quantity(written)
    assert same_decimal(quantity.value, value)
    assert quantity.unit == unit
    assert quantity.approx == ""


def test_full_width_digits_typed_with_chinese_ime_are_read_as_digits():
    assert parse_quantity("１２３") == Quantity(Decimal(123))
    assert parse_quantity("１１７２０．８２万元") == Quantity(Decimal("11720.82"), "万元")
    assert parse_quantity("９６．１９％") == Quantity(Decimal("96.19"), "%")


def test_thousands_separators_are_dropped_and_decimals_kept():
    assert parse_quantity("429,198人") == Quantity(Decimal(429198), "人")
    quantity = parse_quantity("1,234,567.50元")
    assert same_decimal(quantity.value, "1234567.50")
    assert quantity.unit == "元"


def test_spaces_and_no_break_spaces_inside_a_figure_are_ignored():
    assert parse_quantity("429 198 人") == Quantity(Decimal(429198), "人")
    assert parse_quantity("11720.82\u00a0万元") == Quantity(Decimal("11720.82"), "万元")
    assert parse_quantity("\u3000100人") == Quantity(Decimal(100), "人")


def test_traditional_scale_characters_are_read_as_simplified_units():
    assert parse_quantity("1.2億元") == Quantity(Decimal("1.2"), "亿元")
    assert parse_quantity("3萬人") == Quantity(Decimal(3), "万人")


def test_signed_figures_keep_their_sign():
    assert parse_quantity("-3.5万元").value == Decimal("-3.5")
    assert parse_quantity("+5%").value == Decimal(5)


def test_percent_is_recognised_as_a_percentage():
    assert parse_quantity("96.19%").is_percent
    assert not parse_quantity("96.19").is_percent


def test_written_precision_is_reported_as_decimals():
    assert parse_quantity("21469.1万元").decimals == 1
    assert parse_quantity("443.60万元").decimals == 2
    assert parse_quantity("429198人").decimals == 0


# ---- Chinese numerals on their own ----------------------------------------------------------
@pytest.mark.parametrize(
    ("written", "value"),
    [("三十八", 38), ("二〇二三", 2023), ("十一", 11), ("十", 10), ("一千零五", 1005), ("两万", 20000),
     ("一亿零一", 100000001), ("十万零五百", 100500), ("一万二千亿", 1_200_000_000_000)],
)
def test_chinese_numeral_alone_is_read_as_a_number(written, value):
    assert parse_quantity(written) == Quantity(Decimal(value))
    assert parse_value(written) == Quantity(Decimal(value))


# ---- approximate figures ----------------------------------------------------------------------
@pytest.mark.parametrize(
    ("written", "value", "unit", "approx"),
    [
        ("20余人", 20, "人", "余"),
        ("1500余万元", 1500, "万元", "余"),
        ("1万余份", 1, "万份", "余"),
        ("1万多人", 1, "万人", "多"),
        ("约300万元", 300, "万元", "约"),
        ("近50家", 50, "家", "近"),
        ("超过300万元", 300, "万元", "超过"),
        ("逾20人", 20, "人", "逾"),
    ],
)
def test_approximate_figure_keeps_number_unit_and_qualifier(written, value, unit, approx):
    quantity = parse_quantity(written)
    assert quantity.value == Decimal(value)
    assert quantity.unit == unit
    assert quantity.approx == approx


@pytest.mark.parametrize("written", ["20余人", "1500余万元", "1万余份", "1万多人", "约300万元", "超过300万元"])
def test_approximate_figure_is_written_back_with_qualifier_in_its_place(written):
    assert str(parse_quantity(written)) == written


def test_qualifier_after_scale_is_distinguished_from_qualifier_before_scale():
    after_scale = parse_quantity("1万余份")
    before_scale = parse_quantity("1500余万元")
    assert after_scale.approx_after_scale is True
    assert before_scale.approx_after_scale is False


def test_both_a_prefix_and_a_suffix_qualifier_are_refused():
    with pytest.raises(NumberFormatError) as raised:
        parse_quantity("约20余人")
    assert "约" in raised.value.message and "余" in raised.value.message


def test_changing_the_value_of_an_approximate_figure_keeps_its_qualifier_in_place():
    assert str(parse_quantity("1万余份").with_value(Decimal(2))) == "2万余份"
    assert str(parse_quantity("约300万元").with_value(Decimal(400))) == "约400万元"


# ---- dates ------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("2023-12-20", datetime.date(2023, 12, 20)),
        ("2023/12/20", datetime.date(2023, 12, 20)),
        ("2023-1-5", datetime.date(2023, 1, 5)),
        ("2023年12月20日", datetime.date(2023, 12, 20)),
        ("２０２３年１２月２０日", datetime.date(2023, 12, 20)),
        ("2023年3月底", datetime.date(2023, 3, 31)),
        ("2023年11月底", datetime.date(2023, 11, 30)),
        ("2024年2月底", datetime.date(2024, 2, 29)),
        ("2023年2月底", datetime.date(2023, 2, 28)),
        ("2023年12月底", datetime.date(2023, 12, 31)),
    ],
)
def test_written_dates_are_read_as_calendar_dates(written, expected):
    assert parse_date(written) == expected
    assert parse_value(written) == expected


@pytest.mark.parametrize(("written", "year", "month"), [("2023年11月", 2023, 11), ("2023-11", 2023, 11), ("2024年1月", 2024, 1)])
def test_date_written_to_the_month_is_a_year_month(written, year, month):
    value = parse_value(written)
    assert value == YearMonth(year, month)
    assert isinstance(value, YearMonth)
    assert str(value) == f"{year}年{month}月"


def test_text_that_is_no_date_gives_none_from_the_date_reader():
    assert parse_date("429198人") is None
    assert parse_date("一站式服务") is None


# ---- malformed input ----------------------------------------------------------------------------
def test_misplaced_thousands_comma_is_refused_with_a_comma_hint():
    with pytest.raises(NumberFormatError) as raised:
        parse_value("1,23")
    assert "逗号" in raised.value.message
    assert "1,23" in raised.value.message
    assert "429,198" in raised.value.hint  # shows the correct form


@pytest.mark.parametrize("written", ["1,2345元", "12,34.5元", "1,23,456人"])
def test_irregular_digit_groups_are_refused(written):
    with pytest.raises(NumberFormatError) as raised:
        parse_value(written)
    assert "千分位" in raised.value.message


def test_double_decimal_point_is_refused_instead_of_becoming_text():
    with pytest.raises(NumberFormatError) as raised:
        parse_value("11720..82万元")
    assert "数字" in raised.value.message
    assert "11720..82万元" in raised.value.message
    assert "11720.82万元" in raised.value.hint


@pytest.mark.parametrize("written", ["2023-02-30", "2023年2月30日", "2023-13-01"])
def test_impossible_calendar_date_is_refused(written):
    with pytest.raises(NumberFormatError) as raised:
        parse_value(written)
    assert "日期" in raised.value.message
    assert written in raised.value.message


@pytest.mark.parametrize("written", ["2023年13月", "2023年13月底", "2023-00"])
def test_month_outside_one_to_twelve_is_refused(written):
    with pytest.raises(NumberFormatError) as raised:
        parse_value(written)
    assert "月份" in raised.value.message


@pytest.mark.parametrize("written", ["约1,23人", "近11720..82万元", "超过1,23人", "逾11720..82万元"])
def test_malformed_figure_after_any_qualifier_is_refused_not_kept_as_text(written):
    with pytest.raises(NumberFormatError):
        parse_value(written)


def test_parse_quantity_refuses_plain_words():
    with pytest.raises(NumberFormatError) as raised:
        parse_quantity("一站式")
    assert "数字" in raised.value.message


# ---- text stays text ------------------------------------------------------------------------------
@pytest.mark.parametrize("written", ["一站式", "万元", "千万", "百姓满意", "医保服务站", "双通道"])
def test_words_that_merely_contain_numeral_characters_stay_text(written):
    assert parse_value(written) == written
    assert isinstance(parse_value(written), str)
    assert not looks_like_figure(written)


def test_mistyped_figures_are_recognised_as_figure_like():
    assert looks_like_figure("11720..82万元")
    assert looks_like_figure("1,23")
    assert looks_like_figure("１，２３人")
