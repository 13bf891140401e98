"""What a template sees: the facts by name, plus 地区, 年度, 单位名称, 模板, 上年 and 历年.

A top-level fact may not take one of these names (facts.py refuses it), so a template's
`地区` is always the folder's district.
"""

from __future__ import annotations

from decimal import Decimal

from zongjie.inputs.facts import Fact
from zongjie.inputs.loading import Loaded, YearsOfDistrict
from zongjie.location import Location
from zongjie.numbers.quantity import Quantity
from zongjie.script import traditional_forms
from zongjie.templating.filters import GLOBALS
from zongjie.templating.provenance import TracedNumber


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
    for name, value in [*context.items(), *GLOBALS.items()]:
        for form in traditional_forms(name):
            context.setdefault(form, value)


