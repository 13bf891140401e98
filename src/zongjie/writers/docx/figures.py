"""Pictures, charts, captions and merged table cells in the DOCX body.

A picture or chart is an inline drawing centred in a paragraph of its own (style 图片, kept
with the next paragraph), its caption below in the style 图表题注 (not 题注, which is what
Chinese Word calls its built-in Caption style); a table's caption goes above it. Each picture
and chart is a part of the package (word/media/…, word/charts/… with its embedded workbook).
"""

from __future__ import annotations

from msgspec.structs import replace

from zongjie.document.captions import caption_inlines
from zongjie.document.model import Chart, Inline, Merge, Picture, Text, plain_text
from zongjie.document.pictures import printed_size_mm
from zongjie.page import EMU_PER_MM, TEXT_WIDTH_EMU
from zongjie.writers.docx import drawing
from zongjie.writers.docx import oxml as xml
from zongjie.writers.docx.chart import chart_space
from zongjie.writers.docx.package import DOCUMENT, STYLES, DocxPackage
from zongjie.writers.docx.styles import FANGSONG
from zongjie.writers.docx.workbook import workbook

CHART_HEIGHT_EMU = 85 * EMU_PER_MM
PIE_HEIGHT_EMU = 95 * EMU_PER_MM
_REL_BASE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
IMAGE_REL, CHART_REL, PACKAGE_REL = _REL_BASE + "image", _REL_BASE + "chart", _REL_BASE + "package"
CHART_TYPE = "application/vnd.openxmlformats-officedocument.drawingml.chart+xml"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_EXTENSIONS = {"image/jpeg": "jpeg", "image/png": "png"}


class FigureWriter:
    """Writes figures into one document; counts its parts so their names stay unique."""

    def __init__(self, package, body, write_inlines, comments=None):
        self.package = package
        self.body = body
        self.write_inlines = write_inlines
        self.comments = comments  # a review copy's CommentWriter: a chart's sources go on its caption
        self.font_replacements: dict[str, str] = {}  # official font → this document's
        self.count = 0

    def _shape_id(self) -> int:
        self.count += 1
        return 1000 + self.count

    def picture(self, picture: Picture) -> None:
        shape_id = self._shape_id()
        rel_id = add_image(self.package, picture.data, picture.mime, shape_id)
        width_mm, height_mm = printed_size_mm(picture)
        paragraph = self._figure_paragraph()
        drawing.add_picture(paragraph, rel_id, round(width_mm * EMU_PER_MM), round(height_mm * EMU_PER_MM),
                                 shape_id, plain_text(picture.caption))
        self.caption(picture.label, picture.caption)

    def chart(self, chart: Chart) -> None:
        if chart.withheld:
            paragraph = xml.add_paragraph(self.body, "FigureCaption")
            self.write_inlines(paragraph, (Text(f"【{chart.withheld}】"),), "FigureCaption")
            self.caption(chart.label, chart.title)
            return
        shape_id = self._shape_id()
        rel_id = add_chart(self.package, chart, shape_id, self.font_replacements)
        paragraph = self._figure_paragraph()
        height = PIE_HEIGHT_EMU if chart.kind == "pie" else CHART_HEIGHT_EMU
        drawing.add_chart(paragraph, rel_id, TEXT_WIDTH_EMU, height, shape_id, plain_text(chart.title))
        caption = self.caption(chart.label, chart.title, chart.unit if chart.kind == "pie" else "")
        if self.comments is not None and caption is not None:
            self.comments.comment_paragraph(caption, chart_sources(chart, self.comments.review.note))

    def _figure_paragraph(self):
        """The paragraph a drawing sits in, with a little space above (after a table or text)."""
        paragraph = xml.add_paragraph(self.body, "Figure")
        spacing = xml.child(xml.paragraph_properties(paragraph), "w:spacing")
        spacing.set(xml.qn("w:before"), "120")
        return paragraph

    def caption(self, label: str, text: tuple[Inline, ...], unit: str = "", keep_with_next: bool = False):
        """The caption paragraph (None when there is no caption)."""
        inlines = caption_inlines(label, text)
        if unit:
            inlines = inlines + (Text(f"（单位：{unit}）"),)
        if not inlines:
            return None
        paragraph = xml.add_paragraph(self.body, "FigureCaption")
        if keep_with_next:  # a table's caption: kept with its table, a little apart from what precedes
            properties = xml.paragraph_properties(paragraph)
            xml.child(properties, "w:keepNext")
            xml.child(properties, "w:spacing").set(xml.qn("w:before"), "120")
        self.write_inlines(paragraph, inlines, "FigureCaption")
        return paragraph


def chart_sources(chart: Chart, note) -> str:
    """A review comment naming every figure of a chart and where it comes from."""
    lines = ["图中数字的来源："]
    for series in chart.series:
        for category, span in zip(chart.categories, series.values):
            if span is not None:
                lines.append(f"{category} {series.name}：{span.text}{chart.unit}　{note(span)}")
    return "\n".join(lines)


def apply_merges(table, merges: tuple[Merge, ...], widths: list[int]) -> None:
    """Join the cells of each merge: w:gridSpan across columns, w:vMerge down rows."""
    rows = table.findall(xml.qn("w:tr"))
    by_row: dict[int, list[Merge]] = {}
    for merge in merges:
        for r in range(merge.row, merge.row + merge.rows):
            by_row.setdefault(r, []).append(merge)
    for r, row_merges in by_row.items():
        if r >= len(rows):
            continue
        cells = rows[r].findall(xml.qn("w:tc"))
        for merge in sorted(row_merges, key=lambda m: m.column, reverse=True):
            anchor = cells[merge.column]
            properties = anchor.find(xml.qn("w:tcPr"))
            width = properties.find(xml.qn("w:tcW"))
            width.set(xml.qn("w:w"), str(sum(widths[merge.column:merge.column + merge.columns])))
            if merge.columns > 1:
                span = xml.OxmlElement("w:gridSpan")
                span.set(xml.qn("w:val"), str(merge.columns))
                width.addnext(span)
            if merge.rows > 1:
                vmerge = xml.OxmlElement("w:vMerge")
                if r == merge.row:
                    vmerge.set(xml.qn("w:val"), "restart")
                (properties.find(xml.qn("w:gridSpan")) if merge.columns > 1 else width).addnext(vmerge)
            for covered in cells[merge.column + 1:merge.column + merge.columns]:
                rows[r].remove(covered)


def without_spanning_text(table):
    """The table as column widths should see it: cells spanning several columns left empty."""
    spanning = {(m.row, m.column) for m in table.merges if m.columns > 1}
    grid = [list(row) for row in (table.header, *table.rows)]
    for r, c in spanning:
        grid[r][c] = ()
    return replace(table, header=tuple(grid[0]), rows=tuple(tuple(row) for row in grid[1:]))


# ---- parts -------------------------------------------------------------------------------------
def add_image(package: DocxPackage, data: bytes, mime: str, number: int) -> str:
    """The picture's part; returns the document's relationship id for it."""
    name = f"word/media/zj_image{number}.{_EXTENSIONS[mime]}"
    package.add_part(name, data, mime, by_extension=True)
    return package.relate(DOCUMENT, IMAGE_REL, name)


def add_chart(package: DocxPackage, chart: Chart, number: int, font_replacements: dict[str, str] | None = None) -> str:
    """The chart part and its embedded workbook (what Word's 编辑数据 opens), related to each
    other; returns the document's relationship id for the chart."""
    workbook_name = f"word/embeddings/zj_chart_data{number}.xlsx"
    chart_name = f"word/charts/chart{number}.xml"
    package.add_part(workbook_name, workbook(chart), XLSX_TYPE, by_extension=True)
    workbook_rel = package.relate(chart_name, PACKAGE_REL, workbook_name)
    font = body_east_asian_font(package)
    package.add_part(chart_name, chart_space(chart, workbook_rel, (font_replacements or {}).get(font, font)), CHART_TYPE)
    return package.relate(DOCUMENT, CHART_REL, chart_name)


def body_east_asian_font(package: DocxPackage) -> str:
    """The East Asian font of the document's body text (its Normal style, else the document
    defaults), so a chart's labels follow a reference document or a Traditional font choice."""
    qn = xml.qn
    styles = package.part(STYLES)
    candidates = [style.find(f"{qn('w:rPr')}/{qn('w:rFonts')}") for style in styles.findall(qn("w:style"))
                  if style.get(qn("w:styleId")) == "Normal"]
    candidates.append(styles.find(f"{qn('w:docDefaults')}/{qn('w:rPrDefault')}/{qn('w:rPr')}/{qn('w:rFonts')}"))
    for fonts in candidates:
        east_asia = fonts.get(qn("w:eastAsia")) if fonts is not None else None
        if east_asia:
            return east_asia
    return FANGSONG
