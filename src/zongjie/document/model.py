"""The one document model every writer reads.

Frozen records (msgspec Structs), in the spirit of pandoc's AST: a Document is metadata plus blocks; blocks
hold inlines. The Markdown reader produces it, passes (heading numbering, checks) transform it,
and the DOCX, HTML and Markdown writers consume it. No writer parses another writer's output.
`FactSpan` is an inline that came from a fact, so every figure stays traceable to its line.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Union, assert_never

from msgspec import Struct, field

from zongjie.document.sourceref import SourceRef
from zongjie.location import Location


# ---- inlines -------------------------------------------------------------------------------
class Text(Struct, frozen=True):
    text: str


class FactSpan(Struct, frozen=True):
    """Text produced from a fact (or a filter over facts): `429198人` from 参保.参保人数,
    with the record of its facts the rendering made (the same object, not a copy)."""

    text: str
    source: SourceRef

    @property
    def keys(self) -> tuple[str, ...]:
        return self.source.keys

    @property
    def locations(self) -> tuple[Location, ...]:
        return self.source.locations

    @property
    def derived(self) -> bool:
        return self.source.derived

    @property
    def written(self) -> tuple[str, ...]:  # each fact as written in facts.yaml
        return self.source.written

    @property
    def placeholder(self) -> bool:  # a draft's 【待填：键】 (writers highlight it), not a figure
        return self.source.placeholder


class Strong(Struct, frozen=True):
    children: tuple["Inline", ...]


class Emphasis(Struct, frozen=True):
    children: tuple["Inline", ...]


class LineBreak(Struct, frozen=True):
    pass


Inline = Union[Text, FactSpan, Strong, Emphasis, LineBreak]


# ---- blocks --------------------------------------------------------------------------------
class Heading(Struct, frozen=True):
    level: int  # 1 = 一、, 2 = （一）, 3 = 1., 4 = （1）
    content: tuple[Inline, ...]
    number: str = ""  # filled by the numbering pass, e.g. "一、"
    line: int | None = None  # line in the rendered Markdown


class Paragraph(Struct, frozen=True):
    content: tuple[Inline, ...]
    line: int | None = None


class ListBlock(Struct, frozen=True):
    ordered: bool
    items: tuple[tuple["Block", ...], ...]
    start: int = 1


class Merge(Struct, frozen=True):
    """Cells joined into one: the cell at (row, column) of the table's grid (row 0 is the
    first header row) spans `rows` × `columns` cells; the cells it covers are left empty."""

    row: int
    column: int
    rows: int = 1
    columns: int = 1


class Table(Struct, frozen=True):
    header: tuple[tuple[Inline, ...], ...]
    rows: tuple[tuple[tuple[Inline, ...], ...], ...]
    align: tuple[str, ...]  # "left" | "center" | "right" | "" per column
    merges: tuple[Merge, ...] = ()
    header_rows: int = 1  # the header row plus leading body rows merged into it (rows[:header_rows - 1])
    caption: tuple[Inline, ...] = ()  # 表N above the table
    label: str = ""  # "表1", set by the caption pass when the template numbers captions


class Picture(Struct, frozen=True):
    """A photo with its caption below. `path` is resolved and checked by the pictures pass,
    which also fills in the (downscaled) image data."""

    path: str  # as written, relative to `origin`'s file
    caption: tuple[Inline, ...]
    origin: Location  # the file and line the picture was written in
    width_mm: float | None = None  # printed width; None: the text width, or less for a small image
    data: bytes = b""
    mime: str = ""  # image/jpeg | image/png
    pixels: tuple[int, int] = (0, 0)
    label: str = ""  # "图1"


class ChartSeries(Struct, frozen=True):
    name: str
    values: tuple["FactSpan | None", ...]  # one per category; None: no figure
    numbers: tuple["float | None", ...]  # the same figures in the chart's unit


class Chart(Struct, frozen=True):
    """A chart over facts. `spec` is what the template wrote (filled in by the charts pass
    into categories and series); `withheld` says why a chart is not drawn."""

    kind: str  # bar | line | pie | stacked
    title: tuple[Inline, ...]
    origin: Location
    unit: str = ""
    categories: tuple[str, ...] = ()
    series: tuple[ChartSeries, ...] = ()
    spec: object = None  # the parsed YAML of the chart block, until the charts pass resolves it
    withheld: str = ""
    label: str = ""  # "图1"


class PageBreak(Struct, frozen=True):
    pass


Block = Union[Heading, Paragraph, ListBlock, Table, PageBreak, Picture, Chart]


# ---- document ------------------------------------------------------------------------------
class Meta(Struct, frozen=True):
    title: tuple[Inline, ...] = ()
    subtitle: tuple[Inline, ...] = ()
    signature: tuple[Inline, ...] = ()  # 落款: issuing body
    date: tuple[Inline, ...] = ()  # 成文日期
    attachments: tuple[tuple[Inline, ...], ...] = ()  # 附件 list


class Counter(StrEnum):
    """How a heading level counts (the placeholder a template.yaml pattern writes)."""
    CHINESE = "一"  # 一 二 三 … 十一
    ARABIC = "1"
    UPPER_LETTER = "A"
    LOWER_LETTER = "a"
    UPPER_ROMAN = "I"
    DAXIE = "壹"  # 大写: 壹 贰 叁


class LevelNumbering(Struct, frozen=True):
    """One heading level's number: "（{一}）" is before "（", Counter.CHINESE, after "）"."""
    before: str
    counter: Counter
    after: str


class Document(Struct, frozen=True):
    meta: Meta
    blocks: tuple[Block, ...] = field(default_factory=tuple)
    # each heading level's numbering (None: unnumbered), set by the numbering pass, so a
    # writer can number headings its own way (DOCX: real list numbering) and still agree
    numbering: tuple[LevelNumbering | None, ...] = ()


# ---- helpers -------------------------------------------------------------------------------
def plain_text(inlines: tuple[Inline, ...], line_break: str = "\n") -> str:
    """The text of inlines as a reader sees it, without emphasis; a line break reads as
    `line_break`. (Traversal of whole documents is in walk.py.)"""
    parts = []
    for inline in inlines:  # isinstance, not match: writers ask this of every paragraph
        if isinstance(inline, (Text, FactSpan)):
            parts.append(inline.text)
        elif isinstance(inline, (Strong, Emphasis)):
            parts.append(plain_text(inline.children, line_break))
        elif isinstance(inline, LineBreak):
            parts.append(line_break)
        else:
            assert_never(inline)
    return "".join(parts)
