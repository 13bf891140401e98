"""A workspace's reference.docx: its styles win over ours, as pandoc's --reference-doc.

The file is the user's: only its styles part is read, size-limited, with the package's one
safe parser (no entities, no DTD, no network); a file that is not a .docx is a message that
names it and says what to do.
"""

from __future__ import annotations

import copy
import zipfile
from functools import lru_cache
from pathlib import Path

from zongjie.errors import OutputError
from zongjie.location import Location
from zongjie.writers.docx import oxml as xml
from zongjie.writers.docx.package import STYLES, read_part


@lru_cache(maxsize=8)
def reference_styles(path: Path, mtime: float):
    """The styles part of a workspace's reference.docx, read once (again when it changes)."""
    try:
        return read_part(path, STYLES)  # only the part we use, size-limited
    except (OSError, ValueError, KeyError, zipfile.BadZipFile, xml.etree.XMLSyntaxError) as error:  # not a .docx
        raise OutputError(f"无法读取参考文档 {path.name}（{error}）", Location(path),
                          "请用 Word 或 WPS 另存为 .docx 格式后再试。") from None


def apply_reference_styles(ours, path: Path) -> None:
    """Each style the reference document defines replaces ours of the same id, and its
    document defaults replace ours."""
    reference = reference_styles(path, path.stat().st_mtime)
    by_id = {style.get(xml.qn("w:styleId")): style for style in ours.findall(xml.qn("w:style"))}
    for style in reference.findall(xml.qn("w:style")):
        replacement = copy.deepcopy(style)
        existing = by_id.get(style.get(xml.qn("w:styleId")))
        if existing is not None:
            existing.addprevious(replacement)
            ours.remove(existing)
        else:
            ours.append(replacement)
    defaults = reference.find(xml.qn("w:docDefaults"))
    if defaults is not None:
        ours.remove(ours.find(xml.qn("w:docDefaults")))
        ours.insert(0, copy.deepcopy(defaults))
