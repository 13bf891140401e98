"""From loaded facts to the document model: render the template, read the Markdown, and run
the passes over the model (pictures, charts, captions, heading numbers, counted numerals).

    render (templating) → drop empty optional clauses → read (reader) → resolve pictures and
    charts → number captions and headings → 两 for counted 二 → localize (Traditional)

The document stays in Simplified until `localize`, so every check reads one script.
"""

from __future__ import annotations

from pathlib import Path

from msgspec import Struct

from zongjie.checks.findings import CheckResult
from zongjie.checks.run import flagged_keys
from zongjie.document.captions import number_captions
from zongjie.document.charts import resolve_charts
from zongjie.document.counting import count_numerals
from zongjie.document.localize import convert_document
from zongjie.document.model import Document, plain_text
from zongjie.document.numbering import number_headings
from zongjie.document.pictures import resolve_pictures
from zongjie.document.reader import read_document
from zongjie.inputs.loading import Loaded
from zongjie.inputs.workspace import DistrictYear, Workspace
from zongjie.newyear import is_draft
from zongjie.templating.clauses import drop_clauses
from zongjie.templating.context import template_context
from zongjie.templating.render import RenderRequest, render


def assemble(workspace: Workspace, loaded: Loaded, keep_rendered: list | None = None,
             checks: CheckResult | None = None) -> Document:
    """The document as it is written out: assembled, then in the locale's script. `keep_rendered`
    (a list) receives the rendering, for zongjie diff to trace paragraphs back to their narrative;
    with `checks`, a chart over figures they found wrong is withheld."""
    return localize(assemble_source(workspace, loaded, keep_rendered, checks), loaded.district_year.settings)


def localize(document: Document, settings) -> Document:
    """The document in the locale's script (Traditional for zh_Hant_*), the workspace's own
    phrases first. Checks run on the document before this step."""
    return convert_document(document, settings.locale, settings.phrases)


def assemble_source(workspace: Workspace, loaded: Loaded, keep_rendered: list | None = None,
                    checks: CheckResult | None = None) -> Document:
    """The document in Simplified, as the templates made it: what every check reads. With
    `checks`, a chart over figures they found wrong is withheld."""
    return assemble_all(workspace, loaded, "raise", keep_rendered, checks).document


class Assembly(Struct, frozen=True):
    document: Document  # in Simplified, before `localize`
    placeholders: tuple = ()  # every missing fact the template asked for (placeholders.Placeholder)
    used_keys: frozenset[str] = frozenset()  # the facts it wrote


def assemble_all(workspace: Workspace, loaded: Loaded, missing: str = "collect",
                 keep_rendered: list | None = None, checks: CheckResult | None = None) -> Assembly:
    """The source document, with missing facts collected (`collect`: a final build lists them
    all), or written as highlighted placeholders (`draft`); optional clauses without their
    figure are dropped (clauses.py)."""
    district_year = loaded.district_year
    search_dirs = template_search_dirs(workspace, loaded)
    rendered = render(
        RenderRequest(
            search_dirs=search_dirs,
            entry=loaded.template.entry,
            context=template_context(loaded),
            narrative_paths=finished_narrative(district_year),
            locale=district_year.settings.locale,
            fact_set=loaded.facts,
            missing=missing,
            year=int(district_year.year),
            previous=loaded.previous,
            fact_files=(loaded.facts.path, *(workspace.content_dir / member / district_year.year / "facts.yaml"
                                             for member in district_year.members)),
        )
    )
    if keep_rendered is not None:
        keep_rendered.append(rendered)
    markdown = drop_clauses(rendered.markdown, rendered.sources)
    document = read_document(markdown, rendered.sources)
    document = resolve_pictures(document, (district_year.folder, *search_dirs))
    document = resolve_charts(document, loaded.facts, flagged_keys(checks))
    document = number_captions(document, loaded.template.captions)
    document = number_headings(document, loaded.template.numbering)
    used = frozenset(key for source in rendered.sources.sources if not source.placeholder for key in source.keys)
    return Assembly(count_numerals(document), rendered.placeholders, used)


def template_search_dirs(workspace: Workspace, loaded: Loaded) -> tuple[Path, ...]:
    """Where templates are looked up, most specific first (see templating/render.py)."""
    folders = (*loaded.district_year.override_dirs(), loaded.template.folder, workspace.templates_dir)
    return tuple(path.resolve() for path in folders)


def finished_narrative(district_year: DistrictYear) -> dict[str, Path]:
    """Narrative files to use: a draft copied from last year is left out (and reported by
    zongjie check) until the writer rewrites it, so last year's text is never published."""
    return {name: path for name, path in district_year.narrative_paths().items() if not is_draft(path)}


def document_title(document: Document, loaded: Loaded) -> str:
    title = plain_text(document.meta.title).replace("\n", "")
    if title:
        return title
    settings = loaded.district_year.settings
    return f"{settings.organisation_for(loaded.district_year.district)}{loaded.district_year.year}年度工作总结"
