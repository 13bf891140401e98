"""Writers: document model → bytes of one output format.

Each writer is a module with `write(document, options) -> bytes`; they share nothing but the
model. Modules are imported only when their format is built: the DOCX writer with lxml costs
~35 ms of start-up (python -X importtime, 2026-11-26), which `zongjie build -f md` or
`zongjie check` need not pay.
"""

from __future__ import annotations

import importlib
from pathlib import Path

from msgspec import Struct

from zongjie.document.model import Document

EXTENSIONS = {"docx": ".docx", "html": ".html", "md": ".md", "pdf": ".pdf"}  # pdf: the DOCX, converted (zongjie.pdf)
_MODULES = {"docx": "zongjie.writers.docx", "html": "zongjie.writers.html", "md": "zongjie.writers.markdown"}


class WriteOptions(Struct, frozen=True):
    source_root: Path | None = None  # figures' source locations are shown relative to it
    lang: str = "zh-CN"
    reference_docx: Path | None = None
    organisation: str = ""  # author and company in the DOCX properties
    # A review copy (审阅稿): zongjie.review.notes.ReviewNotes saying where each figure comes
    # from and what the checks found. None (the default) writes the clean copy to publish,
    # which carries no internal keys, paths or line numbers.
    review: object | None = None
    # The local preview (zongjie serve) only: each figure's key and file:line in its tooltip,
    # for the writer at their own desk. Never set for files that are written.
    trace: bool = False
    # The local preview only: what the checks found at each figure (preview.pages.FindingMarks,
    # asked `mark(span) -> (severity, notes, finding numbers)`), so a figure is highlighted by
    # what concerns it.
    marks: object | None = None
    # role → East Asian font of this document (zongjie.fonts.document_fonts); () = the official ones
    fonts: tuple[tuple[str, str], ...] = ()


CLEAN_COPY = WriteOptions()


def write(format_name: str, document: Document, options: WriteOptions = CLEAN_COPY) -> bytes:
    module = importlib.import_module(_MODULES[format_name])
    return module.write(document, options)
