"""Reading pictures, chart blocks, table captions and merged cells into the document model.

Syntax (README “图片、图表与表格”):

- a picture is a paragraph of its own: `![图注](照片.jpg)`, optionally followed by a width,
  `![图注](照片.jpg){宽度=12厘米}` or `{宽度=60%}`; the caption may use facts;
- a chart is a fenced block whose info string is 图表 (or chart) holding a small YAML spec
  (resolved against the facts by charts.py);
- a table's caption is a paragraph `表：……` right above it;
- a table cell holding only `<` joins the cell on its left, only `^` the cell above; a body
  row with a cell joined to the header row is a header row too.

The reader calls these; the files the pictures name are read by pictures.py.
"""

from __future__ import annotations

import re
from functools import lru_cache

from zongjie.document.model import Chart, Merge, Paragraph, Picture, Table, Text, plain_text
from zongjie.errors import YamlError, ZongjieError
from zongjie.inputs.yamlio import YMap, YScalar, YSeq, parse_yaml
from zongjie.location import Location
from zongjie.page import TEXT_WIDTH_MM
from zongjie.templating.origins import CHART_INFOS, parse_origin

__all__ = ["CHART_INFOS", "FigureError", "pictures_of", "chart_block", "merged_table", "attach_table_captions"]

_WIDTH = re.compile(r"^\s*\{\s*(?:宽度|宽|width)\s*[=＝:：]\s*([0-9.]+)\s*(厘米|cm|毫米|mm|%|％)\s*\}\s*")
_TABLE_CAPTION = re.compile(r"^\s*表\s*[:：]\s*")
MERGE_LEFT, MERGE_UP = "<", "^"


class FigureError(ZongjieError):
    kind = "图片/图表错误"


# ---- pictures ------------------------------------------------------------------------------
def pictures_of(children, line: int | None, read_inlines) -> list[Picture]:
    """The pictures of a paragraph that holds pictures; anything else in it is an error."""
    pictures: list[Picture] = []
    origin = None
    for token in children:
        if token.type == "image":
            origin = parse_origin(token.attrs.get("title")) or origin
            if origin is None:
                raise FigureError("无法确定这张图片写在哪个文件里", None,
                                  "图片要直接写在模板或叙述文件中，不能由过滤器或事实拼出。")
            path = _source_path(token.attrs.get("src", ""))
            pictures.append(Picture(path, read_inlines(token.children or []), origin))
        elif token.type in ("softbreak", "hardbreak"):
            continue
        elif token.type == "text" and pictures and (width := _WIDTH.match(token.content)):
            pictures[-1] = _with_width(pictures[-1], width)
            if token.content[width.end():].strip():
                raise _not_alone(origin)
        elif token.type == "text" and not token.content.strip():
            continue
        else:
            raise _not_alone(origin or _first_origin(children))
    return pictures


def misplaced_picture(token) -> FigureError:
    return FigureError("图片不能写在标题或表格里", parse_origin(token.attrs.get("title")),
                       "请把图片写成单独的一段，上下各空一行。")


def _first_origin(children) -> Location | None:
    for token in children:
        if token.type == "image":
            return parse_origin(token.attrs.get("title"))
    return None


def _not_alone(origin: Location | None) -> FigureError:
    return FigureError("图片要单独成段，前后不能有文字", origin,
                       "请把图片写在单独的一行，上下各空一行；图注写在 ![ ] 的方括号里。")


def _source_path(src: str) -> str:
    from urllib.parse import unquote

    return unquote(src)  # markdown-it percent-encodes non-ASCII characters of a link


def _with_width(picture: Picture, match: re.Match) -> Picture:
    from msgspec.structs import replace

    number, unit = float(match.group(1)), match.group(2)
    text_width_mm = TEXT_WIDTH_MM
    if unit in ("%", "％"):
        width = text_width_mm * number / 100
    else:
        width = number * 10 if unit in ("厘米", "cm") else number
    if not 5 <= width <= text_width_mm + 0.01:
        raise FigureError(f"图片宽度“{match.group(0).strip()}”不合适", picture.origin,
                          f"宽度应在 5 毫米到版心宽度 {text_width_mm:g} 毫米（100%）之间。")
    return replace(picture, width_mm=round(width, 2))


# ---- charts --------------------------------------------------------------------------------
def chart_block(info: str, content: str, marked_text) -> Chart:
    """A chart block as read: its spec parsed (scalars as inlines, to keep facts' sources),
    not yet resolved against the facts."""
    origin = parse_origin(info)
    if origin is None:
        raise FigureError("无法确定这个图表写在哪个文件里", None, "图表块要直接写在模板或叙述文件中。")
    return Chart("", (), origin, spec=_spec_value(_parsed_spec(content, origin), marked_text))


@lru_cache(maxsize=64)
def _parsed_spec(content: str, origin: Location):
    """The chart block's YAML, parsed once per text (a template's chart is the same text in
    every document, and ruamel takes ~1 ms for it)."""
    padded = "\n" * (origin.line or 0) + content  # the YAML's line 1 is the line after the fence
    try:
        return parse_yaml(padded, origin.file)
    except YamlError as error:
        raise FigureError(f"图表的写法有误：{error.message}", error.location or origin,
                          "图表块里是“键: 值”的 YAML，见 README“图表”一节的例子。") from None


def _spec_value(node, marked_text):
    """YAML nodes → dicts, lists and (inlines, location) leaves."""
    if isinstance(node, YMap):
        return {key: (_spec_value(value, marked_text), key_node.location)
                for key, (key_node, value) in node.entries.items()}
    if isinstance(node, YSeq):
        return [_spec_value(item, marked_text) for item in node.items]
    if isinstance(node, YScalar):
        return (tuple(marked_text(node.text)) if not node.is_null else (), node.location)
    return None


# ---- tables --------------------------------------------------------------------------------
def attach_table_captions(blocks: list) -> list:
    """A paragraph `表：……` right above a table becomes the table's caption."""
    if not any(isinstance(block, Table) for block in blocks):
        return blocks
    out: list = []
    for block in blocks:
        if isinstance(block, Table) and out and _is_table_caption(out[-1]) and not block.caption:
            caption = out.pop()
            first = caption.content[0]
            rest = _TABLE_CAPTION.sub("", first.text)
            content = ((Text(rest),) if rest else ()) + caption.content[1:]
            from msgspec.structs import replace

            block = replace(block, caption=content)
        out.append(block)
    return out


def _is_table_caption(block) -> bool:
    return (isinstance(block, Paragraph) and bool(block.content) and isinstance(block.content[0], Text)
            and bool(_TABLE_CAPTION.match(block.content[0].text)))


def merged_table(header: tuple, rows: tuple, align: tuple) -> Table:
    """A table whose `<` and `^` cells join their neighbours (see the module docstring)."""
    if not _has_merge_marks(header, rows):
        return Table(header, rows, align)
    columns = max([len(header)] + [len(row) for row in rows])
    grid = [list(row) + [()] * (columns - len(row)) for row in (header, *rows)]
    owner = [[(r, c) for c in range(columns)] for r in range(len(grid))]
    for r, row in enumerate(grid):
        for c, cell in enumerate(row):
            mark = plain_text(cell).strip()
            if mark == MERGE_LEFT and c > 0:
                owner[r][c] = owner[r][c - 1]
            elif mark == MERGE_UP and r > 0:
                owner[r][c] = owner[r - 1][c]
    merges = _rectangles(owner, grid)
    covered = {(r, c) for merge in merges for r in range(merge.row, merge.row + merge.rows)
               for c in range(merge.column, merge.column + merge.columns) if (r, c) != (merge.row, merge.column)}
    for r, c in covered:
        grid[r][c] = ()
    header_rows = 1
    for r in range(1, len(grid)):
        if any((r, c) in covered and _anchor(merges, r, c).row < r for c in range(columns)):
            header_rows = r + 1
        else:
            break
    body = tuple(tuple(row) for row in grid[1:])
    return Table(tuple(grid[0]), body, align, tuple(merges), header_rows)


def _has_merge_marks(header, rows) -> bool:
    for row in (header, *rows):
        for cell in row:
            if len(cell) == 1 and isinstance(cell[0], Text) and cell[0].text.strip() in (MERGE_LEFT, MERGE_UP):
                return True
    return False


def _rectangles(owner, grid) -> list[Merge]:
    """Merges of the cells each anchor owns; a group that is not a rectangle stays unmerged
    (its marks then read as the text they are)."""
    groups: dict[tuple[int, int], list[tuple[int, int]]] = {}
    for r, row in enumerate(owner):
        for c, anchor in enumerate(row):
            groups.setdefault(anchor, []).append((r, c))
    merges = []
    for (r0, c0), cells in groups.items():
        if len(cells) == 1:
            continue
        rows = max(r for r, _ in cells) - r0 + 1
        columns = max(c for _, c in cells) - c0 + 1
        if len(cells) == rows * columns and min(c for _, c in cells) == c0:
            merges.append(Merge(r0, c0, rows, columns))
    return merges


def _anchor(merges: list[Merge], r: int, c: int) -> Merge:
    return next(m for m in merges if m.row <= r < m.row + m.rows and m.column <= c < m.column + m.columns)

