"""Rendering templates and narrative to Markdown: Jinja, sandboxed and strict.

Templates are shared between bureaus, so they are semi-trusted: they render in Jinja's
immutable sandbox narrowed to an allowlist of what they may reach, with the size of what
they build and the time they take bounded (sandbox.py), and a loader that refuses paths
(or symlinks) leading out of the template folders. Compiled templates are cached only in the
user's private cache folder (privatecache.py), never in the workspace or its build folder:
nothing a shared folder holds is ever loaded as code. An undefined name is an error that
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
from zongjie.placeholders import OptionalMissing
from zongjie.provenance import SourceTable, TracedNumber, TracedText
from zongjie.sandbox import (
    CURRENT_BUDGET, GROWING_STR_METHODS, MAX_CALL_DEPTH, BoundsTransformer, Budget, LimitError, allowed_attribute,
    bounded_binop, bounded_concat, bounded_filters, bounded_iter, bounded_join, bounded_str_method,
    check_brace_format, check_string_size, collect_output, refusal_message,
)
from zongjie.script import fold
from zongjie.textio import read_source


class MarkdownText(str):
    """Markdown that goes into the output as it is (rendered narrative), not escaped."""


@dataclass
class RenderState:
    """What filters and finalize need during one rendering."""

    sources: SourceTable = field(default_factory=SourceTable)
    locale: str = "zh_CN"
    fact_set: FactSet | None = None
    budget: Budget = field(default_factory=Budget)
    # missing facts: "raise" at the first (the default), "collect" them all (a final build),
    # or "draft" (collect, and write placeholders the writer sees); see placeholders.py
    missing: str = "raise"
    placeholders: list = field(default_factory=list)
    year: int | None = None
    previous: FactSet | None = None  # the year 上年 refers to (the latest earlier one)
    fact_files: tuple[Path, ...] = ()  # where a missing key is to be filled (a city: its members' too)


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
        if type(owner).__name__ == "YearsOfDistrict":
            return f"历年中没有“{name}”：只能写本地区已有的年度，如 历年[2022]"
        if owner is jinja2.utils.missing:
            facts = current_state().fact_set
            empty = facts.root.empty.get(fold(str(name))) if facts is not None else None
            if empty is not None:
                return f"事实“{name}”在 {empty} 处没有填写"
            return f"没有名为“{name}”的事实或变量"
        return f"“{jinja2.utils.object_type_repr(owner)}”没有“{name}”"

    def chained(self, attribute) -> "FactUndefined":
        """`a.b` of an undefined `a`: undefined too (so `is defined` answers), named `a.b`.
        A group's method (`a.items()`) stays `a`, which is what is missing."""
        from zongjie.placeholders import undefined_key

        if attribute in GROUP_METHODS:
            return self
        return FactUndefined(name=f"{undefined_key(self)}.{attribute}", exc=self._undefined_exception)

    def __call__(self, *args, **kwargs):
        return self  # `a.items()` of a missing group: still the missing group

    def __getattr__(self, name):
        # A template's `a.b` goes through Sandbox.getattr (→ chained); what reaches here are
        # Jinja's own hasattr() questions before a call, which a missing group answers "no".
        raise AttributeError(name)

    def __iter__(self):
        """A loop over a missing group: strict, unless missing facts are being collected (a
        final build naming them all, or a draft), when it is listed and the loop is empty."""
        state = current_state()
        if state.missing == "raise":
            return super().__iter__()
        _placeholder(self, state)
        return iter(())


GROUP_METHODS = ("items", "keys", "values", "get")  # what templates may call on a group


class Sandbox(ImmutableSandboxedEnvironment):
    """Jinja's immutable sandbox narrowed to an allowlist (sandbox.py), with bounds on what
    it does not bound, and fact keys that win over Python method names (a fact named `items`
    is the fact)."""

    intercepted_binops = frozenset(["*", "**", "+", "%"])
    concat = staticmethod(bounded_join)

    def is_safe_attribute(self, obj, attr, value) -> bool:
        return allowed_attribute(obj, attr)

    def unsafe_undefined(self, obj, attribute):
        # refused at once: an undefined value would be taken for a fact not yet filled in
        raise SecurityError(refusal_message(obj, attribute))

    def getattr(self, obj, attribute):
        if isinstance(attribute, str) and attribute.startswith("_"):  # Python's internals: refused, not "missing"
            raise SecurityError(refusal_message(obj, attribute))
        if isinstance(obj, FactUndefined):  # 上年.参保.参保人数 with no 上年: still undefined, named in full
            return obj.chained(attribute)
        if isinstance(obj, FactGroup):
            member = obj.members.get(attribute)
            if member is None and isinstance(attribute, str):
                member = obj.members.get(fold(attribute))  # keys are kept in Simplified form
            if member is not None:
                return member
            if attribute not in GROUP_METHODS:
                return self.undefined(obj=obj, name=attribute)
        value = super().getattr(obj, attribute)
        if isinstance(obj, str) and attribute in GROWING_STR_METHODS and allowed_attribute(obj, attribute):
            return bounded_str_method(obj, attribute, value)
        return value

    def getitem(self, obj, argument):
        if isinstance(obj, FactUndefined) and isinstance(argument, (str, int)):
            return obj.chained(argument)
        value = super().getitem(obj, argument)
        if isinstance(obj, str) and argument in GROWING_STR_METHODS and callable(value):
            return bounded_str_method(obj, argument, value)
        return value

    def wrap_str_format(self, value):
        wrapper = super().wrap_str_format(value)
        if wrapper is None:
            return None
        text = value.__self__

        def bounded(*args, **kwargs):
            check_brace_format(text)
            result = wrapper(*args, **kwargs)
            check_string_size(len(result))
            return result

        return bounded

    def call(__self, __context, __obj, *args, **kwargs):  # noqa: N805 (Jinja's own signature)
        budget = current_state().budget
        budget.check_time()
        if budget.call_depth >= MAX_CALL_DEPTH:
            raise LimitError(f"宏或函数调用嵌套超过 {MAX_CALL_DEPTH} 层（可能是宏调用了自己）")
        budget.call_depth += 1
        try:
            return super().call(__context, __obj, *args, **kwargs)
        finally:
            budget.call_depth -= 1


    def call_binop(self, context, operator, left, right):
        return bounded_binop(operator, left, right)

    def _parse(self, source, name, filename):
        return BoundsTransformer().visit(super()._parse(source, name, filename))

    # reached from templates rewritten by BoundsTransformer
    def zongjie_iter(self, iterable):
        return bounded_iter(current_state().budget, iterable)

    def zongjie_concat(self, parts):
        return bounded_concat(parts)


# ---- environment ---------------------------------------------------------------------------
class PrivateBytecodeCache(jinja2.BytecodeCache):
    """Jinja's compiled templates, kept in the user's private cache folder: compiling is most
    of a one-document build's time. Our own file format (Jinja's unpickles its checksum):
    Python's magic number, the source's checksum, then the marshalled code. A damaged or
    foreign file is a miss, never an error."""

    def __init__(self, folder: Path):
        import importlib.util

        self.folder = folder
        self.header = b"zongjie-jinja\n" + importlib.util.MAGIC_NUMBER + b"\n"

    def load_bytecode(self, bucket) -> None:
        import marshal

        from zongjie.privatecache import read_private

        data = read_private(self.folder / f"{bucket.key}.cache")
        if data is None or not data.startswith(self.header):
            return
        checksum, newline, code = data[len(self.header):].partition(b"\n")
        if not newline or checksum.decode("ascii", "replace") != bucket.checksum:
            return
        try:
            bucket.code = marshal.loads(code)
        except (EOFError, ValueError, TypeError):  # truncated: compile again
            bucket.reset()

    def dump_bytecode(self, bucket) -> None:
        import marshal

        from zongjie.privatecache import write_private

        data = self.header + bucket.checksum.encode("ascii") + b"\n" + marshal.dumps(bucket.code)
        write_private(self.folder / f"{bucket.key}.cache", data)


def _bytecode_cache() -> PrivateBytecodeCache | None:
    """The private cache of this version of the sandbox (its rewriting is in the code)."""
    import hashlib

    from zongjie.privatecache import private_dir

    here = Path(__file__).resolve().parent
    key = hashlib.blake2b(
        b"".join((here / name).read_bytes() for name in ("templating.py", "sandbox.py", "origins.py"))
        + jinja2.__version__.encode(),
        digest_size=8,
    ).hexdigest()
    folder = private_dir(f"jinja-{key}")
    if folder is not None and not any(folder.iterdir()):  # a new version: drop the old ones' caches
        import shutil

        for old in folder.parent.glob("jinja-*"):
            if old != folder and old.is_dir() and not old.is_symlink():
                shutil.rmtree(old, ignore_errors=True)
    return PrivateBytecodeCache(folder) if folder is not None else None


@lru_cache(maxsize=64)
def environment(search_dirs: tuple[Path, ...]):
    """One Jinja environment per template search path, so compiled templates are reused
    across every district-year that shares it, and across runs through the private cache."""
    from zongjie.filters import FILTERS, GLOBALS

    env = Sandbox(
        bytecode_cache=_bytecode_cache(),
        loader=ContainedLoader(search_dirs),
        undefined=FactUndefined,
        autoescape=False,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        finalize=_finalize,
        extensions=["jinja2.ext.loopcontrols", "zongjie.origins.OriginExtension"],
    )
    env.filters = EitherScript({**bounded_filters(env.filters),
                                **{name: _arguments_in_either_script(f) for name, f in FILTERS.items()}})
    env.globals.pop("lipsum", None)  # placeholder text: nothing a report needs, and unbounded
    env.globals.update({name: _arguments_in_either_script(f) for name, f in GLOBALS.items()})
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
    state.budget.check_time()
    if isinstance(value, str):  # every output counts, also inside {% set %} blocks and macros
        check_string_size(len(value), "输出的文字")
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
        if state.missing == "raise":
            return str(value)  # strict: raises the error that names the missing fact
        return _placeholder(value, state)
    if isinstance(value, OptionalMissing):
        return _placeholder(value.undefined, state, optional=True)
    if isinstance(value, (Mapping, list, tuple, set)) or callable(value):
        raise TemplateError(
            "这里写出的不是一个值（是一组内容或一个函数）",
            hint="请写出其中具体的一项，如 {{ 叙述.特色亮点 }}、{{ 历年[2022].参保.参保人数 }}；函数要加括号调用。",
        )
    return escape_inline(str(value))


def _placeholder(value: jinja2.Undefined, state: RenderState, optional: bool = False) -> str:
    """A missing fact, recorded; in a draft written as a marked 【待填：…】, in a final build
    as nothing (the build then refuses the document, naming every missing fact). An optional
    figure whose line is not in facts.yaml at all is simply left out (its clause dropped)."""
    from zongjie.placeholders import DROP, Placeholder, declared_location, undefined_key

    key = undefined_key(value)
    facts_path = state.fact_set.path if state.fact_set is not None else None
    declared = next(filter(None, (declared_location(path, key) for path in state.fact_files)), None)
    if optional and declared is None:  # the line deleted: no such figure this year
        return DROP
    location = declared or _calling_template_line() or (Location(facts_path) if facts_path else None)
    placeholder = Placeholder(key, location, optional, declared is not None)
    state.placeholders.append(placeholder)
    if state.missing == "draft":
        return state.sources.mark_placeholder(escape_inline(placeholder.text), placeholder)
    return DROP


def _calling_template_line() -> Location | None:
    """The template line being rendered (for a key the template asks for that facts.yaml does
    not have at all: most likely a typo in the template)."""
    import sys

    frame = sys._getframe(1)
    while frame is not None:
        template = frame.f_globals.get("__jinja_template__")
        if template is not None and template.filename:
            return Location(Path(template.filename), template.get_corresponding_lineno(frame.f_lineno))
        frame = frame.f_back
    return None


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
    missing: str = "raise"  # or "collect" / "draft", see RenderState
    year: int | None = None
    previous: FactSet | None = None
    fact_files: tuple[Path, ...] = ()


@dataclass(frozen=True)
class Rendered:
    markdown: str
    sources: SourceTable
    # each narrative written into the document, by name: its file and rendered Markdown
    # (zongjie diff maps edited paragraphs back to the narrative they came from)
    narratives: dict[str, tuple[Path, str]] = field(default_factory=dict)
    placeholders: tuple = ()  # facts the template asked for and did not get (placeholders.py)


def render(request: RenderRequest) -> Rendered:
    env = environment(request.search_dirs)
    state = RenderState(locale=request.locale, fact_set=request.fact_set, missing=request.missing,
                        year=request.year, previous=request.previous,
                        fact_files=request.fact_files or ((request.fact_set.path,) if request.fact_set else ()))
    token = _STATE.set(state)
    budget_token = CURRENT_BUDGET.set(state.budget)
    try:
        context = dict(request.context)

        def render_narrative(path: Path) -> str:
            template = _compile_file(env, path)
            try:
                return collect_output(template.generate(context))
            except LimitError as error:  # raised between the narrative's lines: name its file
                raise _as_template_error(error, Location(path)) from None

        narratives = {name: Narrative(path, render_narrative) for name, path in request.narrative_paths.items()}
        context["叙述"] = NarrativeSet(narratives)
        if request.locale != "zh_CN":
            context.setdefault("敘述", context["叙述"])
        template = env.get_template(request.entry)
        try:
            markdown = collect_output(template.generate(context))
        except LimitError as error:
            raise _as_template_error(error, Location(Path(template.filename))) from None
        written = {name: (n.path, str(n._rendered)) for name, n in narratives.items() if n._rendered is not None}
        return Rendered(markdown, state.sources, written, tuple(state.placeholders))
    except ZongjieError as error:
        if error.location is None:
            error.location = _template_location(error)
        raise
    except _TEMPLATE_FAILURES as error:
        raise _as_template_error(error) from None
    finally:
        CURRENT_BUDGET.reset(budget_token)
        _STATE.reset(token)


@lru_cache(maxsize=64)
def _compiled(env, path: Path, text: str):
    """A narrative file compiled (through the private bytecode cache, if there is one)."""
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
    from zongjie.errors import NumberFormatError
    from zongjie.filters import FilterError

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
