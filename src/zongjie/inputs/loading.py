"""Reading one district-year from disk: its facts, last year's, its template and its rules.

The first stage of a build (build.py) and of `zongjie check` (check.py): everything later
works on the `Loaded` record and reads no more input, except the narrative and templates the
renderer opens.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from msgspec import Struct
from msgspec.structs import replace

from zongjie.checks.rules import Rule, load_rules
from zongjie.inputs.containment import normalise_year
from zongjie.inputs.facts import FactSet, load_facts
from zongjie.inputs.rollup import load_city_facts, member_facts
from zongjie.inputs.templateinfo import TemplateInfo, load_template_info
from zongjie.inputs.workspace import DistrictYear, Workspace
from zongjie.script import fold


class Loaded(Struct, frozen=True):
    """Everything read from disk for one district-year."""

    district_year: DistrictYear
    facts: FactSet
    previous: FactSet | None
    template: TemplateInfo
    rules: tuple[Rule, ...]
    rollup_findings: tuple = ()  # a city's totals that disagree with its members' sums


def load(workspace: Workspace, district_year: DistrictYear) -> Loaded:
    facts, previous, rollup_findings = load_year_facts(workspace, district_year)
    template = load_template_info(workspace.templates_dir, district_year.settings.template)
    template_rules = load_rules(template.rules_path) if template.rules_path else []
    local_rules = [replace(rule, local=True) for path in district_year.rule_files() for rule in load_rules(path)]
    # A district's rule with the same name as a template rule replaces it (e.g. to add a
    # documented exception); dict order keeps the template's order. Names are folded:
    # 新增定點機構合計 replaces 新增定点机构合计.
    rules_by_name = {fold(rule.name): rule for rule in template_rules + local_rules}
    return Loaded(district_year, facts, previous, template, tuple(rules_by_name.values()), tuple(rollup_findings))


def load_year_facts(workspace: Workspace, district_year: DistrictYear):
    """This year's and last year's facts; for a city, each completed with its members' sums."""
    previous_year = district_year.previous_year
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


class YearsOfDistrict(Mapping):
    """`历年[2021]` / `历年["2021"]`: any year's facts of this district, read when asked for."""

    def __init__(self, folder: Path):
        self.folder = folder
        self._loaded: dict[str, FactSet] = {}

    def __getitem__(self, year) -> object:
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
        return iter(sorted(p.name for p in self.folder.iterdir()
                           if normalise_year(p.name) == p.name and (p / "facts.yaml").is_file()))

    def __len__(self) -> int:
        return sum(1 for _ in self)
