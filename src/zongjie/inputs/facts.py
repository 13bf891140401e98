"""Facts of one district-year: typed values that remember where they were written.

`facts.yaml` is a tree of Chinese keys. Every scalar becomes a `Fact` (typed by its written
text: figure, percentage, date or text) with its file:line; mappings become `FactGroup`s and
sequences `FactList`s, which templates walk with dotted names (`参保.参保人数`).
An empty value (`key:` with nothing after it) is a fact not yet filled in: it is absent, and a
template that needs it gets an error naming the line to fill.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Union

from msgspec import Struct

from zongjie.errors import FactError, NumberFormatError
from zongjie.importing.sources import SOURCES_FILE, attach_sources
from zongjie.inputs.containment import ensure_inside
from zongjie.inputs.yamlio import YMap, YNode, YScalar, YSeq, load_yaml
from zongjie.location import Location
from zongjie.numbers.parse import parse_value
from zongjie.numbers.quantity import Quantity, YearMonth
from zongjie.script import fold

FactValue = Union[Quantity, datetime.date, YearMonth, str]

# Names the template context defines itself (context.py) and the functions it offers
# (filters.GLOBALS; a test keeps the two lists equal): a top-level fact would shadow them.
RESERVED_NAMES = frozenset({"地区", "年度", "单位名称", "叙述", "上年", "prev", "历年", "years", "模板"})
FUNCTION_NAMES = frozenset({"合计", "total", "差额", "difference", "占比", "share", "月份区间", "month_range",
                            "舍位平衡", "rebalance", "range"})


def reserved_names() -> frozenset[str]:
    """Names a top-level fact would shadow in templates: context variables and functions."""
    return RESERVED_NAMES | FUNCTION_NAMES


class Fact(Struct, frozen=True):
    key: str
    value: FactValue
    written: str
    location: Location
    derived: bool = False

    @property
    def quantity(self) -> Quantity | None:
        return self.value if isinstance(self.value, Quantity) else None

    # Read-only views for templates, named as writers would ask for them.
    @property
    def 值(self) -> Decimal | FactValue:
        return self.value.value if isinstance(self.value, Quantity) else self.value

    @property
    def 单位(self) -> str:
        return self.value.unit if isinstance(self.value, Quantity) else ""

    @property
    def 原文(self) -> str:
        return self.written

    @property
    def 来源(self) -> str:
        return str(self.location)

    def __str__(self) -> str:
        return default_text(self.value)


def default_text(value: FactValue) -> str:
    """How a fact reads when a template writes it without a filter: as written, normalised
    (no digit grouping, half-width digits)."""
    if isinstance(value, datetime.date):
        return f"{value.year}年{value.month}月{value.day}日"
    return str(value)


# A group and a list stay dataclasses: they are a Mapping and a Sequence for templates, and
# collections.abc's metaclass cannot be combined with msgspec's.
@dataclass(frozen=True)
class FactGroup(Mapping):
    """A mapping of facts; `path` is its dotted key ('' for the root)."""

    path: str
    location: Location
    members: dict[str, "FactNode"] = field(default_factory=dict)
    # keys written with an empty value, with their location, for "please fill in" messages
    empty: dict[str, Location] = field(default_factory=dict)
    # where each member's key is written (a group's own location is that of its first line)
    key_locations: dict[str, Location] = field(default_factory=dict)

    def __getitem__(self, key: str) -> "FactNode":
        member = self.members.get(key)
        if member is None and isinstance(key, str):
            member = self.members.get(fold(key))  # keys are kept in Simplified form
        if member is None:
            raise KeyError(key)
        return member

    def __iter__(self) -> Iterator[str]:
        return iter(self.members)

    def __len__(self) -> int:
        return len(self.members)

    def __str__(self) -> str:
        return self.path


@dataclass(frozen=True)
class FactList(Sequence):
    path: str
    location: Location
    items: tuple["FactNode", ...] = ()

    def __getitem__(self, index):  # type: ignore[override]
        return self.items[index]

    def __len__(self) -> int:
        return len(self.items)

    def __str__(self) -> str:
        return self.path


FactNode = Union[Fact, FactGroup, FactList]


class FactSet(Struct, frozen=True):
    """All facts of one district-year, as a tree and as a flat index by dotted key."""

    path: Path
    root: FactGroup
    index: dict[str, Fact]
    encoding: str = "utf-8"

    def get(self, key: str) -> Fact | None:
        fact = self.index.get(key)
        return fact if fact is not None else self.index.get(fold(key))

    def empty_location(self, key: str) -> Location | None:
        """Where a key was declared but left empty, if it was."""
        parent, _, name = key.rpartition(".")
        node: FactNode | None = self.root
        for part in fold(parent).split(".") if parent else []:
            node = node.members.get(part) if isinstance(node, FactGroup) else None
        return node.empty.get(fold(name)) if isinstance(node, FactGroup) else None


def load_facts(path: Path) -> FactSet:
    ensure_inside(path, what="事实文件")
    if not path.is_file():
        raise FactError(
            "找不到 facts.yaml",
            Location(path),
            "每个年度文件夹里都要有 facts.yaml；可运行 zongjie new 地区 年度 生成带说明的空白文件。",
        )
    document = load_yaml(path)
    if document.root is None:
        root = FactGroup("", Location(path, 1))
        return FactSet(path, root, {}, document.encoding)
    if not isinstance(document.root, YMap):
        raise FactError(
            "facts.yaml 的最外层必须是“键: 值”的列表",
            document.root.location,
            "每行写一个事实，如“参保人数: 429198人”；分组用缩进。",
        )
    index: dict[str, Fact] = {}
    root = _group(document.root, "", index)
    reserved = next((name for name in root.members if name in reserved_names()), None)
    if reserved:
        raise FactError(
            f"“{reserved}”是保留名称（模板变量或函数），不能用作最外层的事实键",
            root.members[reserved].location,
            "地区、年度等由文件夹名给出；请给这个事实换个名字或放进某个分组。",
        )
    fact_set = FactSet(path, root, index, document.encoding)
    if path.with_name(SOURCES_FILE).is_file():  # facts imported from a spreadsheet name their cell
        attach_sources(fact_set)
    return fact_set


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def _group(node: YMap, path: str, index: dict[str, Fact]) -> FactGroup:
    members: dict[str, FactNode] = {}
    empty: dict[str, Location] = {}
    written: dict[str, YScalar] = {}
    for original, (key_node, value) in node.entries.items():
        _check_key(original, key_node)
        key = _same_key_once(original, key_node, written)
        child_path = _join(path, key)
        if isinstance(value, YScalar) and value.is_null:
            empty[key] = key_node.location
            continue
        child = _node(value, child_path, index)
        if isinstance(child, FactGroup) and not child.members:
            # a group with nothing filled in yet (a new year) is absent, so the sections
            # that need it are left out; its keys still answer "where do I fill this in"
            empty[key] = key_node.location
            continue
        members[key] = child
    return FactGroup(path, node.location, members, empty, {key: key_node.location for key, key_node in written.items()})


def _node(node: YNode, path: str, index: dict[str, Fact]) -> FactNode:
    if isinstance(node, YMap):
        return _group(node, path, index)
    if isinstance(node, YSeq):
        items = tuple(_node(item, f"{path}[{number}]", index) for number, item in enumerate(node.items))
        return FactList(path, node.location, items)
    fact = _fact(node, path)
    index[path] = fact
    return fact


def _fact(node: YScalar, path: str) -> Fact:
    try:
        value = parse_value(node.text)
    except NumberFormatError as error:
        raise FactError(f"{path}: {error.message}", node.location, error.hint) from None
    return Fact(path, value, node.text, node.location)


def _same_key_once(original: str, key_node: YScalar, written: dict[str, YScalar]) -> str:
    """A key in either script is the same key (醫療救助 is 医疗救助, as templates and rules write
    it): kept in Simplified form. Two keys of a group that are the same after conversion would
    silently hide one another."""
    key = fold(original)
    earlier = written.get(key)
    if earlier is not None:
        raise FactError(
            f"键“{original}”和第 {earlier.location.line} 行的“{earlier.text}”繁简转换后是同一个键“{key}”",
            key_node.location,
            "同一个事实只能写一次；请删去其中一个，或给它们起不同的名字。",
        )
    written[key] = key_node
    return key


def _check_key(key: str, key_node: YScalar) -> None:
    """Keys are names templates write as `分组.键`, so they must be identifiers."""
    if key.isidentifier():
        return
    if not key.strip():
        raise FactError("键不能为空", key_node.location, "请在冒号前写出事实的名称。")
    if key[0].isdigit():
        raise FactError(
            f"键“{key}”以数字开头，模板里无法引用",
            key_node.location,
            "请以汉字开头，如把“2024年度缴费人数”写成“下年度缴费人数”。",
        )
    bad = next(ch for ch in key if not ("_" + ch).isidentifier())
    raise FactError(
        f"键“{key}”里有字符“{bad}”，模板里无法引用",
        key_node.location,
        "键只能由汉字、字母、数字和下划线组成，如把““双通道”待遇”写成“双通道待遇”。",
    )


def add_derived(fact_set: FactSet, fact: Fact) -> None:
    """Put a value computed by a check rule into the tree, so templates can write it like
    any other fact (marked derived, located at its rule)."""
    *groups, name = fact.key.split(".")
    node = fact_set.root
    path = ""
    for part in groups:
        path = f"{path}.{part}" if path else part
        child = node.members.get(part)
        if not isinstance(child, FactGroup):
            child = FactGroup(path, fact.location)
            node.members[part] = child
        node = child
    node.members[name] = fact
    node.empty.pop(name, None)
    fact_set.index[fact.key] = fact
