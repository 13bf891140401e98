"""What `zongjie import` tells the writer: the change as a diff, and what to do next."""

from __future__ import annotations

from collections.abc import Callable

from zongjie.importing.command import ImportOutcome
from zongjie.location import display_path


def print_outcome(outcome: ImportOutcome, say: Callable[[str], None], verbatim: Callable[[str], None]) -> None:
    """`say` for messages (in the workspace's script), `verbatim` for the diff of the file."""
    facts_file = outcome.facts_file
    label = display_path(facts_file.path)
    count = len(outcome.imported)
    if facts_file.changed:
        verbatim(facts_file.diff(label).rstrip("\n"))
    for note in outcome.notes:
        say(f"说明：{note}")
    changed = len(outcome.changed_keys)
    if not outcome.written:
        if changed:
            say(f"（试运行）导入 {count} 个事实，其中 {changed} 个会改变：{'、'.join(outcome.changed_keys)}。没有写入任何文件。")
        else:
            say(f"（试运行）导入 {count} 个事实：facts.yaml 与表格一致，没有变化。")
        return
    if changed:
        say(f"已导入 {count} 个事实，其中 {changed} 个有改变：{'、'.join(outcome.changed_keys)}。")
        say(f"已更新 {label}；每个数字的来源单元格记在 {display_path(outcome.sidecar)}。")
        say("下一步：运行 zongjie check 校验数字之间的关系。")
    else:
        say(f"已导入 {count} 个事实：facts.yaml 与表格一致，没有变化。")
