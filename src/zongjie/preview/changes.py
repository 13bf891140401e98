"""Which documents a changed file concerns, so a save rebuilds only those.

A document reads its own year's folder, last year's (上年), any year of its district (历年),
its district's checks.yaml and template overrides, and — for a city — its members' years.
Anything outside content/ (templates/, config.yaml, a reference.docx) may concern every
document. Choosing a little too much costs a few milliseconds; too little shows a stale page.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from zongjie.inputs.workspace import DistrictYear, Workspace

EVERYTHING = "*"


def ignored(workspace: Workspace, path: Path) -> bool:
    """Outputs and editors' scratch files are not inputs."""
    name = path.name
    if name.startswith((".", "~$")) or name.endswith(("~", ".swp", ".tmp")):
        return True
    return _below(path, workspace.output_dir)


def concerned(workspace: Workspace, documents: Iterable[DistrictYear], changed: Iterable[Path]) -> set[str]:
    """Labels of the documents to rebuild, or {EVERYTHING}."""
    documents = list(documents)
    districts: set[str] = set()
    for path in changed:
        if ignored(workspace, path):
            continue
        if not _below(path, workspace.content_dir):
            return {EVERYTHING}
        relative = path.resolve().relative_to(workspace.content_dir.resolve()).parts
        if not relative:
            return {EVERYTHING}
        districts.add(relative[0])
    labels = set()
    for document in documents:
        reads = {document.district, *document.members}
        if reads & districts:
            labels.add(document.label)
    return labels


def _below(path: Path, folder: Path) -> bool:
    try:
        path.resolve().relative_to(folder.resolve())
    except ValueError:
        return False
    return True
