"""Measure a rendered official document (a PDF from LibreOffice or Chromium) the way a
reviewer with a ruler would: where the signature and the date stand, and whether a page
starts or ends with a single stranded line of a paragraph.

Reads the text layer with poppler's `pdftotext -bbox-layout` (words with their boxes, in
points). Used by tools/render.py and by the layout tests; it needs poppler-utils, nothing
from Python beyond the standard library.
"""

from __future__ import annotations

import re
import subprocess
from html import unescape
from pathlib import Path

from msgspec import Struct

MM = 72 / 25.4
PAGE_WIDTH, PAGE_HEIGHT = 210 * MM, 297 * MM
LEFT, RIGHT = 28 * MM, PAGE_WIDTH - 26 * MM  # the text block (版心) of GB/T 9704
TOP, BOTTOM = 37 * MM, PAGE_HEIGHT - 35 * MM
CHAR = 156 * MM / 28  # one character of the 28-a-line body grid
LINE_PITCH = 28.95
BODY_LINE_HEIGHT = (16.2, 24.0)  # box heights of 16 pt body lines in LibreOffice and Chromium (14 pt table text is lower)

_WORD = re.compile(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>')


class Line(Struct):
    page: int
    x_min: float
    y_min: float
    x_max: float
    y_max: float
    text: str

    @property
    def is_body(self) -> bool:
        """A 16 pt line inside the text block (not the page number, not a table's 14 pt text)."""
        return BODY_LINE_HEIGHT[0] <= self.y_max - self.y_min <= BODY_LINE_HEIGHT[1] and self.y_max <= BOTTOM + 4

    @property
    def indented(self) -> bool:
        """Starts two characters in: a paragraph's (or heading's) first line."""
        return abs(self.x_min - (LEFT + 2 * CHAR)) < CHAR * 0.6

    @property
    def flush_left(self) -> bool:
        """Starts at the left edge: a paragraph's continuation line."""
        return abs(self.x_min - LEFT) < CHAR * 0.4


def read_lines(pdf: Path) -> list[list[Line]]:
    """Lines per page, top to bottom: words of the same baseline joined."""
    html = subprocess.run(["pdftotext", "-bbox-layout", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout
    pages: list[list[Line]] = []
    for page_html in html.split("<page ")[1:]:
        words = sorted(((float(a), float(b), float(c), float(d), unescape(t)) for a, b, c, d, t in _WORD.findall(page_html)),
                       key=lambda word: (round(word[3]), word[0]))
        lines: list[Line] = []
        for x0, y0, x1, y1, text in words:
            last = lines[-1] if lines else None
            if last is not None and abs(last.y_max - y1) < 3:
                last.x_min, last.x_max = min(last.x_min, x0), max(last.x_max, x1)
                last.y_min, last.y_max = min(last.y_min, y0), max(last.y_max, y1)
                last.text += text
            else:
                lines.append(Line(len(pages) + 1, x0, y0, x1, y1, text))
        pages.append(lines)
    return pages


class Closing(Struct, frozen=True):
    """The signature block, in characters of the body grid."""

    signature_right_space: float | None  # 2 expected (GB/T 9704-2012 §7.3.5.2)
    date_offset: float | None  # the date's first character right of the signature's: 2 expected
    date_right_space: float | None
    blank_lines_before: int | None  # between the last text and the signature: 1 expected
    date_is_longer: bool = False  # then the date keeps two characters and the signature moves left

    def problems(self, tolerance: float = 0.25) -> list[str]:
        """How the block departs from GB/T 9704-2012 §7.3.5.2 (a document without a seal)."""
        found = []
        if self.signature_right_space is None or self.date_right_space is None or self.date_offset is None:
            return ["找不到落款或成文日期（是否折行了？）"]
        if abs(self.date_offset - 2) > tolerance:
            found.append(f"成文日期首字比署名首字右移 {self.date_offset:.2f} 字，应为 2 字")
        if self.date_is_longer:
            if abs(self.date_right_space - 2) > tolerance:
                found.append(f"成文日期长于署名，应右空 2 字，实为 {self.date_right_space:.2f} 字")
        elif abs(self.signature_right_space - 2) > tolerance:
            found.append(f"署名应右空 2 字，实为 {self.signature_right_space:.2f} 字")
        if self.blank_lines_before != 1:
            found.append(f"正文与署名之间应空 1 行，实为 {self.blank_lines_before} 行")
        return found


def measure_closing(pages: list[list[Line]], signature: str, date: str) -> Closing:
    """Where the signature and the date stand on the last page that holds them."""
    lines = [line for page in pages for line in page if line.is_body]
    squeeze = lambda text: re.sub(r"\s+", "", text)  # noqa: E731
    signature_line = next((line for line in reversed(lines) if squeeze(signature) and squeeze(line.text) == squeeze(signature)), None)
    date_line = next((line for line in reversed(lines) if squeeze(date) and squeeze(line.text) == squeeze(date)), None)
    first = signature_line or date_line
    blank = None
    if first is not None:
        index = lines.index(first)
        if index > 0 and lines[index - 1].page == first.page:
            blank = round((first.y_min - lines[index - 1].y_min) / LINE_PITCH) - 1
    return Closing(
        signature_right_space=(RIGHT - signature_line.x_max) / CHAR if signature_line else None,
        date_offset=(date_line.x_min - signature_line.x_min) / CHAR if signature_line and date_line else None,
        date_right_space=(RIGHT - date_line.x_max) / CHAR if date_line else None,
        blank_lines_before=blank,
        date_is_longer=bool(signature_line and date_line and
                            date_line.x_max - date_line.x_min > signature_line.x_max - signature_line.x_min + 0.1),
    )


def stranded_lines(pages: list[list[Line]]) -> list[str]:
    """Single lines of a body paragraph left alone at a page's foot (an orphan: the first
    line, the rest on the next page) or head (a widow: the last line). A paragraph's first
    line is indented two characters, its other lines start at the left edge."""
    found = []
    for number, page in enumerate(pages[:-1], 1):
        body = [line for line in page if line.is_body]
        following = [line for line in pages[number] if line.is_body]
        if not body or not following:
            continue
        foot, head = body[-1], following[0]
        if foot.indented and head.flush_left:
            found.append(f"第{number}页末孤行：{foot.text[:12]}…")
        if head.flush_left:
            after = following[1] if len(following) > 1 else None
            ends_here = after is None or not after.flush_left or after.y_min - head.y_min > LINE_PITCH * 1.5
            if ends_here:
                found.append(f"第{number + 1}页首孤行：{head.text[:12]}…")
    return found


def overhang(pages: list[list[Line]]) -> float:
    """How far (mm) the farthest body line reaches past the text block's right edge."""
    reach = max((line.x_max - RIGHT for page in pages for line in page if line.is_body), default=0.0)
    return max(reach, 0.0) / MM


def pdf_fonts(pdf: Path) -> list[str]:
    """Names of the fonts a PDF uses (pdffonts), without the subset prefix (ABCDEF+)."""
    output = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout
    names = []
    for row in output.splitlines()[2:]:
        name = row.split(" ", 1)[0]
        name = name.split("+", 1)[1] if re.match(r"^[A-Z]{6}\+", name) else name
        if name and name not in names:
            names.append(name)
    return names
