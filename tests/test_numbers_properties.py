"""Properties of writing and reading figures: nothing is lost, nothing is invented.

Every figure a summary prints is written by `zongjie.numbers.format` and may be read back by
`zongjie.numbers.parse` (facts, checks): the two must agree exactly, keep the writer's
precision, and round the way statistics are published (四舍五入, half up).
"""

from __future__ import annotations

import re
from decimal import Decimal
from fractions import Fraction
from math import floor

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from zongjie.numbers.format import (
    auto_scale,
    date_text,
    in_scale,
    number_text,
    percent_of,
    plain_decimal,
    quantity_text,
    rounded,
    scaled,
)
from zongjie.numbers.parse import parse_quantity, parse_value
from zongjie.numbers.quantity import Quantity
from zongjie.numbers.units import convert

FAST = settings(max_examples=200, deadline=None)

TEN_TO_12 = Decimal(10) ** 12


def decimals_with_places(max_value=TEN_TO_12, min_value=Decimal(0), places=(0, 1, 2)):
    """Decimals as writers write them: 0–2 decimal places, written zeros included."""
    return st.sampled_from(places).flatmap(
        lambda p: st.decimals(min_value=min_value, max_value=max_value, places=p,
                              allow_nan=False, allow_infinity=False)
    )


AMOUNT_UNITS = st.sampled_from(["元", "万元", "亿元"])
COUNT_UNITS = st.sampled_from(["人", "人次", "家", "万人", "万人次"])


def same_written_number(actual: Decimal, expected: Decimal) -> bool:
    """Same value and the same number of written decimals (443.60 is not 443.6)."""
    return actual == expected and actual.as_tuple().exponent == expected.as_tuple().exponent


def half_up_oracle(value: Decimal, decimals: int) -> Decimal:
    """四舍五入 by exact rational arithmetic, independent of the decimal module's rounding."""
    scaled_value = abs(Fraction(value)) * 10**decimals
    magnitude = floor(scaled_value + Fraction(1, 2))
    result = Decimal(magnitude).scaleb(-decimals)
    return -result if value < 0 and magnitude else result


# ---- written form round-trips ---------------------------------------------------------------------
@FAST
@given(decimals_with_places(), AMOUNT_UNITS)
def test_amount_written_then_read_is_the_same_amount_with_the_same_decimals(value, unit):
    written = quantity_text(Quantity(value, unit))
    read = parse_quantity(written)
    assert read.unit == unit
    assert same_written_number(read.value, value), written


@FAST
@given(decimals_with_places(min_value=-TEN_TO_12), AMOUNT_UNITS)
def test_negative_amount_written_then_read_is_the_same_amount(value, unit):
    read = parse_quantity(quantity_text(Quantity(value, unit)))
    assert read.value == value
    assert read.decimals == Quantity(value, unit).decimals


@FAST
@given(st.integers(min_value=0, max_value=10**12), COUNT_UNITS)
def test_count_written_then_read_is_the_same_count(count, unit):
    written = quantity_text(Quantity(Decimal(count), unit))
    assert written == f"{count}{unit}"
    assert parse_value(written) == Quantity(Decimal(count), unit)


@FAST
@given(decimals_with_places(max_value=Decimal(100)))
def test_percent_written_then_read_is_the_same_percent(value):
    written = quantity_text(Quantity(value, "%"))
    assert written.endswith("%")
    read = parse_quantity(written)
    assert read.is_percent
    assert same_written_number(read.value, value)


@FAST
@given(decimals_with_places(), AMOUNT_UNITS)
def test_amount_with_thousands_separators_reads_back_unchanged(value, unit):
    written = quantity_text(Quantity(value, unit), grouping=",")
    assert re.fullmatch(r"\d{1,3}(,\d{3})*(\.\d{1,2})?" + unit, written), written
    assert same_written_number(parse_quantity(written).value, value)


@FAST
@given(decimals_with_places(), st.sampled_from(["余", "多", "约", "近", "超过", "逾"]), COUNT_UNITS)
def test_approximate_figure_written_then_read_keeps_its_qualifier(value, approx, unit):
    quantity = Quantity(value, unit, approx)
    read = parse_quantity(quantity_text(quantity))
    assert read.approx == approx
    assert read.unit == unit
    assert same_written_number(read.value, value)


@pytest.mark.parametrize("written", ["443.60万元", "21469.10万元", "0.50%", "100.0人次", "0.00元"])
def test_written_trailing_zeros_survive_a_round_trip(written):
    assert quantity_text(parse_quantity(written)) == written


# ---- exact conversion -------------------------------------------------------------------------------
@FAST
@given(decimals_with_places(min_value=-TEN_TO_12))
def test_yuan_to_wan_yuan_and_back_is_exact(value):
    in_wan = convert(value, "元", "万元")
    assert in_wan * 10000 == value
    assert convert(in_wan, "万元", "元") == value
    assert convert(convert(value, "元", "亿元"), "亿元", "元") == value


@FAST
@given(decimals_with_places())
def test_scaled_amount_written_and_read_back_converts_to_the_original(value):
    shown = quantity_text(scaled(Quantity(value, "元"), "万元"))
    read = parse_quantity(shown)
    assert read.unit == "万元"
    assert convert(read.value, "万元", "元") == value


@FAST
@given(st.integers(min_value=0, max_value=10**12), st.sampled_from(["人", "人次"]))
def test_count_in_wan_reads_back_as_the_same_count(count, unit):
    shown = quantity_text(in_scale(Quantity(Decimal(count), unit), "万"))
    read = parse_quantity(shown)
    assert read.unit == "万" + unit
    assert convert(read.value, read.unit, unit) == count


@FAST
@given(decimals_with_places(), st.sampled_from(["万元", "亿元"]))
def test_converting_to_a_smaller_unit_invents_no_decimals(value, unit):
    """11720.82万元 is 117208200元 (precise to 100元), never 117208200.00元."""
    yuan = quantity_text(scaled(Quantity(value, unit), "元"))
    assert re.fullmatch(r"\d+元", yuan), yuan
    assert Decimal(yuan[:-1]) == value * (10000 if unit == "万元" else 100000000)


@pytest.mark.parametrize(
    ("value", "unit", "target", "shown"),
    [
        ("11720.82", "万元", "元", "117208200元"),
        ("1.5", "万元", "元", "15000元"),
        ("1.2", "亿元", "万元", "12000万元"),
        ("1.2", "亿元", "元", "120000000元"),
        ("1.00005", "亿元", "元", "100005000元"),
        ("1.234567", "万元", "元", "12345.67元"),
        ("370891", "元", "万元", "37.0891万元"),
        ("11720.82", "万元", "亿元", "1.172082亿元"),
    ],
)
def test_amount_is_shown_in_another_money_unit_exactly(value, unit, target, shown):
    assert quantity_text(scaled(Quantity(Decimal(value), unit), target)) == shown


# ---- rounding ------------------------------------------------------------------------------------------
@FAST
@given(st.decimals(min_value=-TEN_TO_12, max_value=TEN_TO_12, places=6, allow_nan=False, allow_infinity=False),
       st.integers(min_value=0, max_value=3))
def test_rounding_is_half_up_by_exact_arithmetic(value, decimals):
    result = rounded(value, decimals)
    assert result == half_up_oracle(value, decimals)
    assert result.as_tuple().exponent == -decimals


@FAST
@given(st.integers(min_value=-10**9, max_value=10**9), st.integers(min_value=0, max_value=3))
def test_exact_halves_round_away_from_zero_never_to_even(units, decimals):
    # units + 0.5 (in the last kept place): 2.5 → 3, and -2.5 (units = -3) → -3.
    tie = (Decimal(units) + Decimal("0.5")).scaleb(-decimals)
    expected = Decimal(units + 1 if units >= 0 else units).scaleb(-decimals)
    assert rounded(tie, decimals) == expected


@pytest.mark.parametrize(
    ("value", "decimals", "expected"),
    [
        ("2.5", 0, "3"),      # banker's rounding would give 2
        ("0.5", 0, "1"),      # banker's: 0
        ("-2.5", 0, "-3"),
        ("0.125", 2, "0.13"),  # banker's: 0.12
        ("1.005", 2, "1.01"),  # float round(1.005, 2) gives 1.0
        ("2.675", 2, "2.68"),  # float round(2.675, 2) gives 2.67
        ("21469.1", 2, "21469.10"),
        ("96.149", 1, "96.1"),
    ],
)
def test_known_rounding_cases_are_half_up(value, decimals, expected):
    assert number_text(Decimal(value), decimals) == expected


def test_wan_yuan_with_two_decimals_rounds_half_up():
    # 12250元 = 1.225万元: half up gives 1.23, banker's rounding would give 1.22.
    assert quantity_text(scaled(Quantity(Decimal(12250), "元"), "万元"), 2) == "1.23万元"
    assert quantity_text(scaled(Quantity(Decimal(12249), "元"), "万元"), 2) == "1.22万元"


def test_percentage_of_a_ratio_rounds_half_up():
    assert str(percent_of(Decimal("0.12345"))) == "12.35%"  # banker's: 12.34%
    assert str(percent_of(Decimal("0.96185"), 1)) == "96.2%"
    assert str(percent_of(Decimal(1) / Decimal(3))) == "33.33%"


# ---- no float artefacts, no exponents ------------------------------------------------------------------------
@FAST
@given(st.decimals(min_value=-TEN_TO_12, max_value=TEN_TO_12, allow_nan=False, allow_infinity=False),
       st.sampled_from([None, 0, 1, 2]))
def test_number_text_is_plain_positional_digits(value, decimals):
    text = number_text(value, decimals)
    assert re.fullmatch(r"-?\d+(\.\d+)?", text), text
    if Decimal(text) == 0:
        assert not text.startswith("-"), text
    assert Decimal(text) == rounded(value, decimals)


@pytest.mark.parametrize(
    ("value", "expected"),
    [("1E+12", "1000000000000"), ("1.2E+4", "12000"), ("0E+3", "0"), ("-0", "0"), ("-0.00", "0.00"),
     ("0.10", "0.10"), ("1E-7", "0.0000001")],
)
def test_plain_decimal_writes_positional_digits_without_exponent_or_negative_zero(value, expected):
    assert plain_decimal(Decimal(value)) == expected


def test_tiny_negative_value_rounded_to_zero_is_written_without_sign():
    assert number_text(Decimal("-0.004"), 2) == "0.00"


@FAST
@given(st.integers(min_value=0, max_value=10**12))
def test_auto_scale_chooses_unit_by_magnitude_and_keeps_the_value(yuan):
    shown = auto_scale(Quantity(Decimal(yuan), "元"))
    expected_unit = "元" if yuan < 10**4 else "万元" if yuan < 10**8 else "亿元"
    assert shown.unit == expected_unit
    assert convert(shown.value, shown.unit, "元") == yuan


# ---- digit grouping and dates, as CLDR writes them for the supported locales --------------------
# zongjie writes these two rules itself (babel cost ≈25 ms of every cold build and 36 MB); when
# babel is installed (test extra) it is the independent oracle, for every locale a workspace may set.
SUPPORTED_LOCALES = ("zh_CN", "zh_Hant_TW", "zh_Hant_HK")


@FAST
@given(st.decimals(min_value=-TEN_TO_12 * 1000, max_value=TEN_TO_12 * 1000, allow_nan=False, allow_infinity=False,
                   places=None).filter(lambda d: d.as_tuple().exponent >= -6),
       st.sampled_from(SUPPORTED_LOCALES))
def test_grouped_digits_are_what_cldr_writes(value, locale):
    babel_numbers = pytest.importorskip("babel.numbers", reason="babel (test extra) is the CLDR oracle")
    decimals = max(0, -value.as_tuple().exponent)
    pattern = babel_numbers.parse_pattern("#,##0" + ("." + "0" * decimals if decimals else ""))
    expected = pattern.apply(value, locale, decimal_quantization=False)
    if value.is_zero():
        expected = expected.lstrip("-")  # a zero is written without a sign, as plain_decimal does
    assert number_text(value, grouping=",", locale=locale) == expected


@FAST
@given(st.decimals(min_value=-TEN_TO_12, max_value=TEN_TO_12, allow_nan=False, allow_infinity=False, places=2),
       st.sampled_from([",", "\u2009", " "]))
def test_grouped_amount_keeps_every_digit_in_groups_of_three(value, separator):
    text = number_text(value, grouping=separator)
    whole = text.lstrip("-").split(".")[0]
    groups = whole.split(separator)
    assert 1 <= len(groups[0]) <= 3 and all(len(group) == 3 for group in groups[1:]), text
    assert Decimal(text.replace(separator, "")) == value


@FAST
@given(st.dates(), st.sampled_from(SUPPORTED_LOCALES))
def test_long_date_is_what_cldr_writes(day, locale):
    babel_dates = pytest.importorskip("babel.dates", reason="babel (test extra) is the CLDR oracle")
    assert date_text(day, locale) == babel_dates.format_date(day, "long", locale=locale)


def test_long_date_has_no_leading_zeros():
    import datetime

    assert date_text(datetime.date(2023, 1, 5)) == "2023年1月5日"
    assert date_text(datetime.date(2023, 11, 30), "zh_Hant_HK") == "2023年11月30日"
