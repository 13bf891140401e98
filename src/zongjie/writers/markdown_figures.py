"""Pictures, charts and captioned or merged tables in the Markdown output.

A picture is referenced as the writer wrote it (`图片/义诊活动.jpg`, relative to the narrative),
so the published text names no path of the workspace; its caption goes below it. A chart
becomes a table of the same figures, captioned as the chart; merged cells are written back as
`<` and `^`.
"""

from __future__ import annotations

from zongjie.document.captions import caption_inlines
from zongjie.document.model import Chart, Picture, Table, Text
from zongjie.writers.markdown_inline import cell_markdown as _cell
from zongjie.writers.markdown_inline import inline_markdown as _inline


def picture_markdown(picture: Picture) -> str:
    reference = picture.path.strip().strip("<>").replace("\\", "/")
    alt = _inline(picture.caption).replace("\\\n", " ")
    caption = caption_inlines(picture.label, picture.caption)
    lines = [f"![{alt}](<{reference}>)"]
    if caption:
        lines.append(_inline(caption))
    return "\n\n".join(lines)


def chart_markdown(chart: Chart) -> str:
    caption = caption_inlines(chart.label, chart.title)
    caption_text = _inline(caption) if caption else ""
    if chart.withheld:
        return "\n\n".join(part for part in (f"【{chart.withheld}】", caption_text) if part)
    unit = f"（{chart.unit}）" if chart.unit else ""
    header = "| 项目 | " + " | ".join(_cell((Text(s.name + unit),)) for s in chart.series) + " |"
    rule = "|:---|" + "---:|" * len(chart.series)
    rows = []
    for index, category in enumerate(chart.categories):
        cells = [_cell((value,)) if (value := s.values[index]) is not None else "—" for s in chart.series]
        rows.append("| " + _cell((Text(category),)) + " | " + " | ".join(cells) + " |")
    table = "\n".join([header, rule, *rows])
    return "\n\n".join(part for part in (table, caption_text) if part)


def figure_table(table: Table) -> str:
    """A table with its caption above and merged cells written as `<` (joins the cell on the
    left) and `^` (joins the cell above), as the reader reads them."""
    covered: dict[tuple[int, int], str] = {}
    for merge in table.merges:
        for r in range(merge.row, merge.row + merge.rows):
            for c in range(merge.column, merge.column + merge.columns):
                if (r, c) != (merge.row, merge.column):
                    covered[(r, c)] = "<" if c > merge.column else "^"
    grid = [table.header, *table.rows]
    lines = []
    rule = {"left": ":---", "center": ":---:", "right": "---:"}
    columns = max(len(row) for row in grid)
    for r, row in enumerate(grid):
        cells = [covered.get((r, c)) or _cell(cell) for c, cell in enumerate(row)]
        lines.append("| " + " | ".join(cells) + " |")
        if r == 0:
            aligns = list(table.align) + [""] * (columns - len(table.align))
            lines.append("| " + " | ".join(rule.get(a, "---") for a in aligns) + " |")
    if table.label:
        caption = caption_inlines(table.label, table.caption)
    else:  # an unnumbered caption keeps its 表： so the reader of plain Markdown sees it is one
        caption = ((Text("表："),) + table.caption) if table.caption else ()
    text = "\n".join(lines)
    return (_inline(caption) + "\n\n" + text) if caption else text
