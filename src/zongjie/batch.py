"""Many district-years at once: in parallel, and only those whose inputs changed.

A document is up to date when the fingerprint of everything that goes into it — its facts
(and last year's, and a city's members'), narrative, rule files, templates, config, the
reference document, the chosen formats and zongjie's version — equals the one recorded
when its outputs were written, and those outputs still exist. What all documents share
(templates, config, version) is hashed by content once per run; a document's own files
by path, size and modification time, so that checking 2,800 documents reads no file twice.

The parent process decides what is out of date before starting any worker, so a rebuild of
nothing or of one document starts no pool. Workers are separate processes (`--jobs`,
default: the number of cores); each returns plain data, so one district's failure is a
result, not an exception that stops the others.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from zongjie import __version__
from zongjie.workspace import DistrictYear, Workspace

STATE_DIR = ".zongjie"  # in the output folder, kept apart from the documents
MANIFESTS = "manifest"  # one file per district: per year, the fingerprint of its inputs and its outputs


@dataclass(frozen=True)
class Job:
    district: str
    year: str
    fingerprint: str = ""
    earlier_outputs: tuple[str, ...] = ()  # what the manifest says an earlier build wrote


@dataclass(frozen=True)
class BatchSettings:
    root: Path
    out_dir: Path
    formats: tuple[str, ...] | None
    allow_errors: bool
    force: bool
    shared_fingerprint: str
    debug: bool = False  # add the Python traceback of an input error to its message
    draft: bool = False  # missing facts as placeholders (build --draft)


@dataclass
class JobResult:
    label: str
    status: str  # built | uptodate | blocked | failed
    paths: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)  # messages to show (check errors, input errors)
    warnings: int = 0
    gbk_files: list[str] = field(default_factory=list)
    exit_code: int = 0
    fingerprint: str = ""
    placeholders: list[str] = field(default_factory=list)  # a draft's facts to fill, each with its facts.yaml line
    waiting: list[str] = field(default_factory=list)  # a draft's rules waiting for a fact
    empty_parts: list[str] = field(default_factory=list)  # a draft's groups with nothing filled yet
    draft: bool = False
    pdf_jobs: list[tuple[str, str]] = field(default_factory=list)  # (staged DOCX, PDF to make)
    pdf_messages: list[str] = field(default_factory=list)  # after the conversion: failures, substituted fonts
    kept: list[str] = field(default_factory=list)  # earlier outputs of the same title in formats not built now


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
    from zongjie.build import previous_year_of

    previous = str(int(district_year.year) - 1)
    if not district_year.is_city:
        previous = previous_year_of(district_year.folder.parent, district_year.year) or previous
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
    if (district_year.folder / "导入来源.yaml").is_file():  # spreadsheets imported from outside the folder
        from zongjie.importing.sources import source_file_signatures

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
        from zongjie.output import write_files

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


# ---- one job, in a worker -------------------------------------------------------------------
@lru_cache(maxsize=4)
def _workspace(root: Path) -> Workspace:
    return Workspace.open(root)


def up_to_date(workspace: Workspace, district_year: DistrictYear, settings: BatchSettings,
               manifest: Manifest) -> tuple[str, list[str] | None]:
    """The document's fingerprint, and its recorded outputs if they are current."""
    fingerprint = document_fingerprint(workspace, district_year, settings)
    if settings.force:
        return fingerprint, None
    folder = _output_folder(settings.out_dir, district_year)
    return fingerprint, _recorded_outputs(manifest.get(district_year), fingerprint, folder)


def run_job(job: Job, settings: BatchSettings) -> JobResult:
    from zongjie.build import build_document
    from zongjie.checks.report import finding_text

    workspace = _workspace(settings.root)
    district_year = workspace.district_year(job.district, job.year)
    result = JobResult(district_year.label, "failed", fingerprint=job.fingerprint)
    outcome = build_document(workspace, district_year, settings.out_dir, settings.formats, settings.allow_errors,
                             settings.draft)
    if settings.draft:
        from zongjie.placeholders import empty_groups

        result.draft = True
        result.placeholders = [placeholder.describe() for placeholder in outcome.placeholders]
        result.waiting = list(outcome.waiting)
        if outcome.status != "failed":
            result.empty_parts = empty_groups(outcome.facts) if outcome.facts is not None else []
    result.gbk_files = [str(p) for p in outcome.gbk_files]
    if outcome.checks is not None:
        result.errors = [finding_text(f) for f in outcome.checks.errors]
        result.warnings = len(outcome.checks.warnings)
    if outcome.status == "built":
        result.status = "built"
        result.paths = [str(p) for p in outcome.paths]
        result.pdf_jobs = [(str(staged), str(target)) for staged, target in outcome.pdf_jobs]
        result.exit_code = 1 if outcome.checks and outcome.checks.errors else 0
        if settings.draft:  # a draft never removes the final document (it is written under its own name)
            current = {p.name for p in outcome.paths}
            result.kept = [name for name in job.earlier_outputs if name not in current]
        else:
            result.kept = _remove_stale_outputs(job.earlier_outputs, outcome.paths[0].parent, {p.name for p in outcome.paths})
    elif outcome.status == "blocked":
        result.status, result.exit_code = "blocked", 1
    else:
        result.errors.append(str(outcome.error))
        if settings.debug and outcome.error is not None:
            import traceback

            result.errors.append("".join(traceback.format_exception(outcome.error)))
        result.exit_code = outcome.error.exit_code if outcome.error else 2
    return result


def _remove_stale_outputs(earlier: tuple[str, ...], folder: Path, current: set[str]) -> list[str]:
    """Outputs an earlier build wrote under another title (the title changed) are ours to
    remove; nothing else in the folder is touched. Those of the same title in another format
    are kept (`build --format pdf` must not delete the DOCX) and returned, to be removed when
    the title changes later. The manifest lies in the output folder, which others may write:
    only our own kinds of file, by a plain name, are ever removed."""
    from zongjie.writers import EXTENSIONS

    ours = {extension.lower() for extension in EXTENSIONS.values()}
    titles = {Path(name).stem for name in current}
    kept = []
    for name in earlier:
        if not isinstance(name, str) or name in current or "/" in name or "\\" in name or name.startswith("."):
            continue
        if Path(name).suffix.lower() not in ours:
            continue
        if Path(name).stem in titles:
            if (folder / name).is_file():
                kept.append(name)
            continue
        try:
            (folder / name).unlink(missing_ok=True)
        except OSError:  # a folder of that name, or no permission: left alone
            pass
    return kept


def tune_garbage_collector() -> None:
    """Building a document makes and drops hundreds of thousands of small objects (tokens,
    model nodes, XML elements), nearly all freed by reference counting; CPython's default
    collector thresholds still scan them over and over: about a third of the build time.
    Scan rarely, and never the modules and caches that live for the whole process."""
    import gc

    gc.collect()
    gc.freeze()
    gc.set_threshold(50_000, 20, 20)


def _start_worker(parent: int) -> None:
    tune_garbage_collector()
    _end_with_parent(parent)


def _end_with_parent(parent: int) -> None:
    """A worker whose parent was killed would wait for work forever: it ends instead."""
    import threading
    import time

    def watch() -> None:
        while True:
            time.sleep(0.5)
            if os.getppid() != parent:
                os._exit(1)

    if hasattr(os, "getppid") and os.name == "posix":
        threading.Thread(target=watch, name="zongjie-parent-watch", daemon=True).start()


def _run_chunk(jobs: list[Job], settings: BatchSettings) -> list[JobResult]:
    return [run_job(job, settings) for job in jobs]


# ---- the batch --------------------------------------------------------------------------------
def default_jobs() -> int:
    return os.cpu_count() or 1


def run_batch(workspace: Workspace, selected: list[DistrictYear], out_dir: Path, formats, allow_errors: bool,
              force: bool, jobs: int, on_result: Callable[[JobResult], None], debug: bool = False,
              draft: bool = False, on_note: Callable[[str], None] | None = None) -> list[JobResult]:
    settings = BatchSettings(workspace.root, out_dir, formats, allow_errors, force, shared_fingerprint(workspace), debug,
                             draft)
    manifest = Manifest(out_dir)
    results: list[JobResult] = []
    work: list[Job] = []
    for district_year in selected:
        fingerprint, recorded = up_to_date(workspace, district_year, settings, manifest)
        if recorded is not None:
            results.append(JobResult(district_year.label, "uptodate", recorded))
            on_result(results[-1])
        else:
            record = manifest.get(district_year) or {}
            earlier = tuple(name for key in ("outputs", "kept") if isinstance(record.get(key), list)
                            for name in record[key])
            work.append(Job(district_year.district, district_year.year, fingerprint, earlier))
    if on_note is not None:
        from zongjie.errors import display_path

        for path in manifest.damaged:
            on_note(f"{display_path(path)}: 提示：生成记录已损坏，已忽略，这些文档将重新生成并重写记录。")
    jobs = min(jobs, len(work), 4 * default_jobs())  # more workers than documents or cores only costs
    jobs_by_label = {f"{job.district} {job.year}": job for job in work}

    def record(job: Job, result: JobResult) -> None:
        if result.status == "built":
            manifest.record(job.district, job.year,
                            {"fingerprint": result.fingerprint, "outputs": [Path(p).name for p in result.paths],
                             "kept": result.kept})
        else:  # its outputs are no longer what its inputs would give
            manifest.record(job.district, job.year, None)

    def finished(result: JobResult) -> None:
        # Recorded as each document finishes, by this process only (workers never write the
        # manifest: no race), so that an interrupted batch still saves what it finished.
        job = jobs_by_label.get(result.label)
        if job is not None:
            record(job, result)
        on_result(result)

    try:
        if jobs <= 1 or len(work) <= 1:
            if len(work) > 1:  # for one document the tuning costs more than it saves
                tune_garbage_collector()
            for job in work:
                results.append(run_job(job, settings))
                finished(results[-1])
        else:
            results.extend(_run_in_pool(work, settings, jobs, finished))
        _convert_pdfs(results)
    except BaseException:
        _save_quietly(manifest)  # what finished stays finished; the original error is reported
        raise
    for job, result in _pairs(work, results):  # a PDF that failed makes its document unfinished
        record(job, result)
    manifest.save()
    return _in_order(results, selected)


def _save_quietly(manifest: Manifest) -> None:
    from zongjie.errors import ZongjieError

    try:
        manifest.save()
    except (ZongjieError, OSError):
        pass


def _convert_pdfs(results: list[JobResult]) -> None:
    """All PDFs of the batch in one LibreOffice run (zongjie.pdf); what went wrong is told
    on the document's result."""
    jobs = [(Path(staged), Path(target), result) for result in results for staged, target in result.pdf_jobs]
    if not jobs:
        return
    from zongjie.pdf import convert, substitution_warning

    converted = convert([(staged, target) for staged, target, _ in jobs])
    substituted: dict[tuple, list[tuple[Path, JobResult]]] = {}  # the same fonts missing: one warning
    stand_ins: dict[tuple, list[str]] = {}
    for _, target, result in jobs:
        if target in converted.failed:
            result.pdf_messages.append(f"错误：LibreOffice 没能把 {target.name} 转换为 PDF；DOCX 与其他格式已生成。")
            result.exit_code = max(result.exit_code, 2)
            result.status = "failed"
        elif target in converted.substituted:
            missing, used = converted.substituted[target]
            substituted.setdefault(tuple(missing), []).append((target, result))
            stand_ins.setdefault(tuple(missing), []).extend(name for name in used if name not in stand_ins[tuple(missing)])
    for missing, documents in substituted.items():
        documents[0][1].pdf_messages.append(
            substitution_warning([target for target, _ in documents], list(missing), stand_ins[missing]))


def _pairs(work: list[Job], results: list[JobResult]):
    by_label = {result.label: result for result in results}
    for job in work:
        result = by_label.get(f"{job.district} {job.year}")
        if result is not None:
            yield job, result


def _run_in_pool(work: list[Job], settings: BatchSettings, jobs: int, on_result) -> list[JobResult]:
    from concurrent.futures import ProcessPoolExecutor, as_completed  # only for a batch: ~10 ms to import

    # Chunks of a few documents keep the inter-process traffic small; enough chunks remain
    # for the workers to share the load evenly.
    size = max(1, min(16, len(work) // (jobs * 8)))
    chunks = [work[start:start + size] for start in range(0, len(work), size)]
    results = []
    with ProcessPoolExecutor(max_workers=jobs, initializer=_start_worker, initargs=(os.getpid(),)) as pool:
        futures = [pool.submit(_run_chunk, chunk, settings) for chunk in chunks]
        for future in as_completed(futures):
            for result in future.result():
                results.append(result)
                on_result(result)
    return results


def _in_order(results: list[JobResult], selected: list[DistrictYear]) -> list[JobResult]:
    order = {district_year.label: index for index, district_year in enumerate(selected)}
    return sorted(results, key=lambda result: order.get(result.label, 0))
