"""One document's preview, rebuilt in the warm server process.

The pipeline is the build's own (load → check → assemble → document checks), run in memory
with errors allowed, so a document whose totals disagree is still shown, with its findings at
the figures. Nothing here raises for a user's mistake: an unusable input becomes the message
the page shows until the file is fixed.
"""

from __future__ import annotations

import time
from pathlib import Path

from msgspec import Struct, field

from zongjie.assemble import assemble_all, document_title, localize
from zongjie.build import output_paths
from zongjie.checks.findings import CheckResult, Finding, Severity
from zongjie.checks.progress import fill_progress
from zongjie.checks.run import check, check_document, lint_narrative
from zongjie.document.model import Document
from zongjie.errors import ZongjieError
from zongjie.inputs.loading import Loaded, load
from zongjie.inputs.workspace import DistrictYear, Workspace
from zongjie.location import Location


class Preview(Struct):
    """The latest rebuild of one district-year: a document, or the reason there is none."""

    district_year: DistrictYear
    document: Document | None = None
    loaded: Loaded | None = None
    title: str = ""
    checks: CheckResult = field(default_factory=CheckResult)
    error: str = ""
    milliseconds: float = 0.0
    version: int = 0

    @property
    def label(self) -> str:
        return self.district_year.label

    @property
    def findings(self) -> list[Finding]:
        return self.checks.findings

    @property
    def errors(self) -> list[Finding]:
        return self.checks.errors

    @property
    def warnings(self) -> list[Finding]:
        return self.checks.warnings

    @property
    def status(self) -> str:
        """failed (cannot be built) | errors (check errors) | ok."""
        if self.error:
            return "failed"
        return "errors" if self.errors else "ok"


def rebuild(workspace: Workspace, district_year: DistrictYear, version: int = 0) -> Preview:
    started = time.perf_counter()
    preview = Preview(district_year, version=version)
    try:
        loaded = load(workspace, district_year)
        result = check(loaded)
        # checked before conversion to Traditional; a chart over wrong figures is withheld, as in a build;
        # a half-filled year shows 【待填：键】 where a figure is missing
        assembly = assemble_all(workspace, loaded, "draft", checks=result)
        document = assembly.document
        check_document(document, loaded, result)
        if assembly.placeholders:
            result.findings.append(Finding("fill-progress", Severity.INFO, "填写进度",
                                           fill_progress(loaded.facts, assembly.placeholders, assembly.used_keys),
                                           Location(loaded.facts.path)))
        document = localize(document, district_year.settings)
        result.findings.extend(lint_narrative(loaded))
        preview.loaded, preview.document, preview.checks = loaded, document, result
        preview.title = document_title(document, loaded)
    except ZongjieError as error:
        preview.error = str(error)
    except RecursionError:
        preview.error = "模板嵌套过深，无法生成（可能是宏或 include 调用了自身）。"
    except Exception:  # noqa: BLE001 - the server outlives our own bugs too; the page says so
        preview.error = "zongjie 内部错误：这不是您输入的问题。请运行 zongjie build --debug 查看详情，并发给维护者。"
    preview.milliseconds = (time.perf_counter() - started) * 1000
    return preview


def last_built_pdf(workspace: Workspace, preview: Preview) -> Path | None:
    """The PDF `zongjie build --format pdf` last wrote for this document (LibreOffice is too
    slow to run on every save), if it is there and inside the output folder."""
    if not preview.title:
        return None
    out_dir = workspace.output_dir
    path = output_paths(out_dir, preview.district_year, preview.title, ("pdf",))["pdf"]
    if not path.is_file() or not path.resolve().is_relative_to(out_dir.resolve()):
        return None  # not built, or a link out of the output folder: never served
    return path
