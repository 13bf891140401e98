"""A sheet as a grid of cells, read from .xlsx (openpyxl, optional) or CSV (UTF-8 or GBK).

The grid keeps what the import needs to keep a value's meaning: the cached value of a formula
(and whether there was one), the number format, and merged ranges, so that a merged header
cell counts for every column it spans.
"""

from __future__ import annotations

import csv
import datetime
import io
from pathlib import Path
from typing import TYPE_CHECKING

from msgspec import Struct, field

from zongjie.errors import ZongjieError
from zongjie.importing.sources import content_digest
from zongjie.inputs.textio import MAX_INPUT_BYTES, decode_source, read_bytes
from zongjie.location import Location

if TYPE_CHECKING:  # openpyxl itself is imported only when an .xlsx is read (~150 ms)
    from openpyxl.workbook.workbook import Workbook as OpenpyxlWorkbook

CSV_SUFFIXES = (".csv", ".txt")
_OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # the old binary .xls (Excel 97-2003), also when renamed .xlsx


class SpreadsheetError(ZongjieError):
    kind = "导入错误"


class Cell(Struct, frozen=True):
    value: object  # None, int, float, str, bool, datetime
    number_format: str = "General"
    formula: str = ""  # the formula text when the cell holds one
    cached: bool = True  # False: a formula whose result was never saved
    comment: str = ""  # the cell's note (批注), often what the figure includes or leaves out

    @property
    def is_empty(self) -> bool:
        return self.value is None or (isinstance(self.value, str) and not self.value.strip())


class Grid(Struct):
    """One sheet: cells by (row, column), both counted from 1 as spreadsheets show them."""

    file_name: str
    sheet: str
    cells: dict[tuple[int, int], Cell] = field(default_factory=dict)
    # top-left cell of each merged range → the range's (min_row, min_col, max_row, max_col)
    merged: list[tuple[int, int, int, int]] = field(default_factory=list)
    max_row: int = 0
    max_column: int = 0
    is_csv: bool = False
    _merged_at: dict | None = None
    row_labels: dict = field(default_factory=dict)  # row → its labels (locate's cache)

    def cell(self, row: int, column: int) -> Cell:
        return self.cells.get((row, column), Cell(None))

    def shown(self, row: int, column: int) -> Cell:
        """The cell as a reader sees it: inside a merged range, the range's top-left value."""
        if self._merged_at is None:
            self._merged_at = {}
            for min_row, min_col, max_row, max_col in self.merged:
                if (max_row - min_row + 1) * (max_col - min_col + 1) > 100_000:
                    continue  # a whole-column merge holds no header worth reading
                for r in range(min_row, max_row + 1):
                    for c in range(min_col, max_col + 1):
                        self._merged_at[(r, c)] = (min_row, min_col)
        return self.cell(*self._merged_at.get((row, column), (row, column)))

    def where(self, row: int, column: int) -> str:
        """`基金收支.xlsx 基金收支!C5` (a CSV has no sheet: `住院结算.csv C5`)."""
        name = cell_name(row, column)
        return f"{self.file_name} {name}" if self.is_csv else f"{self.file_name} {self.sheet}!{name}"


def cell_name(row: int, column: int) -> str:
    return f"{column_letters(column)}{row}"


def column_letters(column: int) -> str:
    letters = ""
    while column:
        column, remainder = divmod(column - 1, 26)
        letters = chr(ord("A") + remainder) + letters
    return letters


def column_number(letters: str) -> int:
    number = 0
    for letter in letters.upper():
        number = number * 26 + ord(letter) - ord("A") + 1
    return number


class Workbook:
    """The sheets of one file, read once per import: its bytes are read once, and the values
    imported and the fingerprint recorded for them (`digest`) come from the same bytes, even
    if the file is saved again while the import runs."""

    def __init__(self, path: Path):
        self.path = path
        self._grids: dict[str, Grid] = {}
        self._sheet_names: list[str] = []
        self._book: OpenpyxlWorkbook | None = None  # formulas as written
        self._values: OpenpyxlWorkbook | None = None  # formulas' cached results
        # a CSV is text the writer edits, read within the inputs' bound; a workbook as before, whole
        data = read_bytes(path, MAX_INPUT_BYTES if self.is_csv else None)
        self.digest = content_digest(data)
        if self.is_csv:
            grid = _read_csv(path, data)
            self._grids[grid.sheet] = grid
            self._sheet_names = [grid.sheet]
        else:
            self._open_xlsx(data)

    @property
    def is_csv(self) -> bool:
        return self.path.suffix.lower() in CSV_SUFFIXES

    def grid(self, sheet: str | None) -> Grid:
        """A sheet by name (None: the first sheet); a missing sheet is an error naming the others."""
        if self.is_csv or sheet is None:
            sheet = self._sheet_names[0] if self._sheet_names else ""
        if sheet not in self._sheet_names:
            raise SpreadsheetError(
                f"没有名为“{sheet}”的工作表",
                Location(self.path),
                f"这个文件里的工作表：{'、'.join(self._sheet_names) or '（无）'}。请在导入映射里改正工作表名。",
            )
        if sheet not in self._grids:  # an .xlsx sheet: a CSV's one grid is read on opening
            assert self._book is not None and self._values is not None
            self._grids[sheet] = _xlsx_grid(self.path.name, self._book[sheet], self._values[sheet])
        return self._grids[sheet]

    def _open_xlsx(self, data: bytes) -> None:
        if data.startswith(_OLE_MAGIC) and "EncryptedPackage".encode("utf-16-le") in data:
            raise SpreadsheetError(
                "这个表格设置了打开密码，无法读取",
                Location(self.path),
                "请在 Excel 或 WPS 中取消密码（文件→信息→保护工作簿/文档加密）后另存，再导入。",
            )
        if data.startswith(_OLE_MAGIC) or self.path.suffix.lower() in (".xls", ".et"):
            raise SpreadsheetError(
                "这是旧版 Excel 97-2003（.xls）或 WPS（.et）格式的文件，无法读取",
                Location(self.path),
                "请用 Excel 或 WPS 打开后“另存为” .xlsx 格式，或另存为 CSV（UTF-8）。",
            )
        openpyxl = _openpyxl()
        import warnings
        import zipfile

        try:
            with warnings.catch_warnings():  # "data validation not supported" and the like
                warnings.simplefilter("ignore")
                self._book = openpyxl.load_workbook(io.BytesIO(data), data_only=False)
                self._values = openpyxl.load_workbook(io.BytesIO(data), data_only=True)
        except (zipfile.BadZipFile, KeyError, ValueError, OSError, TypeError):
            raise SpreadsheetError(
                "无法读取这个表格文件：文件已损坏，或不是真正的 .xlsx",
                Location(self.path),
                "文件可能已损坏或不是 .xlsx 格式：请用 Excel 或 WPS 打开后另存为 .xlsx 再导入。",
            ) from None
        self._sheet_names = list(self._book.sheetnames)


def _openpyxl():
    try:
        import openpyxl
    except ImportError:
        raise SpreadsheetError(
            "读取 .xlsx 表格需要 openpyxl，当前没有安装",
            hint="请运行 pip install 'zongjie[xlsx]' 安装；或把表格另存为 CSV（UTF-8）后导入。",
        ) from None
    return openpyxl


def _xlsx_grid(file_name: str, sheet, values) -> Grid:
    grid = Grid(file_name, sheet.title)
    # The cells the file holds; iter_rows() would also make every empty cell of a range that
    # a whole-column format stretches to row 1048576.
    stored = getattr(sheet, "_cells", None)
    items = stored.values() if isinstance(stored, dict) else (item for row in sheet.iter_rows() for item in row)
    for item in items:
        raw = item.value
        if raw is None:
            continue
        formula = ""
        if item.data_type == "f" or type(raw).__name__ in ("ArrayFormula", "DataTableFormula"):
            formula = raw if isinstance(raw, str) else str(getattr(raw, "text", "") or "")
        value = values.cell(row=item.row, column=item.column).value if formula else raw
        note = item.comment.text.strip() if item.comment is not None and item.comment.text else ""
        grid.cells[(item.row, item.column)] = Cell(value, item.number_format or "General", formula,
                                                   cached=not formula or value is not None, comment=note)
        grid.max_row, grid.max_column = max(grid.max_row, item.row), max(grid.max_column, item.column)
    grid.merged = [(r.min_row, r.min_col, r.max_row, r.max_col) for r in sheet.merged_cells.ranges]
    return grid


def _read_csv(path: Path, data: bytes) -> Grid:
    """CSV with a header row, UTF-8 (BOM or not) or GBK, comma or tab separated."""
    text = decode_source(path, data).text
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",\t;")
    except csv.Error:
        dialect = csv.excel
    grid = Grid(path.name, path.stem, is_csv=True)
    for row_number, row in enumerate(csv.reader(io.StringIO(text), dialect), start=1):
        for column_number_, text_value in enumerate(row, start=1):
            if text_value.strip():
                grid.cells[(row_number, column_number_)] = Cell(text_value.strip(), "@")
        grid.max_row = row_number
        grid.max_column = max(grid.max_column, len(row))
    return grid


def is_date(value: object) -> bool:
    return isinstance(value, (datetime.date, datetime.datetime))
