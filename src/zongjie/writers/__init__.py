"""Writers: document model → bytes of one output format.

Each writer is a module with `write(document, options) -> bytes`; they share nothing but the
model. Modules are imported only when their format is built (python-docx alone costs ~75 ms
of start-up).
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from pathlib import Path

from zongjie.model import Document

EXTENSIONS = {"docx": ".docx", "html": ".html", "md": ".md"}
_MODULES = {"docx": "zongjie.writers.docx", "html": "zongjie.writers.html", "md": "zongjie.writers.markdown"}


@dataclass(frozen=True)
class WriteOptions:
    source_root: Path | None = None  # figures' source locations are shown relative to it
    lang: str = "zh-CN"
    reference_docx: Path | None = None
    cache_dir: Path | None = None  # where a writer may keep what it prepares once (the DOCX prototype)
    output_folder: Path | None = None  # where the files go: the Markdown refers to pictures relative to it


def write(format_name: str, document: Document, options: WriteOptions = WriteOptions()) -> bytes:
    module = importlib.import_module(_MODULES[format_name])
    return module.write(document, options)
