"""Writing outputs so that nothing already written is lost or half-overwritten.

Each file is written to a temporary file in the same folder and moved into place with
`os.replace`, which is atomic on one file system: a reader (or Word) sees the old file or the
new one, never a truncated one. A file that Word/WPS holds open on Windows cannot be
replaced; the old file then stays as it was and the message says to close it.
"""

from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path

from zongjie.errors import Location, OutputError

_UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f]')
MAX_NAME = 120


def safe_file_name(title: str) -> str:
    """A document title as a file name: no path separators or characters Windows forbids."""
    name = _UNSAFE.sub("", title).strip().strip(".")
    name = re.sub(r"\s+", " ", name)
    return name[:MAX_NAME] or "工作总结"


def write_files(files: dict[Path, bytes]) -> None:
    """Write several files; each one is replaced whole or not at all."""
    staged: list[tuple[Path, Path]] = []
    try:
        for target, data in files.items():
            target.parent.mkdir(parents=True, exist_ok=True)
            descriptor, temporary = tempfile.mkstemp(prefix=".zongjie-", suffix=target.suffix, dir=target.parent)
            with os.fdopen(descriptor, "wb") as stream:
                stream.write(data)
            staged.append((Path(temporary), target))
        for temporary, target in staged:
            _replace(temporary, target)
    except OSError as error:
        raise _output_error(error) from None
    finally:
        for temporary, _target in staged:
            if temporary.exists():
                temporary.unlink()


def _replace(temporary: Path, target: Path) -> None:
    try:
        os.replace(temporary, target)
    except PermissionError:
        raise OutputError(
            f"无法覆盖 {target.name}：文件可能正在 Word 或 WPS 中打开",
            Location(target),
            "请关闭该文件后重新运行；原来的文件没有改动。",
        ) from None


def _output_error(error: OSError) -> OutputError:
    path = Path(error.filename) if error.filename else None
    return OutputError(
        f"写入输出文件失败：{error.strerror or error}",
        Location(path) if path else None,
        "请检查输出文件夹是否可写、磁盘是否已满。",
    )
