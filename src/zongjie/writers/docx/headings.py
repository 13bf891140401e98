"""Heading numbers as a Word multilevel list bound to the heading styles, so Word and WPS
renumber the headings when a section is inserted or deleted.

Each level's LevelNumbering (parsed once from template.yaml, zongjie.document.numbering) becomes a
w:lvl: its Counter a Word number format, its text around the number the level text
("（%2）"). A level Word cannot express (a "%" in its text, which Word would read as a level
reference) keeps the number the numbering pass wrote into the heading's text.
"""

from __future__ import annotations

from zongjie.document.model import Counter, LevelNumbering
from zongjie.writers.docx.oxml import child, make_element, qn, w_element
from zongjie.writers.docx.package import NUMBERING, STYLES, DocxPackage
from zongjie.writers.docx.styles import HEADING_STYLES, SPECS, StyleSpec

WORD_NUMBER_FORMATS = {
    Counter.CHINESE: "chineseCounting", Counter.ARABIC: "decimal", Counter.UPPER_LETTER: "upperLetter",
    Counter.LOWER_LETTER: "lowerLetter", Counter.UPPER_ROMAN: "upperRoman", Counter.DAXIE: "chineseLegalSimplified",
}


def number_headings(package: DocxPackage, numbering: tuple[LevelNumbering | None, ...]) -> set[int]:
    """Real multilevel numbering for the heading levels Word can number; returns those levels."""
    levels: list[tuple[StyleSpec, LevelNumbering | None]] = []
    for level, style_id in HEADING_STYLES.items():
        level_numbering = numbering[level - 1] if level <= len(numbering) else None
        if level_numbering is not None and "%" in level_numbering.before + level_numbering.after:
            level_numbering = None
        levels.append((SPECS[style_id], level_numbering))
    numbered = {index + 1 for index, (_spec, level_numbering) in enumerate(levels) if level_numbering is not None}
    if not numbered:
        return numbered
    num_id = set_heading_numbering(package.part(NUMBERING), levels)
    styles = {style.get(qn("w:styleId")): style for style in package.part(STYLES).findall(qn("w:style"))}
    for level in numbered:
        style = styles.get(HEADING_STYLES[level])
        if style is not None:
            bind_style_to_numbering(style, num_id, level - 1)
    return numbered


def set_heading_numbering(numbering_part, levels: list[tuple[StyleSpec, LevelNumbering | None]]) -> int:
    """Replace the numbering part with one multilevel list, a level per heading style (None:
    a level left unnumbered), each number in its style's fonts. Returns the numId the
    heading styles must refer to."""
    for existing in list(numbering_part):
        numbering_part.remove(existing)
    abstract = w_element("w:abstractNum", abstractNumId=1)
    abstract.append(w_element("w:multiLevelType", val="multilevel"))
    for index, (spec, level_numbering) in enumerate(levels):
        number_format, text = "none", ""
        if level_numbering is not None:
            number_format = WORD_NUMBER_FORMATS[level_numbering.counter]
            text = f"{level_numbering.before}%{index + 1}{level_numbering.after}"
        lvl = w_element("w:lvl", ilvl=index)
        lvl.append(w_element("w:start", val=1))
        lvl.append(w_element("w:numFmt", val=number_format))
        lvl.append(w_element("w:pStyle", val=spec.style_id))
        lvl.append(w_element("w:suff", val="nothing"))  # no tab: 一、标题 reads as one line
        lvl.append(w_element("w:lvlText", val=text))
        lvl.append(w_element("w:lvlJc", val="left"))
        ppr = make_element("w:pPr")
        ppr.append(w_element("w:ind", left=0, leftChars=0, firstLine=640, firstLineChars=200))
        lvl.append(ppr)
        rpr = make_element("w:rPr")
        rpr.append(w_element("w:rFonts", ascii=spec.latin, hAnsi=spec.latin, eastAsia=spec.east_asia, cs=spec.latin))
        if spec.bold:
            rpr.append(make_element("w:b"))
        lvl.append(rpr)
        abstract.append(lvl)
    numbering_part.append(abstract)
    num = w_element("w:num", numId=1)
    num.append(w_element("w:abstractNumId", val=1))
    numbering_part.append(num)
    return 1


def bind_style_to_numbering(style_element, num_id: int, level: int) -> None:
    num_pr = child(child(style_element, "w:pPr"), "w:numPr")
    child(num_pr, "w:ilvl").set(qn("w:val"), str(level))
    child(num_pr, "w:numId").set(qn("w:val"), str(num_id))
