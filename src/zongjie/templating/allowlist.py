"""What a template may reach: an allowlist of attributes per type.

Jinja's sandbox only hides attributes starting with `_`; everything else of every object a
template can reach would be callable (a fact's location holds a real `Path`: `.read_text()`,
`.unlink()`…). Here the rule is turned round: a template sees only the attributes listed for
the types below (facts, figures, plain text, numbers, Jinja's loop helpers); anything else is
refused with a Chinese message naming the template line.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from jinja2.environment import TemplateModule
from jinja2.runtime import BlockReference, LoopContext, Macro, TemplateReference
from jinja2.utils import Cycler, Namespace

from zongjie.inputs.facts import Fact, FactGroup, FactList
from zongjie.inputs.loading import YearsOfDistrict
from zongjie.numbers.quantity import Quantity, YearMonth
from zongjie.templating.filters import Derived
from zongjie.templating.state import Narrative, NarrativeSet

# ---- the allowlist -------------------------------------------------------------------------
_STR_METHODS = frozenset("""
    capitalize casefold center count endswith find format index isalnum isalpha isascii isdecimal
    isdigit isidentifier islower isnumeric isprintable isspace istitle isupper join ljust lower
    lstrip partition removeprefix removesuffix replace rfind rindex rjust rpartition rsplit
    rstrip split splitlines startswith strip swapcase title upper zfill
""".split())


_MAPPING_METHODS = frozenset({"items", "keys", "values", "get"})


_SEQUENCE_METHODS = frozenset({"count", "index"})


_LOOP_ATTRIBUTES = frozenset({
    "index", "index0", "revindex", "revindex0", "first", "last", "length", "depth", "depth0",
    "previtem", "nextitem", "cycle", "changed",
})


def _allowed_by_type() -> list[tuple[type, frozenset[str]]]:
    fact_views = frozenset({"值", "单位", "原文", "来源", "key", "value", "written", "derived", "quantity"})
    return [
        (Fact, fact_views),
        (FactGroup, _MAPPING_METHODS),
        (FactList, frozenset()),
        (Derived, frozenset({"quantity"})),
        (Quantity, frozenset({"value", "unit", "approx", "decimals", "is_percent"})),
        (YearMonth, frozenset({"year", "month"})),
        (datetime.date, frozenset({"year", "month", "day"})),
        (Narrative, frozenset()),
        (NarrativeSet, _MAPPING_METHODS),
        (str, _STR_METHODS),
        (dict, _MAPPING_METHODS),
        (list, _SEQUENCE_METHODS),
        (tuple, _SEQUENCE_METHODS),
        (LoopContext, _LOOP_ATTRIBUTES),
        (Cycler, frozenset({"next", "current", "reset"})),
        (BlockReference, frozenset({"super"})),
        (TemplateReference, frozenset()),
        (Macro, frozenset()),
        (Decimal, frozenset()),
        (int, frozenset()),
        (float, frozenset()),
    ]


_ALLOWED: list[tuple[type, frozenset[str]]] | None = None


def allowed_attribute(obj, attribute: str) -> bool:
    """The allowlist: only the attributes named above, of those types; none of anything else."""
    global _ALLOWED
    if not isinstance(attribute, str) or attribute.startswith("_"):
        return False
    if isinstance(obj, (Namespace, TemplateModule)):  # a namespace's values, an imported file's macros
        return True

    if isinstance(obj, YearsOfDistrict):
        return attribute in _MAPPING_METHODS
    if _ALLOWED is None:
        _ALLOWED = _allowed_by_type()
    for kind, names in _ALLOWED:
        if isinstance(obj, kind):
            return attribute in names
    return False


def refusal_message(obj, attribute) -> str:
    return f"模板不能使用“{_kind_name(obj)}”的“{attribute}”"


def _kind_name(obj) -> str:
    if isinstance(obj, Fact):
        return f"事实 {obj.key}"
    if isinstance(obj, (FactGroup, FactList)):
        return f"事实分组 {obj.path}" if obj.path else "事实"
    if isinstance(obj, str):
        return "文字"
    if isinstance(obj, (int, float, Decimal)):
        return "数字"
    return type(obj).__name__
