"""Document model → one standalone HTML page: no external resources, readable on a phone,
printable on A4 with the official fonts first and free fallbacks after.

The page to publish carries no internal key, path or line number: a figure is plain text.
In a review copy (审阅稿, `options.review`) every figure is a `<span class="fact">` whose note
(its source, the rules that check it, what they found) shows on hover and, on a phone, on tap;
figures a rule finds wrong are highlighted. The local preview (`zongjie serve`, never a written
file) asks for `options.trace`: each figure's key and file:line in its tooltip, and with
`options.marks` the findings that concern it (highlighted, their messages in the tooltip).
"""

from __future__ import annotations

import os
from html import escape
from pathlib import Path
from typing import assert_never

from zongjie.document.model import (
    Block,
    Chart,
    Document,
    Emphasis,
    FactSpan,
    Heading,
    Inline,
    LineBreak,
    ListBlock,
    PageBreak,
    Paragraph,
    Picture,
    Strong,
    Table,
    Text,
    plain_text,
)
from zongjie.fonts import css_overrides
from zongjie.location import display_path
from zongjie.writers.html_figures import STYLE as FIGURE_STYLE
from zongjie.writers.html_figures import chart_html, picture_html, span_attributes, table_caption
from zongjie.writers.html_review import REVIEW_SCRIPT, REVIEW_STYLE, banner, review_fact
from zongjie.writers.layout import SMALL_TABLE_ROWS, guess_alignment, text_width

STYLE = """
/* Digits and Latin letters in Times New Roman (or its metric twins), as in the DOCX; the
   range stops before the quotation marks, which stay in the Chinese font. */
@font-face { font-family: "zongjie-latin"; unicode-range: U+0020-007E, U+00A0-00FF;
  src: local("Times New Roman"), local("TimesNewRomanPSMT"), local("Liberation Serif"), local("LiberationSerif"),
       local("Tinos"), local("Tinos-Regular"), local("TeX Gyre Termes"), local("Nimbus Roman"); }
@font-face { font-family: "zongjie-latin"; unicode-range: U+0020-007E, U+00A0-00FF; font-weight: bold;
  src: local("Times New Roman Bold"), local("TimesNewRomanPS-BoldMT"), local("Liberation Serif Bold"),
       local("LiberationSerif-Bold"), local("Tinos Bold"), local("Tinos-Bold"), local("TeX Gyre Termes Bold"); }
:root {
  --fangsong: "zongjie-latin", "仿宋_GB2312", "FangSong_GB2312", "仿宋", "FangSong", "STFangsong", "AR PL UMing CN", "Noto Serif CJK SC", "Source Han Serif SC", serif;
  --heiti: "zongjie-latin", "黑体", "SimHei", "STHeiti", "Noto Sans CJK SC", "Source Han Sans SC", "WenQuanYi Zen Hei", sans-serif;
  --kaiti: "zongjie-latin", "楷体_GB2312", "KaiTi_GB2312", "楷体", "KaiTi", "STKaiti", "AR PL UKai CN", "Noto Serif CJK SC", serif;
  --xiaobiaosong: "方正小标宋简体", "FZXiaoBiaoSong-B05S", "方正小标宋_GBK", "华文中宋", "STZhongsong", "Noto Serif CJK SC", "Source Han Serif SC", serif;
}
html { -webkit-text-size-adjust: 100%; }
body { margin: 0; background: #f3f3f0; color: #111; }
main { box-sizing: border-box; max-width: 46rem; margin: 0 auto; padding: 2.5rem 1.25rem 4rem; background: #fff;
  font-family: var(--fangsong); font-size: 1.125rem; line-height: 1.9; }
h1.title { font-family: var(--xiaobiaosong); font-size: 1.6rem; font-weight: normal; text-align: center; line-height: 1.5; margin: 0 0 1.6rem; text-wrap: balance; }
p.subtitle { text-align: center; margin: -0.8rem 0 1.6rem; font-family: var(--kaiti); }
h2, h3, h4, h5 { font-size: 1em; line-height: inherit; margin: 0; text-indent: 2em; text-align: justify; }
h2 { font-family: var(--heiti); font-weight: normal; }
h3 { font-family: var(--kaiti); font-weight: normal; }
h4 { font-family: var(--fangsong); font-weight: bold; }
h5 { font-family: var(--fangsong); font-weight: normal; }
p { margin: 0; text-indent: 2em; text-align: justify; }
em { font-style: normal; font-family: var(--kaiti); }
ol, ul { margin: 0; padding-left: 2em; }
li > p { text-indent: 0; }
table { border-collapse: collapse; margin: 0.8rem auto; width: 100%; font-size: 0.95em; line-height: 1.5; }
th, td { border: 1px solid #333; padding: 0.2rem 0.45rem; text-align: left; vertical-align: middle; }
th { font-family: var(--heiti); font-weight: normal; text-align: center; }
td.right, th.right { text-align: right; } td.center, th.center { text-align: center; }
td.right, span.unit { white-space: nowrap; }  /* figures and units whole; the label column wraps first */
.table-wrap { overflow-x: auto; }
.closing { margin-top: 1.9em; text-indent: 0; }  /* one blank line (GB/T 9704) */
.closing-block { display: table; margin-left: auto; margin-right: 2em; }
.closing p { text-indent: 0; text-align: left; white-space: nowrap; }
.closing p.date { padding-left: 2em; } .closing p.free { width: 0; }
.attachments { margin-top: 1.9em; }
.attachments p { text-indent: 0; padding-left: 2em; }
mark.placeholder { background: #ffe94d; color: #9a0000; padding: 0 0.1em; }
span.fact:hover { text-decoration: underline dotted #777; text-underline-offset: 0.2em; cursor: help; }
hr.page-break { border: 0; border-top: 1px dashed #bbb; margin: 1.5rem 0; }
@media (max-width: 480px) { main { padding: 1.5rem 0.9rem 3rem; font-size: 1.05rem; } }
@page { size: A4; margin: 37mm 26mm 35mm 28mm; }
@page :right { @bottom-right { content: "— " counter(page) " —"; font: 14pt "宋体", "SimSun", "Noto Serif CJK SC", serif; vertical-align: top; padding-top: 7mm; margin-right: 1em; } }
@page :left { @bottom-left { content: "— " counter(page) " —"; font: 14pt "宋体", "SimSun", "Noto Serif CJK SC", serif; vertical-align: top; padding-top: 7mm; margin-left: 1em; } }
@media print {
  body { background: #fff; }
  /* 28 characters in the 156 mm line, as the DOCX: 16 pt characters condensed by 0.25 pt */
  main { max-width: none; padding: 0; font-size: 16pt; line-height: 28.95pt; letter-spacing: -0.25pt; }
  h1.title, table { letter-spacing: 0; }
  p, h2, h3, h4, h5 { orphans: 2; widows: 2; } p.short { break-inside: avoid; }
  .table-wrap { overflow: visible; }  /* a scrolling box would cut the table's right border */
  .table-wrap.small { break-inside: avoid; }
  table { width: calc(100% - 1px); }
  .closing { margin-top: 28.95pt; break-before: avoid; break-inside: avoid; }  /* never a page of signature alone */
  h1.title { font-size: 22pt; line-height: 1.45; margin-bottom: 28.95pt; }
  span.fact { text-decoration: none; }
  hr.page-break { border: 0; margin: 0; break-after: page; }
  tr, h2, h3, h4 { break-inside: avoid; } h2, h3, h4 { break-after: avoid; }
  thead { display: table-header-group; }
}
"""


_SHORT_PARAGRAPH = 26 + 28 + 28  # characters in three printed lines


def write(document: Document, options) -> bytes:
    return render(document, options.source_root, options.lang, options.review, options.trace, options.fonts,
                  options.marks).encode("utf-8")


def render(document: Document, source_root: Path | None = None, lang: str = "zh-CN", review=None,
           trace: bool = False, fonts: tuple[tuple[str, str], ...] = (), marks=None) -> str:
    writer = _HtmlWriter(source_root, review, trace, marks)
    title = plain_text(document.meta.title) or "工作总结"
    body = []
    extra_head = ""
    if review is not None:
        title = f"{title}（审阅稿）"
        body.append(banner(review))
        extra_head = f"<style>{REVIEW_STYLE}</style>\n"
    if document.meta.title:
        body.append(f'<h1 class="title">{writer.inlines(document.meta.title)}</h1>')
    if document.meta.subtitle:
        body.append(f'<p class="subtitle">{writer.inlines(document.meta.subtitle)}</p>')
    body.extend(writer.block(block) for block in document.blocks)
    body.append(writer.attachments(document.meta.attachments))
    body.append(writer.closing(document.meta.signature, document.meta.date))
    return (
        "<!DOCTYPE html>\n"
        f'<html lang="{escape(lang)}">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        '<meta name="generator" content="zongjie">\n'
        f"<title>{escape(title)}</title>\n<style>{STYLE}{_locale_fonts(fonts, lang)}{_figure_style(document)}</style>\n"
        f"{extra_head}</head>\n<body>\n<main>\n"
        + "\n".join(part for part in body if part)
        + "\n</main>\n"
        + (REVIEW_SCRIPT if review is not None else "")
        + "</body>\n</html>\n"
    )


def _figure_style(document: Document) -> str:
    """The figures' CSS, only in pages that have a figure or a table caption."""
    def needs(block) -> bool:
        if isinstance(block, ListBlock):
            return any(needs(child) for item in block.items for child in item)
        return isinstance(block, (Picture, Chart)) or (isinstance(block, Table) and bool(block.caption or block.merges))

    if not any(needs(block) for block in document.blocks):
        return ""
    return FIGURE_STYLE


def _locale_fonts(fonts: tuple[tuple[str, str], ...], lang: str) -> str:
    """The Traditional (or configured) font stack, overriding the official one's variables."""
    if not fonts:
        return ""
    return css_overrides(dict(fonts), {"zh-TW": "zh_Hant_TW", "zh-HK": "zh_Hant_HK"}.get(lang, "zh_CN"))


def _table_wrap(table: Table) -> str:
    """A short table is printed whole, on the next page if need be (as the DOCX keeps it)."""
    return "table-wrap small" if len(table.rows) <= SMALL_TABLE_ROWS else "table-wrap"


class _HtmlWriter:
    def __init__(self, source_root: Path | None, review=None, trace: bool = False, marks=None):
        self.review = review  # ReviewNotes of a review copy, else None
        self.trace = trace  # the local preview: keys and file:line in tooltips
        self.marks = marks  # the local preview: findings at each figure (FindingMarks), else None
        self.root_prefix = str(source_root) + os.sep if source_root is not None else None
        self._places: dict = {}  # location → "file:line", computed once per location

    def block(self, block: Block) -> str:
        match block:
            case Heading():
                tag = f"h{min(block.level + 1, 6)}"
                number = f'<span class="number">{escape(block.number)}</span>' if block.number else ""
                return f"<{tag}>{number}{self.inlines(block.content)}</{tag}>"
            case Paragraph():
                # Chromium prints ignoring `widows`: a paragraph of three lines or fewer (26 + 28 + 28
                # characters) can only break leaving one line alone, so it is not broken at all.
                short = ' class="short"' if text_width(plain_text(block.content)) <= _SHORT_PARAGRAPH else ""
                return f"<p{short}>{self.inlines(block.content)}</p>"
            case ListBlock():
                tag = "ol" if block.ordered else "ul"
                start = f' start="{block.start}"' if block.ordered and block.start != 1 else ""
                items = "".join("<li>" + "".join(self.block(child) for child in item) + "</li>" for item in block.items)
                return f"<{tag}{start}>{items}</{tag}>"
            case Table():
                return self.table(block)
            case PageBreak():
                return '<hr class="page-break">'
            case Picture():
                return picture_html(block, self.inlines)
            case Chart():
                return chart_html(block, self.inlines, self.chart_source)
            case _:
                assert_never(block)

    def table(self, table: Table) -> str:
        def cell(tag: str, inlines, align: str) -> str:
            css = f' class="{align}"' if align in ("right", "center") else ""
            return f"<{tag}{css}>{self.header(inlines) if tag == 'th' else self.inlines(inlines)}</{tag}>"

        if table.merges or table.caption or table.label:
            return self.figure_table(table)
        aligns = list(table.align) + [""] * (len(table.header) - len(table.align))
        head = "".join(cell("th", c, a) for c, a in zip(table.header, aligns))
        # figures right-aligned and whole, as in the DOCX
        rows = "".join("<tr>" + "".join(cell("td", c, a or guess_alignment(c)) for c, a in zip(row, aligns)) + "</tr>"
                       for row in table.rows)
        return f'<div class="{_table_wrap(table)}"><table><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table></div>'

    def header(self, inlines) -> str:
        """A header cell whose unit（万元）never breaks inside: the cell may break before it."""
        text = self.inlines(inlines)
        at = max(text.find("（"), text.find("("))
        if at <= 0 or "<" in text[at:]:
            return text
        return f'{text[:at]}<span class="unit">{text[at:]}</span>'

    def figure_table(self, table: Table) -> str:
        """A table with a caption or merged cells (colspan/rowspan; header rows in thead)."""
        spans = span_attributes(table)
        grid = [table.header, *table.rows]
        columns = max(len(row) for row in grid)
        aligns = list(table.align) + [""] * (columns - len(table.align))
        head: list[str] = []
        body: list[str] = []
        for r, row in enumerate(grid):
            is_head = r < table.header_rows
            tag = "th" if is_head else "td"
            cells = []
            for c, inlines in enumerate(row):
                extra = spans.get((r, c))
                if extra == "":
                    continue
                align = "" if is_head else aligns[c] or guess_alignment(inlines)  # as the DOCX
                css = f' class="{align}"' if align in ("right", "center") else ""
                content = self.header(inlines) if is_head else self.inlines(inlines)  # a unit（万元）kept whole
                cells.append(f"<{tag}{css}{(extra or '').rstrip()}>{content}</{tag}>")
            (head if is_head else body).append("<tr>" + "".join(cells) + "</tr>")
        return (f'<div class="{_table_wrap(table)}"><table>{table_caption(table, self.inlines)}<thead>{"".join(head)}</thead>'
                f'<tbody>{"".join(body)}</tbody></table></div>')

    def chart_source(self, span: FactSpan) -> str:
        """A chart figure's source for its tooltip: key ← file:line in a review copy and the
        local preview; nothing in the copy to publish (which carries no paths)."""
        if self.review is None and not self.trace:
            return ""
        return "；".join(f"{key} ← {self._where(location)}" for key, location in zip(span.keys, span.locations))

    def attachments(self, attachments) -> str:
        if not attachments:
            return ""
        hidden_label = '<span style="visibility:hidden">附件：</span>'  # aligns later items under the first
        lines = [f"<p>{'附件：' if n == 1 else hidden_label}{n}. {self.inlines(item)}</p>"
                 for n, item in enumerate(attachments, 1)]
        return '<div class="attachments">' + "".join(lines) + "</div>"

    def closing(self, signature, date) -> str:
        """GB/T 9704-2012 §7.3.5.2 in CSS, without estimating where the lines end: a block
        shrunk to the longer of signature and date stands two characters from the right;
        the signature starts at its left, the date two characters further; the shorter
        one is given no width of its own (a date a little shorter than the signature may
        reach past the signature's end, as the rule has it)."""
        if not signature and not date:
            return ""
        date_longer = text_width(plain_text(date)) > text_width(plain_text(signature))
        parts = []
        for name, part in (("signature", signature), ("date", date)):
            if part:
                free = " free" if signature and date and (name == "signature") == date_longer else ""
                parts.append(f'<p class="{name}{free}">{self.inlines(part)}</p>')
        return f'<div class="closing"><div class="closing-block">{"".join(parts)}</div></div>'

    def inlines(self, inlines: tuple[Inline, ...]) -> str:
        out = []
        for inline in inlines:
            match inline:
                case Text():
                    out.append(escape(inline.text))
                case FactSpan():
                    out.append(self.fact(inline))
                case Strong():
                    out.append(f"<strong>{self.inlines(inline.children)}</strong>")
                case Emphasis():
                    out.append(f"<em>{self.inlines(inline.children)}</em>")
                case LineBreak():
                    out.append("<br>")
                case _:
                    assert_never(inline)
        return "".join(out)

    def fact(self, span: FactSpan) -> str:
        if span.placeholder:  # a draft's 【待填：键】, marked in every kind of copy (a draft is never published)
            return self.placeholder(span)
        if self.review is not None:
            return review_fact(span, self.review)
        if self.trace:
            return self.traced_fact(span)
        return escape(span.text)  # the copy to publish: no key, path or line number

    def placeholder(self, span: FactSpan) -> str:
        keys = " ".join(span.keys)
        where = "；".join(self._where(location) for location in span.locations)
        title = f"待填：{keys}" + (f"（在 {where} 填写）" if where else "")
        return f'<mark class="placeholder" data-fact="{escape(keys)}" title="{escape(title)}">{escape(span.text)}</mark>'

    def traced_fact(self, span: FactSpan) -> str:
        sources = "；".join(
            f"{key} ← {self._where(location)}" for key, location in zip(span.keys, span.locations)
        )
        if span.derived:
            sources += "（推算）"
        keys = " ".join(span.keys)
        severity, notes, numbers = self.marks.mark(span) if self.marks is not None else ("", (), ())
        css = f"fact zj-{severity}" if severity else "fact"
        title = "\n".join((sources, *notes))
        findings = f' data-findings="{" ".join(map(str, numbers))}"' if numbers else ""
        return (f'<span class="{css}" data-fact="{escape(keys)}"{findings} title="{escape(title)}">'
                f'{escape(span.text)}</span>')

    def _where(self, location) -> str:
        place = self._places.get(location)
        if place is None:
            place = self._places[location] = self._place(location)
        return place

    def _place(self, location) -> str:
        text = str(location.file)
        if self.root_prefix is None:
            text = display_path(location.file)
        elif text.startswith(self.root_prefix):
            text = text[len(self.root_prefix):].replace(os.sep, "/")
        text = f"{text}:{location.line}" if location.line else text
        return f"{location.origin}（{text}）" if getattr(location, "origin", "") else text
