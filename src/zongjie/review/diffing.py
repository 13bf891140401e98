"""`zongjie diff`: what people changed in the DOCX, compared with what zongjie builds now.

Paragraphs are aligned first (difflib over their text), then the characters of each changed
stretch. A changed stretch that touches a figure is a changed figure (its fact, its line in
facts.yaml, and what the checks say of the edited value); the rest is changed prose, traced
to its narrative file and paragraph, or named by its section when a template wrote it.
Paragraphs split or merged without other change, restyled paragraphs and people's comments
are reported too, so that nothing done in Word goes unseen.
"""

from __future__ import annotations

import difflib

from msgspec import Struct, field

from zongjie.errors import NumberFormatError
from zongjie.numbers.parse import parse_value
from zongjie.review.docx_read import ReadDocument, ReadParagraph
from zongjie.review.source_map import Expected, ExpectedParagraph, NarrativeParagraph, normalised

OUR_AUTHOR = "zongjie"


class NotThisDocument(Exception):
    """Hardly a paragraph in common: another district's or year's document."""

    def __init__(self, same: int, total: int):
        super().__init__(f"{same}/{total}")
        self.same, self.total = same, total


class FigureChange(Struct):
    keys: tuple[str, ...]
    places: tuple[str, ...]  # where each fact is written (facts.yaml 第 n 行)
    built: str
    edited: str  # "" when the figure was deleted
    section: str
    context: str  # the edited paragraph, shortened
    checks: list[str] = field(default_factory=list)  # what the rules say of the edited value
    breaks: bool | None = None  # None: could not be checked
    note: str = ""


class ProseChange(Struct):
    kind: str  # narrative | template | added | deleted
    section: str
    old: str
    new: list[str]
    diff: str
    origin: NarrativeParagraph | None = None
    applicable: bool = False
    reason: str = ""  # why it cannot be written back
    new_runs: list[list[tuple[str, bool, bool]]] = field(default_factory=list)


class StructureChange(Struct):
    kind: str  # split | merged
    section: str
    old: list[str]
    new: list[str]
    origin: NarrativeParagraph | None = None
    new_runs: list[list[tuple[str, bool, bool]]] = field(default_factory=list)


class StyleChange(Struct):
    section: str
    text: str
    built: str
    edited: str


class CommentFound(Struct):
    author: str
    text: str
    anchor: str
    section: str


class DiffResult(Struct):
    figures: list[FigureChange] = field(default_factory=list)
    prose: list[ProseChange] = field(default_factory=list)
    structure: list[StructureChange] = field(default_factory=list)
    styles: list[StyleChange] = field(default_factory=list)
    comments: list[CommentFound] = field(default_factory=list)
    pending: int = 0  # tracked changes still to accept

    @property
    def exit_code(self) -> int:
        return 1 if self.figures else 0


def compare(expected: Expected, edited: ReadDocument, place, check_figure) -> DiffResult:
    """`place(location)` says where a fact is written; `check_figure(span, text)` returns
    (breaks, messages) for an edited figure."""
    result = DiffResult(pending=edited.pending)
    old = expected.paragraphs
    new = [paragraph for paragraph in edited.paragraphs if paragraph.text.strip()]
    matcher = difflib.SequenceMatcher(None, [normalised(p.text) for p in old], [normalised(p.text) for p in new],
                                      autojunk=False)
    same = sum(size for _, _, size in matcher.get_matching_blocks())
    if old and new and same < 0.2 * len(old):
        raise NotThisDocument(same, len(old))
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            for before, after in zip(old[i1:i2], new[j1:j2]):
                if before.style != after.style:
                    result.styles.append(StyleChange(before.section, _short(after.text), before.style, after.style))
        else:
            section = _section_at(old, i1 if i2 > i1 or i1 == 0 else i1 - 1)  # added text: the section it follows
            _changed_stretch(old[i1:i2], new[j1:j2], section, old[i1 - 1] if i1 else None, result, place, check_figure)
    for paragraph in new:
        section = _section_of(paragraph, old, new)
        for comment in paragraph.comments:
            if comment.author != OUR_AUTHOR:
                anchor = paragraph.text[comment.start:comment.end] or _short(paragraph.text)
                result.comments.append(CommentFound(comment.author, comment.text, anchor, section))
    return result


def _section_at(old: list[ExpectedParagraph], index: int) -> str:
    if index < len(old):
        return old[index].section
    return old[-1].section if old else ""


def _section_of(paragraph: ReadParagraph, old, new) -> str:
    """The built section a paragraph of the edited file stands in (by the nearest heading
    text before it that the built document also has)."""
    headings = {normalised(p.text): p.section for p in old if p.section and normalised(p.text) == normalised(p.section)}
    section = ""
    for candidate in new:
        key = normalised(candidate.text)
        if key in headings:
            section = headings[key]
        if candidate is paragraph:
            break
    return section


def _changed_stretch(old: list[ExpectedParagraph], new: list[ReadParagraph], section: str,
                     before: ExpectedParagraph | None, result: DiffResult, place, check_figure) -> None:
    old_text = "".join(p.text for p in old)
    new_text = "".join(p.text for p in new)
    if old and new and normalised(old_text) == normalised(new_text):
        kind = "split" if len(new) > len(old) else "merged"
        origins = {p.origin for p in old if p.origin is not None}
        origin = next(iter(origins)) if len(origins) == 1 and len(old) == 1 else None
        result.structure.append(StructureChange(kind, section, [p.text for p in old], [p.text for p in new],
                                                origin, [p.runs for p in new]))
        return
    figures = []
    offset = 0
    for paragraph in old:
        figures += [(offset + start, offset + end, span, paragraph) for start, end, span in paragraph.figures]
        offset += len(paragraph.text)
    opcodes = difflib.SequenceMatcher(None, old_text, new_text, autojunk=False).get_opcodes()
    regions = [(i1, i2) for tag, i1, i2, _, _ in opcodes if tag != "equal"]
    taken: list[tuple[int, int, int, int]] = []  # old and new ranges of figures, edited or not
    for start, end, span, paragraph in figures:
        touching = [(i1, i2) for i1, i2 in regions if (i1 < end and i2 > start) or (i1 == i2 and start < i1 < end)]
        if not touching:
            continue
        low = min([start] + [i1 for i1, _ in touching])
        high = max([end] + [i2 for _, i2 in touching])
        new_low, new_high = _mapped(opcodes, low, False), _mapped(opcodes, high, True)
        taken.append((low, high, new_low, new_high))
        edited = new_text[new_low:new_high].strip()
        if _same_figure(span.text, edited):
            continue
        breaks, messages = check_figure(span, edited)
        result.figures.append(FigureChange(
            span.keys, _places(span, place), span.text, edited,
            paragraph.section, _short(new_text), messages, breaks,
            "已删去" if not edited else ""))
    # What remains once the figures are taken as edited is a change of words.
    words_before = _with_figures_edited(old_text, new_text, taken)
    if normalised(words_before) != normalised(new_text):
        diff = _marked_diff(words_before, new_text,
                            difflib.SequenceMatcher(None, words_before, new_text, autojunk=False).get_opcodes())
        result.prose.append(_prose_change(old, new, section, before, diff))


def _with_figures_edited(old_text: str, new_text: str, taken) -> str:
    merged: list[list[int]] = []
    for low, high, new_low, new_high in sorted(taken):
        if merged and low <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], high)
            merged[-1][3] = max(merged[-1][3], new_high)
        else:
            merged.append([low, high, new_low, new_high])
    text = old_text
    for low, high, new_low, new_high in reversed(merged):
        text = text[:low] + new_text[new_low:new_high] + text[high:]
    return text


def _places(span, place) -> tuple[str, ...]:
    """Where each fact of a figure is written; a derived total is located at its rule."""
    prefix = "由规则推算：" if span.derived else ""
    return tuple(prefix + place(location) for location in span.locations)


def _mapped(opcodes, position: int, end: bool) -> int:
    """A position of the old text in the new text (at the edges of changed stretches)."""
    for tag, i1, i2, j1, j2 in opcodes:
        if tag == "equal" and i1 <= position <= i2:
            return j1 + position - i1
        if tag != "equal" and position == (i2 if end else i1):
            return j2 if end else j1
    return opcodes[-1][4] if opcodes else 0


def _same_figure(built: str, edited: str) -> bool:
    """429198人 and 429,198人 are one figure written two ways."""
    if normalised(built) == normalised(edited):
        return True
    try:
        return parse_value(built) == parse_value(edited)
    except (NumberFormatError, ValueError):
        return False


def _prose_change(old: list[ExpectedParagraph], new: list[ReadParagraph], section: str,
                  before: ExpectedParagraph | None, diff: str) -> ProseChange:
    old_text = "\n".join(p.text for p in old)
    new_texts = [p.text for p in new]
    runs = [p.runs for p in new]
    if not old:
        origin = before.origin if before is not None else None
        return ProseChange("added", section, "", new_texts, diff, origin, False,
                           "新增的段落：请写进相应的叙述文件或模板", runs)
    origins = {p.origin for p in old}
    origin = next(iter(origins)) if len(origins) == 1 else None
    if origin is None:
        kind = "template" if not any(origins) else "narrative"
        reason = "这段文字由模板生成，不是叙述文件：请改模板，或把这段话写进叙述文件" if kind == "template" else "改动跨越多个段落"
        return ProseChange(kind if new else "deleted", section, old_text, new_texts, diff, None, False, reason, runs)
    if not new:
        return ProseChange("deleted", section, old_text, [], diff, origin, False, "整段删去：请直接在叙述文件中删除", runs)
    reason = ""
    if origin.has_template:
        reason = "这段叙述含有模板表达式（{{ }}），请在叙述文件中手工修改"
    elif not origin.applicable:
        reason = "这段叙述是列表或表格的一部分，请在叙述文件中手工修改"
    return ProseChange("narrative", section, old_text, new_texts, diff, origin, not reason, reason, runs)


def _marked_diff(old: str, new: str, opcodes, context: int = 16) -> str:
    """The new text with what changed marked: [-删去的-]{+新增的+}; long unchanged stretches
    are shortened to their ends."""
    parts = []
    for number, (tag, i1, i2, j1, j2) in enumerate(opcodes):
        if tag == "equal":
            same = new[j1:j2]
            first, last = number == 0, number == len(opcodes) - 1
            if len(same) > 2 * context + 1:
                same = ("" if first else same[:context]) + "…" + ("" if last else same[-context:])
            parts.append(same)
            continue
        if i2 > i1:
            parts.append(f"[-{old[i1:i2]}-]")
        if j2 > j1:
            parts.append(f"{{+{new[j1:j2]}+}}")
    return "".join(parts)


def _short(text: str, limit: int = 60) -> str:
    text = text.replace("\n", " ")
    return text if len(text) <= limit else text[: limit - 1] + "…"
