"""Inputs stay inside the workspace: a link (or shortcut folder) out of it is refused.

A workspace travels on shared drives and in archives; a narrative, facts.yaml or checks.yaml
that is a symlink to a file elsewhere would publish that file. Templates are held to the same
rule by their loader (templating.ContainedLoader). Years are names, never paths.
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

from zongjie.errors import WorkspaceError
from zongjie.location import Location

CONTENT_DIR = "content"


def content_root(path: Path) -> Path | None:
    """The `content/` folder a district input lies in (by its written path, not resolved)."""
    for parent in path.parents:
        if parent.name == CONTENT_DIR:
            return parent
    return None


def ensure_inside(path: Path, root: Path | None = None, what: str = "文件") -> Path:
    """`path` itself, if it resolves inside `root` (by default its `content/` folder)."""
    root = root if root is not None else content_root(path)
    if root is None:
        return path
    try:
        resolved = path.resolve()
    except (OSError, RuntimeError):  # a link to itself, or a loop of links
        raise WorkspaceError(f"{what}“{path.name}”是一个循环的链接", Location(path),
                             "请删除这个链接，换成文件本身。") from None
    if not resolved.is_relative_to(root.resolve()):
        raise WorkspaceError(
            f"{what}“{path.name}”是指向工作区之外的链接",
            Location(path),
            "出于安全考虑，zongjie 只读取工作区内的文件；请把文件本身复制进来，不要用链接或快捷方式。",
        )
    return path


_YEAR = re.compile(r"\d{4}")


def normalise_year(text) -> str | None:
    """A year as written by a writer (`2024`, `２０２４`, ` 2024 `, the integer 2024) → '2024';
    None for anything else (`../裕安区/2020`, `2024/..`, `二〇二四`)."""
    if isinstance(text, bool):
        return None
    if isinstance(text, int):
        text = str(text)
    if not isinstance(text, str):
        return None
    year = unicodedata.normalize("NFKC", text).strip()
    return year if _YEAR.fullmatch(year) and year.isascii() else None
