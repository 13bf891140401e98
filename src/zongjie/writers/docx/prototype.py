"""The styled, empty document every DOCX starts from: its parts, checked in as package data.

tools/make_docx_prototype.py builds them with python-docx from styles.py and writes them to
data/ (MANIFEST lists them in the zip's order); tests/test_docx_prototype.py fails when they
are not what it builds today. A build only reads them: no python-docx, no cache to keep
fresh or to trust. What a workspace changes (its reference.docx styles, its locale's fonts)
is applied to each document's copy, never to these parts.
"""

from __future__ import annotations

from functools import lru_cache
from importlib.resources import files

from zongjie.writers.docx.package import DocxPackage

MANIFEST = "parts.txt"
_DATA = files(__package__).joinpath("data")


def prototype_entries() -> dict[str, bytes]:
    """Part name → bytes, in the zip's order."""
    names = _DATA.joinpath(MANIFEST).read_text(encoding="utf-8").split()
    return {name: _DATA.joinpath(*name.split("/")).read_bytes() for name in names}


@lru_cache(maxsize=1)
def prototype(parsed: tuple[str, ...]) -> DocxPackage:
    """The prototype with the parts every document changes already parsed: each document
    writes into a copy (DocxPackage.copy), which deep-copies them instead of parsing again."""
    package = DocxPackage(prototype_entries())
    for name in parsed:
        package.part(name)
    return package
