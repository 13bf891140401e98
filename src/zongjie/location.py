"""Where something is: a file, a line, a column, and how a path is shown to the writer.

A leaf: every message, finding and figure carries a Location, so nothing here may import
the rest of zongjie.
"""

from __future__ import annotations

import os
from pathlib import Path

from msgspec import Struct


class Location(Struct, frozen=True, order=True):
    """A place in a source file; line and column count from 1, as editors show them."""

    file: Path
    line: int | None = None
    column: int | None = None
    # where the value on this line was imported from (`基金收支.xlsx 基金收支!C5`), if it was
    origin: str = ""

    def __str__(self) -> str:
        text = display_path(self.file)
        if self.line is not None:
            text += f":{self.line}"
        if self.origin:
            text += f"（来自 {self.origin}）"
        return text


def display_path(path: Path | str) -> str:
    """A path as the user should read it: relative to the current folder when below it,
    absolute otherwise."""
    path = Path(path)
    if not path.is_absolute():
        return path.as_posix()
    try:
        relative = Path(os.path.relpath(path))
    except ValueError:  # another drive on Windows
        return path.as_posix()
    return path.as_posix() if relative.parts[:1] == ("..",) else relative.as_posix()
