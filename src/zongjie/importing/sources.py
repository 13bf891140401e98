"""Where imported facts came from: the sidecar `导入来源.yaml` beside facts.yaml.

Why a sidecar and not a comment on the facts.yaml line: the writer owns facts.yaml and its
comments (`# = 城乡居民缴费人数 + 职工参保人数`), `zongjie new` moves values into comments, and a
comment stays on its line when someone corrects the figure by hand, then naming a cell that is
no longer the source. The sidecar is keyed by the fact's dotted name (lines may move, keys be
reordered) and records the value as imported: a fact whose written value differs has been
edited by hand and is no longer attributed to the cell (the check says so). It also records
each spreadsheet's digest, so a check notices a sheet changed since the import.

This module is on the build path: it must stay light (no openpyxl).
"""

from __future__ import annotations

import hashlib
from functools import lru_cache
from pathlib import Path

from msgspec import Struct
from msgspec.structs import replace

from zongjie.checks.findings import Finding, Severity
from zongjie.errors import ZongjieError
from zongjie.inputs.yamlio import YMap, YScalar, load_yaml
from zongjie.location import Location

SOURCES_FILE = "导入来源.yaml"


class ImportedFact(Struct, frozen=True):
    key: str
    origin: str  # 基金收支.xlsx 基金收支!C5
    written: str  # the value as imported ("" for an empty cell)


class ImportedFile(Struct, frozen=True):
    name: str
    path: Path
    digest: str


class ImportRecord(Struct, frozen=True):
    path: Path
    facts: dict[str, ImportedFact]
    files: dict[str, ImportedFile]


def sources_path(facts_path: Path) -> Path:
    return facts_path.with_name(SOURCES_FILE)


def file_digest(path: Path) -> str:
    stat = path.stat()
    return _digest(path, stat.st_mtime_ns, stat.st_size)


@lru_cache(maxsize=256)
def _digest(path: Path, mtime_ns: int, size: int) -> str:
    return content_digest(path.read_bytes())


def content_digest(data: bytes) -> str:
    """The fingerprint of a spreadsheet's bytes recorded at import, to tell later whether it changed."""
    return hashlib.sha256(data).hexdigest()[:32]


def read_record(facts_path: Path) -> ImportRecord | None:
    """The sidecar, or None when there is none or it cannot be read (it only adds information:
    a damaged sidecar must not stop a build; the next import rewrites it)."""
    path = sources_path(facts_path)
    try:
        stat = path.stat()
    except OSError:
        return None
    if not path.is_file():
        return None
    # One build asks three times (facts' locations, the fingerprint, check's warnings), and a
    # batch or the preview asks again per document: read once per version of the file.
    return _read_record(facts_path, stat.st_mtime_ns, stat.st_size)


@lru_cache(maxsize=64)
def _read_record(facts_path: Path, mtime_ns: int, size: int) -> ImportRecord | None:
    path = sources_path(facts_path)
    try:
        root = load_yaml(path).root
    except ZongjieError:
        return None
    facts: dict[str, ImportedFact] = {}
    files: dict[str, ImportedFile] = {}
    if not isinstance(root, YMap):
        return ImportRecord(path, facts, files)
    fact_nodes, file_nodes = root.get("事实"), root.get("表格")
    for key, (_, node) in (fact_nodes.entries.items() if isinstance(fact_nodes, YMap) else ()):
        origin, written = (node.get(name) if isinstance(node, YMap) else None for name in ("单元格", "值"))
        if isinstance(origin, YScalar):
            text = written.text if isinstance(written, YScalar) and not written.is_null else ""
            facts[key] = ImportedFact(key, origin.text, text)
    for name, (_, node) in (file_nodes.entries.items() if isinstance(file_nodes, YMap) else ()):
        where, digest = (node.get(part) if isinstance(node, YMap) else None for part in ("路径", "摘要"))
        if isinstance(where, YScalar) and isinstance(digest, YScalar):
            files[name] = ImportedFile(name, (facts_path.parent / where.text), digest.text)
    return ImportRecord(path, facts, files)


def attach_sources(fact_set) -> None:
    """Name the cell in the location of every fact still as it was imported."""
    record = read_record(fact_set.path)
    if record is None:
        return
    for key, imported in record.facts.items():
        fact = fact_set.index.get(key)
        if fact is None or fact.written != imported.written:
            continue
        located = replace(fact, location=replace(fact.location, origin=imported.origin))
        fact_set.index[key] = located
        group = fact_set.root
        for part in key.split(".")[:-1]:
            group = group.members.get(part)
            if group is None or not hasattr(group, "members"):
                break
        else:
            if group.members.get(key.rsplit(".", 1)[-1]) is fact:
                group.members[key.rsplit(".", 1)[-1]] = located


def source_file_signatures(facts_path: Path) -> list[str]:
    """Size and time of the imported spreadsheets, for the incremental build's fingerprint
    (a sheet outside the year folder is not seen by the folder scan)."""
    record = read_record(facts_path) if sources_path(facts_path).is_file() else None
    signatures = []
    for imported in (record.files.values() if record else ()):
        try:
            stat = imported.path.stat()
            signatures.append(f"{imported.path}\0{stat.st_size}\0{stat.st_mtime_ns}")
        except OSError:
            signatures.append(f"{imported.path}\0?")
    return signatures


def import_findings(facts_path: Path, facts, label: str) -> list:
    """Warnings for `check`: a spreadsheet changed since the import, an imported figure edited
    by hand (no longer traceable to its cell)."""
    record = read_record(facts_path)
    if record is None:
        return []
    findings = []
    district, _, year = label.rpartition(" ")
    for imported_file in record.files.values():
        try:
            changed = file_digest(imported_file.path) != imported_file.digest
        except OSError:
            continue  # moved away after the import: the facts stand as imported
        if changed:
            findings.append(Finding(
                "import-stale", Severity.WARNING, "导入", f"{imported_file.name} 在导入后改动过，facts.yaml 中的数字可能已过时",
                Location(imported_file.path),
                hint=f"请运行 zongjie import {district} {year} --dry-run 查看变化，再去掉 --dry-run 导入。",
            ))
    for key, imported in record.facts.items():
        fact = facts.get(key)
        now = fact.written if fact is not None else ""
        if now != imported.written:
            where = fact.location if fact is not None else (facts.empty_location(key) or Location(facts_path))
            findings.append(Finding(
                "import-edited", Severity.WARNING, "导入",
                f"{key} 是从 {imported.origin} 导入的（{imported.written or '空'}），现在是“{now or '空'}”：已不再标注为来自表格",
                where,
                hint="若表格有误，请改正表格后重新导入；若手改是对的，下次导入会覆盖它，请同时改正表格。",
            ))
    return findings
