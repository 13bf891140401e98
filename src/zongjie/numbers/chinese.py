"""Chinese numerals: heading numbers and ordinals, 〇-years, 大写 amounts, and reading them back.

GB/T 15835 keeps Chinese numerals for heading ordinals (一、（二）), fixed expressions and
years spelled digit by digit (二〇二三年); 大写 follows the financial-writing rules of the
People's Bank payment regulations (零壹贰叁…, 拾佰仟, 万亿, 元角分, 整).
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from zongjie.errors import NumberFormatError

DIGITS = "零一二三四五六七八九"
DIGITS_DAXIE = "零壹贰叁肆伍陆柒捌玖"
_SMALL_UNITS = ("", "十", "百", "千")
_SMALL_UNITS_DAXIE = ("", "拾", "佰", "仟")
_BIG_UNITS = ("", "万", "亿")


def _four_digits(number: int, digits: str, units: tuple[str, ...]) -> str:
    """0 < number < 10000, with inner zeros read once (一千零五, 一千零五十)."""
    text = ""
    pending_zero = False
    for position in range(3, -1, -1):
        digit = number // 10**position % 10
        if digit == 0:
            pending_zero = bool(text)
            continue
        if pending_zero:
            text += digits[0]
            pending_zero = False
        text += digits[digit] + units[position]
    return text


def _below_yi(number: int, digits: str, units: tuple[str, ...], big: tuple[str, ...]) -> str:
    """0 < number < 10^8: up to two four-digit groups (…万…)."""
    high, low = divmod(number, 10000)
    text = _four_digits(high, digits, units) + big[1] if high else ""
    if low:
        if text and low < 1000:
            text += digits[0]  # 十万零五百
        text += _four_digits(low, digits, units)
    return text


def _integer(number: int, digits: str, units: tuple[str, ...], big: tuple[str, ...]) -> str:
    # Numbers from 10^8 up are read as (a number below 10^8) 亿 (the rest), so 1.2×10^12 is
    # 一万二千亿 (壹万贰仟亿元), as written and as cn2an reads it. Reading 4-digit groups with a
    # separate 万亿 unit produced 一万亿二千亿, which is not how it is written and which
    # parse_chinese_numeral read back as 10^20-ish.
    if number == 0:
        return digits[0]
    if number >= 10**16:
        raise NumberFormatError("数字太大，无法写成中文数字")
    high, low = divmod(number, 10**8)
    if not high:
        return _below_yi(low, digits, units, big)
    text = _below_yi(high, digits, units, big) + big[2]
    if low:
        if low < 10**7:
            text += digits[0]  # 一亿零一, 一万亿零五千万
        text += _below_yi(low, digits, units, big)
    return text


def chinese_numeral(number: int) -> str:
    """Ordinary Chinese numeral: 3 → 三, 10 → 十, 15 → 十五, 105 → 一百零五, 20000 → 二万.

    Numbers from 10 to 19 drop the leading 一 (十一), as headings and ordinals write them.
    """
    if number < 0:
        return "负" + chinese_numeral(-number)
    text = _integer(number, DIGITS, _SMALL_UNITS, _BIG_UNITS)
    if text.startswith("一十"):
        text = text[1:]
    return text


def chinese_digits(number: int) -> str:
    """Digit by digit with 〇, as years are written: 2023 → 二〇二三."""
    if number < 0:  # the sign is a word (负), not a digit: str(-5) starts with "-"
        return "负" + chinese_digits(-number)
    return "".join("〇" if ch == "0" else DIGITS[int(ch)] for ch in str(number))


def daxie(amount: Decimal) -> str:
    """大写 amount in 元: 12345.67 → 壹万贰仟叁佰肆拾伍元陆角柒分, 1005 → 壹仟零伍元整.

    Rounded half-up to 分. A zero 角 before a non-zero 分 is read as 零 (壹元零伍分); a zero
    at the 元 position before 角 is not written (壹仟元伍角), which the rules allow.
    """
    cents = int((abs(amount) * 100).quantize(Decimal(1), rounding=ROUND_HALF_UP))
    yuan, jiao, fen = cents // 100, cents // 10 % 10, cents % 10
    text = ""
    if yuan:
        text = _integer(yuan, DIGITS_DAXIE, _SMALL_UNITS_DAXIE, _BIG_UNITS) + "元"
    if jiao:
        text += DIGITS_DAXIE[jiao] + "角"
    elif fen and yuan:
        text += "零"
    if fen:
        text += DIGITS_DAXIE[fen] + "分"
    if not text:
        text = "零元"
    if not fen and not jiao:
        text += "整"
    if amount < 0 and cents:
        text = "负" + text
    return text


_VALUES = {ch: index for index, ch in enumerate(DIGITS)}
_VALUES.update({ch: index for index, ch in enumerate(DIGITS_DAXIE)})
_VALUES.update({"〇": 0, "○": 0, "两": 2, "兩": 2, "貳": 2, "參": 3, "陸": 6})
_SMALL = {"十": 10, "拾": 10, "百": 100, "佰": 100, "千": 1000, "仟": 1000}
_BIG = {"万": 10**4, "萬": 10**4, "亿": 10**8, "億": 10**8}
CHINESE_NUMERAL_CHARS = frozenset(_VALUES) | frozenset(_SMALL) | frozenset(_BIG)


def parse_chinese_numeral(text: str) -> int:
    """三十八 → 38, 二〇二三 → 2023, 一千零五 → 1005, 十一 → 11, 两万 → 20000.

    A numeral without any unit character (十百千万亿) is read digit by digit, as years are.
    """
    if not text or any(ch not in CHINESE_NUMERAL_CHARS for ch in text):
        raise NumberFormatError(f"“{text}”不是中文数字", "中文数字只能由 零一二…九、十百千万亿 组成。")
    if not any(ch in _SMALL or ch in _BIG for ch in text):
        return int("".join(str(_VALUES[ch]) for ch in text))
    total = section = digit = 0
    previous_was_digit = False
    for ch in text:
        if ch in _VALUES:
            if previous_was_digit and _VALUES[ch] != 0 and digit != 0:
                raise NumberFormatError(f"“{text}”中数字连写，无法确定数值", "请用阿拉伯数字书写。")
            digit = _VALUES[ch]
            previous_was_digit = True
            continue
        previous_was_digit = False
        if ch in _SMALL:
            section += (digit or 1) * _SMALL[ch]
        else:
            section += digit
            total = (total + section) * _BIG[ch] if _BIG[ch] > 10**4 else total + section * _BIG[ch]
            section = 0
        digit = 0
    return total + section + digit
