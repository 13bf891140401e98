"""A chart as a native Word chart part (word/charts/chartN.xml, DrawingML c:chartSpace).

The part carries its own cached values (c:strCache for names and categories, c:numCache for
figures), which is what Word, WPS and LibreOffice draw from, so the writer can restyle the
chart in Word (type, colours, labels); a small embedded workbook (workbook.py) holds the
same figures for Word's “编辑数据”. The figures still come from facts.yaml: change them there.
Labels use the document's fonts: 仿宋_GB2312 for Chinese, Times New Roman for digits.
"""

from __future__ import annotations

import contextvars
from html import escape

from zongjie.document.model import Chart
from zongjie.writers.docx.styles import FANGSONG, LATIN

C = "http://schemas.openxmlformats.org/drawingml/2006/chart"
A = "http://schemas.openxmlformats.org/drawingml/2006/main"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
# restrained colours that stay apart in greyscale print
PALETTE = ("1F4E79", "C00000", "A5A5A5", "BF9000", "2E75B6", "548235", "7030A0", "D46B08")
# the document's East Asian font (its Normal style's), set per chart by chart_space
_EAST_ASIA: contextvars.ContextVar[str] = contextvars.ContextVar("zongjie_chart_font", default=FANGSONG)
_LABEL_LIMIT = 12  # more figures than this: no value labels (they would overlap)


class _Node:
    """An element, serialised once at the end: a chart has a few hundred of them, and lxml's
    namespaced SubElement cost ~20 µs each (a chart took 5 ms; as text it takes well under 1)."""

    __slots__ = ("name", "attributes", "children", "text")

    def __init__(self, name: str, attributes: dict):
        self.name, self.attributes, self.text = name, attributes, None
        self.children: list[_Node] = []

    def set(self, key: str, value: str) -> None:
        self.attributes[key] = value

    def write(self, out: list) -> None:
        attributes = "".join(f' {k}="{escape(str(v))}"' for k, v in self.attributes.items())
        if self.text is None and not self.children:
            out.append(f"<{self.name}{attributes}/>")
            return
        out.append(f"<{self.name}{attributes}>")
        if self.text is not None:
            out.append(escape(self.text, quote=False))
        for child in self.children:
            child.write(out)
        out.append(f"</{self.name}>")


_PREFIX = {C: "c", A: "a", R: "r"}


def _e(parent, tag: str, namespace: str = C, **attributes):
    node = _Node(f"{_PREFIX[namespace]}:{tag}", attributes)
    parent.children.append(node)
    return node


def _val(parent, name: str, value) -> None:
    _e(parent, name, val=value)


def chart_space(chart: Chart, workbook_rel: str | None = None, east_asia: str = FANGSONG) -> bytes:
    """The chart part's XML; `workbook_rel` is the relationship id of its embedded workbook,
    `east_asia` the font of its Chinese labels."""
    _EAST_ASIA.set(east_asia)
    space = _Node("c:chartSpace", {"xmlns:c": C, "xmlns:a": A, "xmlns:r": R})
    _val(space, "date1904", 0)
    _val(space, "lang", "zh-CN")
    _val(space, "roundedCorners", 0)
    body = _e(space, "chart")
    _val(body, "autoTitleDeleted", 1)  # the caption below the chart is its title
    plot = _e(body, "plotArea")
    _e(plot, "layout")
    if chart.kind == "pie":
        _pie(plot, chart)
    else:
        _bars_or_lines(plot, chart)
    legend = _e(body, "legend")
    _val(legend, "legendPos", "b")
    _val(legend, "overlay", 0)
    _val(body, "plotVisOnly", 1)
    _val(body, "dispBlanksAs", "gap")
    _text_properties(space, 1050)
    if workbook_rel:
        data = _e(space, "externalData")
        data.set("r:id", workbook_rel)
        _val(data, "autoUpdate", 0)
    out = ['<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n']
    space.write(out)
    return "".join(out).encode("utf-8")


def _text_properties(parent, size: int, bold: bool = False, horizontal: bool = False) -> None:
    tx = _e(parent, "txPr")
    body = _e(tx, "bodyPr", A)
    if horizontal:  # category names stay level (Word wraps them) instead of turning 45°
        body.set("rot", "0")
        body.set("vert", "horz")
    _e(tx, "lstStyle", A)
    paragraph = _e(tx, "p", A)
    defaults = _e(_e(paragraph, "pPr", A), "defRPr", A, sz=size, b=int(bold))
    _e(defaults, "latin", A, typeface=LATIN)
    _e(defaults, "ea", A, typeface=_EAST_ASIA.get())
    _e(defaults, "cs", A, typeface=LATIN)
    _e(paragraph, "endParaRPr", A, lang="zh-CN")


def _decimals(chart: Chart) -> int:
    places = 0
    for series in chart.series:
        for span in series.values:
            if span is not None and "." in span.text:
                places = max(places, len(span.text.split(".")[1]))
    return places


def _number_format(chart: Chart) -> str:
    places = _decimals(chart)
    return "0" + ("." + "0" * places if places else "")


def _series(parent, chart: Chart, index: int, kind: str) -> None:
    series = chart.series[index]
    ser = _e(parent, "ser")
    _val(ser, "idx", index)
    _val(ser, "order", index)
    column = chr(ord("B") + index)
    _string_ref(_e(ser, "tx"), f"Sheet1!${column}$1", [series.name])
    if kind != "pie":
        fill = _e(ser, "spPr")
        colour = PALETTE[index % len(PALETTE)]
        if kind == "line":
            line = _e(fill, "ln", A, w=28575)
            _e(_e(line, "solidFill", A), "srgbClr", A, val=colour)
            marker = _e(ser, "marker")
            _val(marker, "symbol", "circle")
            _val(marker, "size", 6)
        else:
            _e(_e(fill, "solidFill", A), "srgbClr", A, val=colour)
            _val(ser, "invertIfNegative", 0)
    else:
        for point in range(len(chart.categories)):
            dpt = _e(ser, "dPt")
            _val(dpt, "idx", point)
            _val(dpt, "bubble3D", 0)
            _e(_e(_e(dpt, "spPr"), "solidFill", A), "srgbClr", A, val=PALETTE[point % len(PALETTE)])
    _labels(ser, chart, kind)
    rows = len(chart.categories)
    _string_ref(_e(ser, "cat"), f"Sheet1!$A$2:$A${rows + 1}", list(chart.categories))
    numbers = _e(_e(ser, "val"), "numRef")
    _e(numbers, "f").text = f"Sheet1!${column}$2:${column}${rows + 1}"
    cache = _e(numbers, "numCache")
    _e(cache, "formatCode").text = _number_format(chart)
    _val(cache, "ptCount", rows)
    for point, span in enumerate(series.values):
        if span is not None:  # a missing figure is a gap, not a zero
            _e(_e(cache, "pt", idx=point), "v").text = span.text
    if kind == "line":
        _val(ser, "smooth", 0)


def _string_ref(parent, formula: str, texts: list[str]) -> None:
    reference = _e(parent, "strRef")
    _e(reference, "f").text = formula
    cache = _e(reference, "strCache")
    _val(cache, "ptCount", len(texts))
    for index, text in enumerate(texts):
        _e(_e(cache, "pt", idx=index), "v").text = text


def _labels(ser, chart: Chart, kind: str) -> None:
    figures = len(chart.categories) * len(chart.series)
    if kind != "pie" and figures > _LABEL_LIMIT:
        return
    labels = _e(ser, "dLbls")
    if kind != "pie":  # a pie's labels show the share too, which the figures' format would spoil
        _e(labels, "numFmt", formatCode=_number_format(chart), sourceLinked=0)
    _e(labels, "spPr")
    _text_properties(labels, 900)
    if kind == "pie":
        _val(labels, "dLblPos", "outEnd")
    for name, on in (("showLegendKey", 0), ("showVal", 1), ("showCatName", int(kind == "pie")),
                     ("showSerName", 0), ("showPercent", int(kind == "pie")), ("showBubbleSize", 0)):
        _val(labels, name, on)
    if kind == "pie":
        _e(labels, "separator").text = "，"


def _pie(plot, chart: Chart) -> None:
    pie = _e(plot, "pieChart")
    _val(pie, "varyColors", 1)
    _series(pie, chart, 0, "pie")
    _val(pie, "firstSliceAng", 0)


def _bars_or_lines(plot, chart: Chart) -> None:
    if chart.kind == "line":
        group = _e(plot, "lineChart")
        _val(group, "grouping", "standard")
        _val(group, "varyColors", 0)
        for index in range(len(chart.series)):
            _series(group, chart, index, "line")
        _val(group, "marker", 1)
    else:
        group = _e(plot, "barChart")
        _val(group, "barDir", "col")
        _val(group, "grouping", "stacked" if chart.kind == "stacked" else "clustered")
        _val(group, "varyColors", 0)
        for index in range(len(chart.series)):
            _series(group, chart, index, "bar")
        _val(group, "gapWidth", 80)
        if chart.kind == "stacked":
            _val(group, "overlap", 100)
    _val(group, "axId", 1001)
    _val(group, "axId", 1002)
    _category_axis(plot)
    _value_axis(plot, chart)


def _category_axis(plot) -> None:
    axis = _e(plot, "catAx")
    _val(axis, "axId", 1001)
    _val(_e(axis, "scaling"), "orientation", "minMax")
    _val(axis, "delete", 0)
    _val(axis, "axPos", "b")
    _e(axis, "numFmt", formatCode="General", sourceLinked=0)
    _val(axis, "majorTickMark", "out")
    _val(axis, "minorTickMark", "none")
    _val(axis, "tickLblPos", "low")
    _text_properties(axis, 1000, horizontal=True)
    _val(axis, "crossAx", 1002)
    _val(axis, "crosses", "autoZero")
    _val(axis, "auto", 1)
    _val(axis, "lblAlgn", "ctr")
    _val(axis, "lblOffset", 100)
    _val(axis, "noMultiLvlLbl", 0)


def _value_axis(plot, chart: Chart) -> None:
    axis = _e(plot, "valAx")
    _val(axis, "axId", 1002)
    _val(_e(axis, "scaling"), "orientation", "minMax")
    _val(axis, "delete", 0)
    _val(axis, "axPos", "l")
    lines = _e(_e(axis, "majorGridlines"), "spPr")
    _e(_e(_e(lines, "ln", A, w=6350), "solidFill", A), "srgbClr", A, val="D9D9D9")
    if chart.unit:
        title = _e(axis, "title")
        rich = _e(_e(title, "tx"), "rich")
        _e(rich, "bodyPr", A, rot=0, vert="horz")
        _e(rich, "lstStyle", A)
        run = _e(_e(rich, "p", A), "r", A)
        properties = _e(run, "rPr", A, lang="zh-CN", sz=900, b=0)
        _e(properties, "latin", A, typeface=LATIN)
        _e(properties, "ea", A, typeface=_EAST_ASIA.get())
        _e(run, "t", A).text = f"单位：{chart.unit}"
        _e(title, "layout")
        _val(title, "overlay", 0)
    _e(axis, "numFmt", formatCode=_number_format(chart) if _decimals(chart) == 0 else "General", sourceLinked=0)
    _val(axis, "majorTickMark", "out")
    _val(axis, "minorTickMark", "none")
    _val(axis, "tickLblPos", "nextTo")
    _val(axis, "crossAx", 1001)
    _val(axis, "crosses", "autoZero")
    _val(axis, "crossBetween", "between")
