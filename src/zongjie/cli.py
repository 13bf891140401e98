"""The `zongjie` command: the only place that turns errors into messages and exit codes.

Exit codes (like ruff/mypy): 0 success, 1 checks found errors, 2 unusable input (bad YAML,
unknown district, template error), 3 an internal error of zongjie itself, 130 interrupted (Ctrl-C).
Heavy modules are imported inside the commands, so `zongjie --help` starts quickly.
"""

from __future__ import annotations

import gc
import sys
from pathlib import Path
from typing import Optional

# A cold start creates ~50k objects that live as long as the process (modules, classes, typer,
# Jinja and markdown-it tables), and one document's build ~100k more, nearly all freed by
# reference counting. With CPython's default thresholds the collector scans them again and
# again (93 collections in one cold build); at 50 000 it still ran 3 times (12 ms CPU). So a
# one-document command runs no collection at all; a longer one (a batch in this process, a
# worker) freezes what it imported and collects every 50 000 (batch.tune_garbage_collector).
gc.set_threshold(200_000, 20, 20)

import typer

from zongjie import __version__
from zongjie.console import Progress, complain, report_result, say, shown, warn_gbk
from zongjie.errors import ZongjieError
from zongjie.output import refuse_output_among_inputs, refuse_output_outside_workspace
from zongjie.status import BuildStatus

EXIT_OK, EXIT_CHECKS, EXIT_INPUT, EXIT_INTERNAL = 0, 1, 2, 3
EXIT_INTERRUPTED = 130  # Ctrl-C, as shells report it (typer returns it too)
INTERRUPTED = "已中断（Ctrl-C）。zongjie 写文件总是整份替换：已写完的文件完好，没写完的不会留下半份。"

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


def _open_workspace(folder: Path, *typed: str | None):
    """The workspace; from here on messages speak its locale's script (what the user typed,
    `typed`, is quoted as typed)."""
    from zongjie.inputs.workspace import Workspace
    from zongjie.messages import use_workspace_locale

    workspace = Workspace.open(folder)
    use_workspace_locale(workspace, typed)
    return workspace


@app.command()
def build(
    district: Optional[str] = typer.Argument(None, help="地区或市（content/ 下的文件夹名或 config.yaml 中的市）；省略则生成全部。"),
    year: Optional[str] = typer.Argument(None, help="年度，如 2023；省略则生成该地区的全部年度。"),
    formats: Optional[str] = typer.Option(None, "--format", "-f", help="输出格式，逗号分隔：docx,html,md,pdf（默认按 config.yaml；pdf 需要 LibreOffice）。"),
    out: Optional[Path] = typer.Option(None, "--out", "-o", help="输出文件夹（默认为工作区的 build/）。"),
    allow_errors: bool = typer.Option(False, "--allow-errors", help="校验有错误时仍然生成文档。"),
    jobs: Optional[int] = typer.Option(None, "--jobs", "-j", help="同时生成的份数（默认为 CPU 核数）。"),
    force: bool = typer.Option(False, "--force", help="全部重新生成（默认只生成输入有变化的文档）。"),
    draft: bool = typer.Option(False, "--draft", help="生成草稿：没填的事实写成醒目的【待填：键】，并列出每一项在 facts.yaml 中的行。"),
    review: bool = typer.Option(False, "--review", help="生成审阅稿（<标题>（审阅稿）.docx/.html）：每个数字带批注，写明来源和校验结果；不要发布。"),
    workspace: Path = WorkspaceOption,
    debug: bool = DebugOption,
) -> None:
    """生成文档：build/<地区>/<年度>/<标题>.docx|html|md；只重新生成输入有变化的。"""
    from zongjie.batch import default_jobs, run_batch
    from zongjie.inputs.config import parse_formats
    from zongjie.inputs.containment import normalise_year

    ws = _open_workspace(workspace, district)
    selected = ws.select(district, normalise_year(year) or year if year is not None else None)
    if district is None:
        for folder in ws.misnamed_folders():
            complain(f"{shown(folder)}: 提示：这个文件夹不是年度（应以四位数字命名，如 2023），已跳过。")
    chosen = parse_formats(formats.split(",")) if formats else None
    out_dir = (out or ws.output_dir).resolve()
    refuse_output_among_inputs(ws, out_dir)
    if out is None:
        refuse_output_outside_workspace(ws, out_dir)
    if jobs is not None and jobs < 1:
        raise ZongjieError(f"--jobs 应为正整数，而不是 {jobs}", hint="不写 --jobs 时按 CPU 核数同时生成。")
    if review and draft:
        raise ZongjieError("--review 与 --draft 不能同时使用",
                           hint="先用 --draft 生成草稿、填齐数字，再用 --review 生成审阅稿。")
    if review:
        raise typer.Exit(_build_review_copies(ws, selected, out_dir, chosen))
    if any("pdf" in (chosen or district_year.settings.formats) for district_year in selected):
        from zongjie.pdf import require_soffice

        require_soffice()  # before anything is built: no half a batch without its PDFs
    verbose = len(selected) <= 10
    with Progress(len(selected), enabled=not verbose) as advance:
        def report(result) -> None:
            report_result(result, verbose)
            advance()

        results = run_batch(ws, selected, out_dir, chosen, allow_errors, force or draft, jobs or default_jobs(), report,
                            debug, draft, on_note=complain)
    for message in (message for result in results for message in result.pdf_messages):
        complain(message)
    counts = {status: sum(r.status == status for r in results) for status in BuildStatus}
    warnings = sum(r.warnings for r in results)
    say(f"共 {len(results)} 份：生成 {counts[BuildStatus.BUILT]}，未变 {counts[BuildStatus.UPTODATE]}，"
        f"校验未通过 {counts[BuildStatus.BLOCKED]}，失败 {counts[BuildStatus.FAILED]}。"
         + (f"另有 {warnings} 个警告，运行 zongjie check 查看。" if warnings and not verbose else ""))
    raise typer.Exit(max([r.exit_code for r in results] + [EXIT_OK]))


def _build_review_copies(ws, selected, out_dir: Path, chosen) -> int:
    """Review copies are built even when checks fail (they show the failing figures)."""
    from zongjie.review.copy import REVIEW_FORMATS, build_review_copy

    exit_code = EXIT_OK
    left_out = [name for name in (chosen or ()) if name not in REVIEW_FORMATS]
    if left_out:  # asked for, not written: say so rather than leave the writer looking for it
        complain(f"提示：审阅稿只有 DOCX 和 HTML，不生成 {'、'.join(left_out)}；正式稿的 PDF 请不加 --review 生成。")
    for district_year in selected:
        copy = build_review_copy(ws, district_year, out_dir, chosen)
        if copy.error is not None:
            complain(str(copy.error))
            complain(f"未生成 {copy.label} 的审阅稿：以上错误需要先改正。")
            exit_code = max(exit_code, copy.error.exit_code)
            continue
        say(f"已生成 {copy.label} 的审阅稿（请勿发布；校验错误 {copy.errors} 个，警告 {copy.warnings} 个，已写在批注中）：")
        for path in copy.paths:
            say(f"  {shown(path)}")
        if copy.errors:
            exit_code = max(exit_code, EXIT_CHECKS)
    return exit_code


@app.command()
def check(
    district: Optional[str] = typer.Argument(None, help="地区；省略则校验全部。"),
    year: Optional[str] = typer.Argument(None, help="年度；省略则校验该地区的全部年度。"),
    output_format: str = typer.Option("text", "--format", "-f", help="报告格式：text（中文）或 json。"),
    show_coverage: bool = typer.Option(False, "--coverage", help="列出没有任何规则或合理性检查涉及的数字。"),
    workspace: Path = WorkspaceOption,
    debug: bool = DebugOption,
) -> None:
    """校验：数字之间的关系、单位、必需章节、文字（不写任何文件）。"""
    from zongjie.check import check_all, report_checks
    from zongjie.checks.coverage import coverage_json, coverage_text
    from zongjie.checks.report import as_json, summary_text
    from zongjie.inputs.textio import collect_gbk_files

    if output_format not in ("text", "json"):
        raise ZongjieError(f"不认识的报告格式“{output_format}”", hint="可选：text 或 json。")
    from zongjie.inputs.containment import normalise_year
    from zongjie.privatecache import read_only

    ws = _open_workspace(workspace, district)
    gbk_files = collect_gbk_files()
    year = normalise_year(year) or year if year is not None else None  # ２０２３ is 2023
    with read_only():  # check writes nothing at all, not even the compiled-template cache
        reports = check_all(ws, ws.select(district, year))
    if output_format == "text":
        warn_gbk(gbk_files)
    coverages = _coverages(ws, ws.select(district, year)) if show_coverage else {}
    if output_format == "json":
        typer.echo(as_json(reports, {label: coverage_json(result) for label, result in coverages.items()}))  # for tools: as zongjie wrote it, whatever the locale
    else:
        for report in reports:
            if report.error:
                complain(f"无法校验 {report.label}：\n{report.error}")
                continue
            report_checks(report.result, show_clean=True, label=report.label)
        say(summary_text(reports))
        if show_coverage:
            for label, result in coverages.items():
                say(coverage_text(label, result))
    if any(report.error for report in reports):
        raise typer.Exit(EXIT_INPUT)
    raise typer.Exit(EXIT_CHECKS if any(report.result.errors for report in reports) else EXIT_OK)


@app.command()
def diff(
    district: str = typer.Argument(..., help="地区（content/ 下的文件夹名）。"),
    year: str = typer.Argument(..., help="年度，如 2023。"),
    edited: Path = typer.Argument(..., help="在 Word/WPS 中修改过的 .docx（审阅稿或正式稿均可）。"),
    output_format: str = typer.Option("text", "--format", "-f", help="报告格式：text（中文）或 json。"),
    apply: bool = typer.Option(False, "--apply", help="把改过的叙述段落写回 .md 文件（先列出要写的内容；数字不会写回）。"),
    yes: bool = typer.Option(False, "--yes", "-y", help="与 --apply 同用：不再询问，直接写入。"),
    workspace: Path = WorkspaceOption,
    debug: bool = DebugOption,
) -> None:
    """比较修改过的 DOCX 与按当前 facts.yaml 和叙述生成的文档：列出改动的数字、文字、分段、样式和批注。
    数字有改动时退出码为 1。"""
    from zongjie.review.command import run_diff
    from zongjie.review.report import json_report, text_report

    if output_format not in ("text", "json"):
        raise ZongjieError(f"不认识的报告格式“{output_format}”", hint="可选：text 或 json。")
    ws = _open_workspace(workspace, district)  # a Taiwan writer reads 錯誤, as from check and build
    run = run_diff(ws, district, year, edited)
    if output_format == "json":
        typer.echo(json_report(run.result, run.root))  # for tools: as zongjie wrote it, whatever the locale
    else:
        say(text_report(run.result, run.root, run.label))
    if apply:
        locale = ws.select(district, year)[0].settings.locale
        _apply_prose(run, yes, complain if output_format == "json" else say, locale)  # JSON stays parseable
    raise typer.Exit(run.result.exit_code)


def _apply_prose(run, yes: bool, say=say, locale: str = "zh_CN") -> None:
    from zongjie.review.apply import apply_writes, plan_writes

    planned, left = plan_writes(run.result, locale)
    if not planned:
        say("--apply：没有可以写回叙述文件的段落。" + (f"另有 {len(left)} 处文字改动需要手工修改（见上）。" if left else ""))
        return
    say(f"--apply 将写入 {len(planned)} 处（数字不会写回）：")
    for write in planned:
        lines = f"{write.start}" if write.start == write.end else f"{write.start}–{write.end}"
        say(f"  {shown(write.path)} 第 {lines} 行：")
        say("    原文：" + write.old.replace("\n", "\n          "))
        say("    改为：" + write.new.replace("\n", "\n          "))
    if not yes:
        if not sys.stdin.isatty():
            say("未写入：确认无误后加 --yes 重新运行。")
            return
        if not typer.confirm("确认写入以上内容？", default=False):
            say("未写入。")
            return
    written = apply_writes(planned)
    say(f"已写入 {len(written)} 个叙述文件。下一步：改正 facts.yaml 中的数字（如有），然后 zongjie build 生成正式稿。")


@app.command()
def init(
    folder: Path = typer.Argument(..., help="新工作区的文件夹（不存在会新建；已有文件不会被覆盖）。"),
    debug: bool = DebugOption,
) -> None:
    """新建工作区：config.yaml、标准模板和一个示例地区。"""
    from zongjie.scaffold import init_workspace

    written = init_workspace(folder)
    say(f"已在 {shown(folder)} 新建工作区（{len(written)} 个文件）。")
    say(f"下一步：cd {shown(folder)} 然后运行 zongjie build")


@app.command()
def new(
    district: str = typer.Argument(..., help="地区（content/ 下的文件夹名，新地区会新建）。"),
    year: str = typer.Argument(..., help="要新建的年度，如 2024。"),
    from_year: Optional[str] = typer.Option(None, "--from", help="从哪个年度复制（默认：该地区最近的上一个年度）。"),
    template: Optional[str] = typer.Option(None, "--template", "-t", help="第一个年度用哪个模板的骨架（默认按 config.yaml）。"),
    workspace: Path = WorkspaceOption,
    debug: bool = DebugOption,
) -> None:
    """新建一个地区年度：从上一年度复制（数值清空、上年数写在行尾注释），或从模板骨架开始；不覆盖已有文件。"""
    from zongjie.newyear import new_district_year

    ws = _open_workspace(workspace, district, template)
    written, source = new_district_year(ws, district, year, from_year, template)
    say(f"已新建 {district} {year}（来自{source}），写入 {len(written)} 个文件：")
    for path in written:
        say(f"  {shown(path)}")
    settings = ws.config.settings_for(district)
    if template and template != settings.template and district not in ws.config.districts:
        say(f"提示：请在 config.yaml 的 districts 下为“{district}”写上 template: {template}，生成时才会用这个模板。")
    _say_gap_year(district, year, source)
    say("下一步：填写 facts.yaml 中本年度的数字（zongjie build --draft 随时生成标出待填处的草稿），"
         "然后运行 zongjie check 和 zongjie build。")


def _say_gap_year(district: str, year: str, source: str) -> None:
    """2025 made from 2023: say that 2024 is missing and what 上年 will mean."""
    source_year = source[:4]
    if not (source_year.isdigit() and year.isdigit()) or int(year) - int(source_year) <= 1:
        return
    between = "、".join(str(y) for y in range(int(source_year) + 1, int(year)))
    say(f"注意：{district} 没有 {between} 年度的数据。{year} 年的同比将与 {source_year} 年比较，"
         f"文中写作“比{source_year}年增长…”；若补上 {between} 年度，则改与其比较。")


@app.command("import")
def import_(
    district: str = typer.Argument(..., help="地区（content/ 下的文件夹名）。"),
    year: str = typer.Argument(..., help="年度，如 2023。"),
    files: Optional[list[Path]] = typer.Argument(None, help="表格文件（.xlsx 或 CSV）；省略则在年度文件夹里按导入映射中的文件名查找。"),
    dry_run: bool = typer.Option(False, "--dry-run", "-n", help="只显示 facts.yaml 会怎样改变，不写入。"),
    workspace: Path = WorkspaceOption,
    debug: bool = DebugOption,
) -> None:
    """从统计报表（.xlsx / CSV）导入事实：按导入映射更新 facts.yaml，记录每个数字来自哪个单元格。"""
    from zongjie.importing.command import run_import
    from zongjie.importing.report import print_outcome

    _open_workspace(workspace, district)  # messages in the workspace's script; the diff stays as the file is
    print_outcome(run_import(workspace, district, year, list(files or []), dry_run), say, typer.echo)


@app.command()
def serve(
    district: Optional[str] = typer.Argument(None, help="只预览这个地区（省略则预览全部）。"),
    year: Optional[str] = typer.Argument(None, help="只预览这个年度。"),
    port: Optional[int] = typer.Option(None, "--port", "-p", help="端口（默认从 8765 起第一个空闲的）。"),
    host: str = typer.Option("127.0.0.1", "--host", help="监听的地址（默认只有本机能访问）。"),
    workspace: Path = WorkspaceOption,
    debug: bool = DebugOption,
) -> None:
    """实时预览：在浏览器里看文档和校验结果，保存文件后自动重新生成并刷新页面。"""
    from zongjie.preview.server import PreviewState
    from zongjie.preview.server import serve as serve_preview

    if host not in ("127.0.0.1", "localhost", "::1"):
        complain(f"注意：预览服务器在 {host} 上监听，局域网内的其他电脑也能看到工作区的全部文档。"
                  "只在本机查看时请去掉 --host。")
    serve_preview(PreviewState(workspace.resolve(), district, year), host, port, say)


@app.command()
def version() -> None:
    """显示版本。"""
    say(f"zongjie {__version__}")


def _coverages(ws, selected) -> dict:
    """Coverage per district-year whose input could be read (the others are reported above)."""
    from zongjie.checks.coverage import coverage_of
    from zongjie.inputs.loading import load

    coverages = {}
    for district_year in selected:
        try:
            coverages[district_year.label] = coverage_of(load(ws, district_year))
        except ZongjieError:
            continue
    return coverages


def main() -> None:
    """Entry point. Usage mistakes are reported by typer (exit 2); a user's input mistake is a
    ZongjieError with file:line; anything else is our bug and says so without a traceback."""
    from zongjie.messages import use_simplified

    debug = "--debug" in sys.argv
    for stream in (sys.stdout, sys.stderr):  # a console that cannot show a character shows its code
        try:
            stream.reconfigure(errors="backslashreplace")  # type: ignore[union-attr]  # a TextIOWrapper, unless replaced
        except (AttributeError, ValueError):
            pass
    from zongjie.usage import UsageErrors, usage_message

    use_simplified()  # until a workspace's config.yaml says otherwise
    try:
        code = app(standalone_mode=False)
        if code == EXIT_INTERRUPTED:  # typer's answer to Ctrl-C inside a command
            complain(INTERRUPTED)
        sys.exit(code if isinstance(code, int) else EXIT_OK)
    except KeyboardInterrupt:  # Ctrl-C before typer took over
        complain(INTERRUPTED)
        sys.exit(EXIT_INTERRUPTED)
    except UsageErrors as error:  # click's own English, said in Chinese
        complain(usage_message(error))
        sys.exit(EXIT_INPUT)
    except ZongjieError as error:
        complain(str(error))
        if debug:
            _print_traceback()
        sys.exit(error.exit_code)
    except Exception:  # noqa: BLE001 - the last line of defence: never a bare traceback
        complain("zongjie 内部错误：这不是您输入的问题。请加 --debug 重新运行，并把输出发给维护者。")
        if debug:
            _print_traceback()
        sys.exit(EXIT_INTERNAL)


def run() -> None:
    """The program's entry point (`zongjie`, `python -m zongjie`): main(), then leave.

    Once the command has finished, tearing the interpreter down — freeing every module, class
    and cached table one by one — costs about 50 ms of a 400 ms cold build and does nothing a
    user can see. So, like mypy's hard exit, we run the exit handlers (logging, multiprocessing),
    flush what we printed and end the process. Every file zongjie writes is closed by then
    (written to a temporary name and renamed); a thread still at work is waited for as usual."""
    try:
        main()
        code: int = EXIT_OK
    except SystemExit as done:
        if done.code is None or isinstance(done.code, int):
            code = done.code or EXIT_OK
        else:  # as Python does with sys.exit("message")
            print(done.code, file=sys.stderr)
            code = 1
    _leave(code)


def _leave(code: int) -> None:
    import atexit
    import os
    import threading

    if any(thread.is_alive() and not thread.daemon for thread in threading.enumerate()
           if thread is not threading.main_thread()):
        sys.exit(code)  # the interpreter waits for them
    if sys.getprofile() is not None or sys.gettrace() is not None:
        sys.exit(code)  # `python -m cProfile -m zongjie`, a debugger: they report after we return
    atexit._run_exitfuncs()  # noqa: SLF001 - the handlers a normal exit runs (logging, multiprocessing)
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):  # a closed pipe (`zongjie … | head`) or a closed stream
            pass
    os._exit(code)


def _print_traceback() -> None:
    import traceback  # only with --debug

    traceback.print_exc()
