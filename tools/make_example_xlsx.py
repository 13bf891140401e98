"""Make the example statistics spreadsheets of 岳阳楼区 2023 from its facts.yaml.

    python tools/make_example_xlsx.py          # writes content/岳阳楼区/2023/报表/*.xlsx

The tables look like those a finance office sends: a merged title, headers with units in
brackets (one spanning two columns), a 序号 column, a 合计 row of formulas. Every figure is
taken from facts.yaml, with a number format of the written precision, so that
`zongjie import 岳阳楼区 2023 --dry-run` finds nothing to change. Needs openpyxl.
"""

from __future__ import annotations

import re
import sys
import zipfile
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
YEAR_FOLDER = ROOT / "content" / "岳阳楼区" / "2023"
FUNDS = ["职工医保统筹基金", "职工个人账户", "公务员医疗补助", "大病互助", "城乡居民医保"]


def main() -> None:
    sys.path.insert(0, str(ROOT / "src"))
    from zongjie.inputs.facts import load_facts

    facts = load_facts(YEAR_FOLDER / "facts.yaml")
    out = YEAR_FOLDER / "报表"
    out.mkdir(exist_ok=True)
    write_funds(facts, out / "基金收支.xlsx")
    write_inpatient(facts, out / "住院结算.xlsx")
    print(f"已写入 {out}")


def figure(facts, key: str) -> tuple[float | int, str]:
    """A fact's value for a cell, and the number format that shows it as written."""
    quantity = facts.get(key).quantity
    decimals = -quantity.value.as_tuple().exponent if quantity.value.as_tuple().exponent < 0 else 0
    value = int(quantity.value) if decimals == 0 else float(quantity.value)
    return value, "0" if decimals == 0 else "0." + "0" * decimals


def put(sheet, cell: str, facts, key: str) -> None:
    value, number_format = figure(facts, key)
    sheet[cell] = value
    sheet[cell].number_format = number_format


def write_funds(facts, path: Path) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    book = Workbook()
    sheet = book.active
    sheet.title = "基金收支"
    sheet["A1"] = "岳阳楼区2023年1-11月医疗保障基金收支情况"
    sheet.merge_cells("A1:E1")
    sheet["A1"].font = Font(bold=True, size=14)
    sheet["A1"].alignment = Alignment(horizontal="center")
    sheet.append(["序号", "险种", "收入（万元）", "支出（万元）", "累计结余（万元）"])
    for number, fund in enumerate(FUNDS, start=1):
        row = number + 2
        sheet[f"A{row}"] = number
        sheet[f"B{row}"] = fund
        for column, item in zip("CDE", ("收入", "支出", "累计结余")):
            put(sheet, f"{column}{row}", facts, f"基金.险种.{fund}.{item}")
    total_row = len(FUNDS) + 3
    sheet[f"B{total_row}"] = "合计"
    cached = {}
    for column, item in zip("CDE", ("收入", "支出", "累计结余")):
        sheet[f"{column}{total_row}"] = f"=SUM({column}3:{column}{total_row - 1})"
        sheet[f"{column}{total_row}"].number_format = "0.00"
        cached[f"{column}{total_row}"] = sum(facts.get(f"基金.险种.{fund}.{item}").quantity.value for fund in FUNDS)
    sheet.column_dimensions["B"].width = 20
    for column in "CDE":
        sheet.column_dimensions[column].width = 16
    book.save(path)
    save_cached_values(path, {"基金收支": cached})
    make_reproducible(path)


def write_inpatient(facts, path: Path) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    book = Workbook()
    sheet = book.active
    sheet.title = "住院结算"
    sheet["A1"] = "岳阳楼区2023年住院费用结算情况"
    sheet.merge_cells("A1:D1")
    sheet["A1"].font = Font(bold=True, size=14)
    sheet["A2"], sheet["B2"], sheet["C2"] = "类别", "人次", "费用（万元）"
    sheet.merge_cells("A2:A3")
    sheet.merge_cells("B2:B3")
    sheet.merge_cells("C2:D2")  # one header over two columns: 费用/总费用, 费用/统筹支付
    sheet["C3"], sheet["D3"] = "总费用", "统筹支付"
    for cell in ("A2", "B2", "C2"):
        sheet[cell].alignment = Alignment(horizontal="center", vertical="center")
    for row, (label, group) in enumerate((("职工", "待遇.住院.职工"), ("居民", "待遇.住院.居民"),
                                          ("合计", "待遇.住院")), start=4):
        sheet[f"A{row}"] = label
        put(sheet, f"B{row}", facts, f"{group}.人次")
        put(sheet, f"C{row}", facts, f"{group}.总费用")
        put(sheet, f"D{row}", facts, f"{group}.统筹支付")
    for column in "BCD":
        sheet.column_dimensions[column].width = 14
    book.save(path)
    make_reproducible(path)


def make_reproducible(path: Path) -> None:
    """Same facts, same bytes: fixed times in the document properties and the zip entries,
    so that running the script again does not make the imported workbook look changed."""
    with zipfile.ZipFile(path) as archive:
        contents = {name: archive.read(name) for name in archive.namelist()}
    core = contents.get("docProps/core.xml")
    if core is not None:
        contents["docProps/core.xml"] = re.sub(rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*", rb"\g<1>2023-12-01T00:00:00Z", core)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in contents.items():
            archive.writestr(zipfile.ZipInfo(name, date_time=(2023, 12, 1, 0, 0, 0)), data, zipfile.ZIP_DEFLATED)


def save_cached_values(path: Path, values: dict[str, dict[str, object]]) -> None:
    """Put results into formula cells, as Excel or WPS saves them (openpyxl writes formulas
    without results; a workbook never opened in Excel has none)."""
    with zipfile.ZipFile(path) as archive:
        contents = {name: archive.read(name) for name in archive.namelist()}
    sheet_files = _sheet_files(contents)
    for sheet, cells in values.items():
        name = sheet_files[sheet]
        xml = contents[name].decode("utf-8")
        for cell, value in cells.items():
            text = format(Decimal(str(value)), "f")
            xml, count = re.subn(rf'(<c r="{cell}"[^>]*>\s*<f>[^<]*</f>)\s*(?:<v\s*/>|<v>[^<]*</v>)?',
                                 rf"\g<1><v>{text}</v>", xml)
            assert count == 1, f"{sheet}!{cell} is not a formula cell"
        contents[name] = xml.encode("utf-8")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in contents.items():
            archive.writestr(name, data)


def _sheet_files(contents: dict[str, bytes]) -> dict[str, str]:
    """Sheet name → its XML part, from workbook.xml and its relationships."""
    workbook = contents["xl/workbook.xml"].decode("utf-8")
    relations = contents["xl/_rels/workbook.xml.rels"].decode("utf-8")
    targets = dict(re.findall(r'<Relationship[^>]*Id="([^"]+)"[^>]*Target="([^"]+)"', relations))
    targets.update({rid: target for target, rid in re.findall(r'<Relationship[^>]*Target="([^"]+)"[^>]*Id="([^"]+)"', relations)})
    sheets = re.findall(r'<sheet [^>]*name="([^"]+)"[^>]*r:id="([^"]+)"', workbook)
    return {name: "xl/" + targets[rid].lstrip("/").removeprefix("xl/") for name, rid in sheets}


if __name__ == "__main__":
    main()
