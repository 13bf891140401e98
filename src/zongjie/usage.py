"""Command-line usage mistakes (unknown option, missing argument, bad value) in Chinese.

Typer (through its copy of click) reports them in English; the CLI runs it without its own
error printing and says the same here, with the command's help to look at.
"""

from __future__ import annotations

import re

import typer
from typer import _click

UsageErrors = (_click.exceptions.UsageError, typer.Abort)

_TYPES = {"integer": "整数", "int": "整数", "float": "数字", "boolean": "true 或 false", "path": "路径"}


def usage_message(error) -> str:
    if isinstance(error, typer.Abort):
        return "已取消。"
    if isinstance(error, _click.exceptions.NoArgsIsHelpError):
        return error.ctx.get_help()
    command = error.ctx.command_path if getattr(error, "ctx", None) is not None else "zongjie"
    return f"用法错误：{_what(error)}\n  → 运行 {command} --help 查看用法。"


def _param_name(param) -> str:
    if param is None:
        return ""
    opts = [opt for opt in getattr(param, "opts", []) if opt.startswith("--")] or getattr(param, "opts", [])
    return opts[0] if opts and param.param_type_name == "option" else (param.human_readable_name or param.name or "")


def _what(error) -> str:
    exceptions = _click.exceptions
    if isinstance(error, exceptions.NoSuchOption):
        text = f"没有选项“{error.option_name}”"
        if error.possibilities:
            text += f"，是否要写 {'、'.join(sorted(error.possibilities))}？"
        return text
    if isinstance(error, exceptions.MissingParameter):
        name = _param_name(error.param)
        kind = "选项" if error.param is not None and error.param.param_type_name == "option" else "参数"
        return f"缺少{kind}“{name}”"
    if isinstance(error, exceptions.BadParameter):
        name = _param_name(error.param)
        match = re.search(r"'(.*)' is not a valid (\w+)", error.message or "")
        if match:
            expected = _TYPES.get(match.group(2), match.group(2))
            return f"“{name}”的值“{match.group(1)}”不是{expected}"
        return f"“{name}”的值不对（{error.message}）"
    message = error.message or ""
    for pattern, chinese in (
        (r"No such command '(.*)'", "没有命令“{0}”；可用的命令：build、check、new、init、version"),
        (r"Got unexpected extra argument(?:s|\(s\))? \((.*)\)", "多出了参数“{0}”"),
        (r"Option '(.*)' requires an argument", "选项“{0}”后面要写一个值"),
        (r"Option '(.*)' does not take a value", "选项“{0}”后面不能写值"),
        (r"Missing command", "缺少命令；可用的命令：build、check、new、init、version"),
    ):
        match = re.search(pattern, message)
        if match:
            return chinese.format(*match.groups())
    return message
