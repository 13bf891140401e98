"""Inline drawings in a DOCX body: a picture (pic:pic) or a chart (c:chart), each in a run of
its own paragraph, sized in EMU."""

from __future__ import annotations

from lxml import etree

from zongjie.writers.docx.oxml import qn

WP = "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"
A = "http://schemas.openxmlformats.org/drawingml/2006/main"
PIC = "http://schemas.openxmlformats.org/drawingml/2006/picture"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
C = "http://schemas.openxmlformats.org/drawingml/2006/chart"
_NSMAP = {"wp": WP, "a": A, "pic": PIC, "r": R, "c": C}


def _e(parent, namespace: str, tag: str, **attributes):
    element = etree.SubElement(parent, f"{{{namespace}}}{tag}", {k: str(v) for k, v in attributes.items()})
    return element


def _inline(paragraph, width_emu: int, height_emu: int, shape_id: int, name: str, description: str):
    run = etree.SubElement(paragraph, qn("w:r"))
    drawing = etree.SubElement(run, qn("w:drawing"))
    inline = etree.SubElement(drawing, f"{{{WP}}}inline", nsmap=_NSMAP)
    for side in ("distT", "distB", "distL", "distR"):
        inline.set(side, "0")
    _e(inline, WP, "extent", cx=width_emu, cy=height_emu)
    _e(inline, WP, "effectExtent", l=0, t=0, r=0, b=0)
    _e(inline, WP, "docPr", id=shape_id, name=name, descr=description)
    return inline


def add_picture(paragraph, rel_id: str, width_emu: int, height_emu: int, shape_id: int, description: str) -> None:
    inline = _inline(paragraph, width_emu, height_emu, shape_id, f"图片 {shape_id}", description)
    frame = _e(inline, WP, "cNvGraphicFramePr")
    _e(frame, A, "graphicFrameLocks", noChangeAspect=1)
    data = _e(_e(inline, A, "graphic"), A, "graphicData", uri=PIC)
    pic = _e(data, PIC, "pic")
    properties = _e(pic, PIC, "nvPicPr")
    _e(properties, PIC, "cNvPr", id=0, name=f"图片 {shape_id}", descr=description)
    _e(properties, PIC, "cNvPicPr")
    fill = _e(pic, PIC, "blipFill")
    _e(fill, A, "blip").set(f"{{{R}}}embed", rel_id)
    _e(_e(fill, A, "stretch"), A, "fillRect")
    shape = _e(pic, PIC, "spPr")
    transform = _e(shape, A, "xfrm")
    _e(transform, A, "off", x=0, y=0)
    _e(transform, A, "ext", cx=width_emu, cy=height_emu)
    _e(_e(shape, A, "prstGeom", prst="rect"), A, "avLst")


def add_chart(paragraph, rel_id: str, width_emu: int, height_emu: int, shape_id: int, description: str) -> None:
    inline = _inline(paragraph, width_emu, height_emu, shape_id, f"图表 {shape_id}", description)
    _e(inline, WP, "cNvGraphicFramePr")
    data = _e(_e(inline, A, "graphic"), A, "graphicData", uri=C)
    _e(data, C, "chart").set(f"{{{R}}}id", rel_id)
