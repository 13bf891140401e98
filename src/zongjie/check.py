"""`zongjie check`: every selected district-year checked as a build would, nothing written.

Per document: the rules, units, the assembled document, the narrative's prose and the facts
no template uses; a template in use is compiled and linted once per run, not per document.
"""

from __future__ import annotations

from pathlib import Path

from zongjie.assemble import assemble_all, template_search_dirs
from zongjie.checks.findings import CheckResult, Finding, Severity
from zongjie.checks.lint import lint_source
from zongjie.checks.progress import empty_groups, fill_progress, missing_fact_findings
from zongjie.checks.report import DocumentChecks, finding_text, unchecked_text
from zongjie.checks.run import check, check_document, lint_narrative
from zongjie.checks.unused import source_text, unused_facts
from zongjie.console import complain, say
from zongjie.errors import ZongjieError
from zongjie.inputs.loading import Loaded, load
from zongjie.inputs.workspace import DistrictYear, Workspace
from zongjie.location import Location
from zongjie.templating.render import compile_all


def check_all(workspace: Workspace, selected: list[DistrictYear]) -> list:
    """What `zongjie check` reports: per district-year the rules, units, the assembled
    document and its narrative; each template in use is linted once."""
    reports = []
    template_texts: dict = {}  # search path → its templates as one folded text, read once
    linted_templates: set[Path] = set()
    compiled: set[tuple[Path, ...]] = set()
    compiled_files: set[Path] = set()  # each template file once, whichever search path reaches it
    for district_year in selected:
        result = CheckResult()
        try:
            loaded = load(workspace, district_year)
            result = check(loaded)
            search_dirs = template_search_dirs(workspace, loaded)
            if search_dirs not in compiled:  # a syntax error in a part this document does not use
                compile_all(search_dirs, compiled_files)
                compiled.add(search_dirs)
            assembly = assemble_all(workspace, loaded, "collect", checks=result)
            check_document(assembly.document, loaded, result)
            result.findings.extend(missing_fact_findings(list(assembly.placeholders)))
            if assembly.placeholders or empty_groups(loaded.facts):  # a year still being filled in
                result.findings.append(Finding("fill-progress", Severity.INFO, "填写进度",
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
    if search_dirs not in template_texts:
        template_texts[search_dirs] = source_text(sorted({p for folder in search_dirs for p in folder.rglob("*.md")}))
    narrative = source_text(list(loaded.district_year.narrative_paths().values()))
    return unused_facts(loaded.facts, template_texts[search_dirs] + "\n" + narrative, loaded.rules)


def report_checks(result: CheckResult, show_clean: bool, label: str = "") -> None:
    """One document's findings on the terminal (errors to stderr); with `show_clean`, the rules
    not checked and a one-line verdict."""
    for finding in result.findings:
        text = finding_text(finding)
        if finding.severity == Severity.ERROR:
            complain(text)
        else:
            say(text)
    if show_clean:
        if unchecked_text(result):
            say(unchecked_text(result))
    if show_clean and not result.errors:
        derived = f"，推算 {len(result.derived)} 项" if result.derived else ""
        warnings = f"，警告 {len(result.warnings)} 个" if result.warnings else ""
        if result.checked == 0:
            say(f"{label}：没有一条关系得到校验（原因见上），无法判断数字是否有误{warnings}。")
        else:
            say(f"{label}：校验 {result.checked} 条关系，无错误{warnings}{derived}。")
