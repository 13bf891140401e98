"""`zongjie init`: a new workspace from the standard templates, never overwriting a file.

The standard templates are the `templates/` folder of zongjie's own repository, installed as
the `zongjie_templates` data package. The sample district is the annual-summary template's
`示例/` folder, copied to `content/示例区/<year>/`.
"""

from __future__ import annotations

import os
from pathlib import Path

import zongjie_templates

from zongjie.errors import WorkspaceError
from zongjie.location import Location

SAMPLE_TEMPLATE = "医保年度工作总结"
SAMPLE_DISTRICT = "示例区"
SAMPLE_YEAR = "2023"

CONFIG_TEXT = """\
# zongjie 工作区配置（各项说明见 README“配置”一节）

# 单位名称；{地区} 会换成 content/ 下的地区文件夹名
organisation: "{地区}医疗保障局"

# 默认模板：templates/ 下的文件夹名
template: 医保年度工作总结

# 输出格式：docx、html、md 中的一种或几种
formats: [docx, html, md]

# 语言：zh_CN（简体）、zh_Hant_TW（台湾繁体）、zh_Hant_HK（香港繁体）
locale: zh_CN

# 繁体输出时的专名对照（简体: 繁体），先于自动转换使用，如：
# phrases:
#   腾冲: 騰沖

# 字体（可选）：正文、标题、一级标题、二级标题、页码；不写则按 locale 选用，如：
# fonts:
#   正文: 標楷體

# 输出文件夹（相对于工作区）
output: build

# 各地区的单独设置（未写的项沿用上面的默认值），如：
# districts:
#   某某县:
#     organisation: 某某县医疗保障局
#     template: 自评报告
"""


def standard_templates_dir() -> Path:
    """Where the installed standard templates are. `zongjie_templates` is a namespace
    package (a folder of .md/.yaml, no code); under an editable install its path also holds a
    placeholder entry, so take the first entry that really holds templates."""
    for entry in zongjie_templates.__path__:
        if any(Path(entry).glob("*/template.yaml")):  # skip placeholders and leftovers of old installs
            return Path(entry)
    raise WorkspaceError("找不到 zongjie 自带的标准模板", hint="请重新安装 zongjie（pip install zongjie）。")


def _standard_files() -> dict[str, bytes]:
    """Relative path under templates/ → content."""
    root = standard_templates_dir()
    return {
        path.relative_to(root).as_posix(): path.read_bytes()
        for path in sorted(root.rglob("*"))
        if path.is_file() and path.suffix in (".md", ".yaml")
    }


def _create_new(path: Path, data: bytes) -> None:
    # O_EXCL refuses any existing name, a dangling link included: nothing is written through it
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_BINARY", 0)
    with os.fdopen(os.open(path, flags, 0o666), "wb") as file:
        file.write(data)


def init_workspace(folder: Path) -> list[Path]:
    """Write config.yaml, templates/ and a sample district; existing files are kept."""
    if folder.exists() and not folder.is_dir():
        raise WorkspaceError(f"{folder} 已存在且不是文件夹", Location(folder), "请换一个文件夹名。")
    planned: dict[Path, bytes] = {folder / "config.yaml": CONFIG_TEXT.encode("utf-8")}
    sample_prefix = f"{SAMPLE_TEMPLATE}/示例/"
    for relative, data in _standard_files().items():
        if relative.startswith(sample_prefix):
            target = folder / "content" / SAMPLE_DISTRICT / SAMPLE_YEAR / relative[len(sample_prefix):]
            planned[target] = data
        planned[folder / "templates" / relative] = data
    written = []
    try:
        for target, data in planned.items():
            if os.path.lexists(target):  # an existing file, or a link (even a dangling one): kept
                continue
            if not target.parent.resolve().is_relative_to(folder.resolve()):
                raise WorkspaceError(f"{target.parent.name} 是指向别处的链接，不会写入", Location(target.parent),
                                     "请删除这个链接，或换一个空文件夹。")
            target.parent.mkdir(parents=True, exist_ok=True)
            _create_new(target, data)
            written.append(target)
    except OSError as error:
        raise WorkspaceError(
            f"无法在 {folder} 中写入文件（{error.strerror or error}）",
            Location(Path(error.filename) if error.filename else folder),
            "请换一个有写入权限的文件夹。",
        ) from None
    return written
