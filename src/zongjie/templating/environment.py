"""The Jinja environment templates render in: sandboxed, strict, contained.

Templates are shared between bureaus, so they are semi-trusted: they render in Jinja's
immutable sandbox narrowed to an allowlist of what they may reach (allowlist.py; bounds.py bounds sizes
and time), a loader refuses paths (or symlinks) leading out of the template folders, and compiled
templates are cached only in the user's private cache folder (privatecache.py).
"""

from __future__ import annotations

import functools
import hashlib
import importlib.util
import marshal
import shutil
import sys
from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path
from types import FrameType

import jinja2
from jinja2.exceptions import SecurityError
from jinja2.loaders import split_template_path
from jinja2.sandbox import ImmutableSandboxedEnvironment

from zongjie.document.mdsyntax import escape_inline
from zongjie.errors import TemplateError
from zongjie.inputs.facts import Fact, FactGroup, FactList, default_text
from zongjie.inputs.textio import read_source
from zongjie.location import Location
from zongjie.privatecache import private_dir, read_private, write_private
from zongjie.script import fold
from zongjie.templating.allowlist import allowed_attribute, refusal_message
from zongjie.templating.bounds import (
    GROWING_STR_METHODS,
    MAX_CALL_DEPTH,
    BoundsTransformer,
    LimitError,
    bounded_binop,
    bounded_concat,
    bounded_filters,
    bounded_iter,
    bounded_join,
    bounded_str_method,
    check_brace_format,
    check_string_size,
)
from zongjie.templating.filters import FILTERS, GLOBALS, Derived
from zongjie.templating.placeholders import (
    DROP,
    OptionalMissing,
    Placeholder,
    declared_location,
    undefined_key,
)
from zongjie.templating.provenance import TracedNumber, TracedText
from zongjie.templating.state import (
    MarkdownText,
    Narrative,
    NarrativeSet,
    RenderState,
    current_state,
)


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
            # still current while this file keeps its modification time (bound now, not at call time)
            return read_source(path).text, str(path), lambda path=path, mtime=mtime: path.stat().st_mtime == mtime
        raise jinja2.TemplateNotFound(template)

    def list_templates(self):
        return sorted(self.template_files())

    def template_files(self) -> dict[str, Path]:
        """Each template file once (name → file), by the first name that reaches it: the
        template's own folder comes before the templates folder that holds it, and 正文.md is
        not listed again as 医保年度工作总结/正文.md (nor compiled twice, under a name the
        build never uses)."""
        files: dict[str, Path] = {}
        seen: set[Path] = set()
        for directory in self.dirs:
            for path in sorted(directory.rglob("*.md")):
                name, file = path.relative_to(directory).as_posix(), path.resolve()
                if name not in files and file not in seen:
                    files[name] = file
                    seen.add(file)
        return files


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
    """Jinja's immutable sandbox narrowed to an allowlist (allowlist.py), with bounds on what
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
        self.folder = folder
        self.header = b"zongjie-jinja\n" + importlib.util.MAGIC_NUMBER + b"\n"

    def load_bytecode(self, bucket) -> None:

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

        data = self.header + bucket.checksum.encode("ascii") + b"\n" + marshal.dumps(bucket.code)
        write_private(self.folder / f"{bucket.key}.cache", data)


# The modules whose code shapes compiled templates (the sandbox's code generator, the bounds'
# rewriting, the origin tags): a change to any of them is a new cache.
_COMPILER_MODULES = ("zongjie.templating.environment", "zongjie.templating.bounds", "zongjie.templating.origins")


def _module_source(name: str) -> bytes:
    spec = importlib.util.find_spec(name)
    assert spec is not None and spec.origin is not None, name  # our own modules
    return Path(spec.origin).read_bytes()


@lru_cache(maxsize=1)  # the modules' source does not change while the process runs
def _compiler_version() -> str:
    return hashlib.blake2b(b"".join(_module_source(name) for name in _COMPILER_MODULES) + jinja2.__version__.encode(),
                           digest_size=8).hexdigest()


def _bytecode_cache() -> PrivateBytecodeCache | None:
    """The private cache of this version of the sandbox (its rewriting is in the code)."""
    folder = private_dir(f"jinja-{_compiler_version()}")
    if folder is not None and not any(folder.iterdir()):  # a new version: drop the old ones' caches
        for old in folder.parent.glob("jinja-*"):
            if old != folder and old.is_dir() and not old.is_symlink():
                shutil.rmtree(old, ignore_errors=True)
    return PrivateBytecodeCache(folder) if folder is not None else None


@lru_cache(maxsize=64)
def environment(search_dirs: tuple[Path, ...]):
    """One Jinja environment per template search path, so compiled templates are reused
    across every district-year that shares it, and across runs through the private cache."""
    env = Sandbox(
        bytecode_cache=_bytecode_cache(),
        loader=ContainedLoader(search_dirs),
        undefined=FactUndefined,
        autoescape=False,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        finalize=_finalize,
        extensions=["jinja2.ext.loopcontrols", "zongjie.templating.origins.OriginExtension"],
    )
    env.filters = EitherScript({**bounded_filters(env.filters),
                                **{name: _arguments_in_either_script(f) for name, f in FILTERS.items()}})
    env.globals.pop("lipsum", None)  # placeholder text: nothing a report needs, and unbounded
    env.globals.update({name: _arguments_in_either_script(f) for name, f in GLOBALS.items()})
    return env


def _arguments_in_either_script(function):
    """`| 保留(小數=1)` is `| 保留(小数=1)`: keyword names folded to Simplified, as the
    functions name them (only when a keyword is given at all)."""
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
    state = current_state()
    state.budget.check_time()
    if isinstance(value, str):  # every output counts, also inside {% set %} blocks and macros
        check_string_size(len(value), "输出的文字")
    if isinstance(value, Fact):
        return state.sources.mark(escape_inline(default_text(value.value)), (value,))
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
    frame: FrameType | None = sys._getframe(1)
    while frame is not None:
        template = frame.f_globals.get("__jinja_template__")
        if template is not None and template.filename:
            return Location(Path(template.filename), template.get_corresponding_lineno(frame.f_lineno))
        frame = frame.f_back
    return None
