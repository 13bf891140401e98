"""Carrying a figure's source through Jinja and Markdown to the document model.

Jinja outputs strings and markdown-it parses strings, so the link from a rendered figure back
to its fact travels inside the text: every fact the template writes is wrapped in invisible
private-use markers holding an index into a per-render table. The Markdown reader turns
marked text into `FactSpan`s and no marker survives into any output.
"""

from __future__ import annotations

import re

from msgspec import Struct, field

from zongjie.document.sourceref import SourceRef
from zongjie.inputs.facts import Fact

START, MIDDLE, END = "\ue000", "\ue001", "\ue002"
_DIGIT_BASE = 0xE010
_MARKED = re.compile(START + "([\ue010-\ue019]+)" + MIDDLE + "(.*?)" + END, re.DOTALL)
_ANY_MARKER = re.compile("[\ue000-\ue003\ue010-\ue019]")  # \ue003: placeholders.DROP
# An index written as private-use digits and read back: str.translate, not a per-digit loop
# (a document marks and splits a few hundred figures).
_TO_MARKER_DIGITS = str.maketrans({str(digit): chr(_DIGIT_BASE + digit) for digit in range(10)})
_FROM_MARKER_DIGITS = str.maketrans({chr(_DIGIT_BASE + digit): str(digit) for digit in range(10)})


class TracedText(str):
    """A string made from facts (a filter's output), remembering which facts."""

    facts: tuple[Fact, ...]

    def __new__(cls, text: str, facts: tuple[Fact, ...]) -> "TracedText":
        instance = super().__new__(cls, text)
        instance.facts = facts
        return instance


class TracedNumber(int):
    """An integer from the workspace itself (the year of a folder), remembering its source so
    that `{{ 年度 }}` and `{{ 年度 + 1 }}` are as traceable as a fact."""

    facts: tuple[Fact, ...]

    def __new__(cls, value: int, facts: tuple[Fact, ...]) -> "TracedNumber":
        instance = super().__new__(cls, value)
        instance.facts = facts
        return instance

    def __add__(self, other):
        result = int(self) + other
        return TracedNumber(result, self.facts) if isinstance(result, int) else result

    __radd__ = __add__

    def __sub__(self, other):
        result = int(self) - other
        return TracedNumber(result, self.facts) if isinstance(result, int) else result


class SourceTable(Struct):
    """Sources of the figures in one rendering, in the order they were written."""

    sources: list[SourceRef] = field(default_factory=list)

    def mark(self, text: str, facts: tuple[Fact, ...]) -> str:
        index = len(self.sources)
        self.sources.append(SourceRef.of(facts))
        return self._marked(index, text)

    def mark_placeholder(self, text: str, placeholder) -> str:
        """A draft's 【待填：键】, pointing at the facts.yaml line to fill."""
        index = len(self.sources)
        locations = (placeholder.location,) if placeholder.location else ()
        self.sources.append(SourceRef((placeholder.key,), locations, False, ("",), placeholder=True))
        return self._marked(index, text)

    @staticmethod
    def _marked(index: int, text: str) -> str:
        return f"{START}{str(index).translate(_TO_MARKER_DIGITS)}{MIDDLE}{text}{END}"

    def split(self, text: str) -> list[tuple[str, SourceRef | None]]:
        """Marked text → (text, source) pieces; unmarked pieces have source None."""
        if START not in text:  # most runs of text hold no figure
            plain = strip_markers(text)
            return [(plain, None)] if plain else []
        pieces: list[tuple[str, SourceRef | None]] = []
        position = 0
        for match in _MARKED.finditer(text):
            if match.start() > position:
                pieces.append((strip_markers(text[position : match.start()]), None))
            index = int(match.group(1).translate(_FROM_MARKER_DIGITS))
            source = self.sources[index] if index < len(self.sources) else None
            pieces.append((strip_markers(match.group(2)), source))
            position = match.end()
        if position < len(text):
            pieces.append((strip_markers(text[position:]), None))
        return [piece for piece in pieces if piece[0]]


def strip_markers(text: str) -> str:
    return _ANY_MARKER.sub("", text)
