"""The official document's styles, as data: fonts, sizes, spacing and indents per style.

Shared by the prototype builder (which writes them into Word styles) and the writer (which
binds heading numbering to them). Units: points for sizes, hundredths of a character for
indents, twentieths of a point for character spacing.
"""

from __future__ import annotations

from msgspec import Struct

LINE_PITCH_PT = 28.95  # 225 mm ÷ 22 lines
# 28 characters in the 156 mm (442.2 pt) line: a 16 pt character condensed by 0.25 pt takes
# 15.75 pt, and 28 × 15.75 = 441 pt. In twentieths of a point:
BODY_CHARACTER_SPACING = -5
TABLE_FONT_SIZE = 14  # 4号
LATIN = "Times New Roman"
FANGSONG, HEITI, KAITI, XIAOBIAOSONG, SONGTI = "仿宋_GB2312", "黑体", "楷体_GB2312", "方正小标宋简体", "宋体"


class StyleSpec(Struct, frozen=True):
    style_id: str
    name: str
    east_asia: str
    size: float
    latin: str = LATIN
    bold: bool = False
    align: str | None = "justify"  # justify | center | right | left | None (inherit)
    first_line_chars: int = 200
    right_chars: int = 0
    line_pt: float | None = LINE_PITCH_PT  # fixed line spacing; None: single
    keep_with_next: bool = False
    outline_level: int | None = None
    custom: bool = False
    character_spacing: int = BODY_CHARACTER_SPACING


STYLES = (
    StyleSpec("Normal", "Normal", FANGSONG, 16),
    StyleSpec("Title", "Title", XIAOBIAOSONG, 22, latin=XIAOBIAOSONG, align="center",
              first_line_chars=0, line_pt=36, keep_with_next=True, character_spacing=0),
    StyleSpec("Subtitle", "Subtitle", KAITI, 16, align="center", first_line_chars=0),
    StyleSpec("Heading1", "Heading 1", HEITI, 16, keep_with_next=True, outline_level=0),
    StyleSpec("Heading2", "Heading 2", KAITI, 16, keep_with_next=True, outline_level=1),
    StyleSpec("Heading3", "Heading 3", FANGSONG, 16, bold=True, keep_with_next=True, outline_level=2),
    StyleSpec("Heading4", "Heading 4", FANGSONG, 16, keep_with_next=True, outline_level=3),
    StyleSpec("Signature", "落款", FANGSONG, 16, align="right", first_line_chars=0, custom=True),
    StyleSpec("Attachment", "附件说明", FANGSONG, 16, align="left", custom=True),
    StyleSpec("TableText", "表格文字", FANGSONG, TABLE_FONT_SIZE, align=None, first_line_chars=0, line_pt=None,
              custom=True, character_spacing=0),
    StyleSpec("TableHeading", "表格标题行", HEITI, TABLE_FONT_SIZE, align="center", first_line_chars=0,
              line_pt=None, custom=True, character_spacing=0),
    # a picture or chart paragraph: single spacing (a fixed line height would clip it), kept
    # with its caption; the caption below it (图1　……) centred in 4号 楷体
    StyleSpec("Figure", "图片", FANGSONG, 16, align="center", first_line_chars=0, line_pt=None,
              keep_with_next=True, custom=True, character_spacing=0),
    StyleSpec("FigureCaption", "图表题注", KAITI, TABLE_FONT_SIZE, align="center", first_line_chars=0, line_pt=None,
              custom=True, character_spacing=0),
    StyleSpec("Footer", "Footer", SONGTI, 14, align=None, first_line_chars=0, line_pt=None, character_spacing=0),
)
HEADING_STYLES = {1: "Heading1", 2: "Heading2", 3: "Heading3", 4: "Heading4"}
SPECS = {spec.style_id: spec for spec in STYLES}
