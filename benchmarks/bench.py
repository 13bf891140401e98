#!/usr/bin/env python3
"""Benchmark: build time and memory for many district-years, against pandoc when installed.

    python benchmarks/bench.py [N ...]         (default: 100 2800)
    python benchmarks/bench.py cold            (only the cold start against pandoc, example workspace)

For each N it generates N synthetic district-years from the example 岳阳楼区 2023 (every
figure scaled by a deterministic factor; totals and rates the template's rules can derive are
left out, so each document stays consistent), then times with the `zongjie` command:

- a full build of all N × 3 formats (`--jobs` = cores), and of DOCX + HTML only;
- a no-op rebuild, and a rebuild after one facts.yaml changed;
- peak memory: the largest single process, and all zongjie processes together;
- per format, milliseconds per document (in-process, over a sample of documents);
- `--format pdf` (DOCX → PDF by LibreOffice, one process for the batch) on a sample of
  min(N, 50) documents, when LibreOffice is installed;
- pandoc (Debian package), one process per file as pandoc is used, converting the same
  generated Markdown to DOCX and HTML, run on as many cores; and one cold `zongjie build` of
  one document against pandoc's DOCX + HTML of it;
- `zongjie serve`'s warm rebuild of one document after a save (in-process, page included);
- once: openpyxl's import time and a dry-run `zongjie import` of the example's spreadsheets.

Targets (2 cores, documents the size of seed 000): 2,800 × 3 formats under 60 s; DOCX+HTML
throughput ≥ 4 × pandoc's; no-op rebuild under 3 s; one changed district under 1 s; peak
memory under 300 MB; one cold document within 1.5 × pandoc's DOCX + HTML; a warm preview rebuild
of one document ≤ 50 ms.
"""

from __future__ import annotations

import os
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "content" / "岳阳楼区" / "2023"
CORES = os.cpu_count() or 1


# ---- synthetic workspace --------------------------------------------------------------------
def derivable_keys() -> set[str]:
    """Left-hand sides of the template's rules: the rules compute them when they are absent."""
    from zongjie.checks.expr import Reference
    from zongjie.checks.rules import load_rules

    rules = load_rules(ROOT / "templates" / "医保年度工作总结" / "checks.yaml")
    return {rule.relation.left.path for rule in rules
            if isinstance(rule.relation.left, Reference) and rule.relation.operator == "="}


_FIGURE = re.compile(r"^(\s*[^:#\s][^:#]*:\s+)(\d+(?:\.\d+)?)([^\d\s#%{},][^\s#{},]*)(.*)$")


def perturbed_facts(text: str, factor: Decimal, drop: set[str]) -> str:
    """Scale every figure with a unit (not %, dates or text) by `factor`, keeping its written
    decimals; remove the derivable totals and rates."""
    out, path = [], []
    for line in text.split("\n"):
        stripped = line.split("#", 1)[0].rstrip()
        if stripped and not stripped.lstrip().startswith("{") and ":" in stripped:
            indent = (len(line) - len(line.lstrip())) // 2
            key = stripped.strip().split(":", 1)[0]
            path = path[:indent] + [key]
            if ".".join(path) in drop:
                continue
        line = re.sub(r"(?<![\d.\-])(\d+(?:\.\d+)?)(万元|元|人次|人|家)(?![\d])",
                      lambda m: _scaled(m.group(1), factor) + m.group(2), line)
        out.append(line)
    return "\n".join(out)


def _scaled(number: str, factor: Decimal) -> str:
    value = Decimal(number)
    exponent = value.as_tuple().exponent
    return str((value * factor).quantize(Decimal(1).scaleb(exponent), rounding=ROUND_HALF_UP))


def make_workspace(folder: Path, count: int) -> None:
    (folder / "content").mkdir(parents=True)
    shutil.copytree(ROOT / "templates", folder / "templates")
    (folder / "config.yaml").write_text("template: 医保年度工作总结\nformats: [docx, html, md]\n", encoding="utf-8")
    facts = (EXAMPLE / "facts.yaml").read_text(encoding="utf-8")
    drop = derivable_keys()
    narratives = {p.name: p.read_text(encoding="utf-8") for p in EXAMPLE.glob("*.md")}
    pictures = [p for p in EXAMPLE.rglob("*") if p.suffix.lower() in (".jpg", ".jpeg", ".png")]
    for index in range(count):
        target = folder / "content" / f"区{index:04d}" / "2023"
        target.mkdir(parents=True)
        factor = Decimal(85 + index % 31) / 100
        (target / "facts.yaml").write_text(perturbed_facts(facts, factor, drop), encoding="utf-8")
        for name, text in narratives.items():
            (target / name).write_text(text, encoding="utf-8")
        for picture in pictures:  # the example's photo: each document carries one, as a real one would
            destination = target / picture.relative_to(EXAMPLE)
            destination.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(picture, destination)


# ---- measuring ------------------------------------------------------------------------------
class MemoryWatch:
    """Polls /proc for the resident memory of a process and its descendants."""

    def __init__(self, pid: int):
        self.pid, self.peak_total, self.peak_single, self._stop = pid, 0, 0, False
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _tree(self) -> list[int]:
        pids, frontier = [self.pid], [self.pid]
        while frontier:
            parent = frontier.pop()
            try:
                children = Path(f"/proc/{parent}/task/{parent}/children").read_text().split()
            except OSError:
                children = []
            pids += [int(c) for c in children]
            frontier += [int(c) for c in children]
        return pids

    def _run(self) -> None:
        while not self._stop:
            sizes = []
            for pid in self._tree():
                try:
                    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                        if line.startswith("VmRSS:"):
                            sizes.append(int(line.split()[1]) * 1024)
                except OSError:
                    continue
            if sizes:
                self.peak_total = max(self.peak_total, sum(sizes))
                self.peak_single = max(self.peak_single, max(sizes))
            time.sleep(0.05)

    def stop(self) -> None:
        self._stop = True
        self.thread.join()


def zongjie(workspace: Path, *args: str) -> tuple[float, MemoryWatch, str]:
    start = time.perf_counter()
    process = subprocess.Popen([sys.executable, "-m", "zongjie", "build", *args, "--jobs", str(CORES)],
                               cwd=workspace, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    watch = MemoryWatch(process.pid)
    output, _ = process.communicate()
    elapsed = time.perf_counter() - start
    watch.stop()
    if process.returncode != 0:
        raise SystemExit(f"zongjie build failed:\n{output[-2000:]}")
    return elapsed, watch, output.strip().splitlines()[-1]


def per_format_ms(workspace: Path, sample: int = 40) -> dict[str, float]:
    """In-process milliseconds per document: assembling once, then each writer."""
    from zongjie.assemble import assemble
    from zongjie.build import write_options
    from zongjie.checks.run import check, check_document
    from zongjie.inputs.loading import load
    from zongjie.inputs.workspace import Workspace
    from zongjie.writers import write

    ws = Workspace.open(workspace)
    selected = ws.select()[:sample]
    totals = {"assemble": 0.0, "docx": 0.0, "html": 0.0, "md": 0.0}
    for district_year in selected:
        start = time.perf_counter()
        loaded = load(ws, district_year)
        result = check(loaded)
        document = assemble(ws, loaded)
        check_document(document, loaded, result)
        totals["assemble"] += time.perf_counter() - start
        options = write_options(ws, district_year)
        for name in ("docx", "html", "md"):
            start = time.perf_counter()
            write(name, document, options)
            totals[name] += time.perf_counter() - start
    return {name: total / len(selected) * 1000 for name, total in totals.items()}


def pandoc_batch(markdown_files: list[Path], out: Path) -> float | None:
    pandoc = shutil.which("pandoc")
    if pandoc is None:
        return None
    out.mkdir(parents=True, exist_ok=True)

    def convert(item: tuple[int, Path]) -> None:
        index, path = item
        resources = resource_path(path)
        subprocess.run([pandoc, str(path), resources, "-o", str(out / f"{index}.docx")], check=True)
        subprocess.run([pandoc, str(path), resources, "-s", "--metadata", "title=x", "-o", str(out / f"{index}.html")], check=True)

    start = time.perf_counter()
    with ThreadPoolExecutor(max_workers=CORES) as pool:
        list(pool.map(convert, enumerate(markdown_files)))
    return time.perf_counter() - start


def run(count: int) -> None:
    print(f"\n== N = {count} district-years, {CORES} cores ==")
    with tempfile.TemporaryDirectory(prefix="zongjie-bench-") as tmp:
        workspace = Path(tmp) / "ws"
        make_workspace(workspace, count)
        full, watch, summary = zongjie(workspace)
        print(f"full build, 3 formats:   {full:7.2f} s  ({full / count * 1000:.1f} ms per document)  [{summary}]")
        print(f"peak memory:             {watch.peak_single / 2**20:7.1f} MB largest process, "
              f"{watch.peak_total / 2**20:.1f} MB all processes")
        noop, _, summary = zongjie(workspace)
        print(f"no-op rebuild:           {noop:7.2f} s  [{summary}]")
        facts = workspace / "content" / "区0001" / "2023" / "facts.yaml"
        facts.write_text(facts.read_text(encoding="utf-8").replace("示范站点: 2个", "示范站点: 3个"), encoding="utf-8")
        one, _, summary = zongjie(workspace)
        print(f"one district changed:    {one:7.2f} s  [{summary}]")
        shutil.rmtree(workspace / "build" / ".zongjie" / "jinja", ignore_errors=True)  # compile again, as pandoc reads again
        two_formats, _, _ = zongjie(workspace, "--force", "--format", "docx,html", "--out", str(Path(tmp) / "dh"))
        print(f"full build, DOCX + HTML: {two_formats:7.2f} s  ({two_formats / count * 1000:.1f} ms per document)")
        ms = per_format_ms(workspace)
        print("in-process ms per document: " + ", ".join(f"{name} {value:.1f}" for name, value in ms.items()))
        warm = warm_rebuild_ms(workspace)
        print(f"zongjie serve, warm rebuild of one document after a save: {warm:.1f} ms (median of 20; target ≤ 50 ms)")
        markdown = sorted((workspace / "build").rglob("*.md"))
        pdf_batch(count)
        pandoc = pandoc_batch(markdown, Path(tmp) / "pandoc")
        if pandoc is None:
            print("pandoc: not installed (apt-get install pandoc) — no comparison")
            return
        print(f"pandoc, DOCX + HTML:     {pandoc:7.2f} s  ({pandoc / count * 1000:.1f} ms per document)  "
              f"→ zongjie is {pandoc / two_formats:.1f}× pandoc's throughput")
        cold_document(workspace, markdown[0], Path(tmp))


PDF_SAMPLE = 50  # LibreOffice takes ~0.1–0.3 s a document: PDFs are timed on a sample


def pdf_batch(count: int) -> None:
    """`zongjie build --format pdf` on min(N, 50) documents: one LibreOffice run for all."""
    if shutil.which("soffice") is None and shutil.which("libreoffice") is None:
        print("pdf: LibreOffice not installed (apt-get install libreoffice-writer) — not timed")
        return
    sample = min(count, PDF_SAMPLE)
    with tempfile.TemporaryDirectory(prefix="zongjie-bench-pdf-") as tmp:
        workspace = Path(tmp) / "ws"
        make_workspace(workspace, sample)
        docx, _, _ = zongjie(workspace, "--force", "--format", "docx", "--out", str(Path(tmp) / "docx"))
        both, watch, summary = zongjie(workspace, "--force", "--format", "docx,pdf", "--out", str(Path(tmp) / "pdf"))
        pdfs = len(list((Path(tmp) / "pdf").rglob("*.pdf")))
        print(f"PDF ({sample} documents, one LibreOffice run): {both:7.2f} s, of which LibreOffice ≈ {both - docx:.2f} s "
              f"({(both - docx) / max(pdfs, 1) * 1000:.0f} ms per PDF, {pdfs} PDFs)  [{summary}]")


def warm_rebuild_ms(workspace: Path, runs: int = 20) -> float:
    """What `zongjie serve` spends after a save: the whole pipeline of one document in the warm
    process (load, check, render, read, document checks), plus its HTML page."""
    from zongjie.build import write_options
    from zongjie.inputs.workspace import Workspace
    from zongjie.preview.documents import rebuild
    from zongjie.preview.pages import document_page

    ws = Workspace.open(workspace)
    district_year = ws.select("区0000", "2023")[0]
    options = write_options(ws, district_year)
    document_page(rebuild(ws, district_year), options)  # the first one compiles the templates
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        document_page(rebuild(ws, district_year), options)
        times.append((time.perf_counter() - start) * 1000)
    return sorted(times)[runs // 2]


def resource_path(markdown: Path) -> str:
    """pandoc's option to find the pictures the Markdown names: they are written as in the
    narrative, relative to its folder (build/<地区>/<年度>/x.md ← content/<地区>/<年度>/)."""
    year, district, workspace = markdown.parents[0], markdown.parents[1], markdown.parents[3]
    return f"--resource-path={workspace / 'content' / district.name / year.name}"


def cold_document(workspace: Path, markdown: Path, tmp: Path, runs: int = 25) -> None:
    """One cold `zongjie build` of one document (3 formats) against pandoc's DOCX + HTML of its
    Markdown, interleaved. Compared on CPU time (user + sys of the child processes): on a busy
    machine wall time measures the other processes as much as ours."""
    compile_bytecode()
    build = [[sys.executable, "-m", "zongjie", "build", workspace_district(workspace), "2023", "--force", "--jobs", "1"]]
    resources = resource_path(markdown)
    pandoc = [["pandoc", str(markdown), resources, "-o", str(tmp / "one.docx")],
              ["pandoc", str(markdown), resources, "-s", "--metadata", "title=x", "-o", str(tmp / "one.html")]]
    ours, theirs = [], []
    for _ in range(runs):
        ours.append(timed_processes(build, workspace))
        theirs.append(timed_processes(pandoc, workspace))
    (our_wall, our_cpu), (their_wall, their_cpu) = medians(ours), medians(theirs)
    print(f"one document, cold CLI, 3 formats: {our_wall:.0f} ms wall, {our_cpu:.0f} ms CPU; "
          f"pandoc DOCX + HTML: {their_wall:.0f} ms wall, {their_cpu:.0f} ms CPU "
          f"→ {our_wall / their_wall:.2f}× wall, {our_cpu / their_cpu:.2f}× CPU (medians of {runs}; target ≤ 1.5×)")


def workspace_district(workspace: Path) -> str:
    return "区0000" if (workspace / "content" / "区0000").is_dir() else EXAMPLE.parent.name


def compile_bytecode() -> None:
    """Installed packages ship compiled bytecode (pip compiles on install). An editable checkout
    run with PYTHONDONTWRITEBYTECODE=1 would instead compile zongjie's ~60 modules on every
    start (measured: +150 ms CPU), which is not what a user's cold start costs."""
    import compileall

    import zongjie

    compileall.compile_dir(str(Path(zongjie.__file__).parent), quiet=1)


def timed_processes(commands: list[list[str]], cwd: Path) -> tuple[float, float]:
    """Wall and CPU milliseconds (user + sys of the children) of running `commands` in turn."""
    before, start = resource.getrusage(resource.RUSAGE_CHILDREN), time.perf_counter()
    for command in commands:
        subprocess.run(command, cwd=cwd, check=True, stdout=subprocess.DEVNULL)
    wall, after = time.perf_counter() - start, resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
    return wall * 1000, cpu * 1000


def medians(samples: list[tuple[float, float]]) -> tuple[float, float]:
    return statistics.median(s[0] for s in samples), statistics.median(s[1] for s in samples)


def cold_only(tmp: Path) -> None:
    """`bench.py cold`: only the cold-start comparison, on a copy of the example workspace."""
    workspace = tmp / "ws"
    workspace.mkdir()
    for name in ("content", "templates"):
        shutil.copytree(ROOT / name, workspace / name)
    shutil.copy(ROOT / "config.yaml", workspace)
    subprocess.run([sys.executable, "-m", "zongjie", "build", EXAMPLE.parent.name, EXAMPLE.name, "--format", "md"],
                   cwd=workspace, check=True, stdout=subprocess.DEVNULL)  # the Markdown pandoc converts
    markdown = next((workspace / "build" / EXAMPLE.parent.name / EXAMPLE.name).glob("*.md"))
    print(f"\n== cold start: {EXAMPLE.parent.name} {EXAMPLE.name}, {CORES} cores ==")
    cold_document(workspace, markdown, tmp)


def import_cost() -> None:
    """`zongjie import`'s price: openpyxl's import time (kept off build and check), and an
    import of the example's two spreadsheets (24 facts, dry run)."""
    def median_ms(command: list[str], cwd: Path | None = None, runs: int = 5) -> float:
        times = []
        for _ in range(runs):
            start = time.perf_counter()
            subprocess.run(command, cwd=cwd, check=True, stdout=subprocess.DEVNULL)
            times.append(time.perf_counter() - start)
        return sorted(times)[runs // 2] * 1000

    try:
        import openpyxl  # noqa: F401
    except ImportError:
        print("zongjie import: openpyxl not installed (pip install 'zongjie[xlsx]') — not measured")
        return
    bare = median_ms([sys.executable, "-c", "pass"])
    with_openpyxl = median_ms([sys.executable, "-c", "import openpyxl"])
    dry_run = median_ms([sys.executable, "-m", "zongjie", "import", "岳阳楼区", "2023", "--dry-run"], cwd=ROOT)
    print(f"zongjie import: openpyxl import {with_openpyxl - bare:.0f} ms (never loaded by build/check); "
          f"example import, dry run, 24 facts from 2 workbooks: {dry_run:.0f} ms (medians of 5)")


if __name__ == "__main__":
    if sys.argv[1:] == ["cold"]:
        if shutil.which("pandoc") is None:
            raise SystemExit("pandoc: not installed (apt-get install pandoc) — no comparison")
        with tempfile.TemporaryDirectory(prefix="zongjie-bench-") as folder:
            cold_only(Path(folder))
    else:
        import_cost()
        for n in [int(arg) for arg in sys.argv[1:]] or [100, 2800]:
            run(n)
