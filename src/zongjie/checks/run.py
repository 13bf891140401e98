"""The checks of one district-year, in the order a build runs them.

`check` runs on the facts alone, before anything is rendered: the rules (deriving missing
totals), year-over-year plausibility, a city's roll-up, unit coherence and spreadsheet
imports gone stale. `check_document` runs on the assembled document; `lint_narrative` on the
writer's own narrative files.
"""

from __future__ import annotations

from decimal import Decimal

from zongjie.checks.document import check_document as document_checks
from zongjie.checks.document import (
    check_shown_sums,
    check_shown_units,
    check_units,
    lint_rendered,
)
from zongjie.checks.engine import expand_rules, run_rules
from zongjie.checks.findings import CheckResult, Finding, Severity
from zongjie.checks.lint import lint_source
from zongjie.checks.plausibility import year_over_year
from zongjie.checks.rules import load_year_over_year_factor
from zongjie.document.model import Document
from zongjie.importing.sources import import_findings
from zongjie.inputs.loading import Loaded
from zongjie.location import Location
from zongjie.newyear import is_draft


def check(loaded: Loaded) -> CheckResult:
    """Checks on the facts alone: the rules (deriving missing totals) and unit coherence."""
    result = run_rules(list(loaded.rules), loaded.facts, loaded.previous)
    result.findings.extend(year_over_year(loaded.facts, loaded.previous, year_over_year_factor(loaded)))
    result.findings.extend(loaded.rollup_findings)
    result.findings.extend(check_units(loaded.facts, loaded.previous))
    if not loaded.district_year.is_city:
        result.findings.extend(import_findings(loaded.district_year.facts_path, loaded.facts, loaded.district_year.label))
    return result


def year_over_year_factor(loaded: Loaded) -> Decimal | None:
    """同比倍数 from the template's checks.yaml; a district's own checks.yaml may change it."""
    factor = None
    paths = ([loaded.template.rules_path] if loaded.template.rules_path else []) + list(loaded.district_year.rule_files())
    for path in paths:
        factor = load_year_over_year_factor(path) or factor
    return factor


def check_document(document: Document, loaded: Loaded, result: CheckResult) -> None:
    """Checks on the assembled document: required sections, the plans' year, doubled units,
    and shown (rounded) figures that no longer add up."""
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
    findings = []
    for path in loaded.district_year.narrative_paths().values():
        findings.extend(lint_source(path, loaded.facts))
        if is_draft(path):
            findings.append(Finding(
                "narrative-draft", Severity.WARNING, "草稿", "叙述文件仍是从上一年度复制的草稿，生成时不会写入文档", Location(path, 1),
                hint="请按本年度情况改写，改好后删去第一行的“草稿”标记，它才会出现在文档中。",
            ))
    return findings


def flagged_keys(checks: CheckResult | None) -> frozenset[str]:
    """Keys of the facts a rule found wrong: a chart over them is not drawn."""
    if checks is None:
        return frozenset()
    return frozenset(figure.key for finding in checks.findings if finding.severity == Severity.ERROR
                     for figure in finding.figures)
