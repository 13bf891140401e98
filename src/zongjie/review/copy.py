"""`zongjie build --review`: the review copy (审阅稿) of a district-year.

The same document as the clean copy, with a comment on every figure (DOCX) or a note on hover
and tap (HTML). It is built even when checks fail — showing the failing figures is its point —
and is named `<标题>（审阅稿）.docx` so that nobody publishes it by mistake. Markdown has no
place for notes, so a review copy is DOCX and HTML only.
"""

from __future__ import annotations

from pathlib import Path

from msgspec import Struct, field
from msgspec.structs import replace

from zongjie.assemble import assemble_source, document_title, localize
from zongjie.build import output_paths, render_outputs, write_options
from zongjie.checks.run import check, check_document
from zongjie.errors import ZongjieError
from zongjie.inputs.loading import load
from zongjie.inputs.workspace import DistrictYear, Workspace
from zongjie.output import refuse_linked_output_folder, write_files
from zongjie.review.notes import ReviewNotes

REVIEW_MARK = "（审阅稿）"
REVIEW_MARK_TRADITIONAL = "（審閱稿）"  # a Traditional workspace's file names are Traditional too
REVIEW_FORMATS = ("docx", "html")


class ReviewCopy(Struct):
    label: str
    paths: list[Path] = field(default_factory=list)
    errors: int = 0
    warnings: int = 0
    error: ZongjieError | None = None


def review_formats(chosen: tuple[str, ...] | None, district_year: DistrictYear) -> tuple[str, ...]:
    wanted = chosen or district_year.settings.formats
    formats = tuple(name for name in REVIEW_FORMATS if name in wanted)
    return formats or REVIEW_FORMATS


def review_paths(out_dir: Path, district_year: DistrictYear, title: str, formats: tuple[str, ...]) -> dict[str, Path]:
    mark = REVIEW_MARK_TRADITIONAL if district_year.settings.locale.startswith("zh_Hant") else REVIEW_MARK
    return output_paths(out_dir, district_year, title, formats, mark)


def build_review_copy(workspace: Workspace, district_year: DistrictYear, out_dir: Path,
                      formats: tuple[str, ...] | None = None) -> ReviewCopy:
    copy = ReviewCopy(district_year.label)
    try:
        loaded = load(workspace, district_year)
        result = check(loaded)
        document = assemble_source(workspace, loaded)  # checked before conversion to Traditional
        check_document(document, loaded, result)
        document = localize(document, district_year.settings)
        copy.errors, copy.warnings = len(result.errors), len(result.warnings)
        notes = ReviewNotes(loaded.facts, loaded.rules, result, workspace.root, loaded.previous)
        chosen = review_formats(formats, district_year)
        data = render_outputs(document, chosen, replace(write_options(workspace, district_year), review=notes))
        paths = review_paths(out_dir, district_year, document_title(document, loaded), chosen)
        refuse_linked_output_folder(out_dir, paths[chosen[0]].parent)  # a link elsewhere is not written into
        write_files({paths[fmt]: data[fmt] for fmt in chosen})
        copy.paths = [paths[fmt] for fmt in chosen]
    except ZongjieError as error:
        copy.error = error
    return copy
