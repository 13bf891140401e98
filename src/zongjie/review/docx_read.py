"""Reading a DOCX back as a person left it in Word or WPS: paragraphs of text as they read
with every tracked change accepted, their style names, bold and 楷体 runs, and comments.

Tracked changes may still be pending: inserted text (`w:ins`, `w:moveTo`) counts, deleted
text (`w:del`, `w:moveFrom`, `w:delText`) does not, and a paragraph whose mark was deleted
(`w:pPr/w:rPr/w:del`: two paragraphs merged) is joined with the next one. Comments are
kept with the stretch of text they mark. Only lxml and zipfile: the edited file is input,
so an unreadable one is an error that says what to do.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

from lxml import etree
from msgspec import Struct, field

from zongjie.errors import ZongjieError
from zongjie.location import Location
from zongjie.writers.docx.package import SAFE_PARSER

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
_COMMENTS_TYPE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/comments"


def w(tag: str) -> str:
    return f"{{{W}}}{tag}"


_DELETED = {w("del"), w("moveFrom")}
_SKIPPED = _DELETED | {w("instrText"), w("delInstrText"), w("pPr"), w("rPr"), w("txbxContent"), w("footnoteReference")}
_KAITI = "楷体"
# The edited file comes from outside: no entities expanded, nothing fetched, parts bounded.
MAX_PART_BYTES = 200 * 1024 * 1024


class Comment(Struct):
    number: str
    author: str
    text: str
    start: int = 0  # range in the paragraph's text
    end: int = 0


class ReadParagraph(Struct):
    text: str
    style: str  # the style's name, normalised ("heading1", "title", "normal")
    runs: list[tuple[str, bool, bool]] = field(default_factory=list)  # text, bold, 楷体 (emphasis)
    comments: list[Comment] = field(default_factory=list)
    in_table: bool = False


class ReadDocument(Struct):
    paragraphs: list[ReadParagraph]
    pending: int = 0  # tracked changes not yet accepted, in the whole document


class DocxReadError(ZongjieError):
    pass


def read_docx(data: bytes, path: Path | None = None) -> ReadDocument:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
            if any(info.file_size > MAX_PART_BYTES for info in archive.infolist()):
                raise DocxReadError("这个 Word 文档解压后过大，不像是一份总结", Location(path) if path else None,
                                    "请确认选对了文件；图片很多时可先在 Word 中“压缩图片”再另存。")
            body_xml = archive.read("word/document.xml")
            styles = _style_names(archive.read("word/styles.xml")) if "word/styles.xml" in names else {}
            comments_name = _comments_part(archive, names)
            comments = _comments(archive.read(comments_name)) if comments_name else {}
        root = etree.fromstring(body_xml, SAFE_PARSER)
    except (zipfile.BadZipFile, KeyError, etree.XMLSyntaxError, ValueError) as error:
        reason = {zipfile.BadZipFile: "不是有效的 .docx 文件", KeyError: "文件里没有正文部分"}.get(
            type(error), "文件内容已损坏")
        raise DocxReadError(
            f"无法读取这个 Word 文档：{reason}",
            Location(path) if path else None,
            "请确认它是 .docx 文件：在 Word 或 WPS 中“另存为”Word 文档（*.docx）后再试；.doc 和 .wps 格式不能读取。",
        ) from None
    body = root.find(w("body"))
    paragraphs: list[ReadParagraph] = []
    pending = 0
    merge_next = False
    default_style = styles.get("", "normal")
    for element in body.iter(w("p")) if body is not None else ():
        if _inside_other_paragraph(element):
            continue
        paragraph, mark_deleted, changes = _paragraph(element, styles, default_style, comments)
        pending += changes
        if merge_next and paragraphs:
            _append(paragraphs[-1], paragraph)
        else:
            paragraphs.append(paragraph)
        merge_next = mark_deleted
    return ReadDocument(paragraphs, pending)


def _inside_other_paragraph(element) -> bool:
    return next(element.iterancestors(w("p")), None) is not None


def _append(first: ReadParagraph, second: ReadParagraph) -> None:
    offset = len(first.text)
    first.text += second.text
    first.runs += second.runs
    for comment in second.comments:
        comment.start += offset
        comment.end += offset
        first.comments.append(comment)


def _paragraph(element, styles: dict[str, str], default_style: str, comments: dict[str, Comment]):
    properties = element.find(w("pPr"))
    style_element = properties.find(w("pStyle")) if properties is not None else None
    style_id = style_element.get(w("val")) if style_element is not None else ""
    style = styles.get(style_id, _normal_name(style_id)) if style_id else default_style
    mark = properties.find(w("rPr")) if properties is not None else None
    mark_deleted = mark is not None and mark.find(w("del")) is not None
    paragraph = ReadParagraph("", style, in_table=_in_table(element))
    changes = sum(1 for _ in element.iter(w("ins"), w("del"), w("moveTo"), w("moveFrom")))
    open_comments: dict[str, int] = {}
    _walk(element, paragraph, open_comments, comments)
    return paragraph, mark_deleted, changes


def _walk(element, paragraph: ReadParagraph, open_comments: dict[str, int], comments: dict[str, Comment]) -> None:
    for node in element:
        tag = node.tag
        if not isinstance(tag, str) or tag in _SKIPPED:
            continue
        if tag == w("r"):
            _run(node, paragraph)
        elif tag == w("commentRangeStart"):
            open_comments[node.get(w("id"))] = len(paragraph.text)
        elif tag == w("commentRangeEnd"):
            number = node.get(w("id"))
            found = comments.get(number)
            if found is not None:
                paragraph.comments.append(Comment(number, found.author, found.text,
                                                  open_comments.pop(number, len(paragraph.text)), len(paragraph.text)))
        else:
            _walk(node, paragraph, open_comments, comments)  # w:ins, w:hyperlink, w:smartTag, w:sdt, w:fldSimple …


def _run(run, paragraph: ReadParagraph) -> None:
    properties = run.find(w("rPr"))
    bold = _on(properties.find(w("b"))) if properties is not None else False
    fonts = properties.find(w("rFonts")) if properties is not None else None
    emphasis = bool(fonts is not None and _KAITI in (fonts.get(w("eastAsia")) or ""))
    parts = []
    for node in run:
        if node.tag == w("t"):
            parts.append(node.text or "")
        elif node.tag in (w("br"), w("cr")) and node.get(w("type")) not in ("page", "column"):
            parts.append("\n")
        elif node.tag == w("tab"):
            parts.append("\t")
        elif node.tag == w("noBreakHyphen"):
            parts.append("-")
    text = "".join(parts)
    if not text:
        return
    paragraph.text += text
    if paragraph.runs and paragraph.runs[-1][1:] == (bold, emphasis):
        paragraph.runs[-1] = (paragraph.runs[-1][0] + text, bold, emphasis)
    else:
        paragraph.runs.append((text, bold, emphasis))


def _on(element) -> bool:
    return element is not None and element.get(w("val"), "true") not in ("0", "false", "off")


def _in_table(element) -> bool:
    return next(element.iterancestors(w("tc")), None) is not None


def _normal_name(name: str) -> str:
    return "".join(name.split()).lower()


def _style_names(data: bytes) -> dict[str, str]:
    """styleId → normalised name; "" → the default paragraph style's name."""
    root = etree.fromstring(data, SAFE_PARSER)
    names: dict[str, str] = {}
    for style in root.iter(w("style")):
        if style.get(w("type")) != "paragraph":
            continue
        name_element = style.find(w("name"))
        written = name_element.get(w("val")) if name_element is not None else None
        name = _normal_name(written if written is not None else style.get(w("styleId"), ""))  # unnamed: its id
        names[style.get(w("styleId"), "")] = name
        if style.get(w("default")) in ("1", "true", "on"):
            names[""] = name
    return names


def _comments_part(archive, names: set[str]) -> str | None:
    rels = "word/_rels/document.xml.rels"
    if rels in names:
        for relationship in etree.fromstring(archive.read(rels), SAFE_PARSER).iter(f"{{{_REL}}}Relationship"):
            if relationship.get("Type") == _COMMENTS_TYPE:
                target = relationship.get("Target", "").lstrip("/")
                name = target if target.startswith("word/") else f"word/{target}"
                return name if name in names else None
    return None


def _comments(data: bytes) -> dict[str, Comment]:
    found: dict[str, Comment] = {}
    for comment in etree.fromstring(data, SAFE_PARSER).iter(w("comment")):
        paragraphs = ["".join(t.text or "" for t in p.iter(w("t"))) for p in comment.iter(w("p"))]
        number = comment.get(w("id"), "")
        found[number] = Comment(number, comment.get(w("author"), ""), "\n".join(paragraphs).strip())
    return found
