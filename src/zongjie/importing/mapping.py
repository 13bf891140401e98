"""The import mapping (`导入.yaml`): where each fact comes from.

Written once per template (`templates/<模板>/导入.yaml`), per district (`content/<地区>/导入.yaml`)
or, rarely, per year, and reused every year; a more specific file wins fact by fact. Example:

    表格:
      - 文件: 基金收支.xlsx
        工作表: 基金收支            # 省略则为第一个工作表
        单位: 万元                  # 可选；否则取表头里的（万元）
        事实:
          基金.险种.职工医保统筹基金.收入: {行: 职工医保统筹基金, 列: 收入}
          基金.统计截至: B2                         # 按单元格
          基金.险种.大病互助.收入: 基金收支.xlsx!基金收支!C9   # 文件!工作表!单元格
"""

from __future__ import annotations

import re
from pathlib import Path

from msgspec import Struct

from zongjie.importing.grid import SpreadsheetError
from zongjie.inputs.yamlio import YMap, YNode, YScalar, YSeq, load_yaml
from zongjie.location import Location

MAPPING_FILE = "导入.yaml"
_CELL = re.compile(r"^\$?([A-Za-z]{1,3})\$?(\d{1,7})$")


class FactSource(Struct, frozen=True):
    key: str
    file: str
    sheet: str | None  # None: the first sheet
    location: Location  # the mapping line, for messages about the mapping itself
    cell: str = ""  # A1-style reference, or else the labels below
    row: str = ""
    column: str = ""
    unit: str = ""


def mapping_paths(template_folder: Path | None, district_folder: Path, year_folder: Path) -> list[Path]:
    """Mapping files from the most general to the most specific."""
    candidates = [template_folder / MAPPING_FILE if template_folder else None,
                  district_folder / MAPPING_FILE, year_folder / MAPPING_FILE]
    return [path for path in candidates if path is not None and path.is_file()]


def load_mappings(paths: list[Path]) -> dict[str, FactSource]:
    sources: dict[str, FactSource] = {}
    for path in paths:
        for source in load_mapping(path):
            sources.pop(source.key, None)  # re-insert: the later file's order
            sources[source.key] = source
    return sources


def load_mapping(path: Path) -> list[FactSource]:
    document = load_yaml(path)
    root = document.root
    if root is None:
        return []
    tables = root.get("表格") if isinstance(root, YMap) else None
    if not isinstance(tables, YSeq):
        raise _mapping_error("导入映射须有“表格:”，下面按表格逐项列出", root.location)
    sources: list[FactSource] = []
    for table in tables.items:
        sources.extend(_table(table))
    return sources


def _table(table: YNode) -> list[FactSource]:
    if not isinstance(table, YMap):
        raise _mapping_error("“表格:”下的每一项须写“文件:”“事实:”等", table.location)
    unknown = [key for key in table.entries if key not in ("文件", "工作表", "单位", "事实")]
    if unknown:
        raise _mapping_error(f"不认识的项“{unknown[0]}”", table.entries[unknown[0]][0].location,
                             "每个表格可写：文件、工作表、单位、事实。")
    file = _text(table, "文件")
    sheet = _text(table, "工作表") or None
    unit = _text(table, "单位")
    facts = table.get("事实")
    if not isinstance(facts, YMap):
        raise _mapping_error("每个表格须有“事实:”，列出 事实键: 单元格 或 {行: …, 列: …}", table.location)
    return [_fact(key, key_node, value, file, sheet, unit) for key, (key_node, value) in facts.entries.items()]


def _fact(key: str, key_node: YScalar, value: YNode, file: str, sheet: str | None, unit: str) -> FactSource:
    location = key_node.location
    if isinstance(value, YScalar) and not value.is_null:
        parts = value.text.strip().split("!")
        cell = parts[-1].strip()
        if len(parts) == 3:
            file, sheet = parts[0].strip(), parts[1].strip() or None
        elif len(parts) == 2:
            sheet = parts[0].strip() or None
        elif len(parts) > 3:
            cell = ""
        return _checked(FactSource(key, file, sheet, location, cell=_cell_name(cell, value.location), unit=unit))
    if isinstance(value, YMap):
        unknown = [name for name in value.entries if name not in ("行", "列", "单元格", "单位", "工作表", "文件")]
        if unknown:
            raise _mapping_error(f"不认识的项“{unknown[0]}”", value.location, "可写：行、列（按标签）或 单元格；可加 单位。")
        cell = _text(value, "单元格")
        source = FactSource(key, _text(value, "文件") or file, _text(value, "工作表") or sheet, location,
                            cell=_cell_name(cell, value.location) if cell else "",
                            row=_text(value, "行"), column=_text(value, "列"), unit=_text(value, "单位") or unit)
        if not source.cell and not (source.row and source.column):
            raise _mapping_error(f"“{key}”须写 单元格（如 C5），或同时写 行 和 列 的标签", value.location)
        return _checked(source)
    raise _mapping_error(f"“{key}”没有写来源", location, "写单元格（如 C5），或 {行: 职工医保统筹基金, 列: 收入}。")


def _checked(source: FactSource) -> FactSource:
    if not source.file:
        raise _mapping_error(f"“{source.key}”没有写来自哪个文件", source.location,
                             "在表格下写“文件: 基金收支.xlsx”，或写成 基金收支.xlsx!工作表!C5。")
    if Path(source.file).name != source.file or source.file.startswith("."):
        raise _mapping_error(f"文件“{source.file}”须是文件名，不能带文件夹", source.location,
                             "表格放在年度文件夹里（或在命令行给出），映射里只写文件名。")
    return source


def _cell_name(text: str, location: Location) -> str:
    match = _CELL.match(text.strip())
    if match is None:
        raise _mapping_error(f"“{text}”不是单元格名", location,
                             "单元格写成列字母加行号，如 C5；按标签取数请写 {行: 职工医保统筹基金, 列: 收入}。")
    return f"{match.group(1).upper()}{match.group(2)}"


def _text(node: YMap, key: str) -> str:
    value = node.get(key)
    if value is None or (isinstance(value, YScalar) and value.is_null):
        return ""
    if not isinstance(value, YScalar):
        raise _mapping_error(f"“{key}”须是一段文字", value.location)
    return value.text.strip()


def _mapping_error(message: str, location: Location, hint: str | None = None) -> SpreadsheetError:
    error = SpreadsheetError(message, location, hint or "导入映射的写法见 README“从统计报表导入”一节。")
    return error
