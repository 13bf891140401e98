"""YAML read into located nodes whose scalars stay the text the writer typed.

Nothing is typed here: YAML 1.2 would load `0108` as 108, `2024.10` as 2024.1 and `21469.1` as a
float. Each consumer (facts, config, rules) types scalars by its own schema from the written
text, so the written precision survives and every value keeps its file:line.
"""

from __future__ import annotations

import re
import threading
import unicodedata
from pathlib import Path
from typing import Union

from msgspec import Struct, field

from zongjie.errors import YamlError
from zongjie.inputs.textio import read_source
from zongjie.location import Location

_STANDARD_TAGS = {
    "tag:yaml.org,2002:str",
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:null",
    "tag:yaml.org,2002:timestamp",
    "tag:yaml.org,2002:map",
    "tag:yaml.org,2002:seq",
}
_NULL_TEXT = {"", "~", "null", "Null", "NULL"}


class YScalar(Struct, frozen=True):
    text: str
    location: Location
    is_null: bool = False


class YMap(Struct, frozen=True):
    location: Location
    # key text -> (key scalar, value node); dict keeps the written order
    entries: dict[str, tuple[YScalar, "YNode"]] = field(default_factory=dict)

    def get(self, key: str) -> "YNode | None":
        entry = self.entries.get(key)
        return entry[1] if entry else None


class YSeq(Struct, frozen=True):
    location: Location
    items: tuple["YNode", ...] = ()


YNode = Union[YScalar, YMap, YSeq]


class YamlDocument(Struct, frozen=True):
    root: YNode | None
    encoding: str


def load_yaml(path: Path) -> YamlDocument:
    source = read_source(path)
    return YamlDocument(parse_yaml(source.text, path), source.encoding)


def parse_yaml(text: str, path: Path) -> YNode | None:
    _reject_full_width_indentation(text, path)
    node = _compose(text, path)
    if node is None:
        return None
    try:
        return _convert(node, path, set())
    except RecursionError:
        raise YamlError("嵌套的层次太深", Location(path), "事实数据一般只需几层分组；请检查是否多写了括号。") from None


_PARSERS = threading.local()  # one composer per thread: `zongjie serve` rebuilds in threads


def _parser():
    """A safe YAML composer that does not type scalars: we type them ourselves from the
    written text, so YAML's implicit resolution (int, float, bool, 1.1 vs 1.2 rules) is both
    useless and, per scalar, the slowest part of reading a file. Made once per thread and
    reused (ruamel resets it after each compose): making it cost ~0.13 ms, a file or more
    per document."""
    yaml = getattr(_PARSERS, "yaml", None)
    if yaml is None:
        yaml = _PARSERS.yaml = _new_parser()
    yaml.doc_infos.clear()  # compose records one per call: a long `zongjie serve` would pile them up
    return yaml


def _new_parser():
    from ruamel.yaml import YAML
    from ruamel.yaml.nodes import MappingNode, SequenceNode
    from ruamel.yaml.resolver import VersionedResolver

    class TextResolver(VersionedResolver):
        def resolve(self, kind, value, implicit):
            if kind is MappingNode:
                return self.DEFAULT_MAPPING_TAG
            if kind is SequenceNode:
                return self.DEFAULT_SEQUENCE_TAG
            return self.DEFAULT_SCALAR_TAG

    yaml = YAML(typ="safe")
    yaml.Resolver = TextResolver
    return yaml


def _compose(text: str, path: Path):
    from ruamel.yaml.error import MarkedYAMLError, YAMLError

    try:
        return _parser().compose(text)
    except MarkedYAMLError as error:
        context = error.context or ""
        if "quoted scalar" in context and error.context_mark is not None:
            # an unclosed quote runs to the end of the file: say where it opens
            line, column = error.context_mark.line + 1, error.context_mark.column + 1
            lines = text.split("\n")
            opening = lines[line - 1][column - 1:column] if line <= len(lines) else ""
            quote = "单引号" if opening == "'" else "双引号"
            raise YamlError(
                f"第 {line} 行第 {column} 列的{quote}没有闭合",
                Location(path, line, column),
                f"请在这一行的值末尾补上对应的{quote}，或删去开头的{quote}。",
            ) from None
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 if mark else None
        column = mark.column + 1 if mark else None
        problem = error.problem or error.context or "无法解析"
        raise YamlError(
            f"第 {line} 行 YAML 写法有误（{problem}）",
            Location(path, line, column),
            _hint_for_line(text, line),
        ) from None
    except (YAMLError, IndexError, ValueError, TypeError, RecursionError) as error:
        # Some malformed inputs make ruamel fail outside its own error types and without a mark.
        raise YamlError(
            f"YAML 写法有误，无法解析（{type(error).__name__}: {error}）",
            Location(path),
            "请检查缩进、冒号（须为半角“:”且后面加空格）和引号是否成对。",
        ) from None


def _hint_for_line(text: str, line: int | None) -> str:
    lines = text.split("\n")
    source_line = lines[line - 1] if line and 0 < line <= len(lines) else ""
    candidates = [source_line] + ([lines[line - 2]] if line and line >= 2 else [])
    if any("：" in candidate and ":" not in candidate for candidate in candidates):
        return "这一行（或上一行）用了全角冒号“：”，键和值之间须用半角冒号“:”加一个空格。"
    if "\t" in source_line:
        return "YAML 的缩进不能用 Tab 键，请改为空格。"
    return "请检查这一行及上一行的缩进（同一层级须对齐）、冒号后的空格和引号是否成对。"


_FULL_WIDTH_INDENT = re.compile(r"^[ \t]*[\u3000\u00a0]", re.MULTILINE)


def _reject_full_width_indentation(text: str, path: Path) -> None:
    match = _FULL_WIDTH_INDENT.search(text)
    if match:
        line = text.count("\n", 0, match.start()) + 1
        raise YamlError(
            f"第 {line} 行的缩进里有全角空格或不间断空格",
            Location(path, line, 1),
            "YAML 的缩进只能用半角空格，请删除该行开头的空白后用空格键重新缩进。",
        )


def _convert(node, path: Path, seen: set[int]) -> YNode:
    """Composed node → our node. An alias is the same node object met twice (the C composer
    does not record anchors); refusing it also stops "billion laughs" expansion."""
    # imported once per file, not per node: a function-level import costs ~2 µs a call,
    # and a facts.yaml has hundreds of nodes (ruamel stays out of the import of this module)
    from ruamel.yaml.nodes import MappingNode, SequenceNode

    def convert(node) -> YNode:
        mark = node.start_mark
        location = Location(path, mark.line + 1, mark.column + 1)
        if id(node) in seen:
            raise YamlError(
                "不支持 YAML 锚点和别名（& 与 *）",
                location,
                "请把要重复的内容直接写出来；同一个数字只需写一次，在模板里引用它即可。",
            )
        seen.add(id(node))
        tag = node.tag
        if tag not in _STANDARD_TAGS:
            raise YamlError(f"不支持的 YAML 标签 {tag}", location, "请删除以“!”开头的标签。")
        if isinstance(node, MappingNode):
            entries: dict[str, tuple[YScalar, YNode]] = {}
            normal_forms: dict[str, str] = {}  # NFKC form → the key first written with it
            for key_node, value_node in node.value:
                key = convert(key_node)
                if not isinstance(key, YScalar):
                    raise YamlError("键必须是一段文字", key.location, "请把键写成“名称: 值”的形式。")
                if key.text in entries:
                    first = entries[key.text][0].location
                    raise YamlError(
                        f"键“{key.text}”重复出现（第一次在第 {first.line} 行）",
                        key.location,
                        "同一层级的键不能重名：请删除或改名其中一个。",
                    )
                _refuse_lookalike(key, entries, normal_forms)
                entries[key.text] = (key, convert(value_node))
            return YMap(location, entries)
        if isinstance(node, SequenceNode):
            return YSeq(location, tuple(convert(item) for item in node.value))
        plain = not node.style  # None from the Python composer, "" from the C one
        is_null = tag == "tag:yaml.org,2002:null" or (plain and node.value in _NULL_TEXT)
        return YScalar(str(node.value), location, is_null)

    return convert(node)


def _refuse_lookalike(key: YScalar, entries: dict, normal_forms: dict[str, str]) -> None:
    """Keys that differ only by Unicode compatibility forms (ＧＤＰ / GDP, 﨑 / 崎) are one
    name to a template (Python identifiers are NFKC-normalised): never merge them silently.
    `normal_forms` holds each earlier key's NFKC form (one lookup per key, not a scan)."""
    normal = unicodedata.normalize("NFKC", key.text)
    text = normal_forms.setdefault(normal, key.text)
    if text != key.text:
        other = entries[text][0]
        raise YamlError(
            f"键“{key.text}”与第 {other.location.line} 行的“{text}”只有全角/半角或字形写法不同，会被当作同一个名称",
            key.location,
            "请统一写法（建议用半角字母和数字），或给其中一个改名。",
        )
