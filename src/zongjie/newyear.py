"""`zongjie new`: a new district-year, from last year's or from the template's skeleton.

From last year: facts.yaml keeps every key, its order, indentation and comments; each value
is moved into a trailing comment naming its year (`参保人数:  # 2023年：429198人`) so the
writer sees that year's figure while typing this one's, and an empty value counts as not yet
filled. Lists (附件 names, item lists) are emptied the same way, their items kept as comments. The
narrative files and year-level rules are copied with a draft mark at the top.
A first year starts from the template's documented skeleton (its facts.yaml).
Nothing that exists is ever overwritten, and nothing is written through a link. A new year
folder is assembled under a hidden temporary name and renamed into place, so a `new` that
is interrupted leaves no half-copied year (the next `new` removes the leftover).

The rewriting is done on the text, guided by the located YAML nodes: a YAML round trip
would lose blank lines and move comments.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from pathlib import Path

from zongjie.errors import WorkspaceError
from zongjie.inputs.containment import ensure_inside, normalise_year
from zongjie.inputs.templateinfo import load_template_info
from zongjie.inputs.textio import read_source
from zongjie.inputs.workspace import CHECKS_FILE, FACTS_FILE, TEMPLATES_DIR, Workspace, is_plain_name
from zongjie.inputs.yamlio import YMap, YNode, YScalar, YSeq, parse_yaml
from zongjie.location import Location

DRAFT_MARK = "{# 草稿：由{year}年度复制，请按本年度情况修改，改好后删去这一行 #}\n"
DRAFT_PATTERN = re.compile(r"^\{# 草稿：")


def new_district_year(workspace: Workspace, district: str, year: str, from_year: str | None = None,
                      template: str | None = None) -> tuple[list[Path], str]:
    """Create content/<district>/<year>/; returns the files written and where they came from."""
    normalised_year = normalise_year(year)
    if normalised_year is None:
        raise WorkspaceError(f"年度“{year}”应为四位数字，如 2024", hint="用法：zongjie new 地区 年度 [--from 上一年度]")
    year = normalised_year
    if from_year is not None:
        written_from, from_year = from_year, normalise_year(from_year)
        if from_year is None:
            raise WorkspaceError(f"--from 后应写本地区的一个年度（四位数字，如 2023），而不是“{written_from}”",
                                 hint="只能从同一地区的已有年度复制；要参考别的地区，请先复制其文件再修改。")
    if not is_plain_name(district) or district in workspace.config.cities:
        raise WorkspaceError(f"“{district}”不能用作地区名", Location(workspace.content_dir),
                             "地区名是 content/ 下的一个文件夹名：不能含 / \\ : 或以“.”开头，也不能与 config.yaml 中的市同名。")
    if template is not None:
        load_template_info(workspace.templates_dir, template)  # an unknown template is an error, not ignored
    target = workspace.content_dir / district / year
    ensure_inside(target / FACTS_FILE, workspace.content_dir, "年度文件夹")
    _remove_leftovers(target)
    if (target / FACTS_FILE).exists() or (target / FACTS_FILE).is_symlink():
        raise WorkspaceError(
            f"{district} {year} 年度已经存在，不会覆盖",
            Location(target / FACTS_FILE),
            "若要重新开始，请先把这个文件夹改名或移走。",
        )
    source_year = from_year or _latest_year_before(workspace, district, year)
    if source_year is not None:
        source = workspace.content_dir / district / source_year
        if not (source / FACTS_FILE).is_file():
            raise WorkspaceError(f"{district} 没有 {source_year} 年度可以复制", Location(source),
                                 "请用 --from 指定已有的年度，或去掉 --from 从模板骨架开始。")
        return _from_previous(source, target, source_year, year), f"{source_year}年度"
    settings = workspace.config.settings_for(district)
    info = load_template_info(workspace.templates_dir, template or settings.template)
    if info.skeleton_path is None:
        raise WorkspaceError(f"模板“{info.name}”没有 facts.yaml 骨架", Location(info.folder),
                             "请在模板文件夹中放一个写明各项含义的 facts.yaml。")
    skeleton = read_source(info.skeleton_path).text
    return _create_year(target, {Path(FACTS_FILE): skeleton}), f"模板“{info.name}”的骨架"


def _latest_year_before(workspace: Workspace, district: str, year: str) -> str | None:
    folder = workspace.content_dir / district
    if not folder.is_dir():
        return None
    earlier = [y for y in workspace.years_of(district) if y < year and (folder / y / FACTS_FILE).is_file()]
    return earlier[-1] if earlier else None


def _from_previous(source: Path, target: Path, source_year: str, year: str) -> list[Path]:
    mark = DRAFT_MARK.replace("{year}", source_year)
    planned: dict[Path, str] = {}
    for path in sorted(source.rglob("*.md")):
        relative = path.relative_to(source)
        text = read_source(ensure_inside(path, what="叙述文件")).text
        planned[relative] = text if relative.parts[0] == TEMPLATES_DIR else mark + text
    if (source / CHECKS_FILE).is_file():
        planned[Path(CHECKS_FILE)] = read_source(ensure_inside(source / CHECKS_FILE, what="校验规则文件")).text
    ensure_inside(source / FACTS_FILE, what="事实文件")
    # facts.yaml last: a year without it is unfinished, and the next `new` completes it
    planned[Path(FACTS_FILE)] = facts_for_new_year(source / FACTS_FILE, source_year, year)
    return _create_year(target, planned)


_STAGING_PREFIX = ".zongjie-new-"


def _remove_leftovers(target: Path) -> None:
    """Temporary folders of a `new` that was interrupted before it could rename its year."""
    if target.parent.is_dir():
        for leftover in target.parent.glob(f"{_STAGING_PREFIX}{target.name}-*"):
            if leftover.is_dir() and not leftover.is_symlink():
                shutil.rmtree(leftover, ignore_errors=True)


def _create_year(target: Path, planned: dict[Path, str]) -> list[Path]:
    """Write `planned` (relative path → text) into the year folder: a new folder is assembled
    under a temporary name and renamed into place; an existing one (where the writer already
    put some files) only gets the files it lacks."""
    target.parent.mkdir(parents=True, exist_ok=True)
    if not os.path.lexists(target):
        staging = Path(tempfile.mkdtemp(prefix=f"{_STAGING_PREFIX}{target.name}-", dir=target.parent))
        try:
            for relative, text in planned.items():
                _create_file(staging / relative, text)
            os.rename(staging, target)  # the year appears whole, or not at all
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
        return [target / relative for relative in planned]
    written = []
    for relative, text in planned.items():
        destination = target / relative
        if os.path.lexists(destination):  # an existing file, or a link (even a dangling one): left alone
            continue
        if not destination.parent.resolve().is_relative_to(target.resolve()):
            raise WorkspaceError("年度文件夹里的子文件夹是指向别处的链接，不会写入", Location(destination.parent),
                                 "请删除这个链接，换成普通文件夹。")
        _create_file(destination, text, staged=True)
        written.append(destination)
    return written


def _create_file(path: Path, text: str, staged: bool = False) -> None:
    """Create a file that does not exist yet, never following a link; with `staged`, write it
    beside under a temporary name first so that it never exists half-written."""
    path.parent.mkdir(parents=True, exist_ok=True)
    data = text.encode("utf-8")
    if not staged:
        _exclusive_write(path, data)
        return
    temporary = path.with_name(f".{path.name}.zongjie-new")
    if os.path.lexists(temporary):
        os.unlink(temporary)
    _exclusive_write(temporary, data)
    try:
        if os.path.lexists(path):
            return
        os.rename(temporary, path)
    finally:
        if os.path.lexists(temporary):
            os.unlink(temporary)


def _exclusive_write(path: Path, data: bytes) -> None:
    # O_EXCL fails on any existing name, a dangling link included: nothing is written through it
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_BINARY", 0)
    descriptor = os.open(path, flags, 0o666)  # the user's umask applies
    with os.fdopen(descriptor, "wb") as file:
        file.write(data)


def facts_for_new_year(path: Path, source_year: str, year: str) -> str:
    """The source year's facts.yaml with every value moved into a `2023年：` comment."""
    text = read_source(path).text
    lines = text.split("\n")
    root = parse_yaml(text, path)
    edits: dict[int, list[str]] = {}  # 0-based line → replacement lines
    if isinstance(root, YMap):
        _move_values(root, lines, edits, f"{source_year}年")
    gap = "" if int(year) - int(source_year) <= 1 else f"（中间没有 {_years_between(source_year, year)} 年度的数据）"
    result: list[str] = [
        f"# {year}年度：由{source_year}年度复制{gap}。各项数值和列表已清空，行尾“{source_year}年：…”是"
        f"{source_year}年度的数，填好本年度的数字后可以删去。",
    ]
    for index, line in enumerate(lines):
        result.extend(edits.get(index, [line]))
    return "\n".join(result)


def _years_between(source_year: str, year: str) -> str:
    return "、".join(str(y) for y in range(int(source_year) + 1, int(year)))


def _move_values(node: YMap, lines: list[str], edits: dict[int, list[str]], label: str) -> None:
    for key_node, value in node.entries.values():
        line = _row(key_node)
        if isinstance(value, YMap):
            if value.location.line == key_node.location.line:  # a flow mapping: {人次: 38人次, …}
                edits[line] = _expanded_flow(lines[line], key_node, value, label)
            else:
                _move_values(value, lines, edits, label)
        elif isinstance(value, YSeq) and value.location.line == key_node.location.line:  # [甲, 乙]
            edits[line] = [_moved_flow_list(lines[line], value, label)]
        elif isinstance(value, YSeq):
            _comment_out_block(lines, line, key_node, edits, f"{label}（列表，见下面的注释）：", items=True)
        elif isinstance(value, YScalar) and not value.is_null and "\n" in value.text.rstrip("\n"):
            _comment_out_block(lines, line, key_node, edits, f"{label}（多行文字，见下面的注释）：")
        elif isinstance(value, YScalar) and not value.is_null and value.location.line == key_node.location.line:
            edits[line] = [_moved(lines[line], value, label)]


def _row(node: YNode) -> int:
    """The node's line in the file's list of lines (yamlio gives every node a line and column)."""
    assert node.location.line is not None
    return node.location.line - 1


def _offset(node: YNode) -> int:
    """The node's column as an index into its line."""
    assert node.location.column is not None
    return node.location.column - 1


def _moved(line: str, value: YScalar, label: str) -> str:
    start = _offset(value)
    comment = _trailing_comment(line, start)
    moved = f"{label}：{value.text}" + (f"；{comment}" if comment else "")
    return f"{line[:start].rstrip()}  # {moved}"


def _moved_flow_list(line: str, value: YSeq, label: str) -> str:
    """`附件: [甲, 乙]` → `附件:  # 2023年：[甲, 乙]`."""
    start = _offset(value)
    end = line.rfind("]") + 1 if "]" in line[start:] else len(line)
    comment = _trailing_comment(line, end)
    moved = f"{label}：{line[start:end].strip()}" + (f"；{comment}" if comment else "")
    return f"{line[:start].rstrip()}  # {moved}"


def _comment_out_block(lines: list[str], line: int, key_node: YScalar, edits: dict[int, list[str]],
                       note: str, items: bool = False) -> None:
    """Multi-line text (`说明: |` and its indented lines) or a list (`- 甲` lines): the key is
    emptied and the earlier year's lines are kept below it as comments."""
    indent = _offset(key_node)
    edits[line] = [f"{' ' * indent}{key_node.text}:  # {note}"]
    for index in range(line + 1, len(lines)):
        text = lines[index]
        depth = len(text) - len(text.lstrip())
        same_level_item = items and depth == indent and text.lstrip().startswith("-")
        if text.strip() and depth <= indent and not same_level_item:
            break
        if text.strip():  # relative indentation kept, so nested items still read as nested
            edits[index] = [f"{' ' * (indent + 2)}# {text[min(depth, indent + 2):].rstrip()}"]


def _trailing_comment(line: str, start: int) -> str:
    match = re.search(r"\s#\s?(.*)$", line[start:])
    return match.group(1).strip() if match else ""


def _expanded_flow(line: str, key_node: YScalar, value: YMap, label: str) -> list[str]:
    indent = " " * _offset(key_node)
    comment = _trailing_comment(line, _offset(value))
    head = f"{indent}{key_node.text}:" + (f"  # {comment}" if comment else "")
    body = []
    for name, (_key, item) in value.entries.items():
        written = item.text if isinstance(item, YScalar) else ""
        body.append(f"{indent}  {name}:" + (f"  # {label}：{written}" if written else ""))
    return [head, *body]


def is_draft(path: Path) -> bool:
    return bool(DRAFT_PATTERN.match(read_source(path).text))
