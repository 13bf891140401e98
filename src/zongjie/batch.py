"""Many district-years at once: in parallel, and only those whose inputs changed (manifest.py).

The parent process decides what is out of date before starting any worker, so a rebuild of
nothing or of one document starts no pool. Workers are separate processes (`--jobs`,
default: the number of cores); each returns plain data, so one district's failure is a
result, not an exception that stops the others.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path

from msgspec import Struct, field

from zongjie.checks.report import finding_text
from zongjie.errors import ZongjieError
from zongjie.inputs.workspace import DistrictYear, Workspace
from zongjie.location import display_path
from zongjie.manifest import Manifest, shared_fingerprint, up_to_date
from zongjie.status import BuildStatus
from zongjie.writers import EXTENSIONS


class Job(Struct, frozen=True):
    district: str
    year: str
    fingerprint: str = ""
    earlier_outputs: tuple[str, ...] = ()  # what the manifest says an earlier build wrote


class BatchSettings(Struct, frozen=True):
    root: Path
    out_dir: Path
    formats: tuple[str, ...] | None
    allow_errors: bool
    force: bool
    shared_fingerprint: str
    debug: bool = False  # add the Python traceback of an input error to its message
    draft: bool = False  # missing facts as placeholders (build --draft)


class JobResult(Struct):
    label: str
    status: BuildStatus
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


# ---- one job, in a worker -------------------------------------------------------------------
@lru_cache(maxsize=4)
def _workspace(root: Path) -> Workspace:
    return Workspace.open(root)


def run_job(job: Job, settings: BatchSettings) -> JobResult:
    # The pipeline (Jinja, markdown-it, the writers: ~150 ms of imports) is loaded by the first
    # document built, never by a rebuild that finds everything up to date.
    from zongjie.build import build_document
    from zongjie.checks.progress import empty_groups

    workspace = _workspace(settings.root)
    district_year = workspace.district_year(job.district, job.year)
    result = JobResult(district_year.label, BuildStatus.FAILED, fingerprint=job.fingerprint)
    outcome = build_document(workspace, district_year, settings.out_dir, settings.formats, settings.allow_errors,
                             settings.draft)
    if settings.draft:

        result.draft = True
        result.placeholders = [placeholder.describe() for placeholder in outcome.placeholders]
        result.waiting = list(outcome.waiting)
        if outcome.status != BuildStatus.FAILED:
            result.empty_parts = empty_groups(outcome.facts) if outcome.facts is not None else []
    result.gbk_files = [str(p) for p in outcome.gbk_files]
    if outcome.checks is not None:
        result.errors = [finding_text(f) for f in outcome.checks.errors]
        result.warnings = len(outcome.checks.warnings)
    if outcome.status == BuildStatus.BUILT:
        result.status = BuildStatus.BUILT
        result.paths = [str(p) for p in outcome.paths]
        result.pdf_jobs = [(str(staged), str(target)) for staged, target in outcome.pdf_jobs]
        result.exit_code = 1 if outcome.checks and outcome.checks.errors else 0
        if settings.draft:  # a draft never removes the final document (it is written under its own name)
            current = {p.name for p in outcome.paths}
            result.kept = [name for name in job.earlier_outputs if name not in current]
        else:
            result.kept = _remove_stale_outputs(job.earlier_outputs, outcome.paths[0].parent, {p.name for p in outcome.paths})
    elif outcome.status == BuildStatus.BLOCKED:
        result.status, result.exit_code = BuildStatus.BLOCKED, 1
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
            results.append(JobResult(district_year.label, BuildStatus.UPTODATE, recorded))
            on_result(results[-1])
        else:
            entry = manifest.get(district_year) or {}
            earlier = tuple(name for key in ("outputs", "kept") if isinstance(entry.get(key), list)
                            for name in entry[key])
            work.append(Job(district_year.district, district_year.year, fingerprint, earlier))
    if on_note is not None:
        for path in manifest.damaged:
            on_note(f"{display_path(path)}: 提示：生成记录已损坏，已忽略，这些文档将重新生成并重写记录。")
    jobs = min(jobs, len(work), 4 * default_jobs())  # more workers than documents or cores only costs
    jobs_by_label = {f"{job.district} {job.year}": job for job in work}

    def record(job: Job, result: JobResult) -> None:
        if result.status == BuildStatus.BUILT:
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
    # Only `--format pdf` needs it: zongjie.pdf reads styles through the DOCX package (lxml,
    # ~40 ms), which a rebuild that finds everything up to date must not pay.
    from zongjie.pdf import convert, substitution_warning

    converted = convert([(staged, target) for staged, target, _ in jobs])
    substituted: dict[tuple, list[tuple[Path, JobResult]]] = {}  # the same fonts missing: one warning
    stand_ins: dict[tuple, list[str]] = {}
    for _, target, result in jobs:
        if target in converted.failed:
            result.pdf_messages.append(f"错误：LibreOffice 没能把 {target.name} 转换为 PDF；DOCX 与其他格式已生成。")
            result.exit_code = max(result.exit_code, 2)
            result.status = BuildStatus.FAILED
        elif target in converted.substituted:
            missing, used = converted.substituted[target]
            substituted.setdefault(tuple(missing), []).append((target, result))
            stand_ins.setdefault(tuple(missing), []).extend(name for name in used if name not in stand_ins[tuple(missing)])
    for fonts, documents in substituted.items():
        documents[0][1].pdf_messages.append(
            substitution_warning([target for target, _ in documents], list(fonts), stand_ins[fonts]))


def _pairs(work: list[Job], results: list[JobResult]):
    by_label = {result.label: result for result in results}
    for job in work:
        result = by_label.get(f"{job.district} {job.year}")
        if result is not None:
            yield job, result


def _run_in_pool(work: list[Job], settings: BatchSettings, jobs: int, on_result) -> list[JobResult]:
    from concurrent.futures import (  # only for a batch: ~10 ms to import
        ProcessPoolExecutor,
        as_completed,
    )

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
