"""The build pipeline, top to bottom, for one district-year:

    load facts (+ last year's) → run checks (deriving missing totals) → render the template
    to Markdown → read it into the document model → number headings → convert script →
    write every format in memory → move the files into place.

Functions here are the steps; `build_document` runs them for one district-year and returns
what happened, so a batch can go on when one district fails.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from decimal import Decimal
from pathlib import Path

from zongjie.checks.engine import CheckResult, run_rules
from zongjie.checks.rules import Rule, load_rules
from zongjie.errors import Location, ZongjieError
from zongjie.facts import Fact, FactSet, load_facts
from zongjie.model import Document, plain_text
from zongjie.numbers.quantity import Quantity
from zongjie.provenance import TracedNumber
from zongjie.templateinfo import TemplateInfo, load_template_info
from zongjie.workspace import DistrictYear, Workspace
from zongjie.writers import EXTENSIONS, WriteOptions


@dataclass(frozen=True)
class Loaded:
    """Everything read from disk for one district-year."""

    district_year: DistrictYear
    facts: FactSet
    previous: FactSet | None
    template: TemplateInfo
    rules: tuple[Rule, ...]
    rollup_findings: tuple = ()  # a city's totals that disagree with its members' sums


@dataclass
class Outcome:
    district_year: DistrictYear
    status: str  # built | blocked (check errors) | failed (unusable input)
    checks: CheckResult | None = None
    paths: list[Path] = field(default_factory=list)
    error: ZongjieError | None = None
    title: str = ""
    gbk_files: list[Path] = field(default_factory=list)  # inputs read as GBK: worth re-saving
    placeholders: list = field(default_factory=list)  # facts still to fill (placeholders.Placeholder)
    waiting: list[str] = field(default_factory=list)  # rules not checked until a fact is filled
    facts: FactSet | None = None
    pdf_jobs: list[tuple[Path, Path]] = field(default_factory=list)  # (staged DOCX, PDF to make): see pdf.py


def load(workspace: Workspace, district_year: DistrictYear) -> Loaded:
    facts, previous, rollup_findings = _load_facts(workspace, district_year)
    template = load_template_info(workspace.templates_dir, district_year.settings.template)
    template_rules = load_rules(template.rules_path) if template.rules_path else []
    local_rules = [replace(rule, local=True) for path in district_year.rule_files() for rule in load_rules(path)]
    # A district's rule with the same name as a template rule replaces it (e.g. to add a
    # documented exception); dict order keeps the template's order.
    from zongjie.script import fold  # 新增定點機構合計 replaces 新增定点机构合计

    rules_by_name = {fold(rule.name): rule for rule in template_rules + local_rules}
    return Loaded(district_year, facts, previous, template, tuple(rules_by_name.values()), tuple(rollup_findings))


def _load_facts(workspace: Workspace, district_year: DistrictYear):
    """This year's and last year's facts; for a city, each completed with its members' sums."""
    from zongjie.rollup import load_city_facts, member_facts

    previous_year = str(int(district_year.year) - 1)
    if not district_year.is_city:
        previous_year = previous_year_of(district_year.folder.parent, district_year.year) or previous_year
    if district_year.is_city:
        members = member_facts(workspace.content_dir, district_year.members, district_year.year)
        facts, findings = load_city_facts(district_year.folder, members)
        previous = None
        if all((workspace.content_dir / m / previous_year / "facts.yaml").is_file() for m in district_year.members):
            previous_members = member_facts(workspace.content_dir, district_year.members, previous_year)
            previous, _ = load_city_facts(district_year.folder.parent / previous_year, previous_members)
        return facts, previous, findings
    facts = load_facts(district_year.facts_path)
    previous_path = district_year.folder.parent / previous_year / "facts.yaml"
    previous = load_facts(previous_path) if previous_path.is_file() else None
    return facts, previous, []


def previous_year_of(district_folder: Path, year: str) -> str | None:
    """The year `上年` means: the one before, or, when a year was skipped (2025 made from
    2023), the latest earlier year that has facts; comparisons then name that year."""
    before = str(int(year) - 1)
    if (district_folder / before / "facts.yaml").is_file():
        return before
    try:
        years = [p.name for p in district_folder.iterdir()
                 if len(p.name) == 4 and p.name.isdigit() and p.name < year and (p / "facts.yaml").is_file()]
    except OSError:
        return None
    return max(years) if years else None


def check(loaded: Loaded) -> CheckResult:
    """Checks on the facts alone: the rules (deriving missing totals) and unit coherence."""
    from zongjie.checks.document import check_units

    from zongjie.checks.plausibility import year_over_year

    result = run_rules(list(loaded.rules), loaded.facts, loaded.previous)
    result.findings.extend(year_over_year(loaded.facts, loaded.previous, year_over_year_factor(loaded)))
    result.findings.extend(loaded.rollup_findings)
    result.findings.extend(check_units(loaded.facts, loaded.previous))
    if not loaded.district_year.is_city:
        from zongjie.importing.sources import import_findings

        result.findings.extend(import_findings(loaded.district_year.facts_path, loaded.facts, loaded.district_year.label))
    return result


def year_over_year_factor(loaded: Loaded) -> Decimal | None:
    """同比倍数 from the template's checks.yaml; a district's own checks.yaml may change it."""
    from zongjie.checks.rules import load_year_over_year_factor

    factor = None
    paths = ([loaded.template.rules_path] if loaded.template.rules_path else []) + list(loaded.district_year.rule_files())
    for path in paths:
        factor = load_year_over_year_factor(path) or factor
    return factor


def check_document(document: Document, loaded: Loaded, result: CheckResult) -> None:
    """Checks on the assembled document: required sections, the plans' year, doubled units,
    and shown (rounded) figures that no longer add up."""
    from zongjie.checks.document import check_document as document_checks
    from zongjie.checks.document import check_shown_sums, check_shown_units, lint_rendered
    from zongjie.checks.engine import expand_rules

    district_year = loaded.district_year
    where = Location(district_year.folder)
    result.findings.extend(document_checks(
        document, loaded.template.name, loaded.template.required_sections, int(district_year.year), where))
    result.findings.extend(lint_rendered(document))
    result.findings.extend(check_shown_units(document))
    result.findings.extend(check_shown_sums(document, expand_rules(list(loaded.rules), loaded.facts), loaded.facts))


def lint_narrative(loaded: Loaded) -> list:
    """Prose lint of this district-year's own narrative files (templates are linted once per
    run), and narrative still marked as last year's draft."""
    from zongjie.checks.engine import Finding
    from zongjie.checks.lint import lint_source
    from zongjie.newyear import is_draft

    findings = []
    for path in loaded.district_year.narrative_paths().values():
        findings.extend(lint_source(path, loaded.facts))
        if is_draft(path):
            findings.append(Finding(
                "narrative-draft", "warning", "草稿", "叙述文件仍是从上一年度复制的草稿，生成时不会写入文档", Location(path, 1),
                hint="请按本年度情况改写，改好后删去第一行的“草稿”标记，它才会出现在文档中。",
            ))
    return findings


def template_context(loaded: Loaded) -> dict:
    district_year = loaded.district_year
    context: dict = dict(loaded.facts.root.members)
    year_fact = Fact("年度", Quantity(Decimal(district_year.year)), district_year.year, Location(district_year.folder))
    context.update(
        地区=district_year.district,
        年度=TracedNumber(int(district_year.year), (year_fact,)),
        单位名称=district_year.settings.organisation_for(district_year.district),
        模板=loaded.template.name,
    )
    if loaded.previous is not None:
        context["上年"] = context["prev"] = loaded.previous.root
    if not district_year.is_city:
        context["历年"] = context["years"] = YearsOfDistrict(district_year.folder.parent)
    if district_year.settings.locale != "zh_CN":
        _add_traditional_names(context)
    return context


def _add_traditional_names(context: dict) -> None:
    """A Traditional workspace's templates may write 醫療救助, 地區 or 合計(…): the same names as
    医疗救助, 地区 and 合计 (fact keys are kept in Simplified form, see facts.py)."""
    from zongjie.filters import GLOBALS
    from zongjie.script import traditional_forms

    for name, value in [*context.items(), *GLOBALS.items()]:
        for form in traditional_forms(name):
            context.setdefault(form, value)


class YearsOfDistrict(Mapping):
    """`历年[2021]` / `历年["2021"]`: any year's facts of this district, read when asked for."""

    def __init__(self, folder: Path):
        self.folder = folder
        self._loaded: dict[str, FactSet] = {}

    def __getitem__(self, year) -> object:
        from zongjie.containment import normalise_year

        name = normalise_year(year)  # a year, never a path: 历年['../裕安区/2020'] is no year
        if name is None:
            raise KeyError(year)
        path = self.folder / name / "facts.yaml"
        if not path.is_file():
            raise KeyError(name)
        if name not in self._loaded:
            self._loaded[name] = load_facts(path)
        return self._loaded[name].root

    def __iter__(self):
        from zongjie.containment import normalise_year

        return iter(sorted(p.name for p in self.folder.iterdir()
                           if normalise_year(p.name) == p.name and (p / "facts.yaml").is_file()))

    def __len__(self) -> int:
        return sum(1 for _ in self)


def assemble(workspace: Workspace, loaded: Loaded, keep_rendered: list | None = None,
             checks: CheckResult | None = None) -> Document:
    """The document as it is written out: assembled, then in the locale's script. `keep_rendered`
    (a list) receives the rendering, for zongjie diff to trace paragraphs back to their narrative;
    with `checks`, a chart over figures they found wrong is withheld."""
    return localize(assemble_source(workspace, loaded, keep_rendered, checks), loaded.district_year.settings)


def localize(document: Document, settings) -> Document:
    """The document in the locale's script (Traditional for zh_Hant_*), the workspace's own
    phrases first. Checks run on the document before this step."""
    from zongjie.script import convert_document

    return convert_document(document, settings.locale, settings.phrases)


def assemble_source(workspace: Workspace, loaded: Loaded, keep_rendered: list | None = None,
                    checks: CheckResult | None = None) -> Document:
    """The document in Simplified, as the templates made it: what every check reads. With
    `checks`, a chart over figures they found wrong is withheld."""
    return assemble_all(workspace, loaded, "raise", keep_rendered, checks).document


@dataclass(frozen=True)
class Assembly:
    document: Document  # in Simplified, before `localize`
    placeholders: tuple = ()  # every missing fact the template asked for (placeholders.Placeholder)
    used_keys: frozenset[str] = frozenset()  # the facts it wrote


def assemble_all(workspace: Workspace, loaded: Loaded, missing: str = "collect",
                 keep_rendered: list | None = None, checks: CheckResult | None = None) -> Assembly:
    """The source document, with missing facts collected (`collect`: a final build lists them
    all), or written as highlighted placeholders (`draft`); optional clauses without their
    figure are dropped (clauses.py)."""
    from zongjie.captions import number_captions
    from zongjie.charts import resolve_charts
    from zongjie.clauses import drop_clauses
    from zongjie.counting import count_numerals
    from zongjie.numbering import number_headings
    from zongjie.pictures import resolve_pictures
    from zongjie.reader import read_document
    from zongjie.templating import RenderRequest, render

    district_year = loaded.district_year
    rendered = render(
        RenderRequest(
            search_dirs=template_search_dirs(workspace, loaded),
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
    document = resolve_pictures(document, (district_year.folder, *template_search_dirs(workspace, loaded)))
    document = resolve_charts(document, loaded.facts, flagged_keys(checks))
    document = number_captions(document, loaded.template.captions)
    document = number_headings(document, loaded.template.numbering)
    used = frozenset(key for source in rendered.sources.sources if not source.placeholder for key in source.keys)
    return Assembly(count_numerals(document), rendered.placeholders, used)


def flagged_keys(checks: CheckResult | None) -> frozenset[str]:
    """Keys of the facts a rule found wrong: a chart over them is not drawn."""
    if checks is None:
        return frozenset()
    return frozenset(figure.key for finding in checks.findings if finding.severity == "error"
                     for figure in finding.figures)


def template_search_dirs(workspace: Workspace, loaded: Loaded) -> tuple[Path, ...]:
    """Where templates are looked up, most specific first (see templating.py)."""
    folders = (*loaded.district_year.override_dirs(), loaded.template.folder, workspace.templates_dir)
    return tuple(path.resolve() for path in folders)


def finished_narrative(district_year: DistrictYear) -> dict[str, Path]:
    """Narrative files to use: a draft copied from last year is left out (and reported by
    zongjie check) until the writer rewrites it, so last year's text is never published."""
    from zongjie.newyear import is_draft

    return {name: path for name, path in district_year.narrative_paths().items() if not is_draft(path)}


def document_title(document: Document, loaded: Loaded) -> str:
    title = plain_text(document.meta.title).replace("\n", "")
    if title:
        return title
    settings = loaded.district_year.settings
    return f"{settings.organisation_for(loaded.district_year.district)}{loaded.district_year.year}年度工作总结"


def render_outputs(document: Document, formats: tuple[str, ...], options: WriteOptions) -> dict[str, bytes]:
    from zongjie.writers import write

    data = {name: write(name, document, options) for name in formats if name != "pdf"}
    if "pdf" in formats:  # made from the DOCX, after the batch (zongjie.pdf)
        data["pdf"] = data["docx"] if "docx" in data else write("docx", document, options)
    return data


def output_paths(out_dir: Path, district_year: DistrictYear, title: str, formats: tuple[str, ...]) -> dict[str, Path]:
    from zongjie.output import safe_file_name

    folder = out_dir / district_year.district / district_year.year
    name = safe_file_name(title)
    return {fmt: folder / f"{name}{EXTENSIONS[fmt]}" for fmt in formats}


def build_document(workspace: Workspace, district_year: DistrictYear, out_dir: Path,
                   formats: tuple[str, ...] | None = None, allow_errors: bool = False,
                   draft: bool = False) -> Outcome:
    """Build one district-year; errors in its input are returned, not raised. A draft is
    written with every missing fact as a highlighted placeholder, whatever the checks say
    (their errors are still reported); a final build refuses a document that lacks any
    required fact, naming them all."""
    from zongjie.output import write_files
    from zongjie.placeholders import missing_fact_findings, unique, waiting_rules, with_todo_list
    from zongjie.textio import collect_gbk_files

    outcome = Outcome(district_year, "failed", gbk_files=collect_gbk_files())
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
            outcome.status = "blocked"
            return outcome
        document = localize(document, district_year.settings)
        outcome.title = document_title(document, loaded)
        formats = formats or district_year.settings.formats
        options = write_options(workspace, district_year)
        data = render_outputs(document, formats, options)
        paths = output_paths(out_dir, district_year, outcome.title + (DRAFT_SUFFIX if draft else ""), formats)
        _refuse_linked_output_folder(out_dir, paths[formats[0]].parent)
        write_files({paths[fmt]: data[fmt] for fmt in formats if fmt != "pdf"})
        if "pdf" in formats:
            from zongjie.pdf import stage

            outcome.pdf_jobs.append((stage(out_dir, data["pdf"], paths["pdf"]), paths["pdf"]))
        outcome.paths = [paths[fmt] for fmt in formats]
        outcome.status = "built"
    except ZongjieError as error:
        outcome.error = error
    return outcome


def _refuse_linked_output_folder(out_dir: Path, folder: Path) -> None:
    """build/<地区>/<年度>/ that is a link elsewhere (a build folder received in a zip) would
    write, and remove stale outputs, outside the output folder."""
    from zongjie.errors import OutputError

    if not folder.resolve().is_relative_to(out_dir.resolve()):
        raise OutputError(f"输出文件夹 {folder.name} 是指向别处的链接，不会写入", Location(folder),
                          "请删除这个链接（它在输出文件夹中），再重新生成。")


DRAFT_SUFFIX = "（草稿）"  # a draft's file name, so it never passes for (or replaces) the final document


def write_options(workspace: Workspace, district_year: DistrictYear) -> WriteOptions:
    from zongjie.errors import ConfigError

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
                        organisation=settings.organisation_for(district_year.district),
                        cache_dir=workspace.output_dir / ".zongjie", fonts=_fonts(settings))


def _fonts(settings) -> tuple[tuple[str, str], ...]:
    from zongjie.fonts import document_fonts

    return tuple(document_fonts(settings.locale, settings.fonts).items())


def _html_lang(locale: str) -> str:
    return {"zh_CN": "zh-CN", "zh_Hant_TW": "zh-TW", "zh_Hant_HK": "zh-HK"}.get(locale, "zh-CN")


def check_all(workspace: Workspace, selected: list[DistrictYear]) -> list:
    """What `zongjie check` reports: per district-year the rules, units, the assembled
    document and its narrative; each template in use is linted once."""
    from zongjie.checks.engine import Finding
    from zongjie.checks.lint import lint_source
    from zongjie.checks.report import DocumentChecks
    from zongjie.placeholders import empty_groups, fill_progress, missing_fact_findings
    from zongjie.templating import compile_all

    reports = []
    template_texts: dict = {}  # search path → its templates as one folded text, read once
    linted_templates: set[Path] = set()
    compiled: set[tuple[Path, ...]] = set()
    for district_year in selected:
        result = CheckResult()
        try:
            loaded = load(workspace, district_year)
            result = check(loaded)
            search_dirs = template_search_dirs(workspace, loaded)
            if search_dirs not in compiled:  # a syntax error in a part this document does not use
                compile_all(search_dirs)
                compiled.add(search_dirs)
            assembly = assemble_all(workspace, loaded, "collect", checks=result)
            check_document(assembly.document, loaded, result)
            result.findings.extend(missing_fact_findings(list(assembly.placeholders)))
            if assembly.placeholders or empty_groups(loaded.facts):  # a year still being filled in
                result.findings.append(Finding("fill-progress", "info", "填写进度",
                                               fill_progress(loaded.facts, assembly.placeholders, assembly.used_keys),
                                               Location(loaded.facts.path)))
            result.findings.extend(lint_narrative(loaded))
            result.findings.extend(_unused_facts(loaded, search_dirs, template_texts))
            for folder in (*district_year.override_dirs(), loaded.template.folder):
                for path in sorted(folder.rglob("*.md")):
                    if path not in linted_templates and "示例" not in path.relative_to(folder).parts:
                        linted_templates.add(path)
                        result.findings.extend(lint_source(path))
        except ZongjieError as error:  # one district's unusable input does not stop the others
            reports.append(DocumentChecks(district_year.label, result, str(error)))
            continue
        reports.append(DocumentChecks(district_year.label, result))
    return reports


def _unused_facts(loaded: Loaded, search_dirs: tuple[Path, ...], template_texts: dict) -> list:
    """Top-level facts that no template, narrative or rule names (a key spelled otherwise)."""
    from zongjie.checks.unused import source_text, unused_facts

    if search_dirs not in template_texts:
        template_texts[search_dirs] = source_text(sorted({p for folder in search_dirs for p in folder.rglob("*.md")}))
    narrative = source_text(list(loaded.district_year.narrative_paths().values()))
    return unused_facts(loaded.facts, template_texts[search_dirs] + "\n" + narrative, loaded.rules)
