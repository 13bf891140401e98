"""Reading the user's text files: encoding, BOM and invisible characters.

Every input a writer edits (facts, narrative, templates, rules, config) is read here, so that an
encoding mistake gets one clear message naming file:line instead of a decoder traceback.
"""

from __future__ import annotations

import contextvars
import re
from pathlib import Path

from msgspec import Struct

from zongjie.errors import InputEncodingError
from zongjie.location import Location

# Control characters that python-docx rejects and that editors hide (Word pastes \x0b as a
# manual line break). Tab, newline and carriage return are ordinary.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u200b-\u200d\u2060\ufeff]")


# Files read as GBK during the current build step; the CLI tells the user to re-save them.
_GBK_FILES: contextvars.ContextVar[list[Path] | None] = contextvars.ContextVar("zongjie_gbk_files", default=None)


def collect_gbk_files() -> list[Path]:
    """Start noting GBK-encoded inputs; returns the list that `read_source` will fill."""
    files: list[Path] = []
    _GBK_FILES.set(files)
    return files


_BOM = b"\xef\xbb\xbf"


class SourceText(Struct, frozen=True):
    path: Path
    text: str  # lines end in "\n", whatever the file uses
    encoding: str  # "utf-8" or "gb18030"
    bom: bool = False  # a UTF-8 file saved with a byte-order mark (Windows Notepad)
    newline: str = "\n"  # "\r\n" for a file saved on Windows

    def encode(self, text: str) -> bytes:
        """`text` (lines ending in "\n") as the bytes of this file saved again: the same
        encoding, BOM and line endings, so a change zongjie writes (an import, a review's
        edit) shows in a diff as that change only."""
        data = text.replace("\n", self.newline).encode(self.encoding)
        return _BOM + data if self.bom else data


def read_source(path: Path) -> SourceText:
    """Read a user file as UTF-8 (BOM allowed), accepting GBK/GB18030 as a fallback."""
    return decode_source(path, read_bytes(path, MAX_INPUT_BYTES))


def decode_source(path: Path, data: bytes) -> SourceText:
    """A user file's bytes (already read) as text: UTF-8 (BOM allowed), or GBK/GB18030.

    UTF-8 is tried first and strictly: a UTF-8 file can decode "successfully" as GB18030 into
    nonsense, never the other way round, so a file that fails as UTF-8 and passes as GB18030
    really is GBK (the usual Windows Notepad/WPS save). The caller warns about it.
    """
    try:
        text = data.decode("utf-8-sig")
        encoding = "utf-8"
    except UnicodeDecodeError as utf8_error:
        try:
            text = data.decode("gb18030")
            encoding = "gb18030"
            noted = _GBK_FILES.get()
            if noted is not None and path not in noted:
                noted.append(path)
        except UnicodeDecodeError:
            line, column = _line_column_of_byte(data, utf8_error.start)
            raise InputEncodingError(
                "文件既不是 UTF-8 也不是 GBK 编码，无法读取",
                Location(path, line, column),
                "请用记事本或 WPS 打开该文件，“另存为”时把编码选为 UTF-8。",
            ) from None
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    _reject_control_characters(path, text)
    return SourceText(path, text, encoding, data.startswith(_BOM), "\r\n" if b"\r\n" in data else "\n")


MAX_INPUT_BYTES = 20 * 1024 * 1024  # a year's facts or a narrative is a few KB; /dev/zero is endless


def read_bytes(path: Path, limit: int | None = None) -> bytes:
    """A file's bytes (at most `limit`), or an error saying why it cannot be read (not a traceback)."""
    try:
        if limit is None:
            return path.read_bytes()
        with open(path, "rb") as file:
            data = file.read(limit + 1)
        if len(data) > limit:
            raise InputEncodingError(f"文件过大（超过 {limit // 1024 // 1024} MB），不像是事实、叙述或模板",
                                     Location(path), "请检查是否选错了文件（如把数据库或图片放进了工作区）。")
        return data
    except IsADirectoryError:
        raise InputEncodingError("这是一个文件夹，不是文件", Location(path), "请检查文件名。") from None
    except PermissionError:
        raise InputEncodingError("没有读取这个文件的权限", Location(path),
                                 "请检查文件的权限（或是否被其他程序独占打开）。") from None
    except FileNotFoundError:
        raise InputEncodingError("找不到这个文件", Location(path), "请检查文件名和所在文件夹。") from None
    except OSError as error:
        raise InputEncodingError(f"无法读取这个文件（{error.strerror or error}）", Location(path),
                                 "请检查文件是否完好、是否是指向自身的链接。") from None


def _line_column_of_byte(data: bytes, offset: int) -> tuple[int, int]:
    before = data[:offset]
    line = before.count(b"\n") + 1
    column = offset - (before.rfind(b"\n") + 1) + 1
    return line, column


def _reject_control_characters(path: Path, text: str) -> None:
    match = _CONTROL.search(text)
    if match is None:
        return
    line = text.count("\n", 0, match.start()) + 1
    column = match.start() - (text.rfind("\n", 0, match.start()) + 1) + 1
    raise InputEncodingError(
        f"第 {line} 行第 {column} 列有不可见的字符 U+{ord(match.group()):04X}",
        Location(path, line, column),
        "这类字符常随 Word 中复制的文字带入，请删除该处后重新输入。",
    )
