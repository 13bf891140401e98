"""Running `zongjie diff` for one district-year and one edited DOCX."""

from __future__ import annotations

from pathlib import Path

from msgspec import Struct

from zongjie.checks.run import check
from zongjie.errors import ZongjieError
from zongjie.inputs.loading import load
from zongjie.location import Location
from zongjie.review.diffing import DiffResult, NotThisDocument, compare
from zongjie.review.docx_read import read_docx
from zongjie.review.figure_check import FigureChecker
from zongjie.review.notes import source_place
from zongjie.review.source_map import expected_document


class DiffRun(Struct):
    label: str
    result: DiffResult
    root: Path


def run_diff(workspace, district: str, year: str, edited_path: Path) -> DiffRun:
    edited = read_docx(_edited_bytes(edited_path), edited_path)
    selected = workspace.select(district, year)
    if len(selected) != 1:
        raise ZongjieError(f"请指定一个地区和一个年度（“{district} {year}”对应 {len(selected)} 份文档）",
                           hint="用法：zongjie diff 地区 年度 编辑后.docx")
    district_year = selected[0]
    loaded = load(workspace, district_year)
    check(loaded)  # derives the totals the template writes
    expected = expected_document(workspace, loaded)
    try:
        result = compare(expected, edited, lambda location: source_place(location, workspace.root),
                         FigureChecker(workspace, loaded))
    except NotThisDocument as mismatch:
        raise ZongjieError(
            f"{edited_path.name} 与 {district_year.label} 的总结几乎没有相同的段落（{mismatch.total} 段中只有 {mismatch.same} 段相同）",
            Location(edited_path),
            "是否选错了文件，或写错了地区、年度？请核对后重新运行。",
        ) from None
    return DiffRun(district_year.label, result, workspace.root)


def _edited_bytes(path: Path) -> bytes:
    if not path.is_file():
        raise ZongjieError(f"找不到编辑后的文档 {path.name}", Location(path),
                           "请写出 .docx 文件的路径（可以把文件拖进命令行窗口）。")
    if path.suffix.lower() in (".doc", ".wps"):
        raise ZongjieError(f"{path.name} 不是 .docx 格式", Location(path),
                           "请在 Word 或 WPS 中“另存为”Word 文档（*.docx）后再比较。")
    try:
        return path.read_bytes()
    except OSError as error:
        raise ZongjieError(f"无法读取 {path.name}（{error.strerror}）", Location(path),
                           "请关闭正在打开它的程序，或检查文件权限。") from None
