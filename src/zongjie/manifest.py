"""What was built from what: input fingerprints and the per-district manifest.

A document is up to date when the fingerprint of everything that goes into it — its facts
(and last year's, and a city's members'), narrative, rule files, templates, config, the
reference document, the chosen formats and zongjie's version — equals the one recorded
when its outputs were written, and those outputs still exist. What all documents share
(templates, config, version) is hashed by content once per run; a document's own files
by path, size and modification time, so that checking 2,800 documents reads no file twice.

This module reads no template and imports none of the pipeline: a rebuild of nothing
decides so without loading Jinja, markdown-it or the writers.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from zongjie import __version__
from zongjie.importing.sources import SOURCES_FILE, source_file_signatures
from zongjie.inputs.workspace import DistrictYear, Workspace
from zongjie.output import write_files

if TYPE_CHECKING:
    from zongjie.batch import BatchSettings


STATE_DIR = ".zongjie"  # in the output folder, kept apart from the documents


MANIFESTS = "manifest"  # one file per district: per year, the fingerprint of its inputs and its outputs


# ---- fingerprints ---------------------------------------------------------------------------
def _hash_files(digest, paths: Iterable[Path], root: Path) -> None:
    for path in sorted(paths):
        if path.is_file():
            digest.update(path.relative_to(root).as_posix().encode())
            digest.update(b"\0")
            digest.update(path.read_bytes())
            digest.update(b"\0")


def shared_fingerprint(workspace: Workspace) -> str:
    """What every document depends on: all templates, config.yaml, zongjie's version."""
    digest = hashlib.blake2b(digest_size=16)
    digest.update(__version__.encode())
    _hash_files(digest, [workspace.root / "config.yaml"], workspace.root)
    if workspace.templates_dir.is_dir():
        _hash_files(digest, _files_following_links(workspace.templates_dir), workspace.root)
    return digest.hexdigest()


def _files_following_links(folder: Path) -> list[Path]:
    """Every file below `folder`, through linked folders too (a template folder kept on a
    shared drive is an input like any other); each real folder is visited once."""
    found: list[Path] = []
    seen: set[str] = set()
    for current, folders, files in os.walk(folder, followlinks=True):
        real = os.path.realpath(current)
        if real in seen:
            folders[:] = []
            continue
        seen.add(real)
        found.extend(Path(current) / name for name in files)
    return found


def _signatures(folder: str, out: list[str]) -> None:
    """Path, size and modification time of every file below `folder` (os.scandir: a
    no-op rebuild of thousands of documents is mostly this)."""
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return
    for entry in entries:
        try:
            if entry.is_dir():
                _signatures(entry.path, out)
            elif entry.is_file():
                stat = entry.stat()
                out.append(f"{entry.path}\0{stat.st_size}\0{stat.st_mtime_ns}")
        except OSError:  # a link to itself or a vanished file: reading it will say what is wrong
            out.append(f"{entry.path}\0?")


def document_fingerprint(workspace: Workspace, district_year: DistrictYear, settings: BatchSettings) -> str:
    previous = district_year.previous_year
    folders = [district_year.folder, district_year.folder.parent / previous, district_year.folder.parent / "templates"]
    for member in district_year.members:
        folders += [workspace.content_dir / member / district_year.year, workspace.content_dir / member / previous]
    signatures: list[str] = [settings.shared_fingerprint,
                             repr((settings.formats or district_year.settings.formats, settings.allow_errors, settings.draft))]
    for folder in folders:
        _signatures(str(folder), signatures)
    _other_years(district_year, signatures)
    for single in (district_year.folder.parent / "checks.yaml",
                   workspace.root / district_year.settings.reference_docx if district_year.settings.reference_docx else None):
        if single is not None and single.is_file():
            stat = single.stat()
            signatures.append(f"{single}\0{stat.st_size}\0{stat.st_mtime_ns}")
    if (district_year.folder / SOURCES_FILE).is_file():  # spreadsheets imported from outside the folder
        signatures.extend(source_file_signatures(district_year.facts_path))
    signatures[2:] = sorted(signatures[2:])
    return hashlib.blake2b("\n".join(signatures).encode(), digest_size=16).hexdigest()


def _other_years(district_year: DistrictYear, out: list[str]) -> None:
    """facts.yaml of every year of the district: a template may read any of them (历年)."""
    try:
        entries = list(os.scandir(district_year.folder.parent))
    except OSError:
        return
    for entry in entries:
        facts = os.path.join(entry.path, "facts.yaml")
        try:
            stat = os.stat(facts)
        except OSError:
            continue
        out.append(f"{facts}\0{stat.st_size}\0{stat.st_mtime_ns}")


class Manifest:
    """What was built from what, one small file per district, so that building one document
    reads and writes one district's record, not every district's."""

    def __init__(self, out_dir: Path):
        self.folder = out_dir / STATE_DIR / MANIFESTS
        self._districts: dict[str, dict[str, dict]] = {}
        self._changed: set[str] = set()
        self.damaged: list[Path] = []  # records that could not be read: their documents are built again

    def _district(self, district: str) -> dict[str, dict]:
        if district not in self._districts:
            path = self.folder / f"{district}.json"
            try:
                record = json.loads(path.read_text(encoding="utf-8"))
            except FileNotFoundError:
                record = {}
            except (OSError, ValueError):  # damaged (a full disk, a crash): its documents are built again
                record = None
            if not isinstance(record, dict) or not all(isinstance(entry, dict) for entry in record.values()):
                self.damaged.append(path)
                record = {}
            self._districts[district] = record
        return self._districts[district]

    def get(self, district_year: DistrictYear) -> dict | None:
        return self._district(district_year.district).get(district_year.year)

    def record(self, district: str, year: str, entry: dict | None) -> None:
        years = self._district(district)
        if entry is None:
            if years.pop(year, None) is not None:
                self._changed.add(district)
        else:
            years[year] = entry
            self._changed.add(district)

    def save(self) -> None:
        if self._changed:
            write_files({self.folder / f"{district}.json": json.dumps(self._districts[district], ensure_ascii=False).encode("utf-8")
                         for district in sorted(self._changed)})


def _output_folder(out_dir: Path, district_year: DistrictYear) -> Path:
    return out_dir / district_year.district / district_year.year


def _recorded_outputs(record: dict | None, fingerprint: str, folder: Path) -> list[str] | None:
    """The recorded outputs if the record matches the fingerprint and they all exist."""
    if not record or record.get("fingerprint") != fingerprint:
        return None
    names = record.get("outputs", [])
    if not isinstance(names, list) or not all(isinstance(name, str) and "/" not in name for name in names):
        return None  # a record someone edited: build again
    outputs = [folder / name for name in names]
    if not outputs or not all(p.is_file() for p in outputs):
        return None
    return [str(p) for p in outputs]


def up_to_date(workspace: Workspace, district_year: DistrictYear, settings: BatchSettings,
               manifest: Manifest) -> tuple[str, list[str] | None]:
    """The document's fingerprint, and its recorded outputs if they are current."""
    fingerprint = document_fingerprint(workspace, district_year, settings)
    if settings.force:
        return fingerprint, None
    folder = _output_folder(settings.out_dir, district_year)
    return fingerprint, _recorded_outputs(manifest.get(district_year), fingerprint, folder)
