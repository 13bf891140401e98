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

from zongjie.errors import ConfigError, OutputError, ZongjieError
from zongjie.location import Location, display_path

_UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f]')
MAX_NAME = 120
MAX_NAME_BYTES = 200


def safe_file_name(title: str, suffix: str = "") -> str:
    """A document title as a file name: no path separators or characters Windows forbids, and
    short enough for every file system (255 bytes, less the extension and temp suffix).
    A `suffix` (（草稿）, （审阅稿）) is kept whole and the title cut to make room for it, so a
    long title's draft or review copy never takes the clean copy's name."""
    name = _UNSAFE.sub("", title).strip().strip(".")
    name = re.sub(r"\s+", " ", name)[:MAX_NAME - len(suffix)]
    while len((name + suffix).encode("utf-8")) > MAX_NAME_BYTES:
        name = name[:-1]
    return (name or "工作总结") + suffix


def write_files(files: dict[Path, bytes]) -> None:
    """Write several files; each one is replaced whole or not at all, and none is replaced
    unless all could be written and all targets can be replaced (a folder where a file should
    be is found before any document changes)."""
    staged: list[tuple[Path, Path]] = []
    try:
        for target in files:
            if target.exists() and not target.is_file():
                raise OutputError(f"{target.name} 已经存在，但不是文件", Location(target),
                                  "请把这个同名的文件夹改名或移走。")
        for target, data in files.items():
            try:
                target.parent.mkdir(parents=True, exist_ok=True)
                descriptor, temporary_name = tempfile.mkstemp(prefix=".zongjie-", suffix=target.suffix, dir=target.parent)
                staged.append((Path(temporary_name), target))  # removed below whatever happens next
                with os.fdopen(descriptor, "wb") as stream:
                    stream.write(data)
                os.chmod(temporary_name, _mode_for(target))
            except OSError as error:
                raise _output_error(error, target) from None
        replaced: list[Path] = []
        for temporary, target in staged:
            try:
                _replace(temporary, target)
            except OutputError as error:  # never claim "nothing changed" when some files did
                if replaced and error.hint:
                    names = "、".join(path.name for path in replaced)
                    error.hint = error.hint.replace("原来的文件没有改动", f"{names} 已是新的，其余原来的文件没有改动")
                raise
            replaced.append(target)
    finally:
        for temporary, _target in staged:
            if temporary.exists():
                temporary.unlink()


def _mode_for(target: Path) -> int:
    """The mode a replaced file had, or what the umask gives a new file (mkstemp's 0600
    would make an HTML for publishing unreadable to the web server)."""
    try:
        return target.stat().st_mode & 0o7777
    except OSError:
        return 0o666 & ~_umask()


def _umask() -> int:
    current = os.umask(0o022)
    os.umask(current)
    return current


def _replace(temporary: Path, target: Path) -> None:
    try:
        os.replace(temporary, target)
    except PermissionError:
        raise OutputError(
            f"无法覆盖 {target.name}：文件可能正在 Word 或 WPS 中打开",
            Location(target),
            "请关闭该文件后重新运行；原来的文件没有改动。",
        ) from None
    except OSError as error:
        raise _output_error(error, target) from None


_REASONS = {"ENOSPC": "磁盘已满", "EACCES": "没有写入权限", "EROFS": "文件夹是只读的", "ENAMETOOLONG": "文件名太长"}


def _output_error(error: OSError, target: Path) -> OutputError:
    import errno

    reason = _REASONS.get(errno.errorcode.get(error.errno or 0, ""), error.strerror or str(error))
    return OutputError(
        f"无法写入 {target.name}（{reason}）",
        Location(target.parent),
        "请检查输出文件夹是否存在且可写、磁盘是否已满；原来的文件没有改动。",
    )


def refuse_linked_output_folder(out_dir: Path, folder: Path) -> None:
    """build/<地区>/<年度>/ that is a link elsewhere (a build folder received in a zip) would
    write, and remove stale outputs, outside the output folder."""
    if not folder.resolve().is_relative_to(out_dir.resolve()):
        raise OutputError(f"输出文件夹 {folder.name} 是指向别处的链接，不会写入", Location(folder),
                          "请删除这个链接（它在输出文件夹中），再重新生成。")


def refuse_output_outside_workspace(ws, out_dir: Path) -> None:
    """config.yaml travels with the workspace: its `output` (or a build folder that is a link)
    may not send files elsewhere on this computer. --out, typed by the user, may."""
    if not out_dir.is_relative_to(ws.root.resolve()):
        raise ConfigError(
            f"输出文件夹 {display_path(out_dir)} 在工作区之外",
            Location(ws.config.path) if ws.config.path else None,
            "config.yaml 的 output 只能是工作区内的文件夹（build/ 也不能是指向别处的链接）；"
            "确需写到别处，请在命令行用 --out 指定。",
        )


def refuse_output_among_inputs(ws, out_dir: Path) -> None:
    """Outputs written into content/ or templates/ would be read back as narrative or templates."""
    for inputs in (ws.content_dir, ws.templates_dir, ws.root):
        inputs = inputs.resolve()
        if out_dir == inputs or (inputs != ws.root.resolve() and out_dir.is_relative_to(inputs)):
            raise ZongjieError(
                f"输出文件夹 {display_path(out_dir)} 在输入文件夹之中或就是工作区本身",
                hint="生成的文档会被当作叙述或模板读回；请用 --out 指定别的文件夹（默认为 build/）。",
            )
