"""Numbered captions: 图1、图2… for pictures and charts, 表1、表2… for captioned tables, in
document order, when the template asks for them (template.yaml `captions: true`)."""

from __future__ import annotations

from msgspec.structs import replace

from zongjie.document.model import Block, Chart, Document, Inline, Picture, Table, Text
from zongjie.document.walk import map_blocks

CAPTION_GAP = "　"  # between 图1 and the caption text, as in printed documents


def caption_inlines(label: str, text: tuple[Inline, ...]) -> tuple[Inline, ...]:
    """A caption as every writer shows it: 图1　…… (or the text alone when not numbered)."""
    if label and text:
        return (Text(label + CAPTION_GAP),) + text
    return (Text(label),) if label else text


def number_captions(document: Document, enabled: bool) -> Document:
    if not enabled:
        return document
    counters = {"图": 0, "表": 0}

    def numbered(block: Block) -> Block:  # called in document order
        match block:
            case Picture() | Chart():
                counters["图"] += 1
                return replace(block, label=f"图{counters['图']}")
            case Table(caption=caption) if caption:
                counters["表"] += 1
                return replace(block, label=f"表{counters['表']}")
        return block

    return map_blocks(numbered, document)
