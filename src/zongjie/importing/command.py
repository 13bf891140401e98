"""`zongjie import 地区 年度 [文件…]`: read every mapped cell, then update facts.yaml at once.

All cells are read before anything is written; any cell that cannot be read (a missing sheet
or label, a label found twice, text that is not a number, a formula without a saved result, a
unit that disagrees with the facts already there) stops the import with every such problem
listed, and no file changes.
"""

from __future__ import annotations

import datetime
import re
from pathlib import Path

from msgspec import Struct, field

from zongjie.errors import NumberFormatError, ZongjieError
from zongjie.importing.grid import SpreadsheetError, Workbook, cell_name
from zongjie.importing.locate import find_cell
from zongjie.importing.mapping import MAPPING_FILE, FactSource, load_mappings, mapping_paths
from zongjie.importing.sources import SOURCES_FILE, sources_path
from zongjie.importing.update import UpdatedFile, dump_plain, update_facts
from zongjie.importing.values import CellProblem, CellValue, read_cell
from zongjie.inputs.facts import load_facts
from zongjie.inputs.templateinfo import load_template_info
from zongjie.inputs.workspace import Workspace
from zongjie.location import Location, display_path
from zongjie.numbers.parse import normalise_figure_text, parse_value
from zongjie.numbers.quantity import YearMonth
from zongjie.numbers.units import normalise_unit_name
from zongjie.output import write_files

_LEADING_NUMBER = re.compile(r"^[^\d]*\d[\d,]*(?:\.\d+)?")
SIDECAR_HEADER = (
    "# 由 zongjie import 生成：facts.yaml 中每个导入的数字来自哪个单元格，以及导入时表格文件的摘要。\n"
    "# 请勿手改。手改 facts.yaml 中这些数字后，它们不再标注为来自表格（zongjie check 会提示）。\n"
)


class ImportProblems(SpreadsheetError):
    """Several cells could not be read: all are reported, none is written."""

    def __init__(self, problems: list[ZongjieError]):
        super().__init__(problems[0].message, problems[0].location, problems[0].hint)
        self.problems = problems

    def __str__(self) -> str:
        listed = "\n".join(str(problem) for problem in self.problems)
        return f"{listed}\n没有写入任何文件（共 {len(self.problems)} 处问题，改正后重新运行 zongjie import）。"


class Imported(Struct):
    source: FactSource
    origin: str  # 基金收支.xlsx 基金收支!C5
    written: str | None  # None: the cell is empty
    formula: bool = False
    comment: str = ""


class ImportOutcome(Struct):
    facts_file: UpdatedFile
    imported: list[Imported]
    changed_keys: list[str]
    written: bool
    sidecar: Path
    notes: list[str] = field(default_factory=list)


def run_import(root: Path, district: str, year: str, files: list[Path], dry_run: bool) -> ImportOutcome:
    workspace = Workspace.open(root)
    district_year = workspace.select(district, year)[0]
    if district_year.is_city:
        raise SpreadsheetError(f"“{district}”是市，它的数字由各区县相加得出，不从表格导入",
                               hint="请分别导入各区县的表格。")
    template = load_template_info(workspace.templates_dir, district_year.settings.template)
    paths = mapping_paths(template.folder, district_year.folder.parent, district_year.folder)
    if not paths:
        raise SpreadsheetError(
            "没有找到导入映射",
            Location(district_year.folder.parent / MAPPING_FILE),
            f"请在 content/{district}/{MAPPING_FILE}（本地区各年度共用）或模板文件夹里写导入映射；写法见 README“从统计报表导入”一节。",
        )
    sources = load_mappings(paths)
    if not sources:
        raise SpreadsheetError("导入映射里还没有任何事实", Location(paths[-1]),
                               "在“表格:”下写明文件和“事实:”；写法见 README“从统计报表导入”一节。")
    facts = load_facts(district_year.facts_path)
    previous_path = district_year.folder.parent / district_year.previous_year / "facts.yaml"  # as the build reads 上年
    previous = load_facts(previous_path) if previous_path.is_file() else None
    located = _locate_files(sources, files, district_year.folder)
    imported, digests = _read_all(sources, located, facts, previous)
    values = {item.source.key: item.written for item in imported}
    updated = update_facts(district_year.facts_path, values)
    changed = [item.source.key for item in imported if _written_now(facts, item.source.key) != (item.written or "")]
    sidecar = _sidecar_text(imported, located, digests, district_year.folder)
    _check_loadable(updated)
    if not dry_run:
        _write(updated, sources_path(district_year.facts_path), sidecar)
    notes = [f"{item.origin} 是公式，使用表格里保存的计算结果。" for item in imported if item.formula]
    notes += [f"{item.origin} 有批注：{' '.join(item.comment.split())}" for item in imported if item.comment]
    return ImportOutcome(updated, imported, changed, not dry_run, sources_path(district_year.facts_path), notes)


def _written_now(facts, key: str) -> str:
    fact = facts.get(key)
    return fact.written if fact is not None else ""


def _locate_files(sources: dict[str, FactSource], given: list[Path], year_folder: Path) -> dict[str, Path]:
    """Each spreadsheet the mapping names: given on the command line (matched by file name),
    or else found in the year folder (or a subfolder such as 报表/)."""
    by_name: dict[str, Path] = {}
    for path in given:
        if not path.is_file():
            raise SpreadsheetError("找不到这个表格文件", Location(path), "请检查文件名和所在文件夹。")
        by_name[path.name] = path.resolve()
    wanted = {source.file for source in sources.values()}
    unused = sorted(set(by_name) - wanted)
    if unused:
        raise SpreadsheetError(
            f"导入映射里没有用到文件“{unused[0]}”",
            Location(by_name[unused[0]]),
            f"映射中的文件：{'、'.join(sorted(wanted))}。命令行给出的文件按文件名对应，请把文件改名或修改映射。",
        )
    located: dict[str, Path] = {}
    for name in sorted(wanted):
        if name in by_name:
            located[name] = by_name[name]
            continue
        found = sorted(path for path in year_folder.rglob(name) if path.is_file())
        if not found:
            raise SpreadsheetError(
                f"找不到导入映射中的表格文件“{name}”",
                Location(year_folder),
                f"请把它放进 {display_path(year_folder)}（或其中的“报表”文件夹），或在命令行给出它的路径。",
            )
        if len(found) > 1:
            raise SpreadsheetError(
                f"年度文件夹里有 {len(found)} 个“{name}”：{'、'.join(display_path(p) for p in found)}",
                Location(year_folder), "请只留一个，或在命令行给出要导入的那个文件。")
        located[name] = found[0]
    return located


def _read_all(sources: dict[str, FactSource], located: dict[str, Path], facts,
              previous) -> tuple[list[Imported], dict[str, str]]:
    """Every mapped fact read, and the fingerprint of each file as it was read."""
    books: dict[str, Workbook | ZongjieError] = {}
    problems: list[ZongjieError] = []
    imported: list[Imported] = []
    for source in sources.values():
        path = located[source.file]
        try:
            _check_key(source)
            if source.file not in books:
                try:
                    books[source.file] = Workbook(path)
                except ZongjieError as unreadable:  # tried once, reported once
                    books[source.file] = unreadable
            book = books[source.file]
            if isinstance(book, ZongjieError):
                raise book
            imported.append(_read_one(book, source, path, facts, previous))
        except ZongjieError as problem:
            if not any((problem.message, problem.location) == (known.message, known.location) for known in problems):
                # a missing sheet or file once, not once per fact
                problems.append(problem)
    if problems:
        raise ImportProblems(problems)
    return imported, {name: book.digest for name, book in books.items() if isinstance(book, Workbook)}


def _check_key(source: FactSource) -> None:
    if not all(part.isidentifier() for part in source.key.split(".")):
        raise SpreadsheetError(f"事实键“{source.key}”写法不对", source.location,
                               "事实键是 facts.yaml 里的分组和键，用“.”连接，如 基金.险种.职工医保统筹基金.收入。")


def _read_one(book: Workbook, source: FactSource, path: Path, facts, previous) -> Imported:
    try:
        grid = book.grid(source.sheet)
    except SpreadsheetError as error:
        error.hint = (error.hint or "").replace("导入映射", f" {source.location} ")
        raise
    found = find_cell(grid, source, Location(path))
    cell = grid.shown(found.row, found.column)
    origin = grid.where(found.row, found.column)
    where = f"{'表格' if grid.is_csv else f'工作表“{grid.sheet}”'}的 {cell_name(found.row, found.column)} "
    try:
        value = read_cell(cell)
    except CellProblem as problem:
        raise SpreadsheetError(f"{where}{problem.message}（事实 {source.key}）", Location(path), problem.hint) from None
    return Imported(source, origin, _written(value, source, found.header_unit, where, path, facts, previous),
                    formula=bool(cell.formula), comment=cell.comment)


def _written(value: CellValue, source: FactSource, header_unit: str, where: str, path: Path, facts, previous) -> str | None:
    if value.empty:
        return None
    _check_kind(value, facts.get(source.key), where, path, source)
    if value.date is not None:
        return value.date_text
    stated = [(name, normalise_unit_name(unit)) for name, unit in
              (("导入映射", source.unit), ("表头", header_unit), ("单元格", value.unit)) if unit]
    units = {unit for _, unit in stated}
    if len(units) > 1:
        said = "，".join(f"{name}写的是“{unit}”" for name, unit in stated)
        raise SpreadsheetError(f"{where}的单位说法不一：{said}（事实 {source.key}）", Location(path),
                               f"请改正表格或 {source.location} 的“单位”，使它们一致。")
    unit = stated[0][1] if stated else ""
    existing = _unit_of(facts, source.key)
    if unit and existing is not None and existing != unit:
        fact = facts.get(source.key)
        raise SpreadsheetError(
            f"{where}的单位是“{unit}”，而 facts.yaml 中 {source.key} "
            f"{f'的单位是“{existing}”' if existing else '没有单位'}（{fact.written}，{fact.location}）",
            Location(path),
            "导入不换算单位：请在导入映射里写明单位，或先把 facts.yaml 中的数字改成同一单位。",
        )
    if not unit:  # the table says nothing: the unit the fact already has (or had last year)
        unit = existing if existing is not None else (_unit_of(previous, source.key) or "") if previous else ""
    written = f"{value.number}{_as_spelled(facts.get(source.key), unit)}"
    try:
        parse_value(written)  # what the fact loader will read, or its refusal now
    except NumberFormatError as error:
        raise SpreadsheetError(f"{where}的数 {written} 无法写入 facts.yaml：{error.message}（事实 {source.key}）",
                               Location(path), error.hint) from None
    return written


def _check_kind(value: CellValue, fact, where: str, path: Path, source: FactSource) -> None:
    """A date where facts.yaml has a figure (or the other way round) is a mapping pointing at
    the wrong cell, not a new value."""
    if fact is None:
        return
    had_date = isinstance(fact.value, (datetime.date, YearMonth))
    if had_date == (value.date is not None) or not (had_date or fact.quantity is not None):
        return
    found = f"日期 {value.date_text}" if value.date is not None else f"数字 {value.number}"
    raise SpreadsheetError(
        f"{where}是{found}，而 facts.yaml 中 {source.key} 是{'日期' if had_date else '数字'}（{fact.written}，{fact.location}）",
        Location(path),
        f"映射可能指错了单元格：请核对 {source.location}。",
    )


def _as_spelled(fact, unit: str) -> str:
    """The unit as facts.yaml already spells it (萬元 in a Traditional workspace, not 万元)."""
    if fact is None or fact.quantity is None or fact.quantity.unit != unit:
        return unit
    spelled = _LEADING_NUMBER.sub("", normalise_figure_text(fact.written))
    return spelled if normalise_unit_name(spelled) == unit else unit


def _unit_of(facts, key: str) -> str | None:
    fact = facts.get(key) if facts is not None else None
    return fact.quantity.unit if fact is not None and fact.quantity is not None else None


def _sidecar_text(imported: list[Imported], located: dict[str, Path], digests: dict[str, str], year_folder: Path) -> str:
    files = {}
    for name, path in sorted(located.items()):
        where = path.relative_to(year_folder).as_posix() if path.is_relative_to(year_folder) else path.as_posix()
        files[name] = {"路径": where, "摘要": digests[name]}  # every located file was read (or the import stopped)
    facts = {item.source.key: {"单元格": item.origin, "值": item.written or ""} for item in imported}
    return SIDECAR_HEADER + dump_plain({"事实": facts, "表格": files})


def _check_loadable(updated: UpdatedFile) -> None:
    """Never write a facts.yaml the loader would refuse (a mapped key the loader reserves, …)."""
    import tempfile


    with tempfile.TemporaryDirectory(prefix="zongjie-import-") as folder:
        trial = Path(folder) / "facts.yaml"
        trial.write_bytes(updated.data)
        try:
            load_facts(trial)
        except ZongjieError as error:
            raise SpreadsheetError(
                f"导入后的 facts.yaml 将无法读取：{error.message}", Location(updated.path),
                (error.hint or "") + " 没有写入任何文件；请核对导入映射中的事实键。") from None


def _write(updated: UpdatedFile, sidecar_path: Path, sidecar: str) -> None:
    outputs: dict[Path, bytes] = {}
    if updated.changed:
        outputs[updated.path] = updated.data
    old = sidecar_path.read_text(encoding="utf-8") if sidecar_path.is_file() else None
    if old != sidecar:
        outputs[sidecar_path] = sidecar.encode("utf-8")
    if outputs:
        write_files(outputs)


__all__ = ["run_import", "ImportOutcome", "SOURCES_FILE"]
