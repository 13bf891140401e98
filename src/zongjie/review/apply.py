"""`zongjie diff --apply`: edited narrative paragraphs written back into their .md files.

Only where the mapping is one to one: a paragraph of a narrative file without template
syntax, changed in words (or split into several paragraphs). Figures are never written: a
figure lives in facts.yaml, and the writer changes it there. Each file keeps its encoding,
line endings, byte-order mark and every other line; it is replaced whole or not at all.
"""

from __future__ import annotations

import re
from pathlib import Path

from msgspec import Struct

from zongjie.document.mdsyntax import escape_inline
from zongjie.inputs.textio import read_source
from zongjie.output import write_files
from zongjie.review.diffing import DiffResult, ProseChange
from zongjie.review.source_map import TEMPLATE_SYNTAX, NarrativeParagraph
from zongjie.script import fold, is_traditional

_HEADING_PREFIX = re.compile(r"^\s*#{1,6}\s+")


class PlannedWrite(Struct, frozen=True):
    path: Path
    start: int  # lines replaced, from 1, inclusive
    end: int
    old: str
    new: str


def plan_writes(result: DiffResult, locale: str = "zh_CN") -> tuple[list[PlannedWrite], list[ProseChange]]:
    """What --apply would write, and the changes it leaves to the writer."""
    planned, left = [], []
    script = _source_script(locale)
    for change in result.prose:
        origin = change.origin  # an applicable change has one (review.diffing)
        new = _markdown(change, origin) if origin is not None and change.applicable else None
        if origin is None or new is None:
            left.append(change)
            continue
        planned.append(PlannedWrite(origin.path, origin.start, origin.end, origin.source, script(origin.source, new)))
    for split in result.structure:  # a narrative paragraph split in two is written as two
        origin = split.origin
        if split.kind == "split" and origin is not None and origin.applicable and not origin.heading:
            indent = _indent(origin.source)
            new = "\n\n".join(indent + _runs_markdown(runs) for runs in split.new_runs)
            if not TEMPLATE_SYNTAX.search(new):
                planned.append(PlannedWrite(origin.path, origin.start, origin.end, origin.source, script(origin.source, new)))
    return planned, left


def _source_script(locale: str):
    """A Traditional document edited in Word comes back in Traditional; a narrative written in
    Simplified gets its paragraph back in Simplified, not a Traditional line among Simplified
    ones. The build folds Traditional narrative to Simplified before converting it, so the
    built document is the same either way."""
    if not is_traditional(locale):
        return lambda source, new: new
    return lambda source, new: fold(new) if fold(source) == source else new


def _markdown(change: ProseChange, origin: NarrativeParagraph) -> str | None:
    paragraphs = [_runs_markdown(runs) for runs in change.new_runs]
    if any(TEMPLATE_SYNTAX.search(text) for text in paragraphs):
        change.reason = "改后的文字里有 {{、{% 或 {#，会被当作模板语句：请在叙述文件中手工修改"
        change.applicable = False
        return None
    heading = _HEADING_PREFIX.match(origin.source)
    if heading:
        if len(paragraphs) != 1:
            change.reason = "标题被改成了多段：请在叙述文件中手工修改"
            change.applicable = False
            return None
        return heading.group() + paragraphs[0]
    return "\n\n".join(_indent(origin.source) + text for text in paragraphs)


def _indent(source: str) -> str:
    """The spaces (half- or full-width) a narrative paragraph starts with, kept on rewriting."""
    return source[: len(source) - len(source.lstrip(" \u3000"))]


def _runs_markdown(runs: list[tuple[str, bool, bool]]) -> str:
    parts = []
    for text, bold, emphasis in runs:
        escaped = escape_inline(text.replace("\n", " "))
        core = escaped.strip()
        if not core or not (bold or emphasis):
            parts.append(escaped)
            continue
        mark = "**" if bold else "*"
        lead = escaped[: len(escaped) - len(escaped.lstrip())]
        trail = escaped[len(escaped.rstrip()):]
        parts.append(f"{lead}{mark}{core}{mark}{trail}")
    return "".join(parts).strip()


def apply_writes(planned: list[PlannedWrite]) -> list[Path]:
    """Write every planned change; all files or none."""
    files: dict[Path, bytes] = {}
    by_path: dict[Path, list[PlannedWrite]] = {}
    for write in planned:
        by_path.setdefault(write.path, []).append(write)
    for path, writes in by_path.items():
        source = read_source(path)
        lines = source.text.split("\n")
        for write in sorted(writes, key=lambda w: w.start, reverse=True):
            lines[write.start - 1 : write.end] = write.new.split("\n")
        files[path] = source.encode("\n".join(lines))  # its encoding, BOM and line endings kept
    write_files(files)
    return list(files)
