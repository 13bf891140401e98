"""Facts a template needs that are not filled in yet: placeholders in a draft, one list of
everything missing in a final build, and the clause guard `可选` of optional figures.

A writer fills a year's facts over days. While rendering, a missing fact (a key left empty in
facts.yaml, or not written at all) no longer stops the template at its first use: it is
recorded with the facts.yaml line where it is to be filled, and written as

    【待填：参保.参保率】

which a draft shows highlighted, and which a final build turns into one error per missing
fact, all at once. A figure the template marks optional (`{{ 参保.参保率 | 可选 }}`) is not
missing: without it its clause is dropped (see clauses.py). In a draft an optional figure whose
key is still in facts.yaml (left empty) shows its placeholder, so the writer sees what could
go there; deleting the line says "we have no such figure this year".
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import jinja2
from msgspec import Struct

from zongjie.errors import ZongjieError
from zongjie.inputs.facts import FactGroup
from zongjie.inputs.yamlio import YMap, load_yaml
from zongjie.location import Location

PLACEHOLDER_OPEN, PLACEHOLDER_CLOSE = "【待填：", "】"
YEARS = "历年"  # the template's name for every year of the district (templating's context)
DROP = "\ue003"  # an optional clause's missing figure: the clause around it is removed


class OptionalMissing:
    """What `{{ 事实 | 可选 }}` gives for a missing fact (see filters.optional)."""

    __slots__ = ("undefined",)

    def __init__(self, undefined: jinja2.Undefined):
        self.undefined = undefined


class Placeholder(Struct, frozen=True):
    """A fact the document needs and facts.yaml does not give (yet)."""

    key: str
    location: Location | None  # the facts.yaml line to fill, if the key is written there
    optional: bool = False
    declared: bool = True  # the key is written in facts.yaml (else `location` is the template line)

    @property
    def text(self) -> str:
        return f"{PLACEHOLDER_OPEN}{self.key}{PLACEHOLDER_CLOSE}"

    def describe(self) -> str:
        where = f"{self.location}: " if self.location else ""
        if not self.declared:
            how = "facts.yaml 中没有这一项（键名写错了？或请补写这一行）"
        else:
            how = "可选，不填则省略所在分句" if self.optional else "待填"
        return f"{where}{self.key}（{how}）"


def undefined_key(value: jinja2.Undefined) -> str:
    """The dotted key a template asked for and did not get (参保.参保率)."""
    name, owner = value._undefined_name, value._undefined_obj
    if isinstance(owner, FactGroup) and owner.path:
        return f"{owner.path}.{name}"
    if type(owner).__name__ == "YearsOfDistrict":  # 历年[2019]: a year, not a key of this year's facts
        return f"{YEARS}[{name}]"
    return str(name) if name is not None else "?"


def declared_location(facts_path: Path | None, key: str) -> Location | None:
    """Where `key` is written in facts.yaml (empty or not), even inside a group with nothing
    filled (which the fact tree leaves out)."""
    if facts_path is None:
        return None
    return declared_keys(facts_path).get(key)


def _mtime(path: Path) -> int:
    try:
        return path.stat().st_mtime_ns
    except OSError:
        return 0


@lru_cache(maxsize=32)
def declared_keys(path: Path) -> dict[str, Location]:
    """Every key facts.yaml declares (filled or left empty), with its line; read once per
    version of the file."""
    return _declared_keys(path, _mtime(path))


def _declared_keys(path: Path, _mtime_ns: int) -> dict[str, Location]:
    keys: dict[str, Location] = {}

    def walk(node: YMap, prefix: str) -> None:
        for name, (key_node, value) in node.entries.items():
            key = f"{prefix}.{name}" if prefix else name
            keys[key] = key_node.location
            if isinstance(value, YMap):
                walk(value, key)

    try:
        root = load_yaml(path).root
    except (ZongjieError, OSError):  # facts.yaml was read once already; this is only for line numbers
        return keys
    if isinstance(root, YMap):
        walk(root, "")
    return keys


