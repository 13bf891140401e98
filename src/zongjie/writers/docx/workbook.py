"""The small workbook embedded with a DOCX chart, so that Word's “编辑数据” opens the figures.

Sheet1 holds what the chart part's formulas name: series names in row 1 from column B,
categories in column A from row 2, the figures beside them. Written by hand (five short XML
parts, strings inline): no spreadsheet library is needed for one table.
"""

from __future__ import annotations

import io
import zipfile
from html import escape

from zongjie.document.model import Chart

_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG = "http://schemas.openxmlformats.org/package/2006/relationships"
_HEADER = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
_PARTS = {
    "[Content_Types].xml": (
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        '<Override PartName="/xl/worksheets/sheet1.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        "</Types>"),
    "_rels/.rels": (
        f'<Relationships xmlns="{_PKG}"><Relationship Id="rId1" '
        f'Type="{_REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>'),
    "xl/workbook.xml": (
        f'<workbook xmlns="{_MAIN}" xmlns:r="{_REL}"><sheets>'
        '<sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>'),
    "xl/_rels/workbook.xml.rels": (
        f'<Relationships xmlns="{_PKG}"><Relationship Id="rId1" '
        f'Type="{_REL}/worksheet" Target="worksheets/sheet1.xml"/></Relationships>'),
}


def column(index: int) -> str:
    """0 → A, 1 → B … (a chart has at most a few columns)."""
    return chr(ord("A") + index)


def _text_cell(reference: str, text: str) -> str:
    return f'<c r="{reference}" t="inlineStr"><is><t>{escape(text, quote=False)}</t></is></c>'


def sheet_xml(chart: Chart) -> str:
    rows = ['<row r="1">' + "".join(_text_cell(f"{column(i + 1)}1", s.name) for i, s in enumerate(chart.series)) + "</row>"]
    for index, category in enumerate(chart.categories):
        number = index + 2
        cells = [_text_cell(f"A{number}", category)]
        for offset, series in enumerate(chart.series):
            span = series.values[index]
            if span is not None:
                cells.append(f'<c r="{column(offset + 1)}{number}"><v>{escape(span.text)}</v></c>')
        rows.append(f'<row r="{number}">' + "".join(cells) + "</row>")
    return f'<worksheet xmlns="{_MAIN}"><sheetData>{"".join(rows)}</sheetData></worksheet>'


def workbook(chart: Chart) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in _PARTS.items():
            archive.writestr(name, _HEADER + text)
        archive.writestr("xl/worksheets/sheet1.xml", _HEADER + sheet_xml(chart))
    return buffer.getvalue()
