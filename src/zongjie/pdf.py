"""`--format pdf`: the DOCX turned into PDF by LibreOffice, headless, one process per batch.

Each built document leaves a copy of its DOCX in a staging folder (out/.zongjie/pdf); after
the batch one `soffice --convert-to pdf` converts them all (LibreOffice's start-up, about a
second, is paid once, not per document), and each PDF is moved into place beside the other
formats. Then the fonts embedded in each PDF (pdffonts) are compared with the official fonts
the document names: a PDF set in a stand-in typeface is reported by name, so that nobody
publishes it unknowingly.

The staged copy differs from the DOCX in one flag: LibreOffice reads `w:overflowPunct`
inverted (val 0, "no punctuation past the margin" in Word, becomes hanging punctuation in
LibreOffice), so the copy says the opposite to get the same page.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
import zipfile
from pathlib import Path

from msgspec import Struct, field

from zongjie.errors import ZongjieError
from zongjie.output import write_files
from zongjie.pdfmeasure import pdf_fonts
from zongjie.writers.docx.package import STYLES, DocxPackage

STAGING = Path(".zongjie") / "pdf"  # in the output folder
INSTALL_HINT = (
    "PDF 由 LibreOffice 转换生成。请先安装 LibreOffice：\n"
    "    Debian/Ubuntu：sudo apt install libreoffice-writer fonts-noto-cjk fonts-arphic-ukai fonts-arphic-uming poppler-utils\n"
    "    Windows：从 https://zh-cn.libreoffice.org/download/ 下载安装（默认装在 C:\\Program Files\\LibreOffice）\n"
    "  装好后重新运行；或不用 --format pdf，在 Word/WPS 中打开 DOCX 另存为 PDF。"
)
# PostScript names (lower case, letters and digits only) by which each official font shows
# in a PDF's font list when it is really installed.
OFFICIAL_FONT_NAMES = {
    "仿宋_GB2312": ("fangsong",), "仿宋": ("fangsong",), "黑体": ("simhei", "heiti"),
    "楷体_GB2312": ("kaiti",), "楷体": ("kaiti",), "方正小标宋简体": ("fzxiaobiaosong", "fzxbs", "xiaobiaosong"),
    "宋体": ("simsun", "songti"), "Times New Roman": ("timesnewroman",),
    # Taiwan and Hong Kong (zongjie/fonts.py)
    "標楷體": ("dfkaisb", "biaukai"), "新細明體": ("pmingliu",), "細明體": ("mingliu",),
    "細明體_HKSCS": ("mingliuhkscs",), "微軟正黑體": ("microsoftjhenghei",),
}
_WINDOWS_PLACES = (r"C:\Program Files\LibreOffice\program\soffice.exe",
                   r"C:\Program Files (x86)\LibreOffice\program\soffice.exe")


def find_soffice() -> str | None:
    """The LibreOffice program, on PATH or where its Windows installer puts it."""
    for name in ("soffice", "libreoffice"):
        found = shutil.which(name)
        if found:
            return found
    return next((place for place in _WINDOWS_PLACES if os.path.isfile(place)), None)


def require_soffice() -> str:
    program = find_soffice()
    if program is None:
        raise ZongjieError("没有找到 LibreOffice，无法生成 PDF", hint=INSTALL_HINT)
    return program


def stage(out_dir: Path, docx: bytes, target: Path) -> Path:
    """Keep a document's DOCX for the batch's conversion; returns the staged file, named by
    the target PDF's place (two districts may have documents of the same title)."""
    relative = target.relative_to(out_dir) if target.is_relative_to(out_dir) else Path(target.name)
    staged = out_dir / STAGING / relative.with_suffix(".docx")
    write_files({staged: for_libreoffice(docx)})
    return staged


def for_libreoffice(docx: bytes) -> bytes:
    """The DOCX as LibreOffice must read it to lay out the page Word would: the hanging
    punctuation flag flipped."""
    package = DocxPackage.from_bytes(docx)
    styles = package.entries[STYLES].replace(b'w:overflowPunct w:val="0"', b'w:overflowPunct w:val="1"')
    package.entries = {**package.entries, STYLES: styles}
    return package.to_bytes()


class Converted(Struct):
    written: list[Path] = field(default_factory=list)
    failed: list[Path] = field(default_factory=list)  # targets LibreOffice made no PDF for
    substituted: dict[Path, tuple[list[str], list[str]]] = field(default_factory=dict)  # missing, used instead


def convert(jobs: list[tuple[Path, Path]], timeout: float | None = None) -> Converted:
    """Convert staged DOCX files (staged, target PDF) in one LibreOffice process (given a
    minute to start and five seconds a document: about ten times what it needs)."""
    result = Converted()
    if not jobs:
        return result
    program = require_soffice()
    timeout = timeout if timeout is not None else 60 + 5 * len(jobs)
    with tempfile.TemporaryDirectory(prefix="zongjie-pdf-") as temporary_name:
        temporary = Path(temporary_name)
        inputs = []
        for index, (staged, _) in enumerate(jobs):  # unique names: one output folder for all
            name = temporary / f"{index:05d}.docx"
            shutil.copyfile(staged, name)
            inputs.append(name)
        profile = (temporary / "profile").as_uri()  # its own profile: another LibreOffice may be open
        command = [program, f"-env:UserInstallation={profile}", "--headless", "--norestore",
                   "--convert-to", "pdf:writer_pdf_Export", "--outdir", str(temporary / "out"), *map(str, inputs)]
        try:
            subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, timeout=timeout, check=False,
                           env=_environment())
        except (OSError, subprocess.TimeoutExpired) as error:
            raise ZongjieError(f"LibreOffice 转换 PDF 失败（{error}）", hint=INSTALL_HINT) from None
        for index, (staged, target) in enumerate(jobs):
            pdf = temporary / "out" / f"{index:05d}.pdf"
            if not pdf.is_file():
                result.failed.append(target)
                continue
            write_files({target: pdf.read_bytes()})
            result.written.append(target)
            missing, used = substituted_fonts(target, fonts_named_in(staged))
            if missing:
                result.substituted[target] = (missing, used)
    for staged, _ in jobs:
        staged.unlink(missing_ok=True)
        for folder in (staged.parent, staged.parent.parent):  # <district>/<year>/, if now empty
            try:
                folder.rmdir()
            except OSError:
                break
    return result


def _environment() -> dict[str, str]:
    """On Linux, free fonts of the right kind stand in for the official ones (fonts.conf:
    仿宋 → a serif, 楷体 → a kai, 黑体 → a sans) unless the user set up fontconfig already."""
    environment = dict(os.environ)
    if os.name == "posix" and "FONTCONFIG_FILE" not in environment:
        environment["FONTCONFIG_FILE"] = str(Path(__file__).with_name("fonts.conf"))
    return environment


def fonts_named_in(docx: Path) -> set[str]:
    """The fonts a DOCX's text asks for (styles in use, runs, page numbers)."""
    with zipfile.ZipFile(docx) as archive:
        document = archive.read("word/document.xml").decode("utf-8")
        styles = archive.read("word/styles.xml").decode("utf-8")
    used_styles = set(re.findall(r'<w:pStyle w:val="([^"]+)"', document)) | {"Normal", "Footer"}
    names = set(re.findall(r'w:(?:eastAsia|ascii)="([^"]+)"', document))
    for style_id, body in re.findall(r'<w:style [^>]*w:styleId="([^"]+)"[^>]*>(.*?)</w:style>', styles, re.S):
        if style_id in used_styles:
            names.update(re.findall(r'w:(?:eastAsia|ascii)="([^"]+)"', body))
    return {name for name in names if name in OFFICIAL_FONT_NAMES}


def substituted_fonts(pdf: Path, wanted: set[str]) -> tuple[list[str], list[str]]:
    """(official fonts not in the PDF, the PDF's fonts that are none of them); nothing when
    pdffonts (poppler-utils) is not installed."""
    if shutil.which("pdffonts") is None:
        return [], []
    try:
        present = pdf_fonts(pdf)
    except (OSError, subprocess.CalledProcessError):
        return [], []
    squeezed = [re.sub(r"[^a-z0-9]", "", name.lower()) for name in present]
    missing = sorted(name for name in wanted
                     if not any(key in font for key in OFFICIAL_FONT_NAMES[name] for font in squeezed))
    official_keys = {key for keys in OFFICIAL_FONT_NAMES.values() for key in keys}
    others = [name for name, font in zip(present, squeezed) if not any(key in font for key in official_keys)]
    return missing, others


def substitution_warning(targets: list[Path], missing: list[str], used: list[str]) -> str:
    """One warning for all the PDFs that lack the same fonts (a batch of 2,800 gives one line)."""
    instead = f"，实际使用的是 {'、'.join(used)}" if used else ""
    names = "、".join(target.name for target in targets[:3]) + (f" 等 {len(targets)} 份 PDF" if len(targets) > 3 else "")
    return (f"警告：{names} 中没有公文字体 {'、'.join(missing)}（本机未安装{instead}）。\n"
            "  → PDF 的字体与公文要求不符，请勿直接印发：安装这些字体后重新生成，"
            "或在装有公文字体的 Word/WPS 中打开 DOCX 另存为 PDF。")
