"""The build pipeline, top to bottom, for one district-year:

    load facts (+ last year's) → run checks (deriving missing totals) → render the template
    to Markdown → read it into the document model → number headings → convert script →
    write every format in memory → move the files into place.

Each stage has its module: inputs/loading.py, checks/run.py, assemble.py (templating/ →
document/reader.py → the passes over the model), writers/, output.py. `build_document` runs them for one district-year
and returns what happened, so a batch can go on when one district fails.
"""

from __future__ import annotations

from pathlib import Path

from msgspec import Struct, field

from zongjie.assemble import assemble_all, document_title, localize
from zongjie.checks.findings import CheckResult
from zongjie.checks.progress import (
    missing_fact_findings,
    unique,
    waiting_rules,
    with_todo_list,
)
from zongjie.checks.run import check, check_document
from zongjie.document.model import Document
from zongjie.errors import ConfigError, ZongjieError
from zongjie.fonts import document_fonts
from zongjie.inputs.facts import FactSet
from zongjie.inputs.loading import load
from zongjie.inputs.textio import collect_gbk_files
from zongjie.inputs.workspace import DistrictYear, Workspace
from zongjie.location import Location
from zongjie.output import refuse_linked_output_folder, safe_file_name, write_files
from zongjie.status import BuildStatus
from zongjie.writers import EXTENSIONS, WriteOptions, write


class Outcome(Struct):
    district_year: DistrictYear
    status: BuildStatus
    checks: CheckResult | None = None
    paths: list[Path] = field(default_factory=list)
    error: ZongjieError | None = None
    title: str = ""
    gbk_files: list[Path] = field(default_factory=list)  # inputs read as GBK: worth re-saving
    placeholders: list = field(default_factory=list)  # facts still to fill (placeholders.Placeholder)
    waiting: list[str] = field(default_factory=list)  # rules not checked until a fact is filled
    facts: FactSet | None = None
    pdf_jobs: list[tuple[Path, Path]] = field(default_factory=list)  # (staged DOCX, PDF to make): see pdf.py


def render_outputs(document: Document, formats: tuple[str, ...], options: WriteOptions) -> dict[str, bytes]:
    data = {name: write(name, document, options) for name in formats if name != "pdf"}
    if "pdf" in formats:  # made from the DOCX, after the batch (zongjie.pdf)
        data["pdf"] = data["docx"] if "docx" in data else write("docx", document, options)
    return data


def output_paths(out_dir: Path, district_year: DistrictYear, title: str, formats: tuple[str, ...],
                 suffix: str = "") -> dict[str, Path]:
    """Where a document's files go: build/<地区>/<年度>/<标题><suffix>.<ext>, the suffix
    (（草稿）, （审阅稿）) kept whole however long the title."""
    folder = out_dir / district_year.district / district_year.year
    name = safe_file_name(title, suffix)
    return {fmt: folder / f"{name}{EXTENSIONS[fmt]}" for fmt in formats}


def build_document(workspace: Workspace, district_year: DistrictYear, out_dir: Path,
                   formats: tuple[str, ...] | None = None, allow_errors: bool = False,
                   draft: bool = False) -> Outcome:
    """Build one district-year; errors in its input are returned, not raised. A draft is
    written with every missing fact as a highlighted placeholder, whatever the checks say
    (their errors are still reported); a final build refuses a document that lacks any
    required fact, naming them all."""
    outcome = Outcome(district_year, BuildStatus.FAILED, gbk_files=collect_gbk_files())
    write_anyway = allow_errors or draft
    try:
        loaded = load(workspace, district_year)
        outcome.facts = loaded.facts
        outcome.checks = check(loaded)  # failing rules block the document below, with every missing fact named too
        assembly = assemble_all(workspace, loaded, "draft" if draft else "collect", checks=outcome.checks)
        document = assembly.document
        outcome.placeholders = unique(list(assembly.placeholders))
        check_document(document, loaded, outcome.checks)
        if draft:
            outcome.waiting = waiting_rules(list(loaded.rules), loaded.facts)
            document = with_todo_list(document, outcome.placeholders, loaded.facts.path)
        else:
            outcome.checks.findings.extend(missing_fact_findings(outcome.placeholders))
        if outcome.checks.errors and not write_anyway:
            outcome.status = BuildStatus.BLOCKED
            return outcome
        document = localize(document, district_year.settings)
        outcome.title = document_title(document, loaded)
        formats = formats or district_year.settings.formats
        options = write_options(workspace, district_year)
        data = render_outputs(document, formats, options)
        paths = output_paths(out_dir, district_year, outcome.title, formats, DRAFT_SUFFIX if draft else "")
        refuse_linked_output_folder(out_dir, paths[formats[0]].parent)
        write_files({paths[fmt]: data[fmt] for fmt in formats if fmt != "pdf"})
        if "pdf" in formats:
            # pdf.py reads styles through the DOCX package (the DOCX writer and lxml, ~35 ms), which
            # `-f md`, `-f html` and the preview (it imports this module) must not pay
            from zongjie.pdf import stage

            outcome.pdf_jobs.append((stage(out_dir, data["pdf"], paths["pdf"]), paths["pdf"]))
        outcome.paths = [paths[fmt] for fmt in formats]
        outcome.status = BuildStatus.BUILT
    except ZongjieError as error:
        outcome.error = error
    return outcome


DRAFT_SUFFIX = "（草稿）"  # a draft's file name, so it never passes for (or replaces) the final document


def write_options(workspace: Workspace, district_year: DistrictYear) -> WriteOptions:
    settings = district_year.settings
    reference = None
    if settings.reference_docx:
        reference = (workspace.root / settings.reference_docx).resolve()
        if not reference.is_relative_to(workspace.root):
            raise ConfigError(
                f"reference_docx 指定的参考文档“{settings.reference_docx}”在工作区之外",
                Location(workspace.config.path) if workspace.config.path else None,
                "出于安全考虑，只读取工作区内的文件；请把参考文档复制进工作区，再写相对路径。",
            )
        if not reference.is_file():
            raise ConfigError(
                f"找不到 reference_docx 指定的参考文档“{settings.reference_docx}”",
                Location(workspace.config.path) if workspace.config.path else None,
                "路径相对于工作区文件夹；请检查文件名，或删去这一项使用 zongjie 自带的样式。",
            )
    return WriteOptions(source_root=workspace.root, lang=_html_lang(settings.locale), reference_docx=reference,
                        organisation=settings.organisation_for(district_year.district), fonts=_fonts(settings))


def _fonts(settings) -> tuple[tuple[str, str], ...]:
    return tuple(document_fonts(settings.locale, settings.fonts).items())


def _html_lang(locale: str) -> str:
    return {"zh_CN": "zh-CN", "zh_Hant_TW": "zh-TW", "zh_Hant_HK": "zh-HK"}.get(locale, "zh-CN")


