"""A cell's value as facts.yaml would have it written: precision and unit kept.

A number's written precision comes from the cell's number format (`0.00` → two decimals, as
the sheet shows it, so the checks' rounding intervals stay right); `0.00%` gives a percentage;
a literal in the format (`0.00"万元"`) gives a unit. Text is read as the fact loader reads it.
An empty cell is an empty fact, never zero.
"""

from __future__ import annotations

import datetime
import re
from decimal import ROUND_HALF_UP, Decimal

from msgspec import Struct

from zongjie.errors import NumberFormatError
from zongjie.importing.grid import Cell
from zongjie.numbers.parse import MAX_DECIMALS, parse_value
from zongjie.numbers.quantity import Quantity, YearMonth
from zongjie.numbers.units import normalise_unit_name

_QUOTED = re.compile(r'"([^"]*)"')
_ESCAPED = re.compile(r"\\(.)")
_BRACKETS = re.compile(r"\[[^\]]*\]")


class CellValue(Struct, frozen=True):
    """What a cell says: `number` as written (no unit), or a date, or nothing (empty)."""

    number: str | None = None
    unit: str = ""  # the unit the cell itself gives (percent format, literal, text)
    date: datetime.date | YearMonth | None = None

    @property
    def empty(self) -> bool:
        return self.number is None and self.date is None

    @property
    def date_text(self) -> str:
        """As facts.yaml writes it: 2023-11-30, or 2023年11月 for a month."""
        assert self.date is not None, "only a cell read as a date has a date text"
        return str(self.date) if isinstance(self.date, YearMonth) else self.date.isoformat()


class CellProblem(ValueError):
    def __init__(self, message: str, hint: str):
        super().__init__(message)
        self.message = message
        self.hint = hint


def read_cell(cell: Cell) -> CellValue:
    if cell.formula and not cell.cached:
        raise CellProblem(
            f"是公式 {cell.formula}，但文件里没有保存它的计算结果",
            "表格可能是由程序生成、从未在 Excel/WPS 中打开保存过：请用 Excel 或 WPS 打开并保存一次后再导入。",
        )
    value = cell.value
    if cell.is_empty:
        return CellValue()
    if isinstance(value, bool):
        raise CellProblem(f"是逻辑值 {'TRUE' if value else 'FALSE'}，不是数字", "请检查映射是否指错了单元格。")
    if isinstance(value, datetime.datetime):
        return CellValue(date=value.date())
    if isinstance(value, datetime.date):
        return CellValue(date=value)
    if isinstance(value, (int, float)):
        return _number(value, cell.number_format)
    return _text(str(value))


def _number(value: int | float, number_format: str) -> CellValue:
    decimals, percent, literal = format_precision(number_format)
    exact = Decimal(value) if isinstance(value, int) else Decimal(f"{value:.15g}")  # no float noise
    if not exact.is_finite():
        raise CellProblem("不是有限的数", "请检查这个单元格。")
    if percent:
        exact *= 100
    if decimals is None:  # General: as many decimals as the value has (Excel shows the same)
        text = _plain(exact.normalize()) if exact != exact.to_integral_value() else str(int(exact))
        if "." in text and len(text.split(".")[1]) > MAX_DECIMALS:
            text = _plain(exact.quantize(Decimal(1).scaleb(-MAX_DECIMALS), ROUND_HALF_UP).normalize())
    else:
        text = _plain(exact.quantize(Decimal(1).scaleb(-decimals), ROUND_HALF_UP))
    unit = "%" if percent else normalise_unit_name(literal)
    return CellValue(text, unit)


def _plain(number: Decimal) -> str:
    return format(number.copy_abs() if number.is_zero() else number, "f")  # -0.001 shown as 0.00, not -0.00


def format_precision(number_format: str) -> tuple[int | None, bool, str]:
    """`#,##0.00` → (2, False, ""); `0.0%` → (1, True, ""); `0.00"万元"` → (2, False, "万元");
    General or text → (None, False, "")."""
    section = (number_format or "General").split(";")[0]
    literal = "".join(_QUOTED.findall(section)) + "".join(_ESCAPED.findall(section))
    code = _BRACKETS.sub("", _ESCAPED.sub("", _QUOTED.sub("", section)))
    if code.strip().lower() in ("general", "@", "") or not any(ch in code for ch in "0#?"):
        return None, "%" in code, literal.strip()
    _, dot, fraction = code.partition(".")
    decimals = sum(ch in "0#?" for ch in re.split(r"[^0#?]", fraction)[0]) if dot else 0
    return decimals, "%" in code, literal.strip()


_EXCEL_ERRORS = ("#DIV/0!", "#N/A", "#NAME?", "#NULL!", "#NUM!", "#REF!", "#VALUE!", "#SPILL!", "#CALC!")
_NOTHING = {"-", "—", "——", "/", "－", "／", "…", "无"}


def _text(text: str) -> CellValue:
    """Text typed into a cell: read as the fact loader reads `429,198人` or `11720.82万元`."""
    if text.strip().upper() in _EXCEL_ERRORS:
        raise CellProblem(f"是 Excel 的错误值 {text.strip()}，不是数字", "请在表格中改正这个单元格的公式后重新导入。")
    if text.strip() in _NOTHING:
        raise CellProblem(
            f"写的是“{text.strip()}”，不是数字",
            "若表示“没有数据”，请把单元格清空（导入为空值）；若表示 0，请填 0。导入不猜它的意思。",
        )
    try:
        value = parse_value(text)
    except NumberFormatError as error:
        raise CellProblem(f"的内容“{text}”不是可识别的数字（{error.message}）", error.hint or "请改正表格中的这个单元格。") from None
    if isinstance(value, (datetime.date, YearMonth)):
        return CellValue(date=value)
    if not isinstance(value, Quantity) or value.approx:
        raise CellProblem(f"的内容“{text}”不是数字", "这个单元格应当是数字：请检查映射是否指错了单元格，或改正表格。")
    return CellValue(_plain(value.value), value.unit)
