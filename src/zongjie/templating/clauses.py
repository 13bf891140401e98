"""Dropping the clause of a missing optional figure from rendered Markdown.

`{{ 参保.参保率 | 可选 }}` (or a 同比 with nothing to compare) writes the DROP marker when the
figure is missing. Here, in each paragraph, the clause holding a marker is removed: the text
between the nearest clause marks around it (，；、：。！？ and the brackets （ ）), together with
one of those marks, so that

    参保人数合计429198人（比上年DROP），参保率DROP，2023年度参保任务全面完成。

reads `参保人数合计429198人，2023年度参保任务全面完成。` A sentence that loses a clause and keeps
no figure (dates such as 截至11月底 do not count) is removed whole — what is left of it would
be a lead-in to nothing — and a paragraph left empty too. So write an optional figure in a
clause of its own, not in the clause of a required one.
Headings, tables and the front matter are not prose: a marker there is simply removed.
Figures (marked spans, see provenance.py) are never split.
"""

from __future__ import annotations

import re

from zongjie.numbers.parse import parse_date
from zongjie.templating.placeholders import DROP
from zongjie.templating.provenance import END, START, SourceTable

SENTENCE_ENDS = "。！？"
# clause separators, weakest first: of two around a dropped clause, the weaker goes with it
SEPARATORS = "、，；："
BOUNDARIES = SENTENCE_ENDS + SEPARATORS + "（）"
_NOT_PROSE = re.compile(r"^\s*(#|\||---|```|<!--)")
_SPAN_INDEX = re.compile("[\ue010-\ue019]+")


def drop_clauses(markdown: str, sources: SourceTable) -> str:
    if DROP not in markdown:
        return markdown
    lines = markdown.split("\n")
    out: list[str] = []
    index = _after_front_matter(lines, out)
    paragraph: list[str] = []
    for line in lines[index:]:
        if line.strip() and not _NOT_PROSE.match(line):
            paragraph.append(line)
            continue
        _flush(paragraph, out, sources)
        out.append(line)
    _flush(paragraph, out, sources)
    return "\n".join(out)


def _after_front_matter(lines: list[str], out: list[str]) -> int:
    if not lines or lines[0].strip() != "---":
        return 0
    for index in range(1, len(lines)):
        if lines[index].strip() == "---":
            out.extend(lines[: index + 1])
            return index + 1
    return 0


def _flush(paragraph: list[str], out: list[str], sources: SourceTable) -> None:
    if not paragraph:
        return
    text = "\n".join(paragraph)
    paragraph.clear()
    if DROP not in text:
        out.append(text)
        return
    pruned = "".join("".join(sentence) for sentence in _sentences(_tokens(text), sources) if sentence)
    pruned = re.sub(r"\n\s*\n", "\n", pruned).strip("\n")
    pruned = pruned.replace("（）", "")
    if pruned.strip() and _has_words(pruned):
        out.append(pruned)


def _has_words(text: str) -> bool:
    return bool(re.sub(f"[\\s{BOUNDARIES}]", "", text))


def _tokens(text: str) -> list[str]:
    """Characters, except that a marked figure is one token."""
    tokens: list[str] = []
    position = 0
    while position < len(text):
        if text[position] == START:
            end = text.find(END, position)
            if end != -1:
                tokens.append(text[position : end + 1])
                position = end + 1
                continue
        tokens.append(text[position])
        position += 1
    return tokens


def _sentences(tokens: list[str], sources: SourceTable):
    sentence: list[str] = []
    for token in tokens:
        sentence.append(token)
        if token in SENTENCE_ENDS:
            yield _pruned_sentence(sentence, sources)
            sentence = []
    if sentence:
        yield _pruned_sentence(sentence, sources)


def _pruned_sentence(tokens: list[str], sources: SourceTable) -> list[str]:
    if DROP not in tokens:
        return tokens
    while DROP in tokens:
        _remove_clause(tokens, tokens.index(DROP))
    if not any(_is_figure(token, sources) for token in tokens):  # what is left is a dangling lead-in
        return _trailing_newline(tokens)
    return tokens


def _trailing_newline(tokens: list[str]) -> list[str]:
    """A removed sentence keeps the line break after it, so the next line stays a line."""
    return ["\n"] if tokens and tokens[-1] == "\n" else []


def _remove_clause(tokens: list[str], at: int) -> None:
    """Remove the clause around tokens[at] and one clause mark. A bracketed part inside the
    clause goes with it; a marker inside brackets removes a clause of the brackets only."""
    left = at - 1
    while left >= 0:
        if tokens[left] == "）":
            left = _matching(tokens, left, "）", "（", -1) - 1
        elif tokens[left] in BOUNDARIES:
            break
        else:
            left -= 1
    right = at + 1
    while right < len(tokens):
        if tokens[right] == "（":
            right = _matching(tokens, right, "（", "）", 1) + 1
        elif tokens[right] in BOUNDARIES:
            break
        else:
            right += 1
    before = tokens[left] if left >= 0 else "^"  # paragraph start and end are no clause marks
    after = tokens[right] if right < len(tokens) else "$"
    start = left + 1 + _lead_in(tokens, left + 1)
    if before in SEPARATORS and after in SEPARATORS:
        if SEPARATORS.index(before) <= SEPARATORS.index(after):
            del tokens[left:right]
        else:
            del tokens[start : right + 1]
    elif before in SEPARATORS:
        del tokens[left:right]
    elif after in SEPARATORS:
        del tokens[start : right + 1]
    else:
        del tokens[left + 1 : right]


LEAD_INS = ("其中", "包括", "含")  # 其中医院…、药店… without 医院: 其中药店…


def _lead_in(tokens: list[str], start: int) -> int:
    """The length of a lead-in word opening the clause at `start`, kept for the next clause."""
    for word in LEAD_INS:
        if "".join(tokens[start : start + len(word)]) == word:
            return len(word)
    return 0


def _matching(tokens: list[str], start: int, opening: str, closing: str, step: int) -> int:
    """The index of the bracket matching tokens[start]; past the end if unbalanced."""
    depth = 0
    index = start
    while 0 <= index < len(tokens):
        if tokens[index] == opening:
            depth += 1
        elif tokens[index] == closing:
            depth -= 1
            if depth == 0:
                return index
        index += step
    return index


def _is_figure(token: str, table: SourceTable) -> bool:
    """A marked figure that states something (a date alone, as in 截至11月底, does not)."""
    if len(token) <= 1 or not token.startswith(START):
        return False
    match = _SPAN_INDEX.search(token)
    if match is None:
        return True
    index = int("".join(str(ord(ch) - 0xE010) for ch in match.group(0)))
    if index >= len(table.sources):
        return True
    source = table.sources[index]
    if source.placeholder:
        return True
    return not (source.written and all(written and parse_date(written) is not None for written in source.written))
