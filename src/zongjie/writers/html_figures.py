"""Pictures, charts and captions in the HTML page.

A picture is embedded as a data: URI (the page stays one file with no external request); a
chart is inline SVG (svg_chart.py) followed by its figures in a folded table, which is also
what a phone reader or a screen reader gets. Captions: 图N below, 表N above.
"""

from __future__ import annotations

import base64
from html import escape

from zongjie.document.captions import caption_inlines
from zongjie.document.model import Chart, Picture, plain_text
from zongjie.document.pictures import printed_size_mm
from zongjie.writers.svg_chart import render_svg

STYLE = """
figure { margin: 1rem auto; text-align: center; text-indent: 0; break-inside: avoid; }
figure img { max-width: 100%; height: auto; }
figure svg.chart-svg { width: 100%; height: auto; max-width: 34rem; font-family: var(--fangsong); }
figcaption, table caption { font-family: var(--kaiti); font-size: 0.95em; text-align: center; text-indent: 0; margin: 0.3rem 0; }
table caption { caption-side: top; }
figure details { text-align: left; font-size: 0.9em; }
figure details summary { cursor: pointer; color: #555; }
p.withheld { text-indent: 0; text-align: center; color: #a00; border: 1px dashed #a00; padding: 0.5rem; }
@media print { figure details { display: none; } }
"""


def picture_html(picture: Picture, inlines) -> str:
    width_mm, _ = printed_size_mm(picture)
    data = base64.b64encode(picture.data).decode("ascii")
    alt = escape(plain_text(picture.caption), quote=True)
    width, height = picture.pixels
    size = f' width="{width}" height="{height}"' if width and height else ""
    image = f'<img src="data:{picture.mime};base64,{data}" alt="{alt}"{size} style="width:{width_mm:g}mm">'
    return f'<figure class="picture">{image}{_caption(picture.label, picture.caption, inlines)}</figure>'


def chart_html(chart: Chart, inlines, source_of) -> str:
    caption = _caption(chart.label, chart.title, inlines)
    if chart.withheld:
        return f'<figure class="chart"><p class="withheld">{escape(chart.withheld)}</p>{caption}</figure>'
    return (f'<figure class="chart">{render_svg(chart, source_of)}{caption}'
            f'<details><summary>查看数据</summary>{_figures_table(chart, inlines)}</details></figure>')


def _figures_table(chart: Chart, inlines) -> str:
    unit = f"（{escape(chart.unit)}）" if chart.unit else ""
    head = "<th></th>" + "".join(f"<th>{escape(s.name)}{unit}</th>" for s in chart.series)
    rows = []
    for index, category in enumerate(chart.categories):
        cells = "".join(f'<td class="right">{inlines((s.values[index],)) if s.values[index] else "—"}</td>'
                        for s in chart.series)
        rows.append(f"<tr><td>{escape(category)}</td>{cells}</tr>")
    return f'<table><thead><tr>{head}</tr></thead><tbody>{"".join(rows)}</tbody></table>'


def _caption(label: str, text, inlines) -> str:
    content = caption_inlines(label, text)
    return f"<figcaption>{inlines(content)}</figcaption>" if content else ""


def table_caption(table, inlines) -> str:
    content = caption_inlines(table.label, table.caption)
    return f"<caption>{inlines(content)}</caption>" if content else ""


def span_attributes(table) -> dict[tuple[int, int], str]:
    """(row, column) → ' colspan=".." rowspan=".."' for anchors, '' to skip covered cells;
    cells absent from the dict are ordinary."""
    spans: dict[tuple[int, int], str] = {}
    for merge in table.merges:
        for r in range(merge.row, merge.row + merge.rows):
            for c in range(merge.column, merge.column + merge.columns):
                spans[(r, c)] = ""
        attributes = ""
        if merge.columns > 1:
            attributes += f' colspan="{merge.columns}"'
        if merge.rows > 1:
            attributes += f' rowspan="{merge.rows}"'
        spans[(merge.row, merge.column)] = attributes or " "
    return spans
