"""`zongjie import`: facts read from statistics spreadsheets, as a bureau writer uses it."""

from __future__ import annotations

import importlib.util
import re
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import REPO, replace_in

openpyxl = pytest.importorskip("openpyxl", reason="zongjie[xlsx] (openpyxl) is not installed")

YEAR = Path("content/岳阳楼区/2023")


def _tools():
    spec = importlib.util.spec_from_file_location("make_example_xlsx", REPO / "tools" / "make_example_xlsx.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def make_book(path: Path, sheets: dict[str, list[list]], formats: dict[str, str] | None = None,
              merges: list[str] = ()) -> Path:
    """A workbook: rows per sheet (first sheet gets the formats and merges)."""
    book = openpyxl.Workbook()
    book.remove(book.active)
    for index, (name, rows) in enumerate(sheets.items()):
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(row)
        if index == 0:
            for cell, number_format in (formats or {}).items():
                sheet[cell].number_format = number_format
            for cells in merges:
                sheet.merge_cells(cells)
    book.save(path)
    return path


def set_mapping(workspace: Path, text: str) -> None:
    (workspace / "content/岳阳楼区/导入.yaml").write_text(text, encoding="utf-8")


def facts_text(workspace: Path) -> str:
    return (workspace / YEAR / "facts.yaml").read_text(encoding="utf-8")


def fact_line(workspace: Path, key: str) -> str:
    """`  收入: 11720.82万元` for the last part of a dotted key below its groups."""
    text = facts_text(workspace)
    lines = text.splitlines()
    position = 0
    for part in key.split("."):
        pattern = re.compile(rf"^\s*{re.escape(part)}:")
        position = next(i for i in range(position, len(lines)) if pattern.match(lines[i]))
    return lines[position].strip()


FUND_MAPPING = """表格:
  - 文件: 收支.xlsx
    工作表: 基金
    事实:
      基金.险种.职工医保统筹基金.收入: {行: 职工医保统筹基金, 列: 收入}
      基金.险种.职工医保统筹基金.支出: {行: 职工医保统筹基金, 列: 支出}
      基金.险种.大病互助.收入: {行: 大病互助, 列: 收入}
"""


def fund_rows(extra_rows: int = 0) -> list[list]:
    return ([["收支情况表"]] + [["（插入的说明行）"]] * extra_rows +
            [["险种", "收入（万元）", "支出（万元）"],
             ["职工医保统筹基金", 11720.82, 6627.96],
             ["大病互助", 719.16, 443.6]])


# ---- the example workspace ------------------------------------------------------------------
def test_example_spreadsheets_agree_with_the_facts(workspace, cli):
    run = cli("import", "岳阳楼区", "2023", "--dry-run", cwd=workspace)
    assert run.code == 0, run.err
    assert "没有变化" in run.out
    assert "---" not in run.out


def test_one_edited_cell_changes_exactly_one_fact_and_check_names_the_cell(workspace, cli):
    before = facts_text(workspace)
    path = workspace / YEAR / "报表/住院结算.xlsx"
    book = openpyxl.load_workbook(path)
    book["住院结算"]["B4"] = 8578  # 职工 人次, was 8577
    book.save(path)

    dry = cli("import", "岳阳楼区", "2023", "--dry-run", cwd=workspace)
    assert dry.code == 0, dry.err
    changed = [line for line in dry.out.splitlines() if re.match(r"^[+-](?![+-])", line)]
    assert changed == ["-      人次: 8577人次", "+      人次: 8578人次"]
    assert facts_text(workspace) == before  # a dry run writes nothing

    run = cli("import", "岳阳楼区", "2023", cwd=workspace)
    assert run.code == 0, run.err
    after = facts_text(workspace)
    assert after == before.replace("      人次: 8577人次", "      人次: 8578人次")  # comments, order kept

    check = cli("check", "岳阳楼区", "2023", cwd=workspace)
    assert check.code == 1
    assert "住院人次合计" in check.err
    assert "住院结算.xlsx 住院结算!B4" in check.err
    assert "facts.yaml:47" in check.err  # and the facts.yaml line


def test_the_review_copy_names_the_cell_and_the_facts_line(workspace, cli):
    import zipfile

    run = cli("build", "岳阳楼区", "2023", "--review", cwd=workspace)
    assert run.code == 0, run.err
    folder = workspace / "build/岳阳楼区/2023"
    html = next(folder.glob("*审阅稿*.html")).read_text(encoding="utf-8")
    assert "来源：表格 住院结算.xlsx 住院结算!B6（content/岳阳楼区/2023/facts.yaml 第 43 行）" in html
    comments = zipfile.ZipFile(next(folder.glob("*审阅稿*.docx"))).read("word/comments.xml").decode("utf-8")
    assert "来源：表格 住院结算.xlsx 住院结算!B4（content/岳阳楼区/2023/facts.yaml 第 47 行）" in comments
    # a fact not imported keeps its plain file and line
    assert re.search(r"来源：content/岳阳楼区/2023/facts\.yaml 第 \d+ 行", html)


def test_an_imported_fact_carries_its_cell_in_its_location(workspace):
    from zongjie.inputs.loading import load
    from zongjie.inputs.workspace import Workspace

    ws = Workspace.open(workspace)
    facts = load(ws, ws.district_year("岳阳楼区", "2023")).facts
    location = facts.get("待遇.住院.人次").location
    assert location.origin == "住院结算.xlsx 住院结算!B6"
    assert str(location).endswith("facts.yaml:43（来自 住院结算.xlsx 住院结算!B6）")
    assert facts.get("参保.参保人数").location.origin == ""


def test_incremental_build_notices_a_changed_spreadsheet(workspace, cli):
    assert cli("build", "岳阳楼区", "2023", "-f", "md", cwd=workspace).code == 0
    assert "未变" in cli("build", "岳阳楼区", "2023", "-f", "md", cwd=workspace).out
    path = workspace / YEAR / "报表/基金收支.xlsx"
    book = openpyxl.load_workbook(path)
    book["基金收支"]["C3"] = 11720.83
    book.save(path)
    again = cli("build", "岳阳楼区", "2023", "-f", "md", cwd=workspace)
    assert "已生成" in again.out and "警告" in again.out
    check = cli("check", "岳阳楼区", "2023", cwd=workspace)
    assert "基金收支.xlsx 在导入后改动过" in check.out + check.err


def test_a_spreadsheet_outside_the_workspace_is_fingerprinted_too(workspace, cli, tmp_path):
    outside = tmp_path / "收到的" / "住院结算.xlsx"
    outside.parent.mkdir()
    outside.write_bytes((workspace / YEAR / "报表/住院结算.xlsx").read_bytes())
    (workspace / YEAR / "报表/住院结算.xlsx").unlink()
    assert cli("import", "岳阳楼区", "2023", str(outside), cwd=workspace).code == 0
    assert cli("build", "岳阳楼区", "2023", "-f", "md", cwd=workspace).code == 0
    book = openpyxl.load_workbook(outside)
    book["住院结算"]["D4"] = 4635.69
    book.save(outside)
    assert "已生成" in cli("build", "岳阳楼区", "2023", "-f", "md", cwd=workspace).out


def test_a_figure_edited_by_hand_is_no_longer_attributed_to_the_cell(workspace, cli):
    replace_in(workspace / YEAR / "facts.yaml", "人次: 8577人次", "人次: 8578人次")
    check = cli("check", "岳阳楼区", "2023", cwd=workspace)
    output = check.out + check.err
    assert "待遇.住院.职工.人次 是从 住院结算.xlsx 住院结算!B4 导入的" in output
    assert "待遇.住院.职工.人次 = 8578人次    ← content/岳阳楼区/2023/facts.yaml:47\n" in output


def test_example_script_reproduces_the_shipped_figures(tmp_path, monkeypatch):
    tools = _tools()
    from zongjie.inputs.facts import load_facts

    facts = load_facts(REPO / YEAR / "facts.yaml")
    tools.write_inpatient(facts, tmp_path / "住院结算.xlsx")
    sheet = openpyxl.load_workbook(tmp_path / "住院结算.xlsx")["住院结算"]
    assert (sheet["B6"].value, sheet["D6"].value, sheet["D6"].number_format) == (59975, 21469.1, "0.0")


# ---- labels, precision, merged headers, formulas, CSV -----------------------------------------
def test_labels_find_the_same_figures_after_rows_and_columns_are_inserted(workspace, cli):
    set_mapping(workspace, FUND_MAPPING)
    path = workspace / YEAR / "收支.xlsx"
    make_book(path, {"基金": fund_rows()}, {"B3": "0.00", "C3": "0.00", "B4": "0.00", "C4": "0.00"})
    assert "没有变化" in cli("import", "岳阳楼区", "2023", "-n", cwd=workspace).out

    # next year's sheet: two rows above, a column before the figures, a new fund in between
    rows = fund_rows(extra_rows=2)
    rows = [row[:1] + ["备注"] + row[1:] if len(row) > 1 else row for row in rows]
    rows.insert(4, ["职工大额补充", "", 1.0, 2.0])
    rows[-2][2], rows[-1][2] = 11800.5, 719.16
    make_book(path, {"基金": rows}, {"C6": "0.00", "C7": "0.00", "D6": "0.00", "D7": "0.00"})
    run = cli("import", "岳阳楼区", "2023", cwd=workspace)
    assert run.code == 0, run.err
    assert fact_line(workspace, "基金.险种.职工医保统筹基金.收入") == "收入: 11800.50万元"
    assert fact_line(workspace, "基金.险种.大病互助.收入") == "收入: 719.16万元"
    sidecar = (workspace / YEAR / "导入来源.yaml").read_text(encoding="utf-8")
    assert "收支.xlsx 基金!C6" in sidecar  # the cell where the figure is now


@pytest.mark.parametrize(("value", "number_format", "written"), [
    (11720.8, "0.00", "11720.80万元"),            # two decimals stay two decimals
    (11720.8, "#,##0.00", "11720.80万元"),
    (11720.824, "0.00", "11720.82万元"),          # as the sheet shows it
    (21469.1, "General", "21469.1万元"),
    (566.9299999999999, "General", "566.93万元"),  # float noise of a computed cell
    (11720, "0", "11720万元"),
    (11720.82, '0.00"万元"', "11720.82万元"),      # a unit in the number format
])
def test_written_precision_follows_the_number_format(workspace, cli, value, number_format, written):
    set_mapping(workspace, FUND_MAPPING.replace("      基金.险种.职工医保统筹基金.支出: {行: 职工医保统筹基金, 列: 支出}\n", "")
                .replace("      基金.险种.大病互助.收入: {行: 大病互助, 列: 收入}\n", ""))
    rows = fund_rows()
    rows[2][1] = value
    if "万元" in number_format:
        rows[1][1] = "收入"
    make_book(workspace / YEAR / "收支.xlsx", {"基金": rows}, {"B3": number_format})
    run = cli("import", "岳阳楼区", "2023", cwd=workspace)
    assert run.code == 0, run.err
    assert fact_line(workspace, "基金.险种.职工医保统筹基金.收入") == f"收入: {written}"


def test_percent_format_and_a_text_cell_read_as_the_loader_reads(workspace, cli):
    set_mapping(workspace, """表格:
  - 文件: 参保.xlsx
    事实:
      参保.参保率: B2
      参保.参保人数: B3
      参保.统计截至: B4
""")
    make_book(workspace / YEAR / "参保.xlsx", {"Sheet1": [["项目", "数"], ["参保率", 0.9619], ["参保人数", "429,198人"],
                                                         ["截至", "2023年3月底"]]}, {"B2": "0.00%"})
    run = cli("import", "岳阳楼区", "2023", cwd=workspace)
    assert run.code == 0, run.err
    assert "没有变化" in run.out, run.out  # 96.19%, 429198人 and 2023-03-31 are already there


def test_an_empty_cell_empties_the_fact_instead_of_writing_zero(workspace, cli):
    set_mapping(workspace, FUND_MAPPING)
    rows = fund_rows()
    rows[2][2] = None
    make_book(workspace / YEAR / "收支.xlsx", {"基金": rows})
    run = cli("import", "岳阳楼区", "2023", cwd=workspace)
    assert run.code == 0, run.err
    assert fact_line(workspace, "基金.险种.职工医保统筹基金.支出") == "支出:"


def test_merged_headers_give_label_paths_and_units(workspace, cli):
    set_mapping(workspace, """表格:
  - 文件: 住院.xlsx
    事实:
      待遇.住院.职工.总费用: {行: 职工, 列: 职工/费用}
      待遇.住院.居民.总费用: {行: 居民, 列: 居民/费用}
      待遇.住院.职工.人次: {行: 职工, 列: 职工/人次}
""")
    rows = [["类别", "职工（万元）", None, "居民（万元）", None],
            [None, "人次", "费用", "人次", "费用"],
            ["职工", 8577, 7408.55, 1, 2],
            ["居民", 1, 2, 51398, 35409.38]]
    make_book(workspace / YEAR / "住院.xlsx", {"Sheet": rows},
              {"C3": "0.00", "E4": "0.00"}, merges=["B1:C1", "D1:E1", "A1:A2"])
    run = cli("import", "岳阳楼区", "2023", "-n", cwd=workspace)
    assert run.code == 2  # 人次 under 职工（万元） takes 万元 from the merged header: a unit conflict
    assert "住院.xlsx" in run.err and "工作表“Sheet”的 B3" in run.err and "单位" in run.err
    set_mapping(workspace, """表格:
  - 文件: 住院.xlsx
    事实:
      待遇.住院.职工.总费用: {行: 职工, 列: 职工/费用}
      待遇.住院.居民.总费用: {行: 居民, 列: 居民/费用}
""")
    run = cli("import", "岳阳楼区", "2023", "-n", cwd=workspace)
    assert run.code == 0, run.err
    assert "没有变化" in run.out


def test_a_formula_uses_the_result_saved_with_the_workbook(workspace, cli):
    set_mapping(workspace, """表格:
  - 文件: 住院.xlsx
    事实:
      待遇.住院.人次: {行: 合计, 列: 人次}
""")
    path = make_book(workspace / YEAR / "住院.xlsx", {"S": [["类别", "人次"], ["职工", 8577], ["居民", 51398],
                                                            ["合计", "=SUM(B2:B3)"]]})
    _tools().save_cached_values(path, {"S": {"B4": 59975}})
    run = cli("import", "岳阳楼区", "2023", cwd=workspace)
    assert run.code == 0, run.err
    assert "没有变化" in run.out
    assert "住院.xlsx S!B4 是公式，使用表格里保存的计算结果" in run.out


def test_a_formula_without_a_saved_result_is_refused_and_nothing_written(workspace, cli):
    set_mapping(workspace, """表格:
  - 文件: 住院.xlsx
    事实:
      待遇.住院.职工.人次: {行: 职工, 列: 人次}
      待遇.住院.人次: {行: 合计, 列: 人次}
""")
    make_book(workspace / YEAR / "住院.xlsx", {"S": [["类别", "人次"], ["职工", 8578], ["居民", 51398],
                                                     ["合计", "=SUM(B2:B3)"]]})
    before = facts_text(workspace)
    run = cli("import", "岳阳楼区", "2023", cwd=workspace)
    assert run.code == 2
    assert "工作表“S”的 B4 是公式 =SUM(B2:B3)，但文件里没有保存它的计算结果" in run.err
    assert "Excel 或 WPS 打开并保存" in run.err
    assert facts_text(workspace) == before  # the readable 职工 cell was not written either
    assert "没有写入任何文件" in run.err


def test_csv_in_gbk_with_a_header_row(workspace, cli):
    set_mapping(workspace, """表格:
  - 文件: 住院结算.csv
    事实:
      待遇.住院.职工.人次: {行: 职工, 列: 人次}
      待遇.住院.职工.总费用: {行: 职工, 列: 总费用}
      待遇.住院.居民.统筹支付: {行: 居民, 列: 统筹支付}
""")
    text = "类别,人次,总费用（万元）,统筹支付（万元）\r\n职工,\"8,578\",7408.55,4635.68\r\n居民,51398,35409.38,16833.40\r\n"
    (workspace / YEAR / "住院结算.csv").write_bytes(text.encode("gbk"))
    run = cli("import", "岳阳楼区", "2023", cwd=workspace)
    assert run.code == 0, run.err
    assert fact_line(workspace, "待遇.住院.职工.人次") == "人次: 8578人次"
    assert fact_line(workspace, "待遇.住院.居民.统筹支付") == "统筹支付: 16833.40万元"  # as written in the CSV
    assert "住院结算.csv B2" in (workspace / YEAR / "导入来源.yaml").read_text(encoding="utf-8")


def test_files_on_the_command_line_are_matched_by_name(workspace, cli, tmp_path):
    set_mapping(workspace, FUND_MAPPING)
    given = make_book(tmp_path / "收支.xlsx", {"基金": fund_rows()})
    run = cli("import", "岳阳楼区", "2023", str(given), "-n", cwd=workspace)
    assert run.code == 0, run.err
    other = make_book(tmp_path / "别的.xlsx", {"基金": fund_rows()})
    run = cli("import", "岳阳楼区", "2023", str(other), "-n", cwd=workspace)
    assert run.code == 2 and "导入映射里没有用到文件“别的.xlsx”" in run.err


# ---- errors: Chinese, naming file, sheet and cell; exit 2; nothing written -----------------
ERROR_CASES = {
    "missing sheet": (FUND_MAPPING.replace("工作表: 基金", "工作表: 基金收支"), "没有名为“基金收支”的工作表"),
    "missing row label": (FUND_MAPPING.replace("行: 大病互助", "行: 大病保险"), "工作表“基金”里找不到第一格为“大病保险”的行"),
    "missing column label": (FUND_MAPPING.replace("列: 支出", "列: 结余"), "工作表“基金”第 3 行以上找不到标题为“结余”的列"),
    "row label twice": (FUND_MAPPING, "第一格为“大病互助”的行出现了 2 次：A4、A5"),
    "not a number": (FUND_MAPPING, "工作表“基金”的 C3 的内容“见附表”不是数字"),
    "a dash": (FUND_MAPPING, "工作表“基金”的 C3 写的是“—”，不是数字"),
    "an Excel error": (FUND_MAPPING, "工作表“基金”的 C3 是 Excel 的错误值 #DIV/0!"),
    "unit conflict with the facts": (FUND_MAPPING.replace("工作表: 基金", "工作表: 基金\n    单位: 元"),
                                     "单位说法不一：导入映射写的是“元”，表头写的是“万元”"),
}


@pytest.mark.parametrize("case", sorted(ERROR_CASES))
def test_unreadable_cells_are_reported_in_chinese_and_nothing_is_written(workspace, cli, case):
    mapping, message = ERROR_CASES[case]
    set_mapping(workspace, mapping)
    rows = fund_rows()
    if case == "row label twice":
        rows.append(["大病互助", 1, 2])
    if case == "not a number":
        rows[2][2] = "见附表"
    if case == "a dash":
        rows[2][2] = "—"
    if case == "an Excel error":
        rows[2][2] = "#DIV/0!"
    make_book(workspace / YEAR / "收支.xlsx", {"基金": rows})
    before = (workspace / YEAR / "facts.yaml").read_bytes()
    sidecar = (workspace / YEAR / "导入来源.yaml").read_bytes()
    run = cli("import", "岳阳楼区", "2023", cwd=workspace)
    assert run.code == 2, run.out
    assert message in run.err
    assert "收支.xlsx" in run.err  # the file
    assert "Traceback" not in run.err
    assert (workspace / YEAR / "facts.yaml").read_bytes() == before
    assert (workspace / YEAR / "导入来源.yaml").read_bytes() == sidecar


def test_a_unit_conflict_with_the_facts_already_there_names_both(workspace, cli):
    set_mapping(workspace, FUND_MAPPING)
    rows = fund_rows()
    rows[1][1] = "收入（元）"
    make_book(workspace / YEAR / "收支.xlsx", {"基金": rows})
    run = cli("import", "岳阳楼区", "2023", cwd=workspace)
    assert run.code == 2
    assert "工作表“基金”的 B3 的单位是“元”，而 facts.yaml 中 基金.险种.职工医保统筹基金.收入 的单位是“万元”" in run.err
    assert "导入不换算单位" in run.err


def test_a_column_label_found_twice_asks_for_the_upper_header(workspace, cli):
    set_mapping(workspace, """表格:
  - 文件: 住院.xlsx
    事实:
      待遇.住院.职工.人次: {行: 职工, 列: 人次}
""")
    make_book(workspace / YEAR / "住院.xlsx", {"S": [["类别", "本期", None, "上期", None],
                                                    [None, "人次", "费用", "人次", "费用"],
                                                    ["职工", 8577, 1, 2, 3]]}, merges=["B1:C1", "D1:E1"])
    run = cli("import", "岳阳楼区", "2023", cwd=workspace)
    assert run.code == 2
    assert "标题为“人次”的列出现了 2 次：B3、D3" in run.err
    assert "“本期/人次”或“上期/人次”" in run.err


def test_every_problem_is_listed_at_once(workspace, cli):
    set_mapping(workspace, FUND_MAPPING.replace("行: 大病互助", "行: 大病保险").replace("列: 支出", "列: 结余"))
    make_book(workspace / YEAR / "收支.xlsx", {"基金": fund_rows()})
    run = cli("import", "岳阳楼区", "2023", cwd=workspace)
    assert run.code == 2
    assert "“大病保险”" in run.err and "“结余”" in run.err and "共 2 处问题" in run.err


def test_an_old_xls_file_and_a_missing_file_are_explained(workspace, cli):
    set_mapping(workspace, FUND_MAPPING)
    (workspace / YEAR / "收支.xlsx").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512)
    run = cli("import", "岳阳楼区", "2023", cwd=workspace)
    assert run.code == 2 and "Excel 97-2003（.xls）" in run.err and "另存为" in run.err
    (workspace / YEAR / "收支.xlsx").unlink()
    run = cli("import", "岳阳楼区", "2023", cwd=workspace)
    assert run.code == 2 and "找不到导入映射中的表格文件“收支.xlsx”" in run.err


def test_a_mapping_mistake_names_its_line(workspace, cli):
    set_mapping(workspace, FUND_MAPPING.replace("{行: 大病互助, 列: 收入}", "C99X"))
    make_book(workspace / YEAR / "收支.xlsx", {"基金": fund_rows()})
    run = cli("import", "岳阳楼区", "2023", cwd=workspace)
    assert run.code == 2
    assert "content/岳阳楼区/导入.yaml:7" in run.err and "“C99X”不是单元格名" in run.err


def test_without_openpyxl_the_message_says_how_to_install_it(workspace, cli, monkeypatch):
    set_mapping(workspace, FUND_MAPPING)
    make_book(workspace / YEAR / "收支.xlsx", {"基金": fund_rows()})
    monkeypatch.setitem(sys.modules, "openpyxl", None)
    run = cli("import", "岳阳楼区", "2023", cwd=workspace)
    assert run.code == 2
    assert "pip install 'zongjie[xlsx]'" in run.err


def test_checking_and_previewing_do_not_load_openpyxl(workspace):
    script = ("import sys; from pathlib import Path; from zongjie.inputs.workspace import Workspace; "
              "from zongjie.check import check_all; ws = Workspace.open(Path(sys.argv[1])); "
              "check_all(ws, ws.select('岳阳楼区', '2023')); "
              "from zongjie.preview.server import PreviewState; PreviewState(ws.root, '岳阳楼区', '2023').rebuild(); "
              "print('openpyxl' in sys.modules)")
    result = subprocess.run([sys.executable, "-c", script, str(workspace)], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "False"


def test_a_fact_not_yet_in_facts_yaml_is_added_and_a_gbk_file_stays_gbk(workspace, cli):
    facts = workspace / YEAR / "facts.yaml"
    facts.write_bytes(facts.read_text(encoding="utf-8").encode("gbk"))
    set_mapping(workspace, """表格:
  - 文件: 收支.xlsx
    事实:
      基金.险种.职工大额补充.收入: {行: 职工大额补充, 列: 收入}
      基金.险种.职工大额补充.支出: {行: 职工大额补充, 列: 支出}
      基金.险种.职工大额补充.累计结余: {行: 职工大额补充, 列: 累计结余}
      基金.险种.职工医保统筹基金.收入: C3
""")
    rows = fund_rows()
    rows.append(["职工大额补充", 88.5, 1, 87.5])
    rows[0] = ["单位：万元"]
    rows[1] = ["险种", "收入", "支出", "累计结余"]
    make_book(workspace / YEAR / "收支.xlsx", {"基金": rows}, {"B3": "0.00", "B5": "0.00"})
    run = cli("import", "岳阳楼区", "2023", cwd=workspace)
    assert run.code == 0, run.err
    text = facts.read_bytes().decode("gbk")  # still GBK
    assert "    职工大额补充:\n      收入: 88.50万元\n" in text  # the unit from the 单位：万元 line
    assert "# 数字只在这里写一次" in text
    check = cli("check", "岳阳楼区", "2023", cwd=workspace)
    assert check.code == 0, check.err


def test_a_cell_reference_takes_the_unit_of_its_column_header(workspace, cli):
    set_mapping(workspace, """表格:
  - 文件: 收支.xlsx
    事实:
      基金.险种.职工医保统筹基金.收入: 基金!B3
""")
    rows = fund_rows()
    rows[1][1] = "收入（元）"
    make_book(workspace / YEAR / "收支.xlsx", {"基金": rows})
    run = cli("import", "岳阳楼区", "2023", cwd=workspace)
    assert run.code == 2
    assert "的单位是“元”，而 facts.yaml 中 基金.险种.职工医保统筹基金.收入 的单位是“万元”" in run.err


def test_flow_mappings_and_comments_survive_an_import(workspace, cli):
    set_mapping(workspace, """表格:
  - 文件: 生育.csv
    事实:
      待遇.生育.职工生育门诊.人次: {行: 职工生育门诊, 列: 人次}
      参保.参保人数: {行: 参保, 列: 人次}
""")
    (workspace / YEAR / "生育.csv").write_text("项目,人次\n职工生育门诊,86\n参保,429198\n", encoding="utf-8")
    before = facts_text(workspace)
    run = cli("import", "岳阳楼区", "2023", cwd=workspace)
    assert run.code == 0, run.err
    assert facts_text(workspace) == before.replace("职工生育门诊: {人次: 85人次,", "职工生育门诊: {人次: 86人次,")


def test_a_unit_keeps_the_spelling_facts_yaml_uses(workspace, cli):
    replace_in(workspace / YEAR / "facts.yaml", "收入: 11720.82万元", "收入: 11720.82萬元")
    set_mapping(workspace, FUND_MAPPING)
    make_book(workspace / YEAR / "收支.xlsx", {"基金": fund_rows()}, {"B3": "0.00", "C3": "0.00", "B4": "0.00"})
    run = cli("import", "岳阳楼区", "2023", "-n", cwd=workspace)
    assert run.code == 0, run.err
    assert "没有变化" in run.out


def test_a_mapping_that_would_make_facts_yaml_unreadable_writes_nothing(workspace, cli):
    set_mapping(workspace, """表格:
  - 文件: 收支.xlsx
    事实:
      年度: B3
""")
    make_book(workspace / YEAR / "收支.xlsx", {"基金": fund_rows()})
    before = facts_text(workspace)
    run = cli("import", "岳阳楼区", "2023", cwd=workspace)
    assert run.code == 2
    assert "导入后的 facts.yaml 将无法读取" in run.err and "保留名称" in run.err
    assert facts_text(workspace) == before


def test_rows_under_a_merged_group_label_are_named_by_their_path(workspace, cli):
    set_mapping(workspace, """表格:
  - 文件: 门诊.xlsx
    事实:
      待遇.普通门诊.居民.人次: {行: 居民/普通门诊, 列: 人次}
      待遇.特殊门诊.居民.人次: {行: 居民/特殊门诊, 列: 人次}
      待遇.特殊门诊.职工.人次: {行: 特殊门诊, 列: 人次}
""")
    rows = [["类别", None, "人次"],
            ["居民", "普通门诊", 339701], [None, "特殊门诊", 35733],
            ["职工", "普通门诊", 129597], [None, "特殊门诊", 20017]]
    make_book(workspace / YEAR / "门诊.xlsx", {"S": rows}, merges=["A2:A3", "A4:A5"])
    run = cli("import", "岳阳楼区", "2023", "-n", cwd=workspace)
    assert run.code == 2  # 特殊门诊 alone is not the first cell of any row
    assert "找不到第一格为“特殊门诊”的行" in run.err
    set_mapping(workspace, (workspace / "content/岳阳楼区/导入.yaml").read_text(encoding="utf-8")
                .replace("{行: 特殊门诊, 列: 人次}", "{行: 职工/特殊门诊, 列: 人次}"))
    run = cli("import", "岳阳楼区", "2023", "-n", cwd=workspace)
    assert run.code == 0, run.err
    assert "没有变化" in run.out


def test_a_password_protected_workbook_is_explained(workspace, cli):
    set_mapping(workspace, FUND_MAPPING)
    body = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100 + "EncryptedPackage".encode("utf-16-le") + b"\0" * 100
    (workspace / YEAR / "收支.xlsx").write_bytes(body)
    run = cli("import", "岳阳楼区", "2023", cwd=workspace)
    assert run.code == 2 and "设置了打开密码" in run.err


def test_a_date_where_facts_yaml_has_a_figure_is_a_wrong_cell(workspace, cli):
    import datetime

    set_mapping(workspace, """表格:
  - 文件: 参保.xlsx
    事实:
      参保.参保人数: B2
      参保.统计截至: B3
      成文日期: B4
""")
    make_book(workspace / YEAR / "参保.xlsx", {"S": [["项目", "数"], ["参保人数", datetime.date(2023, 3, 31)],
                                                     ["截至", 429198], ["成文", "2023年12月"]]})
    run = cli("import", "岳阳楼区", "2023", cwd=workspace)
    assert run.code == 2
    assert "工作表“S”的 B2 是日期 2023-03-31，而 facts.yaml 中 参保.参保人数 是数字" in run.err
    assert "工作表“S”的 B3 是数字 429198，而 facts.yaml 中 参保.统计截至 是日期" in run.err
    assert "B4" not in run.err  # a month is a date too


def test_a_template_mapping_is_shared_and_a_district_one_wins_fact_by_fact(workspace, cli):
    (workspace / "templates/医保年度工作总结/导入.yaml").write_text(FUND_MAPPING, encoding="utf-8")
    set_mapping(workspace, """表格:
  - 文件: 收支.xlsx
    工作表: 基金
    事实:
      基金.险种.大病互助.收入: C4
""")
    make_book(workspace / YEAR / "收支.xlsx", {"基金": fund_rows()}, {"B3": "0.00", "C3": "0.00", "B4": "0.00"})
    run = cli("import", "岳阳楼区", "2023", cwd=workspace)
    assert run.code == 0, run.err
    assert "导入 3 个事实，其中 1 个有改变：基金.险种.大病互助.收入" in run.out
    assert fact_line(workspace, "基金.险种.大病互助.收入") == "收入: 443.6万元"  # the district's cell
    sources = (workspace / YEAR / "导入来源.yaml").read_text(encoding="utf-8")
    assert "收支.xlsx 基金!B3" in sources and "收支.xlsx 基金!C4" in sources  # the template's and the district's


def test_a_windows_facts_file_keeps_its_bom_and_line_endings(workspace, cli):
    facts = workspace / YEAR / "facts.yaml"
    facts.write_bytes(b"\xef\xbb\xbf" + facts.read_text(encoding="utf-8").replace("\n", "\r\n").encode("utf-8"))
    set_mapping(workspace, FUND_MAPPING)
    rows = fund_rows()
    rows[2][1] = 11720.83
    make_book(workspace / YEAR / "收支.xlsx", {"基金": rows}, {"B3": "0.00", "C3": "0.00", "B4": "0.00"})
    run = cli("import", "岳阳楼区", "2023", cwd=workspace)
    assert run.code == 0, run.err
    data = facts.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    assert data.count(b"\n") == data.count(b"\r\n")
    assert "收入: 11720.83万元\r\n" in data.decode("utf-8-sig")


def test_a_figure_typed_with_its_precision_comes_back_as_written():
    """Any figure a writer types into a cell formatted to its decimals reads back as typed."""
    from decimal import Decimal

    from hypothesis import given, settings
    from hypothesis import strategies as st

    from zongjie.importing.grid import Cell
    from zongjie.importing.values import read_cell

    @settings(max_examples=100, deadline=None)
    @given(st.integers(min_value=-10**11, max_value=10**11), st.integers(min_value=0, max_value=4),
           st.sampled_from(["0", "#,##0", "0_ ", "#,##0;[Red]-#,##0"]))
    def typed_back(units: int, decimals: int, base: str):
        written = Decimal(units).scaleb(-decimals)
        number_format = base.replace("0", "0." + "0" * decimals, 1) if decimals and "0" in base else base
        if decimals and base.startswith("#,##0;"):
            number_format = f"#,##0.{'0' * decimals};[Red]-#,##0.{'0' * decimals}"
        value = read_cell(Cell(float(written), number_format))
        assert value.number == format(written, "f")

    typed_back()


def test_a_cell_note_is_shown_with_the_import(workspace, cli):
    from openpyxl.comments import Comment

    set_mapping(workspace, FUND_MAPPING)
    path = make_book(workspace / YEAR / "收支.xlsx", {"基金": fund_rows()}, {"B3": "0.00", "C3": "0.00", "B4": "0.00"})
    book = openpyxl.load_workbook(path)
    book["基金"]["B3"].comment = Comment("含2022年补缴\n356.2万元", "财务科")
    book.save(path)
    run = cli("import", "岳阳楼区", "2023", "-n", cwd=workspace)
    assert run.code == 0, run.err
    assert "收支.xlsx 基金!B3 有批注：含2022年补缴 356.2万元" in run.out


def test_the_preview_tooltip_names_the_cell(workspace):
    from urllib.parse import quote

    from test_preview import _get_page

    from zongjie.preview.server import PreviewState

    state = PreviewState(workspace, "岳阳楼区", "2023")
    state.rebuild()
    page = _get_page(state, f"/doc/{quote('岳阳楼区')}/2023/")
    assert 'title="待遇.住院.人次 ← 住院结算.xlsx 住院结算!B6（content/岳阳楼区/2023/facts.yaml:43）"' in page


def test_a_traditional_workspace_speaks_traditional_and_shows_the_file_as_it_is(workspace, cli):
    replace_in(workspace / "config.yaml", "locale: zh_CN", "locale: zh_Hant_TW")
    path = workspace / YEAR / "报表/住院结算.xlsx"
    book = openpyxl.load_workbook(path)
    book["住院结算"]["C4"] = 7408.56
    book.save(path)
    run = cli("import", "岳阳楼区", "2023", "-n", cwd=workspace)
    assert run.code == 0, run.err
    assert "+      总费用: 7408.56万元" in run.out  # the file's own text, not converted
    assert "试运行" not in run.out  # the message itself is in Traditional


def test_a_workbook_saved_again_while_it_is_imported_is_known_as_changed(workspace, cli, monkeypatch):
    """The fingerprint recorded is that of the bytes whose values were imported: a save in
    Excel during the import leaves the record saying the file changed since."""
    from zongjie.importing import command

    path = workspace / YEAR / "报表/基金收支.xlsx"
    read_one = command._read_one

    def read_then_saved_again(book, source, *args):
        imported = read_one(book, source, *args)
        if book.path == path and b"saved again" not in path.read_bytes():
            path.write_bytes(path.read_bytes() + b"saved again")  # the writer saves while we read
        return imported

    monkeypatch.setattr(command, "_read_one", read_then_saved_again)
    assert cli("import", "岳阳楼区", "2023", cwd=workspace).code == 0
    check = cli("check", "岳阳楼区", "2023", cwd=workspace)
    assert "基金收支.xlsx 在导入后改动过" in check.out + check.err


def test_a_csv_is_read_within_the_inputs_bound(workspace, cli):
    set_mapping(workspace, "表格:\n  - 文件: 住院结算.csv\n    事实:\n      待遇.住院.职工.人次: {行: 职工, 列: 人次}\n")
    huge = workspace / YEAR / "住院结算.csv"
    with open(huge, "wb") as file:  # a dump exported by mistake, or /dev/zero renamed
        file.write(b"\xe7\xb1\xbb\xe5\x88\xab,\xe4\xba\xba\xe6\xac\xa1\n")
        file.truncate(21 * 1024 * 1024)
    run = cli("import", "岳阳楼区", "2023", "-n", cwd=workspace)
    assert run.code == 2 and "文件过大" in run.err and "住院结算.csv" in run.err
