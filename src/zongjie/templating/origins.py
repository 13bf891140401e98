"""Where a picture or a chart block was written, carried through Jinja to the reader.

The rendered Markdown is one text assembled from many files, so by the time the reader meets
`![图注](照片.jpg)` it can no longer tell which file the picture is relative to, nor which line
to name in an error. A Jinja extension therefore rewrites each picture and chart block in the
*source* of every template and narrative before it is compiled, adding an origin tag
(`zj:<hex of the file path>:<line>`): as an image title, or after a chart fence's info string.
The tag depends only on the file's path and text, so compiled templates stay cacheable.
"""

from __future__ import annotations

import re
from functools import partial
from pathlib import Path

from jinja2.ext import Extension

from zongjie.location import Location

ORIGIN_PREFIX = "zj:"
CHART_INFOS = ("图表", "chart")
# `![alt](path)`: the alt may hold Jinja (`{{ 历年[2022].x }}`), so it ends only at `](`.
_IMAGE = re.compile(r"!\[(?P<alt>.*?)\]\(\s*(?P<path><[^>\n]*>|[^\s()\"]+)\s*(?P<title>\"[^\"\n]*\")?\s*\)")
_FENCE = re.compile(r"^(?P<indent> {0,3})(?P<fence>`{3,}|~{3,})[ \t]*(?P<info>图表|chart)[ \t]*$")
_TAG = re.compile(r"zj:([0-9a-f]+):(\d+)")


def origin_tag(path: str, line: int) -> str:
    return f"{ORIGIN_PREFIX}{path.encode('utf-8').hex()}:{line}"


def parse_origin(text: str | None) -> Location | None:
    match = _TAG.search(text or "")
    if match is None:
        return None
    try:
        path = bytes.fromhex(match.group(1)).decode("utf-8")
    except ValueError:
        return None
    return Location(Path(path), int(match.group(2)))


def mark_origins(source: str, filename: str | None) -> str:
    """The source with an origin tag on each picture and chart block (unchanged if it has none)."""
    if filename is None or ("![" not in source and "图表" not in source and "chart" not in source):
        return source
    lines = source.split("\n")
    for index, line in enumerate(lines):
        number = index + 1
        if "![" in line:
            line = _IMAGE.sub(partial(_tagged_image, filename=filename, line=number), line)
        fence = _FENCE.match(line)
        if fence:
            line = f"{line.rstrip()} {origin_tag(filename, number)}"
        lines[index] = line
    return "\n".join(lines)


def _tagged_image(match: re.Match, filename: str, line: int) -> str:
    title = origin_tag(filename, line)
    return f"![{match.group('alt')}]({match.group('path')} \"{title}\")"


class OriginExtension(Extension):
    """Adds origin tags to every template and narrative Jinja compiles."""

    def preprocess(self, source: str, name: str | None, filename: str | None = None) -> str:
        return mark_origins(source, filename)
