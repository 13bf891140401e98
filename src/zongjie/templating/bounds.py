"""How much a template may make: bounds on sizes, loops, call depth and time.

Templates travel between bureaus and can otherwise take the machine: every string a template
builds is at most `MAX_STRING` characters, format widths at most `MAX_FORMAT_WIDTH`, integers
at most `MAX_INT_BITS` bits, all loops of one rendering together `MAX_LOOP_ITEMS` items, macro
and function calls `MAX_CALL_DEPTH` deep, one document `MAX_OUTPUT` characters and
`MAX_RENDER_SECONDS` seconds. What a template may *reach* is allowlist.py.
"""

from __future__ import annotations

import contextvars
import re
import string
import time
from decimal import Decimal

import jinja2
from jinja2 import nodes
from jinja2.exceptions import SecurityError
from jinja2.visitor import NodeTransformer

MAX_STRING = 1_000_000  # characters in one string a template builds
MAX_OUTPUT = 5_000_000  # characters in one rendered document (a year's summary is ~30,000)
MAX_FORMAT_WIDTH = 1_000
MAX_INT_BITS = 4_096
MAX_POWER = 64
MAX_LOOP_ITEMS = 1_000_000  # all loop items of one rendering together
MAX_CALL_DEPTH = 40  # macro/function calls inside each other
MAX_RENDER_SECONDS = 20.0
MAX_LIST_ITEMS = 100_000  # lists a filter builds (batch, slice)
MAX_ALLOCATED = 50_000_000  # characters all the strings one rendering builds may add up to


class LimitError(SecurityError):
    """A template went over one of the bounds above; the message is the user's."""


# ---- bounds on what templates build --------------------------------------------------------
def check_string_size(size: int, what: str = "生成的文字") -> None:
    if size > MAX_STRING:
        raise LimitError(f"{what}过长（{size:,} 字，上限 {MAX_STRING:,} 字）")
    budget = CURRENT_BUDGET.get(None)
    if budget is not None:
        budget.spend(size)


def weight(value, limit: int = MAX_STRING) -> int:
    """Characters and items a value holds, nested lists included (stops counting past `limit`):
    `[[1] * 100000] * 100000` is small to build but huge to print."""
    if isinstance(value, str):
        return len(value)
    if isinstance(value, (list, tuple)):
        total = len(value)
        for item in value:
            if total > limit:
                break
            if isinstance(item, (str, list, tuple)):
                total += weight(item, limit - total)
        return total
    return 1


def _check_width(number: str) -> None:
    if int(number) > MAX_FORMAT_WIDTH:
        raise LimitError(f"格式宽度或精度 {number} 过大（上限 {MAX_FORMAT_WIDTH}）")


_PERCENT_SPEC = re.compile(r"%(?:\([^)]*\))?[#0\- +]*(\*|\d+)?(?:\.(\*|\d*))?[hlL]?([a-zA-Z%]?)")


def check_percent_format(text: str) -> None:
    """`'%050000000d' % 1` or `|format`: widths and precisions bounded, `*` refused, and no
    `%r`/`%a` (the Python representation of an object is not a report's text)."""
    for match in _PERCENT_SPEC.finditer(text):
        if match.group(3) in ("r", "a"):
            raise LimitError("格式中不能用 %r 或 %a")
        for number in match.groups()[:2]:
            if number == "*":
                raise LimitError("格式中不能用 * 指定宽度")
            if number:
                _check_width(number)


def check_brace_format(text: str) -> None:
    """`'{:>100000000}'.format(1)`: the same bounds for str.format."""
    for _, _, spec, conversion in string.Formatter().parse(text):
        if conversion in ("r", "a"):
            raise LimitError("格式中不能用 !r 或 !a")
        if not spec:
            continue
        if "{" in spec:
            raise LimitError("格式说明里不能再嵌套 {}")
        for number in re.findall(r"\d+", spec):
            _check_width(number)


def bounded_binop(operator: str, left, right):
    """`*`, `**`, `+`, `%` checked before they run, so a huge result is never built."""
    if operator == "**":
        if isinstance(right, (int, float, Decimal)) and abs(Decimal(right)) > MAX_POWER:
            raise LimitError("指数过大")
        if isinstance(left, int) and isinstance(right, int) and left.bit_length() * abs(right) > MAX_INT_BITS:
            raise LimitError("乘方的结果过大")
    elif operator == "*":
        for sized, count in ((left, right), (right, left)):
            if isinstance(sized, (str, list, tuple)) and isinstance(count, int) and not isinstance(count, bool):
                check_string_size(max(weight(sized), 1) * max(count, 0), "重复生成的内容")
        if isinstance(left, int) and isinstance(right, int) and left.bit_length() + right.bit_length() > MAX_INT_BITS:
            raise LimitError("乘积过大")
    elif operator == "+":
        if isinstance(left, (str, list, tuple)) and isinstance(right, (str, list, tuple)):
            check_string_size(weight(left) + weight(right), "拼接的内容")
    elif operator == "%" and isinstance(left, str):
        check_percent_format(left)
    result = {
        "*": lambda: left * right, "**": lambda: left ** right, "+": lambda: left + right, "%": lambda: left % right,
    }[operator]()
    if isinstance(result, str):
        check_string_size(len(result))
    return result


def bounded_concat(parts) -> str:
    """`a ~ b`: the strings are measured before they are joined."""
    texts = [jinja2.utils.markupsafe.soft_str(part) if not isinstance(part, str) else part for part in parts]
    check_string_size(sum(len(text) for text in texts), "拼接的文字")
    return "".join(texts)


def bounded_str_method(text: str, name: str, method):
    """str methods that can make a string much longer, with their result measured first."""
    def padded(width, *args):
        if isinstance(width, int):
            check_string_size(width)
        return method(width, *args)

    def replaced(old, new, count=-1):
        if isinstance(old, str) and isinstance(new, str):
            hits = text.count(old) if old else len(text) + 1
            if count is not None and count >= 0:
                hits = min(hits, count)
            check_string_size(len(text) + hits * (len(new) - len(old)))
        return method(old, new, count)

    def joined(items):
        items = list(items)
        check_string_size(sum(len(str(item)) for item in items) + len(text) * max(len(items) - 1, 0))
        return method(items)

    return {"center": padded, "ljust": padded, "rjust": padded, "zfill": padded,
            "replace": replaced, "join": joined}.get(name, method)


GROWING_STR_METHODS = frozenset({"center", "ljust", "rjust", "zfill", "replace", "join"})


# ---- Jinja's own filters that can grow without bound ---------------------------------------
def bounded_filters(builtin: dict) -> dict:
    """Replacements for Jinja's filters that build strings or lists from a size argument."""
    from jinja2 import filters as jf

    def do_format(value, *args, **kwargs):
        text = str(value)
        check_percent_format(text)
        result = jf.do_format(text, *args, **kwargs)
        check_string_size(len(result))
        return result

    def do_center(value, width=80):
        check_string_size(int(width))
        return jf.do_center(value, width)

    def do_indent(value, width=4, first=False, blank=False):
        text = str(value)
        unit = len(width) if isinstance(width, str) else int(width)
        check_string_size(len(text) + (text.count("\n") + 1) * unit)
        return jf.do_indent(text, width, first, blank)

    @jinja2.pass_eval_context
    def do_replace(eval_ctx, value, old, new, count=None):
        text, old_text, new_text = str(value), str(old), str(new)
        hits = text.count(old_text) if old_text else len(text) + 1
        if count is not None:
            hits = min(hits, int(count))
        check_string_size(len(text) + hits * (len(new_text) - len(old_text)))
        return jf.do_replace(eval_ctx, value, old, new, count)

    @jinja2.pass_eval_context
    def do_join(eval_ctx, value, d="", attribute=None):
        items = list(value) if attribute is None else value
        if attribute is None:
            check_string_size(sum(len(str(item)) for item in items) + len(str(d)) * max(len(items) - 1, 0))
        result = jf.do_join(eval_ctx, items, d, attribute)
        check_string_size(len(result))
        return result

    @jinja2.pass_environment
    def do_wordwrap(environment, s, width=79, break_long_words=True, wrapstring=None, break_on_hyphens=True):
        text = str(s)
        extra = len(wrapstring) if isinstance(wrapstring, str) else 1
        check_string_size(len(text) + (len(text) // max(int(width), 1) + 1) * extra)
        return jf.do_wordwrap(environment, text, width, break_long_words, wrapstring, break_on_hyphens)

    def do_batch(value, linecount, fill_with=None):
        if int(linecount) > MAX_LIST_ITEMS:
            raise LimitError(f"batch 的每组个数 {linecount} 过大")
        return jf.do_batch(value, linecount, fill_with)

    def do_slice(value, slices, fill_with=None):
        if int(slices) > MAX_LIST_ITEMS:
            raise LimitError(f"slice 的份数 {slices} 过大")
        return jf.do_slice(value, slices, fill_with)

    replaced = dict(builtin)
    replaced.update(format=do_format, center=do_center, indent=do_indent, replace=do_replace, join=do_join,
                    wordwrap=do_wordwrap, batch=do_batch, slice=do_slice)
    for name in ("pprint", "xmlattr", "urlize"):  # show Python internals or build markup: not for a report
        replaced.pop(name, None)
    return replaced


# ---- per-rendering counters: loops, calls, output, time ------------------------------------
class Budget:
    """What one rendering has spent of its bounds."""

    def __init__(self) -> None:
        self.loop_items = 0
        self.call_depth = 0
        self.allocated = 0
        self.deadline = time.monotonic() + MAX_RENDER_SECONDS

    def spend(self, size: int) -> None:
        self.allocated += size
        if self.allocated > MAX_ALLOCATED:
            raise LimitError(f"模板生成的文字合计过多（上限 {MAX_ALLOCATED:,} 字）")

    def check_time(self) -> None:
        if time.monotonic() > self.deadline:
            raise LimitError(f"模板运行时间超过 {MAX_RENDER_SECONDS:g} 秒")

    def count_items(self, count: int) -> None:
        self.loop_items += count
        if self.loop_items > MAX_LOOP_ITEMS:
            raise LimitError(f"循环次数过多（一份文档合计上限 {MAX_LOOP_ITEMS:,} 次）")


CURRENT_BUDGET: contextvars.ContextVar[Budget] = contextvars.ContextVar("zongjie_render_budget")


def bounded_join(parts) -> str:
    """Jinja's `concat` (macro bodies, {% set %} and {% filter %} blocks): measured first."""
    parts = parts if isinstance(parts, list) else list(parts)
    check_string_size(sum(len(part) for part in parts), "模板块生成的文字")
    return "".join(parts)


def bounded_iter(budget: Budget, iterable):
    """Every `{% for %}` loops through here: items counted, time checked."""
    budget.check_time()
    if isinstance(iterable, jinja2.Undefined):  # a missing group: Jinja says what is missing
        return iterable
    try:
        size = len(iterable)
    except TypeError:
        return _counted(budget, iterable)
    budget.count_items(size)
    return iterable


def _counted(budget: Budget, iterable):
    for number, item in enumerate(iterable):
        if number % 1000 == 0:
            budget.count_items(1000)
            budget.check_time()
        yield item


class BoundsTransformer(NodeTransformer):
    """Rewrites a parsed template so that every loop and every `~` goes through the bounds."""

    def visit_For(self, node: nodes.For) -> nodes.Node:
        self.generic_visit(node)  # in place: a For stays a For
        node.iter = nodes.Call(nodes.EnvironmentAttribute("zongjie_iter"), [node.iter], [], None, None,
                               lineno=node.iter.lineno)
        return node

    def visit_Concat(self, node: nodes.Concat) -> nodes.Node:
        self.generic_visit(node)
        return nodes.Call(nodes.EnvironmentAttribute("zongjie_concat"), [nodes.List(node.nodes, lineno=node.lineno)],
                          [], None, None, lineno=node.lineno)


def collect_output(chunks) -> str:
    """A template's output, stopped at `MAX_OUTPUT` characters (the time is checked in the
    template's own loops and calls, where the error can name its line)."""
    parts: list[str] = []
    size = 0
    for chunk in chunks:
        size += len(chunk)
        if size > MAX_OUTPUT:
            raise LimitError(f"模板生成的内容过长（超过 {MAX_OUTPUT:,} 字）")
        parts.append(chunk)
    return "".join(parts)
