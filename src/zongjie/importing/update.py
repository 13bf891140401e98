"""facts.yaml updated in place: only the imported facts change.

ruamel's round-trip mode keeps comments, key order, flow mappings and every untouched value as
written; new values are emitted plain (`21469.1万元`, `2023-11-30`, not quoted), as a writer
would type them. The file keeps its encoding, BOM and line endings.
"""

from __future__ import annotations

import difflib
import io
import re
from pathlib import Path

from msgspec import Struct

from zongjie.importing.grid import SpreadsheetError
from zongjie.inputs.textio import read_source
from zongjie.location import Location


class _Verbatim(str):
    """A value written as it is: plain, whatever YAML would otherwise read it as."""


class UpdatedFile(Struct, frozen=True):
    path: Path
    before: str
    after: str
    data: bytes  # what to write

    @property
    def changed(self) -> bool:
        return self.before != self.after

    def diff(self, label: str) -> str:
        """A unified diff; without difflib's "popular line" heuristic, which in a long facts.yaml
        treats repeated lines (`职工:`) as junk and shows unchanged lines as changed."""
        before, after = self.before.splitlines(True), self.after.splitlines(True)
        lines = [f"--- {label}（现在）\n", f"+++ {label}（导入后）\n"]
        matcher = difflib.SequenceMatcher(None, before, after, autojunk=False)
        for group in matcher.get_grouped_opcodes(3):
            first, last = group[0], group[-1]
            lines.append(f"@@ -{first[1] + 1},{last[2] - first[1]} +{first[3] + 1},{last[4] - first[3]} @@\n")
            for tag, i1, i2, j1, j2 in group:
                lines += [" " + line for line in before[i1:i2]] if tag == "equal" else []
                lines += ["-" + line for line in before[i1:i2]] if tag in ("replace", "delete") else []
                lines += ["+" + line for line in after[j1:j2]] if tag in ("replace", "insert") else []
        return "".join(line if line.endswith("\n") else line + "\n" for line in lines) if len(lines) > 2 else ""


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
    after = _keep_comment_spacing(source.text, stream.getvalue())
    return UpdatedFile(path, source.text, after, source.encode(after))  # its encoding, BOM and line endings kept


_COMMENT_GAP = re.compile(r"(?<=\S) #(?= |$)")


def _keep_comment_spacing(before: str, after: str) -> str:
    """ruamel puts one space before a line's comment when the value grew; keep the writer's
    two (`收入: 11720.82万元  # 上年：…`) on the lines the import changed."""
    old, new = before.splitlines(True), after.splitlines(True)
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "replace" and i2 - i1 == j2 - j1:
            for i, j in zip(range(i1, i2), range(j1, j2)):
                if "  #" in old[i] and "  #" not in new[j]:
                    new[j] = _COMMENT_GAP.sub("  #", new[j], count=1)
    return "".join(new)



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
