"""Chinese numerals: heading ordinals, 〇-years, 大写 amounts, and reading numerals back.

Known cases come from the payment-settlement rules for 大写 amounts and ordinary usage;
cn2an serves as an independent oracle over wide ranges.
"""

from __future__ import annotations

from decimal import Decimal

import cn2an
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from zongjie.errors import NumberFormatError
from zongjie.numbers.chinese import chinese_digits, chinese_numeral, daxie, parse_chinese_numeral

FAST = settings(max_examples=200, deadline=None)


# ---- chinese_numeral ------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("number", "expected"),
    [
        (0, "零"), (1, "一"), (2, "二"), (9, "九"), (10, "十"), (11, "十一"), (15, "十五"), (19, "十九"),
        (20, "二十"), (21, "二十一"), (99, "九十九"), (100, "一百"), (101, "一百零一"), (105, "一百零五"),
        (110, "一百一十"), (1005, "一千零五"), (1010, "一千零一十"), (1050, "一千零五十"),
        (10000, "一万"), (10010, "一万零一十"), (20000, "二万"), (100000, "十万"), (110000, "十一万"),
        (100500, "十万零五百"), (10005000, "一千万五千"), (100000000, "一亿"),
        (100000001, "一亿零一"), (100010000, "一亿零一万"), (1000000000, "十亿"),
        (10**12, "一万亿"), (1_200_000_000_000, "一万二千亿"), (10**12 + 1, "一万亿零一"),
    ],
)
def test_chinese_numeral_reads_as_written_in_chinese(number, expected):
    assert chinese_numeral(number) == expected


def test_ten_to_nineteen_drop_the_leading_one_but_inner_tens_keep_it():
    assert chinese_numeral(11) == "十一"
    assert chinese_numeral(12) != "一十二"
    assert chinese_numeral(10010) == "一万零一十"  # inside a number 一十 keeps its 一
    assert chinese_numeral(110) == "一百一十"


def test_negative_numeral_is_prefixed_with_fu():
    assert chinese_numeral(-5) == "负五"




def test_number_too_large_for_chinese_numerals_is_refused():
    with pytest.raises(NumberFormatError):
        chinese_numeral(10**16)


def _has_empty_inner_section(number: int) -> bool:
    """A whole 万 section of zeros between two non-zero ones (1|0000|1000). cn2an reads it as
    nothing (一亿一千); the standard reading says 零 there (一亿零一千), checked below by hand."""
    sections = f"{number:,}".replace(",", "")
    groups = [sections[max(0, i - 4):i] for i in range(len(sections), 0, -4)][::-1]
    return any(g == "0000" for g in groups[1:-1])


@FAST
@given(st.integers(min_value=0, max_value=10**16 - 1))
def test_chinese_numeral_agrees_with_cn2an(number):
    assume(not _has_empty_inner_section(number))
    assert chinese_numeral(number) == cn2an.an2cn(str(number))


@pytest.mark.parametrize(("number", "expected"), [
    (100001000, "一亿零一千"), (1000000001000, "一万亿零一千"), (100000000001000, "一百万亿零一千"),
    (100010000, "一亿零一万"), (10001000, "一千万一千"), (1000010000000, "一万亿一千万"),
])
def test_a_section_of_zeros_between_two_figures_reads_as_one_ling(number, expected):
    assert chinese_numeral(number) == expected


# ---- chinese_digits (years) -------------------------------------------------------------------------
@pytest.mark.parametrize(("number", "expected"), [(2023, "二〇二三"), (2000, "二〇〇〇"), (1949, "一九四九"), (0, "〇")])
def test_year_is_spelled_digit_by_digit_with_ling_circle(number, expected):
    assert chinese_digits(number) == expected


def test_negative_number_spelled_digit_by_digit_does_not_crash():
    assert chinese_digits(-5) == "负五"


@FAST
@given(st.integers(min_value=0, max_value=10**12))
def test_digit_by_digit_spelling_reads_back_as_the_number(number):
    spelled = chinese_digits(number)
    assert len(spelled) == len(str(number))
    assert parse_chinese_numeral(spelled) == number


# ---- daxie ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("amount", "expected"),
    [
        ("12345.67", "壹万贰仟叁佰肆拾伍元陆角柒分"),
        ("1005", "壹仟零伍元整"),
        ("100500", "壹拾万零伍佰元整"),
        ("1.05", "壹元零伍分"),
        ("0", "零元整"),
        ("0.00", "零元整"),
        ("10", "壹拾元整"),
        ("1680.32", "壹仟陆佰捌拾元叁角贰分"),
        ("0.05", "伍分"),
        ("0.5", "伍角"),
        ("100000000.01", "壹亿元零壹分"),
        ("1200000000000", "壹万贰仟亿元整"),
        ("107000.53", "壹拾万柒仟元伍角叁分"),
        ("6007.14", "陆仟零柒元壹角肆分"),
    ],
)
def test_daxie_amount_follows_payment_rules(amount, expected):
    assert daxie(Decimal(amount)) == expected


def test_daxie_rounds_half_up_to_the_fen():
    assert daxie(Decimal("1.005")) == "壹元零壹分"
    assert daxie(Decimal("1.004")) == "壹元整"
    assert daxie(Decimal("0.995")) == "壹元整"


def test_negative_daxie_amount_is_prefixed_with_fu_unless_it_rounds_to_zero():
    assert daxie(Decimal("-12.5")) == "负壹拾贰元伍角"
    assert daxie(Decimal("-0.001")) == "零元整"




def money_amounts():
    return st.sampled_from([0, 1, 2]).flatmap(
        lambda places: st.decimals(min_value=0, max_value=Decimal(10) ** 12, places=places,
                                   allow_nan=False, allow_infinity=False)
    )


@FAST
@given(money_amounts())
def test_daxie_agrees_with_cn2an(amount):
    assert daxie(amount) == cn2an.an2cn(format(amount, "f"), "rmb")


@FAST
@given(st.integers(min_value=10**12, max_value=10**16 - 1), st.integers(min_value=0, max_value=99))
def test_daxie_of_amounts_beyond_a_trillion_agrees_with_cn2an(yuan, fen):
    amount = Decimal(yuan) + Decimal(fen).scaleb(-2)
    assert daxie(amount) == cn2an.an2cn(format(amount, "f"), "rmb")


# ---- parse_chinese_numeral ---------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "expected"),
    [("三十八", 38), ("十一", 11), ("一千零五", 1005), ("两万", 20000), ("二〇二三", 2023), ("〇", 0),
     ("一亿零一", 100000001), ("十万零五百", 100500), ("壹万贰仟叁佰肆拾伍", 12345), ("两百", 200),
     ("一万二千亿", 1_200_000_000_000), ("十万亿", 10**13)],
)
def test_chinese_numeral_is_read_back_as_its_number(text, expected):
    assert parse_chinese_numeral(text) == expected


@pytest.mark.parametrize("text", ["", "一站式", "三十abc"])
def test_text_that_is_no_numeral_is_refused(text):
    with pytest.raises(NumberFormatError) as raised:
        parse_chinese_numeral(text)
    assert "中文数字" in raised.value.message


def test_ambiguous_run_of_digits_before_a_unit_is_refused():
    with pytest.raises(NumberFormatError) as raised:
        parse_chinese_numeral("三五十")
    assert "数字" in raised.value.message


@FAST
@given(st.integers(min_value=0, max_value=10**9))
def test_chinese_numeral_reads_back_to_the_same_number(number):
    assert parse_chinese_numeral(chinese_numeral(number)) == number


@FAST
@given(st.integers(min_value=10**9, max_value=10**16 - 1))
def test_large_chinese_numeral_reads_back_to_the_same_number(number):
    assert parse_chinese_numeral(chinese_numeral(number)) == number
