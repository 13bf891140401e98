"""The `zongjie` command: the only place that turns errors into messages and exit codes.

Exit codes (like ruff/mypy): 0 success, 1 checks found errors, 2 unusable input (bad YAML,
unknown district, template error), 3 an internal error of zongjie itself.
Heavy modules are imported inside the commands, so `zongjie --help` starts quickly.
"""

from __future__ import annotations

import sys
import traceback
from pathlib import Path
from typing import Optional

import typer

from zongjie import __version__
from zongjie.errors import ZongjieError

EXIT_OK, EXIT_CHECKS, EXIT_INPUT, EXIT_INTERNAL = 0, 1, 2, 3

app = typer.Typer(
    name="zongjie",
    help="总结：从事实数据组装年度工作总结（DOCX / HTML / Markdown），并校验数字之间的关系。",
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)

WorkspaceOption = typer.Option(Path("."), "--workspace", "-w", help="工作区文件夹（含 config.yaml），默认当前文件夹。")
DebugOption = typer.Option(False, "--debug", help="出错时显示 Python 调用栈（供开发者排查）。")


def _say(text: str = "") -> None:
    typer.echo(text)


def _complain(text: str) -> None:
    typer.echo(text, err=True)


@app.command()
def build(
    district: Optional[str] = typer.Argument(None, help="地区（content/ 下的文件夹名）；省略则生成全部。"),
    year: Optional[str] = typer.Argument(None, help="年度，如 2023；省略则生成该地区的全部年度。"),
    formats: Optional[str] = typer.Option(None, "--format", "-f", help="输出格式，逗号分隔：docx,html,md（默认按 config.yaml）。"),
    out: Optional[Path] = typer.Option(None, "--out", "-o", help="输出文件夹（默认为工作区的 build/）。"),
    allow_errors: bool = typer.Option(False, "--allow-errors", help="校验有错误时仍然生成文档。"),
    workspace: Path = WorkspaceOption,
    debug: bool = DebugOption,
) -> None:
    """生成文档：build/<地区>/<年度>/<标题>.docx|html|md。"""
    from zongjie.build import build_document
    from zongjie.config import parse_formats
    from zongjie.workspace import Workspace

    ws = Workspace.open(workspace)
    selected = ws.select(district, year)
    chosen = parse_formats(formats.split(",")) if formats else None
    out_dir = (out or ws.output_dir).resolve()
    exit_code = EXIT_OK
    for district_year in selected:
        outcome = build_document(ws, district_year, out_dir, chosen, allow_errors)
        _warn_gbk(outcome.gbk_files)
        _report_errors(outcome.checks)
        if outcome.status == "built":
            if outcome.checks and outcome.checks.errors:
                _say(f"注意：{district_year.label} 的校验有错误，因 --allow-errors 仍已生成。")
                exit_code = max(exit_code, EXIT_CHECKS)
            _say(f"已生成 {district_year.label}：")
            for path in outcome.paths:
                _say(f"  {_shown(path)}")
        elif outcome.status == "blocked":
            _complain(
                f"未生成 {district_year.label}：校验发现 {len(outcome.checks.errors)} 个错误（见上）。"
                "请改正 facts.yaml 后重新生成；确需先出稿可加 --allow-errors。"
            )
            exit_code = max(exit_code, EXIT_CHECKS)
        else:
            _complain(f"未生成 {district_year.label}：")
            _complain(str(outcome.error))
            if debug and outcome.error is not None:
                traceback.print_exception(outcome.error, file=sys.stderr)
            exit_code = max(exit_code, outcome.error.exit_code if outcome.error else EXIT_INPUT)
    raise typer.Exit(exit_code)


@app.command()
def check(
    district: Optional[str] = typer.Argument(None, help="地区；省略则校验全部。"),
    year: Optional[str] = typer.Argument(None, help="年度；省略则校验该地区的全部年度。"),
    output_format: str = typer.Option("text", "--format", "-f", help="报告格式：text（中文）或 json。"),
    workspace: Path = WorkspaceOption,
    debug: bool = DebugOption,
) -> None:
    """校验：数字之间的关系、单位、必需章节、文字（不写任何文件）。"""
    from zongjie.build import check_all
    from zongjie.checks.report import as_json, summary_text
    from zongjie.textio import collect_gbk_files
    from zongjie.workspace import Workspace

    if output_format not in ("text", "json"):
        raise ZongjieError(f"不认识的报告格式“{output_format}”", hint="可选：text 或 json。")
    ws = Workspace.open(workspace)
    gbk_files = collect_gbk_files()
    reports = check_all(ws, ws.select(district, year))
    if output_format == "text":
        _warn_gbk(gbk_files)
    if output_format == "json":
        _say(as_json(reports))
    else:
        for report in reports:
            _report_checks(report.result, show_clean=True, label=report.label)
        _say(summary_text(reports))
    has_errors = any(report.result.errors for report in reports)
    raise typer.Exit(EXIT_CHECKS if has_errors else EXIT_OK)


@app.command()
def init(
    folder: Path = typer.Argument(..., help="新工作区的文件夹（不存在会新建；已有文件不会被覆盖）。"),
    debug: bool = DebugOption,
) -> None:
    """新建工作区：config.yaml、标准模板和一个示例地区。"""
    from zongjie.scaffold import init_workspace

    written = init_workspace(folder)
    _say(f"已在 {_shown(folder)} 新建工作区（{len(written)} 个文件）。")
    _say(f"下一步：cd {_shown(folder)} 然后运行 zongjie build")


@app.command()
def version() -> None:
    """显示版本。"""
    _say(f"zongjie {__version__}")


def _warn_gbk(paths: list[Path]) -> None:
    for path in paths:
        _say(f"{_shown(path)}: 提示：该文件是 GBK 编码，已按 GBK 读取。建议用记事本或 WPS“另存为”UTF-8 编码，以免在其他电脑上乱码。")


def _report_errors(result) -> None:
    """During a build: errors in full, warnings as a count (zongjie check shows them)."""
    if result is None:
        return
    from zongjie.checks.report import finding_text

    for finding in result.errors:
        _complain(finding_text(finding))
    if result.warnings:
        _say(f"另有 {len(result.warnings)} 个警告，运行 zongjie check 查看。")


def _report_checks(result, show_clean: bool, label: str = "") -> None:
    from zongjie.checks.report import finding_text

    for finding in result.findings:
        text = finding_text(finding)
        if finding.severity == "error":
            _complain(text)
        else:
            _say(text)
    if show_clean and not result.errors:
        derived = f"，推算 {len(result.derived)} 项" if result.derived else ""
        warnings = f"，警告 {len(result.warnings)} 个" if result.warnings else ""
        _say(f"{label}：校验 {result.checked} 条关系，无错误{warnings}{derived}。")


def _shown(path: Path) -> str:
    from zongjie.errors import display_path

    return display_path(path.resolve() if not path.is_absolute() else path)


def main() -> None:
    """Entry point. Usage mistakes are reported by typer (exit 2); a user's input mistake is a
    ZongjieError with file:line; anything else is our bug and says so without a traceback."""
    debug = "--debug" in sys.argv
    try:
        app()
    except ZongjieError as error:
        _complain(str(error))
        if debug:
            traceback.print_exc()
        sys.exit(error.exit_code)
    except Exception:  # noqa: BLE001 - the last line of defence: never a bare traceback
        _complain("zongjie 内部错误：这不是您输入的问题。请加 --debug 重新运行，并把输出发给维护者。")
        if debug:
            traceback.print_exc()
        sys.exit(EXIT_INTERNAL)
