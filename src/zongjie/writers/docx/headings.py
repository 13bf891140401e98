"""Heading numbers as a Word multilevel list bound to the heading styles, so Word and WPS
renumber the headings when a section is inserted or deleted.

A level whose pattern Word can express (一、 （一） 1. （1） A …) is numbered by Word; any
other level keeps the number the numbering pass wrote into the heading's text.
"""

from __future__ import annotations

from zongjie.numbering import split_pattern
from zongjie.writers.docx import oxml as xml
from zongjie.writers.docx.package import NUMBERING, STYLES, DocxPackage
from zongjie.writers.docx.styles import HEADING_STYLES, SPECS


def number_headings(package: DocxPackage, patterns: tuple[str, ...]) -> set[int]:
    """Real multilevel numbering for the heading levels whose pattern Word can express;
    returns those levels."""
    levels, numbered = [], set()
    for level, style_id in HEADING_STYLES.items():
        pattern = patterns[level - 1] if level <= len(patterns) else ""
        parts = split_pattern(pattern) if pattern else None
        spec = SPECS[style_id]
        entry = {"style": style_id, "east_asia": spec.east_asia, "latin": spec.latin, "bold": spec.bold,
                 "format": "none", "text": ""}
        if parts is not None and "%" not in pattern:
            before, kind, after = parts
            entry.update(format=xml.WORD_NUMBER_FORMATS[kind], text=f"{before}%{level}{after}")
            numbered.add(level)
        levels.append(entry)
    if not numbered:
        return numbered
    num_id = xml.set_heading_numbering(package.part(NUMBERING), levels)
    styles = {style.get(xml.qn("w:styleId")): style for style in package.part(STYLES).findall(xml.qn("w:style"))}
    for level in numbered:
        style = styles.get(HEADING_STYLES[level])
        if style is not None:
            xml.bind_style_to_numbering(style, num_id, level - 1)
    return numbered
