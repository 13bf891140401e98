"""A cache only the current user can write: the one place zongjie keeps what it loads back.

Compiled templates are code, and the DOCX prototype goes into every document, so neither may
be read from the workspace or its build folder (a shared drive, a zip received with its
build folder): anyone able to write there would run code or rewrite every document. They are
kept in the user's own cache folder (`%LOCALAPPDATA%\\zongjie` on Windows,
`$XDG_CACHE_HOME/zongjie` or `~/.cache/zongjie` elsewhere; `ZONGJIE_CACHE_DIR` overrides),
and on POSIX used only when that folder and each file are the user's own and writable by
nobody else. A folder that fails the check is not used: everything is then built afresh.
Files are written whole (temporary file, then rename), so a reader never sees half a file.
"""

from __future__ import annotations

import os
import stat
import sys
import tempfile
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path


def _base() -> Path:
    override = os.environ.get("ZONGJIE_CACHE_DIR")
    if override:
        return Path(override)
    if sys.platform == "win32":
        return Path(os.environ.get("LOCALAPPDATA") or Path.home() / "AppData" / "Local") / "zongjie"
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "zongjie"


def _is_private(info: os.stat_result) -> bool:
    if not hasattr(os, "getuid"):  # Windows: the profile folder is the user's by its ACL
        return True
    return info.st_uid == os.getuid() and not info.st_mode & (stat.S_IWGRP | stat.S_IWOTH)


@lru_cache(maxsize=8)
def private_dir(kind: str) -> Path | None:
    """`<cache>/<kind>`, created private; None when it is not ours alone (then do without)."""
    folder = _base() / kind
    try:
        if not folder.is_dir() and not _writes_allowed:
            return None
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        for path in (folder, folder.parent):
            info = os.lstat(path)
            if not stat.S_ISDIR(info.st_mode) or not _is_private(info):
                return None
    except OSError:
        return None
    return folder


def read_private(path: Path) -> bytes | None:
    """A cached file's bytes, or None when it is missing or not the user's own."""
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_BINARY", 0)
    try:
        descriptor = os.open(path, flags)
    except OSError:
        return None
    with os.fdopen(descriptor, "rb") as file:
        info = os.fstat(file.fileno())
        if not stat.S_ISREG(info.st_mode) or not _is_private(info):
            return None
        return file.read()


_writes_allowed = True


@contextmanager
def read_only():
    """Within this block the cache is only read (`zongjie check` writes nothing at all)."""
    global _writes_allowed
    before, _writes_allowed = _writes_allowed, False
    try:
        yield
    finally:
        _writes_allowed = before


def write_private(path: Path, data: bytes) -> None:
    """Write a cached file whole; a cache that cannot be written only costs time."""
    if not _writes_allowed:
        return
    try:
        descriptor, temporary = tempfile.mkstemp(prefix=".tmp-", dir=path.parent)
    except OSError:
        return
    try:
        with os.fdopen(descriptor, "wb") as file:
            file.write(data)
        os.replace(temporary, path)
    except OSError:
        try:
            os.unlink(temporary)
        except OSError:
            pass
