"""Rendering templates and narrative to Markdown: Jinja, sandboxed and strict.

Templates are shared between bureaus, so they are semi-trusted: they render in Jinja's
immutable sandbox narrowed to an allowlist of what they may reach, with the size of what
they build and the time they take bounded (allowlist.py, bounds.py), and a loader that refuses paths
(or symlinks) leading out of the template folders. Compiled templates are cached only in the
user's private cache folder (environment.py, privatecache.py), never in the workspace or its build folder:
nothing a shared folder holds is ever loaded as code. An undefined name is an error that
names the fact and the template line, never an empty string.

Template lookup, most specific first: `content/<地区>/<年度>/templates/`,
`content/<地区>/templates/`, `templates/<模板>/`, then `templates/` itself, so a district
overrides a single partial by a file of the same name, or extends the shared template by its
full name (`{% extends "医保年度工作总结/正文.md" %}`) and overrides one block.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import jinja2
from msgspec import Struct, field

from zongjie.errors import ZongjieError
from zongjie.inputs.facts import FactSet
from zongjie.inputs.textio import read_source
from zongjie.location import Location
from zongjie.templating.bounds import (
    CURRENT_BUDGET,
    LimitError,
    collect_output,
)
from zongjie.templating.environment import environment
from zongjie.templating.errors import _as_template_error, _template_location
from zongjie.templating.provenance import SourceTable
from zongjie.templating.state import _STATE, Narrative, NarrativeSet, RenderState

# What a template can make go wrong: Jinja's own errors (syntax, undefined, sandbox, missing
# include) and the ordinary errors of the expressions it evaluates.
_TEMPLATE_FAILURES = (
    jinja2.TemplateError, TypeError, ValueError, ArithmeticError, LookupError, AttributeError, RecursionError,
)


# ---- rendering -----------------------------------------------------------------------------
class RenderRequest(Struct, frozen=True):
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


class Rendered(Struct, frozen=True):
    markdown: str
    sources: SourceTable
    # each narrative written into the document, by name: its file and rendered Markdown
    # (zongjie diff maps edited paragraphs back to the narrative they came from)
    narratives: dict[str, tuple[Path, str]] = field(default_factory=dict)
    placeholders: tuple = ()  # facts the template asked for and did not get (templating/placeholders.py)


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


def compile_all(search_dirs: tuple[Path, ...], done: set[Path] | None = None) -> None:
    """Compile every template (zongjie check), so that a syntax error is reported at its line
    even in a part the checked documents do not use. `done`: files already compiled in this
    run (another district's search path reaches the same templates folder), skipped."""
    env = environment(search_dirs)
    done = set() if done is None else done
    try:
        for name, file in sorted(env.loader.template_files().items()):
            if file not in done:
                env.get_template(name)
                done.add(file)
    except _TEMPLATE_FAILURES as error:
        raise _as_template_error(error) from None


