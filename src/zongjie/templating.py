"""Rendering templates and narrative to Markdown: Jinja, sandboxed and strict.

Templates are shared between bureaus, so they are semi-trusted: they render in Jinja's
immutable sandbox, with string repetition and powers bounded, and a loader that refuses
paths (or symlinks) leading out of the template folders. An undefined name is an error that
names the fact and the template line, never an empty string.

Template lookup, most specific first: `content/<地区>/<年度>/templates/`,
`content/<地区>/templates/`, `templates/<模板>/`, then `templates/` itself, so a district
overrides a single partial by a file of the same name, or extends the shared template by its
full name (`{% extends "医保年度工作总结/正文.md" %}`) and overrides one block.
"""

from __future__ import annotations

import contextvars
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import jinja2
from jinja2.exceptions import SecurityError
from jinja2.loaders import split_template_path
from jinja2.sandbox import ImmutableSandboxedEnvironment

from zongjie.errors import Location, TemplateError, ZongjieError
from zongjie.facts import Fact, FactGroup, FactList, FactSet
from zongjie.mdsyntax import escape_inline
from zongjie.provenance import SourceTable, TracedNumber, TracedText
from zongjie.script import fold
from zongjie.textio import read_source

MAX_REPEAT = 100_000


class MarkdownText(str):
    """Markdown that goes into the output as it is (rendered narrative), not escaped."""


MAX_LOOP_ITEMS = 1_000_000  # all range() items of one rendering together


@dataclass
class RenderState:
    """What filters and finalize need during one rendering."""

    sources: SourceTable = field(default_factory=SourceTable)
    locale: str = "zh_CN"
    fact_set: FactSet | None = None
    loop_items: int = 0


def bounded_range(*args):
    """range() for templates: the sandbox bounds one range; nested loops are bounded here."""
    from jinja2.sandbox import safe_range

    numbers = safe_range(*args)
    state = current_state()
    state.loop_items += len(numbers)
    if state.loop_items > MAX_LOOP_ITEMS:
        raise SecurityError("循环次数过多")
    return numbers


_STATE: contextvars.ContextVar[RenderState] = contextvars.ContextVar("zongjie_render_state")


def current_state() -> RenderState:
    try:
        return _STATE.get()
    except LookupError:  # filters called outside a rendering (tests, the REPL)
        return RenderState()


# ---- loader --------------------------------------------------------------------------------
class ContainedLoader(jinja2.BaseLoader):
    """Like FileSystemLoader, but reads with our decoding rules and will not follow a
    symlink out of its folders."""

    def __init__(self, dirs: tuple[Path, ...]):
        self.dirs = tuple(directory.resolve() for directory in dirs)

    def get_source(self, environment, template):
        pieces = split_template_path(template)  # rejects ".."
        for directory in self.dirs:
            path = directory.joinpath(*pieces)
            if not path.is_file():
                continue
            if not path.resolve().is_relative_to(directory):
                raise TemplateError(
                    f"模板“{template}”指向模板文件夹之外",
                    Location(path),
                    "出于安全考虑，模板不能是指向别处的链接；请把文件复制进模板文件夹。",
                )
            mtime = path.stat().st_mtime
            return read_source(path).text, str(path), lambda: path.stat().st_mtime == mtime
        raise jinja2.TemplateNotFound(template)

    def list_templates(self):
        names = set()
        for directory in self.dirs:
            for path in directory.rglob("*.md"):
                names.add(path.relative_to(directory).as_posix())
        return sorted(names)


class FactUndefined(jinja2.StrictUndefined):
    """StrictUndefined whose message names the missing fact by its dotted key."""

    __slots__ = ()

    @property
    def _undefined_message(self) -> str:
        name, owner = self._undefined_name, self._undefined_obj
        if self._undefined_hint:
            return self._undefined_hint
        if isinstance(owner, FactGroup):
            key = f"{owner.path}.{name}" if owner.path else str(name)
            empty = owner.empty.get(fold(str(name)))
            if empty is not None:
                return f"事实“{key}”在 {empty} 处没有填写"
            return f"没有事实“{key}”"
        if isinstance(owner, NarrativeSet):
            return f"没有叙述文件“{name}.md”"
        if owner is jinja2.utils.missing:
            facts = current_state().fact_set
            empty = facts.root.empty.get(fold(str(name))) if facts is not None else None
            if empty is not None:
                return f"事实“{name}”在 {empty} 处没有填写"
            return f"没有名为“{name}”的事实或变量"
        return f"“{jinja2.utils.object_type_repr(owner)}”没有“{name}”"


class Sandbox(ImmutableSandboxedEnvironment):
    """Jinja's immutable sandbox, plus bounds on the expressions it does not bound, and fact
    keys that win over Python method names (a fact named `items` is the fact)."""

    intercepted_binops = frozenset(["*", "**"])

    def getattr(self, obj, attribute):
        if isinstance(obj, FactGroup):
            member = obj.members.get(attribute)
            if member is None and isinstance(attribute, str):
                member = obj.members.get(fold(attribute))  # keys are kept in Simplified form
            if member is not None:
                return member
            if attribute not in ("items", "keys", "values", "get"):  # what templates may call on a group
                return self.undefined(obj=obj, name=attribute)
        return super().getattr(obj, attribute)

    def call_binop(self, context, operator, left, right):
        if operator == "**" and isinstance(right, (int, float)) and abs(right) > 64:
            raise SecurityError("指数过大")
        if operator == "*":
            for sized, count in ((left, right), (right, left)):
                if isinstance(sized, (str, list, tuple)) and isinstance(count, int) and len(sized) * count > MAX_REPEAT:
                    raise SecurityError("重复次数过多")
        return super().call_binop(context, operator, left, right)


# ---- environment ---------------------------------------------------------------------------
@lru_cache(maxsize=64)
def environment(search_dirs: tuple[Path, ...], cache_dir: Path | None = None):
    """One Jinja environment per template search path, so compiled templates are reused
    across every district-year that shares it. With `cache_dir`, compiled templates are also
    kept on disk (Jinja's bytecode cache, keyed by file name and source), which spares the next
    run of `zongjie` compiling them again: most of a one-document build's time otherwise."""
    from zongjie.filters import FILTERS, GLOBALS

    bytecode_cache = None
    if cache_dir is not None:
        try:
            cache_dir.mkdir(parents=True, exist_ok=True)
            # the pattern names the source preprocessing (origins.py), so that bytecode compiled
            # without it by an earlier zongjie is not reused
            bytecode_cache = jinja2.FileSystemBytecodeCache(str(cache_dir), "__zongjie_o1_%s.cache")
        except OSError:  # a read-only output folder: compile every time instead
            bytecode_cache = None
    env = Sandbox(
        bytecode_cache=bytecode_cache,
        loader=ContainedLoader(search_dirs),
        undefined=FactUndefined,
        autoescape=False,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        finalize=_finalize,
        extensions=["jinja2.ext.loopcontrols", "zongjie.origins.OriginExtension"],
    )
    env.filters = EitherScript({**env.filters, **{name: _arguments_in_either_script(f) for name, f in FILTERS.items()}})
    env.globals.update({name: _arguments_in_either_script(f) for name, f in GLOBALS.items()})
    env.globals["range"] = bounded_range
    return env


def _arguments_in_either_script(function):
    """`| 保留(小數=1)` is `| 保留(小数=1)`: keyword names folded to Simplified, as the
    functions name them (only when a keyword is given at all)."""
    import functools

    @functools.wraps(function)
    def call(*args, **kwargs):
        if kwargs:
            kwargs = {fold(name): value for name, value in kwargs.items()}
        return function(*args, **kwargs)

    return call


class EitherScript(dict):
    """Filter names in either script: a Traditional template's `| 中文數字` is `| 中文数字`.
    Only a name not found is converted, so Simplified templates pay nothing."""

    def __missing__(self, key):
        folded = fold(key) if isinstance(key, str) else key
        if folded != key and dict.__contains__(self, folded):
            return dict.__getitem__(self, folded)
        raise KeyError(key)

    def __contains__(self, key) -> bool:
        try:
            self[key]
        except KeyError:
            return False
        return True

    def get(self, key, default=None):
        try:
            return self[key]
        except KeyError:
            return default


def _finalize(value):
    """Every `{{ … }}` output passes here: facts are marked with their source, plain values
    are escaped for Markdown, narrative is rendered in place."""
    from zongjie.filters import Derived, fact_text

    state = current_state()
    if isinstance(value, Fact):
        return state.sources.mark(escape_inline(fact_text(value, state.locale)), (value,))
    if isinstance(value, (TracedText, TracedNumber, Derived)):
        return state.sources.mark(escape_inline(str(value)), value.facts)
    if isinstance(value, MarkdownText):
        return value
    if isinstance(value, Narrative):
        return value.render()
    if isinstance(value, (FactGroup, FactList)):
        raise TemplateError(
            f"“{value.path}”是一组事实，不能直接写进正文",
            hint=f"请写出其中具体的一项，如 {{{{ {value.path}.某项 }}}}，或用 {{% for %}} 逐项写出。",
        )
    if value is None:
        raise TemplateError("输出的值为空（None）", hint="请检查该处引用的事实或变量。")
    if isinstance(value, jinja2.Undefined):
        return str(value)  # strict: raises the error that names the missing fact
    if isinstance(value, (Mapping, list, tuple, set)) or callable(value):
        raise TemplateError(
            "这里写出的不是一个值（是一组内容或一个函数）",
            hint="请写出其中具体的一项，如 {{ 叙述.特色亮点 }}、{{ 历年[2022].参保.参保人数 }}；函数要加括号调用。",
        )
    return escape_inline(str(value))


# ---- narrative -----------------------------------------------------------------------------
class Narrative:
    """A narrative Markdown file, rendered in the document's context when first written."""

    def __init__(self, path: Path, render_source):
        self.path = path
        self._render_source = render_source
        self._rendered: MarkdownText | None = None

    def render(self) -> MarkdownText:
        if self._rendered is None:
            self._rendered = MarkdownText(self._render_source(self.path))
        return self._rendered

    def __str__(self) -> str:
        return self.render()


class NarrativeSet(Mapping):
    def __init__(self, narratives: dict[str, Narrative]):
        self._narratives = narratives

    def __getitem__(self, name: str) -> Narrative:
        if name in self._narratives:
            return self._narratives[name]
        wanted = fold(name)  # 醫療救助.md answers 叙述.医疗救助, and the other way
        for known, narrative in self._narratives.items():
            if fold(known) == wanted:
                return narrative
        raise KeyError(name)

    def __iter__(self) -> Iterator[str]:
        return iter(self._narratives)

    def __len__(self) -> int:
        return len(self._narratives)


# What a template can make go wrong: Jinja's own errors (syntax, undefined, sandbox, missing
# include) and the ordinary errors of the expressions it evaluates.
_TEMPLATE_FAILURES = (
    jinja2.TemplateError, TypeError, ValueError, ArithmeticError, LookupError, AttributeError, RecursionError,
)


# ---- rendering -----------------------------------------------------------------------------
@dataclass(frozen=True)
class RenderRequest:
    search_dirs: tuple[Path, ...]
    entry: str
    context: dict
    narrative_paths: dict[str, Path]
    locale: str
    fact_set: FactSet
    cache_dir: Path | None = None


@dataclass(frozen=True)
class Rendered:
    markdown: str
    sources: SourceTable
    # each narrative written into the document, by name: its file and rendered Markdown
    # (zongjie diff maps edited paragraphs back to the narrative they came from)
    narratives: dict[str, tuple[Path, str]] = field(default_factory=dict)


def render(request: RenderRequest) -> Rendered:
    env = environment(request.search_dirs, request.cache_dir)
    state = RenderState(locale=request.locale, fact_set=request.fact_set)
    token = _STATE.set(state)
    try:
        context = dict(request.context)

        def render_narrative(path: Path) -> str:
            template = _compile_file(env, path)
            return template.render(context)

        narratives = {name: Narrative(path, render_narrative) for name, path in request.narrative_paths.items()}
        context["叙述"] = NarrativeSet(narratives)
        if request.locale != "zh_CN":
            context.setdefault("敘述", context["叙述"])
        template = env.get_template(request.entry)
        markdown = template.render(context)
        written = {name: (n.path, str(n._rendered)) for name, n in narratives.items() if n._rendered is not None}
        return Rendered(markdown, state.sources, written)
    except ZongjieError as error:
        if error.location is None:
            error.location = _template_location(error)
        raise
    except _TEMPLATE_FAILURES as error:
        raise _as_template_error(error) from None
    finally:
        _STATE.reset(token)


@lru_cache(maxsize=64)
def _compiled(env, path: Path, text: str):
    """A narrative file compiled (through the environment's bytecode cache, if it has one)."""
    cache = env.bytecode_cache
    bucket = cache.get_bucket(env, path.name, str(path), text) if cache is not None else None
    code = bucket.code if bucket is not None else None
    if code is None:
        try:
            code = env.compile(text, name=path.name, filename=str(path))
        except jinja2.TemplateSyntaxError as error:  # some lexer errors come without the file
            error.filename = error.filename or str(path)
            raise
        if bucket is not None:
            bucket.code = code
            cache.set_bucket(bucket)
    return env.template_class.from_code(env, code, env.make_globals(None))


def _compile_file(env, path: Path):
    return _compiled(env, path, read_source(path).text)


def compile_all(search_dirs: tuple[Path, ...]) -> None:
    """Compile every template (zongjie check), so that a syntax error is reported at its line
    even in a part the checked documents do not use."""
    env = environment(search_dirs)
    try:
        for name in env.list_templates():
            env.get_template(name)
    except _TEMPLATE_FAILURES as error:
        raise _as_template_error(error) from None


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


def _as_template_error(error: Exception) -> TemplateError:
    if isinstance(error, jinja2.TemplateSyntaxError):
        return _syntax_error(error)
    location = _template_location(error)
    if isinstance(error, jinja2.TemplateNotFound):
        return TemplateError(f"找不到模板文件“{error.name}”", location, "请检查 include/extends 中的文件名。")
    if isinstance(error, jinja2.UndefinedError):
        message = str(error)
        hint = "请检查名称是否与 facts.yaml 中的键一致（分组用“.”连接）；可选的部分可用 {% if 名称 is defined %} 包起来。"
        if "没有填写" in message:
            hint = "请在 facts.yaml 中填写该项；若今年没有这项数据，可删除这一行或在模板中用 {% if … is defined %} 跳过。"
        return TemplateError(message, location, hint)
    from zongjie.errors import NumberFormatError
    from zongjie.filters import FilterError

    if isinstance(error, FilterError):
        return TemplateError(str(error), location, "请检查这一行过滤器作用的事实是否选对（README 中有过滤器一览）。")
    if isinstance(error, NumberFormatError):
        return TemplateError(error.message, location, error.hint)
    if isinstance(error, SecurityError):
        return TemplateError(f"模板执行了不允许的操作：{error}", location, "模板只能引用事实和使用 zongjie 提供的过滤器。")
    if isinstance(error, RecursionError):
        return TemplateError("模板互相包含（include/extends）形成了循环", location, "请检查这一行包含的文件是否又包含了自己。")
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
