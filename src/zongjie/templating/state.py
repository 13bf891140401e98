"""The state of one rendering that filters and finalize read: the sources of every figure
written, the locale, the facts, how a missing fact is treated. A context variable, so filters
(plain functions Jinja calls) reach it without an argument; a leaf of the package."""

from __future__ import annotations

import contextvars
from collections.abc import Iterator, Mapping
from pathlib import Path

from msgspec import Struct, field

from zongjie.inputs.facts import FactSet
from zongjie.script import fold
from zongjie.templating.bounds import (
    Budget,
)
from zongjie.templating.provenance import SourceTable


class MarkdownText(str):
    """Markdown that goes into the output as it is (rendered narrative), not escaped."""


class RenderState(Struct):
    """What filters and finalize need during one rendering."""

    sources: SourceTable = field(default_factory=SourceTable)
    locale: str = "zh_CN"
    fact_set: FactSet | None = None
    budget: Budget = field(default_factory=Budget)
    # missing facts: "raise" at the first (the default), "collect" them all (a final build),
    # or "draft" (collect, and write placeholders the writer sees); see placeholders.py
    missing: str = "raise"
    placeholders: list = field(default_factory=list)
    year: int | None = None
    previous: FactSet | None = None  # the year 上年 refers to (the latest earlier one)
    fact_files: tuple[Path, ...] = ()  # where a missing key is to be filled (a city: its members' too)


_STATE: contextvars.ContextVar[RenderState] = contextvars.ContextVar("zongjie_render_state")


def current_state() -> RenderState:
    try:
        return _STATE.get()
    except LookupError:  # filters called outside a rendering (tests, the REPL)
        return RenderState()


# ---- narrative -----------------------------------------------------------------------------
class Narrative:
    """A narrative Markdown file, rendered in the document's context when first written."""

    def __init__(self, path: Path, render_source):
        self.path = path
        self._render_source = render_source
        self._rendered: MarkdownText | None = None

    def render(self) -> MarkdownText:
        if self._rendered is None:
            self._rendered = MarkdownText(self._render_source(self.path))
        return self._rendered

    def __str__(self) -> str:
        return self.render()


class NarrativeSet(Mapping):
    def __init__(self, narratives: dict[str, Narrative]):
        self._narratives = narratives

    def __getitem__(self, name: str) -> Narrative:
        if name in self._narratives:
            return self._narratives[name]
        wanted = fold(name)  # 醫療救助.md answers 叙述.医疗救助, and the other way
        for known, narrative in self._narratives.items():
            if fold(known) == wanted:
                return narrative
        raise KeyError(name)

    def __iter__(self) -> Iterator[str]:
        return iter(self._narratives)

    def __len__(self) -> int:
        return len(self._narratives)
