"""facts.yaml updated in place: only the imported facts change.

ruamel's round-trip mode keeps comments, key order, flow mappings and every untouched value as
written; new values are emitted plain (`21469.1万元`, `2023-11-30`, not quoted), as a writer
would type them. The file keeps its encoding, BOM and line endings.
"""

from __future__ import annotations

import difflib
import io
from dataclasses import dataclass
from pathlib import Path

from zongjie.errors import Location
from zongjie.importing.grid import SpreadsheetError
from zongjie.textio import read_bytes, read_source

_BOM = b"\xef\xbb\xbf"


class _Verbatim(str):
    """A value written as it is: plain, whatever YAML would otherwise read it as."""


@dataclass(frozen=True)
class UpdatedFile:
    path: Path
    before: str
    after: str
    data: bytes  # what to write

    @property
    def changed(self) -> bool:
        return self.before != self.after

    def diff(self, label: str) -> str:
        return "".join(difflib.unified_diff(self.before.splitlines(True), self.after.splitlines(True),
                                            f"{label}（现在）", f"{label}（导入后）"))


def _yaml():
    from ruamel.yaml import YAML
    from ruamel.yaml.nodes import ScalarNode

    yaml = YAML()  # round-trip
    yaml.width = 4096  # never fold a long line the writer wrote on one
    yaml.preserve_quotes = True
    yaml.representer.add_representer(
        _Verbatim, lambda representer, data: representer.represent_scalar(
            yaml.resolver.resolve(ScalarNode, str(data), (True, False)), str(data)))
    return yaml


def update_facts(path: Path, values: dict[str, str | None]) -> UpdatedFile:
    """facts.yaml with `values` (dotted key → written text, None for empty) put in."""
    from ruamel.yaml.comments import CommentedMap

    source = read_source(path)
    raw = read_bytes(path)
    yaml = _yaml()
    document = yaml.load(source.text)
    if document is None:
        document = CommentedMap()
    for key, text in values.items():
        group = document
        parts = key.split(".")
        for depth, part in enumerate(parts[:-1]):
            child = group.get(part)
            if child is None:
                child = group[part] = CommentedMap()
            elif not isinstance(child, dict):
                raise SpreadsheetError(
                    f"导入的事实 {key} 要求“{'.'.join(parts[:depth + 1])}”是分组，但 facts.yaml 里它是一个值",
                    Location(path), "请核对导入映射里的事实键。")
            group = child
        if isinstance(group.get(parts[-1]), (dict, list)):
            raise SpreadsheetError(f"导入的事实 {key} 在 facts.yaml 里是一个分组，不是单个数字", Location(path),
                                   "请在导入映射里写到具体的键，如 基金.险种.职工医保统筹基金.收入。")
        group[parts[-1]] = _Verbatim(text) if text is not None else None
    stream = io.StringIO()
    yaml.dump(document, stream)
    after = stream.getvalue()
    if source.text == "" and not values:
        after = ""
    return UpdatedFile(path, source.text, after, _encode(after, raw, source.encoding))


def _encode(text: str, raw: bytes, encoding: str) -> bytes:
    if b"\r\n" in raw:
        text = text.replace("\n", "\r\n")
    data = text.encode(encoding)
    return _BOM + data if raw.startswith(_BOM) else data


def dump_plain(document: dict) -> str:
    """A small YAML file (the sidecar) with values written plain."""
    yaml = _yaml()
    stream = io.StringIO()
    yaml.dump(_plain_values(document), stream)
    return stream.getvalue()


def _plain_values(node):
    if isinstance(node, dict):
        return {key: _plain_values(value) for key, value in node.items()}
    return _Verbatim(node) if isinstance(node, str) else node
