"""The language of what the command line says: Simplified, unless the workspace's locale is
Traditional; then every message is converted as the documents are (OpenCC after the
workspace's phrases), so a Taiwan writer reads 錯誤 and 請.

File paths, and the names of districts and templates, are kept as they are spelled on disk: a
message must name a file the writer can find.
"""

from __future__ import annotations

import re
from functools import cache

from zongjie.script import fold, is_traditional, text_converter

_convert = None


def use_workspace_locale(workspace, typed: tuple[str | None, ...] = ()) -> None:
    """Messages from here on in the workspace's (default) locale; names on disk and names the
    user typed on the command line (`typed`) stay as they are."""
    global _convert

    settings = workspace.config.defaults
    if not is_traditional(settings.locale):
        _convert = None
        return
    plain = text_converter(settings.locale, settings.phrases)
    names = _names_on_disk(workspace) | {name for name in typed if name}
    kept = tuple((fold(name), name) for name in names if plain(name) != name)  # matched on Simplified text
    _convert = text_converter(settings.locale, settings.phrases + kept)


def use_simplified() -> None:
    global _convert
    _convert = None


# File paths are shown as they are on disk: a path token (starting where a word may start, with
# an ASCII character, as zongjie shows paths: content/…, build/…, /home/…, C:\…), a listed
# output file (whose name, a title, may hold spaces) on a line of its own, or a file name with
# its extension. 元/万元 is no path.
_STOP = "\\s“”「」‘’（）()，。；：、"


@cache
def _paths() -> re.Pattern:
    """Compiled when a Traditional workspace first shows a message (~1.6 ms to compile, paid
    by no Simplified run)."""
    return re.compile(
        rf"^[ \t]+[A-Za-z0-9_.~/\\-]\S*[/\\].*\.(?:docx|html|md|pdf)[ \t]*$"
        rf"|(?<![^{_STOP}])(?:[A-Za-z]:)?[A-Za-z0-9_.~/\\-][^{_STOP}]*[/\\][^{_STOP}]*"
        rf"|(?<![^{_STOP}])[^{_STOP}/\\]+\.(?:docx|html|md|pdf|yaml|yml|xlsx)\b",
        re.MULTILINE,
    )


def localized(text: str) -> str:
    if _convert is None or not text:
        return text
    parts, start = [], 0
    for match in _paths().finditer(text):
        path = match.group()
        parts.append(_convert(text[start:match.start()]))
        parts.append(path)
        start = match.end()
    parts.append(_convert(text[start:]))
    return "".join(parts)


def _names_on_disk(workspace) -> set[str]:
    """District, city and template names, which messages quote outside paths (岳阳楼区 2023).
    Deeper names (章节, 医疗救助.md) are common words too; they appear inside paths, kept whole."""
    names = {*workspace.districts, *workspace.config.cities}
    if workspace.templates_dir.is_dir():
        names.update(path.name for path in workspace.templates_dir.iterdir() if path.is_dir())
    return {name for name in names if not name.isascii()}
