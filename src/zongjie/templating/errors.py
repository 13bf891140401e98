"""Jinja's errors in the writer's words: a syntax error, an undefined name or a refused
attribute becomes a TemplateError in Chinese that names the template file and line."""

from __future__ import annotations

import re
from pathlib import Path

import jinja2
from jinja2.exceptions import SecurityError

from zongjie.errors import NumberFormatError, TemplateError
from zongjie.location import Location
from zongjie.templating.bounds import (
    LimitError,
)
from zongjie.templating.filters import FilterError


def _template_location(error: BaseException) -> Location | None:
    """The innermost template frame of a traceback (Jinja rewrites frames to template lines)."""
    import traceback  # only on the error path: ~8 ms to import

    frames = traceback.extract_tb(error.__traceback__)
    for frame in reversed(frames):
        filename = frame.filename
        if filename.endswith(".md") and Path(filename).exists():
            return Location(Path(filename), frame.lineno)
    return None


_SYNTAX_MESSAGES = [  # Jinja's English, as a writer would say it
    (re.compile(r"No filter named '([^']*)'"), "没有名为“{0}”的过滤器",
     "可用的过滤器见 README“过滤器”一节（如 万元、百分比、同比、日期）。"),
    (re.compile(r"No test named '([^']*)'"), "没有名为“{0}”的判断", "常用的判断是 is defined，如 {{% if 基金 is defined %}}。"),
    (re.compile(r"Encountered unknown tag '([^']*)'"), "不认识的标签“{0}”，或它前面缺少对应的开头",
     "请检查 {{% if %}}/{{% for %}}/{{% block %}} 与 {{% endif %}}/{{% endfor %}}/{{% endblock %}} 是否成对。"),
    (re.compile(r"unexpected end of template|Missing end of"), "模板在结束前缺少收尾",
     "请检查 {{% if %}}、{{% for %}}、{{% raw %}}、{{# #}} 是否都已闭合。"),
]


_DEFAULT_SYNTAX_HINT = "请检查 {{ }} 与 {% %} 是否成对、{% if %}/{% for %} 是否有对应的 {% endif %}/{% endfor %}。"


def _syntax_error(error: jinja2.TemplateSyntaxError) -> TemplateError:
    where = error.filename or error.name
    location = Location(Path(where), error.lineno) if where else None
    for pattern, message, hint in _SYNTAX_MESSAGES:
        match = pattern.search(error.message or "")
        if match:
            return TemplateError(message.format(*match.groups()), location, hint.format(*match.groups()))
    return TemplateError(f"模板语法错误：{error.message}", location, _DEFAULT_SYNTAX_HINT)


def _as_template_error(error: Exception, where: Location | None = None) -> TemplateError:
    if isinstance(error, jinja2.TemplateSyntaxError):
        return _syntax_error(error)
    location = _template_location(error) or where
    if isinstance(error, jinja2.TemplateNotFound):
        return TemplateError(f"找不到模板文件“{error.name}”", location, "请检查 include/extends 中的文件名。")
    if isinstance(error, jinja2.UndefinedError):
        message = str(error)
        hint = "请检查名称是否与 facts.yaml 中的键一致（分组用“.”连接）；可选的部分可用 {% if 名称 is defined %} 包起来。"
        if "没有填写" in message:
            hint = "请在 facts.yaml 中填写该项；若今年没有这项数据，可删除这一行或在模板中用 {% if … is defined %} 跳过。"
        return TemplateError(message, location, hint)

    if isinstance(error, FilterError):
        return TemplateError(str(error), location, "请检查这一行过滤器作用的事实是否选对（README 中有过滤器一览）。")
    if isinstance(error, NumberFormatError):
        return TemplateError(error.message, location, error.hint)
    if isinstance(error, LimitError):
        return TemplateError(f"模板执行了不允许的操作（超出限制）：{error}", location, "报告用不到这么大的内容；请检查这一行的循环、宏或格式宽度。")
    if isinstance(error, SecurityError):
        return TemplateError(f"模板执行了不允许的操作：{error}", location, "模板只能引用事实、文字和数字，使用 zongjie 提供的过滤器。")
    if isinstance(error, RecursionError):
        return TemplateError("模板嵌套过深：include/extends 互相包含形成了循环", location, "请检查这一行包含的文件是否又包含了自己。")
    if isinstance(error, TypeError) and ("Fact" in str(error) or "FactGroup" in str(error)):
        return TemplateError(
            "事实不能直接做运算或当作函数使用", location,
            "加减请用 合计()、差额()，比例用 占比()；取数值用 .值（如 {{ 参保.参保人数.值 }}）。",
        )
    if isinstance(error, TypeError) and ("argument" in str(error)):
        return TemplateError(f"过滤器或函数的参数个数不对（{error}）", location, "请对照 README“过滤器”一节中的用法。")
    return TemplateError(
        f"模板执行出错：{type(error).__name__}: {error}",
        location,
        "请检查该行用到的事实是否为数字、过滤器的用法是否正确。",
    )
