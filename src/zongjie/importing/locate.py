"""Finding a fact's cell: by its name (C5) or by the labels of its row and column.

Labels survive next year's inserted rows and columns: the row is the one whose first text cell
is the row label, the column the one headed by the column label (in the rows above it, a merged
header counting for every column it spans; `职工医保/收入` names a column under two header
levels). A label found nowhere or twice is an error naming the cells, never a guess.
"""

from __future__ import annotations

import re

from msgspec import Struct

from zongjie.importing.grid import Grid, SpreadsheetError, cell_name, column_number, is_date
from zongjie.importing.mapping import FactSource
from zongjie.location import Location
from zongjie.numbers.parse import normalise_figure_text
from zongjie.numbers.units import normalise_unit_name

_UNIT_SUFFIX = re.compile(r"[（(](?:单位[:：])?([^（）()]{1,6})[)）]$")
_SHEET_UNIT = re.compile(r"^单位[:：]([\u4e00-\u9fff%‰]{1,4})$")
_CELL = re.compile(r"^([A-Z]{1,3})(\d+)$")
_PLAIN_NUMBER = re.compile(r"^[+-]?\d[\d,]*(?:\.\d+)?$")


class Found(Struct, frozen=True):
    row: int
    column: int
    header_unit: str = ""  # from （万元） in the column header or row label, or 单位：万元 above


def label_of(text: str) -> tuple[str, str]:
    """A header cell → (label, unit): `收入（万元）` → ("收入", "万元"); spaces and line breaks
    (WPS wraps long headers) do not count, full-width and half-width are the same."""
    compact = normalise_figure_text(text).replace("（", "(").replace("）", ")")
    match = _UNIT_SUFFIX.search(compact)
    if match and match.start() > 0:
        return compact[: match.start()], normalise_unit_name(match.group(1))
    return compact, ""


def _label_path(text: str) -> list[str]:
    return [label_of(part)[0] for part in text.split("/") if part.strip()]


def find_cell(grid: Grid, source: FactSource, file_location: Location) -> Found:
    if source.cell:
        match = _CELL.match(source.cell)
        assert match is not None, source.cell  # the mapping accepts only cell names (importing.mapping)
        row, column = int(match.group(2)), column_number(match.group(1))
        labels = _text_cells(grid, row)
        label_column = labels[0][0] if labels and labels[0][0] < column else None
        return Found(row, column, _units_of(grid, row, column, label_column))
    row, label_column = _find_row(grid, source, file_location)
    column = _find_column(grid, source, row, label_column, file_location)
    return Found(row, column, _units_of(grid, row, column, label_column))


def _units_of(grid: Grid, row: int, column: int, label_column: int | None) -> str:
    """The unit the table states for a cell: its column header, else its row label, else a
    `单位：万元` line above."""
    units = [unit for _, unit in _headers(grid, row, column) if unit]
    if units:
        return units[-1]
    row_unit = label_of(str(grid.shown(row, label_column).value))[1] if label_column else ""
    return row_unit or _sheet_unit(grid, row)


def _headers(grid: Grid, row: int, column: int) -> list[tuple[str, str]]:
    """(label, unit) of the header cells above a cell, top-down, a merged header once."""
    headers: list[tuple[str, str]] = []
    for header_row in range(1, row):
        value = grid.shown(header_row, column).value
        if isinstance(value, str) and value.strip():
            label, unit = label_of(value)
            if not headers or headers[-1][0] != label:
                headers.append((label, unit))
    return headers


def _text_cells(grid: Grid, row: int) -> list[tuple[int, str]]:
    """The labels of a row: its text cells in order (a merged cell once), numbers skipped (序号)."""
    if row not in grid.row_labels:
        grid.row_labels[row] = _row_labels(grid, row)
    return grid.row_labels[row]


def _row_labels(grid: Grid, row: int) -> list[tuple[int, str]]:
    found: list[tuple[int, str]] = []
    for column in range(1, grid.max_column + 1):
        value = grid.shown(row, column).value
        if isinstance(value, str) and value.strip() and not _PLAIN_NUMBER.match(normalise_figure_text(value)):
            label = label_of(value)[0]
            if not found or found[-1][1] != label:
                found.append((column, label))
        elif found and value is not None and not isinstance(value, str) and not is_date(value):
            break  # the figures begin: what follows is data, not the row's label
    return found


def _find_row(grid: Grid, source: FactSource, file_location: Location) -> tuple[int, int]:
    path = _label_path(source.row)
    matches = []
    for row in range(1, grid.max_row + 1):
        cells = _text_cells(grid, row)
        if not cells:
            continue
        if len(path) == 1 and cells[0][1] == path[0]:
            matches.append((row, cells[0][0]))
        elif len(path) > 1 and _is_subsequence(path, [label for _, label in cells]):
            matches.append((row, next(c for c, label in cells if label == path[-1])))
    if not matches:
        known = [cells[0][1] for row in range(1, grid.max_row + 1) if (cells := _text_cells(grid, row))]
        raise SpreadsheetError(
            f"{_sheet(grid)}里找不到第一格为“{source.row}”的行（事实 {source.key}）",
            file_location,
            f"表中各行的第一格：{'、'.join(known[:20]) or '（空）'}。请核对 {source.location} 的行标签，或改正表格。",
        )
    rows = {row for row, _ in matches}
    if len(rows) > 1:
        names = "、".join(cell_name(row, column) for row, column in matches)
        raise SpreadsheetError(
            f"{_sheet(grid)}里第一格为“{source.row}”的行出现了 {len(rows)} 次：{names}（事实 {source.key}）",
            file_location,
            f"无法判断取哪一行：请把表中的行名改得各不相同，或在 {source.location} 写成“上级/行名”或直接写单元格。",
        )
    return matches[0]


def _find_column(grid: Grid, source: FactSource, row: int, label_column: int, file_location: Location) -> int:
    path = _label_path(source.column)
    matches: list[int] = []
    paths: list[str] = []  # how each matching column could be named unambiguously
    for column in range(label_column + 1, grid.max_column + 1):
        labels = [label for label, _ in _headers(grid, row, column)]
        if _is_subsequence(path, labels):
            matches.append(column)
            upper = [label for label in labels if label != path[-1]]
            paths.append(f"{upper[-1]}/{path[-1]}" if upper else path[-1])
    if not matches:
        raise SpreadsheetError(
            f"{_sheet(grid)}第 {row} 行以上找不到标题为“{source.column}”的列（事实 {source.key}）",
            file_location,
            f"请核对 {source.location} 的列标签与表头文字是否一致（单位括号可以不写）。",
        )
    if len(matches) > 1:
        cells = "、".join(cell_name(row, column) for column in matches)
        raise SpreadsheetError(
            f"{_sheet(grid)}里标题为“{source.column}”的列出现了 {len(matches)} 次：{cells}（事实 {source.key}）",
            file_location,
            f"无法判断取哪一列：请在 {source.location} 写上上级表头，如{'或'.join(f'“{name}”' for name in paths)}，或直接写单元格。",
        )
    return matches[0]


def _sheet_unit(grid: Grid, row: int) -> str:
    """A `单位：万元` line above the figures (the usual place in a statistics table)."""
    for header_row in range(1, row):
        for column in range(1, grid.max_column + 1):
            value = grid.cell(header_row, column).value
            if isinstance(value, str):
                match = _SHEET_UNIT.match(normalise_figure_text(value))
                if match:
                    return normalise_unit_name(match.group(1))
    return ""


def _is_subsequence(wanted: list[str], labels: list[str]) -> bool:
    remaining = iter(labels)
    return all(any(label == part for label in remaining) for part in wanted)


def _sheet(grid: Grid) -> str:
    return "表格" if grid.is_csv else f"工作表“{grid.sheet}”"
