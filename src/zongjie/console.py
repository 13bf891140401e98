"""What the command line prints: each document's result, a draft's to-do list, a progress bar
on long builds (a check's findings: check.py). In the workspace's script (messages.py); paths
as they are spelled on disk. Imported by every command, so it stays light."""

from __future__ import annotations

import sys
from pathlib import Path

import typer

from zongjie.location import display_path
from zongjie.messages import localized
from zongjie.status import BuildStatus


def say(text: str = "") -> None:
    typer.echo(localized(text))


def complain(text: str) -> None:
    typer.echo(localized(text), err=True)


def report_result(result, verbose: bool) -> None:
    for path in result.gbk_files:
        warn_gbk([Path(path)])
    for message in result.errors:
        complain(message)
    if result.status == BuildStatus.BUILT and result.draft and verbose:
        report_draft(result)
    elif result.status == BuildStatus.BUILT and result.draft and result.placeholders:
        say(f"草稿 {result.label}：待填 {len(result.placeholders)} 项（zongjie build {result.label} --draft 列出各项）。")
    if result.status == BuildStatus.BUILT:
        if result.exit_code and result.draft:
            complain(f"注意：{result.label} 的校验有错误（见上）；草稿照常生成，定稿前须改正。")
        elif result.exit_code:
            complain(f"注意：{result.label} 的校验有错误，因 --allow-errors 仍已生成。")
        if verbose:
            say(f"已生成 {result.label}：")
            for path in result.paths:
                say(f"  {shown(Path(path))}")
        if result.warnings and verbose:
            say(f"  另有 {result.warnings} 个警告，运行 zongjie check 查看。")
    elif result.status == BuildStatus.UPTODATE:
        if verbose:
            say(f"未变 {result.label}：输入没有变化，沿用已生成的文档（--force 可强制重新生成）。")
    elif result.status == BuildStatus.BLOCKED:
        complain(f"未生成 {result.label}：校验发现错误（见上）。请改正 facts.yaml 后重新生成；"
                  "数字还没填齐时可加 --draft 生成标出待填处的草稿；确需先出稿可加 --allow-errors。")
    else:
        complain(f"未生成 {result.label}：以上错误需要先改正。")


def report_draft(result) -> None:
    """A draft's to-do list: every placeholder at its facts.yaml line, and the rules that
    wait for a figure."""
    if result.placeholders:
        say(f"草稿 {result.label} 中待填 {len(result.placeholders)} 项（文档中标为【待填：…】）：")
        for line in result.placeholders:
            say(f"  {line}")
    elif not result.empty_parts:
        say(f"草稿 {result.label} 中没有待填的事实：去掉 --draft 即可生成定稿。")
    if result.empty_parts:
        say(f"facts.yaml 中一项都还没填的分组（对应的章节暂不出现）：{'、'.join(result.empty_parts)}")
    if result.waiting:
        say(f"以下 {len(result.waiting)} 条校验规则等这些数字填好后才会校验：")
        for line in result.waiting:
            say(f"  {line}")


class Progress:
    """A progress bar on long builds in a terminal (rich, as typer uses); nothing otherwise."""

    def __init__(self, total: int, enabled: bool):
        self.total = total
        self.enabled = enabled and sys.stderr.isatty()
        self.bar = None

    def __enter__(self):
        if not self.enabled:
            return lambda: None
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            TextColumn,
            TimeRemainingColumn,
        )

        self.bar = Progress(TextColumn("生成中"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
                            transient=True)
        self.bar.start()
        task = self.bar.add_task("build", total=self.total)
        return lambda: self.bar.advance(task)

    def __exit__(self, *exc) -> None:
        if self.bar is not None:
            self.bar.stop()


def warn_gbk(paths: list[Path]) -> None:
    for path in paths:
        say(f"{shown(path)}: 提示：该文件是 GBK 编码，已按 GBK 读取。建议用记事本或 WPS“另存为”UTF-8 编码，以免在其他电脑上乱码。")


def shown(path: Path) -> str:
    return display_path(path.resolve() if not path.is_absolute() else path)
