#!/usr/bin/env python3
"""Render the example documents for looking at them, and measure the page grid.

    python tools/render.py [OUTDIR] [--locale=zh_Hant_TW|zh_Hant_HK]   (default: render/, zh_CN)

- builds the example workspace into OUTDIR/build;
- DOCX → PDF (LibreOffice) → PNG pages (pdftoppm), with the free stand-in fonts of
  tools/fonts.conf;
- HTML → PNG screenshots in headless Chromium at desktop and phone widths, and an A4 PDF
  through Chromium's print path;
- a full page of body text (22 lines of 28 characters expected by GB/T 9704) is rendered and
  its lines and characters per line are counted from the PDF's text layer.

Needs Debian packages: libreoffice-writer poppler-utils chromium fonts-noto-cjk
fonts-arphic-ukai fonts-arphic-uming.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FONTS = ROOT / "tools" / "fonts.conf"
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def run(command: list[str], **kwargs) -> None:
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                   env={**os.environ, "FONTCONFIG_FILE": str(FONTS)}, **kwargs)


def docx_to_png(docx: Path, out: Path, dpi: int = 60) -> Path:
    """DOCX → PDF as `zongjie build --format pdf` converts it (the copy LibreOffice reads
    right, see zongjie/pdf.py) → PNG pages."""
    from zongjie.pdf import for_libreoffice

    converted = out / "lo" / docx.name
    converted.parent.mkdir(parents=True, exist_ok=True)
    converted.write_bytes(for_libreoffice(docx.read_bytes()))
    docx = converted
    run(["soffice", f"-env:UserInstallation=file:///tmp/lo-profile-{os.getpid()}", "--headless", "--convert-to", "pdf", "--outdir", str(out), str(docx)], timeout=180)
    pdf = out / (docx.stem + ".pdf")
    run(["pdftoppm", "-png", "-r", str(dpi), str(pdf), str(out / docx.stem)])
    return pdf


def html_to_png(html: Path, out: Path) -> None:
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        print("  (chromium not installed: HTML not rendered)")
        return
    for name, size in (("desktop", "1000,1600"), ("phone", "390,1600")):
        with tempfile.TemporaryDirectory() as profile:
            run([chromium, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", f"--window-size={size}",
                 f"--screenshot={out / f'{html.stem}-{name}.png'}", html.as_uri()], timeout=120)
    with tempfile.TemporaryDirectory() as profile:
        run([chromium, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", "--no-pdf-header-footer",
             f"--print-to-pdf={out / f'{html.stem}-print.pdf'}", html.as_uri()], timeout=120)


def measure_grid(out: Path) -> tuple[list[int], list[int]]:
    """Lines per page and characters per full line of a document of plain body text."""
    from zongjie.document.model import Document, Meta, Paragraph, Text
    from zongjie.writers import WriteOptions, write

    sentence = "医疗保障工作坚持以人民健康为中心，统筹推进参保扩面、基金监管和经办服务。"
    paragraphs = tuple(Paragraph((Text(sentence * 6),)) for _ in range(12))
    docx = out / "grid.docx"
    docx.write_bytes(write("docx", Document(Meta(), paragraphs), WriteOptions()))
    pdf = docx_to_png(docx, out)
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    pages = [page for page in text.split("\f") if page.strip()]
    lines_per_page, chars_per_line = [], []
    for page in pages[:-1]:  # the last page is not full
        lines = [line.strip() for line in page.splitlines() if line.strip() and "—" not in line]
        lines_per_page.append(len(lines))
        # a full line: not a paragraph's first (indented) or last (short) line
        chars_per_line.extend(len(line.replace(" ", "")) for line in lines[1:-1])
    return lines_per_page, chars_per_line


def traditional_workspace(locale: str, out: Path) -> Path:
    """A copy of the example workspace with `locale:` set (--locale=zh_Hant_TW / zh_Hant_HK)."""
    workspace = out / f"workspace-{locale}"
    shutil.rmtree(workspace, ignore_errors=True)
    workspace.mkdir(parents=True)
    for name in ("content", "templates"):
        shutil.copytree(ROOT / name, workspace / name)
    config = (ROOT / "config.yaml").read_text(encoding="utf-8")
    (workspace / "config.yaml").write_text(config.replace("locale: zh_CN", f"locale: {locale}", 1), encoding="utf-8")
    return workspace


def closing_texts(docx: Path) -> tuple[str, str]:
    """The signature and date paragraphs (style 落款) of a DOCX."""
    import zipfile

    from lxml import etree

    w = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
    root = etree.fromstring(zipfile.ZipFile(docx).read("word/document.xml"))
    texts = ["".join(p.itertext()) for p in root.iter(f"{w}p")
             if any(s.get(f"{w}val") == "Signature" for s in p.iter(f"{w}pStyle"))]
    return (texts + ["", ""])[0], (texts + ["", ""])[1]


def report_layout(docx: Path, pdf: Path) -> None:
    """The GB/T 9704 figures measured from the rendered PDF."""
    from zongjie.pdfmeasure import measure_closing, overhang, read_lines, stranded_lines

    pages = read_lines(pdf)
    closing = measure_closing(pages, *closing_texts(docx))
    figure = lambda value: "-" if value is None else f"{value:.2f}"  # noqa: E731
    print(f"  {len(pages)} 页；署名右空 {figure(closing.signature_right_space)} 字，"
          f"日期首字右移 {figure(closing.date_offset)} 字，日期右空 {figure(closing.date_right_space)} 字"
          f"（日期{'长' if closing.date_is_longer else '不长'}于署名），落款前空行 {closing.blank_lines_before}；"
          f"{'；'.join(closing.problems()) or '符合 GB/T 9704（±0.25 字）'}")
    print(f"  标点伸出版心最多 {overhang(pages):.1f} mm；孤行：{'；'.join(stranded_lines(pages)) or '无'}")


def main() -> None:
    options = [arg for arg in sys.argv[1:] if arg.startswith("--locale=")]
    places = [arg for arg in sys.argv[1:] if arg not in options]
    out = Path(places[0] if places else ROOT / "render").resolve()
    out.mkdir(parents=True, exist_ok=True)
    build = out / "build"
    workspace = traditional_workspace(options[-1].split("=", 1)[1], out) if options else ROOT
    subprocess.run([sys.executable, "-m", "zongjie", "build", "--force", "--out", str(build)], cwd=workspace, check=False)
    for docx in sorted(build.rglob("*.docx")):
        print("DOCX", docx.relative_to(build))
        report_layout(docx, docx_to_png(docx, out))
    for html in sorted(build.rglob("*.html")):
        print("HTML", html.relative_to(build))
        html_to_png(html, out)
        printed = out / f"{html.stem}-print.pdf"
        if printed.is_file() and html.with_suffix(".docx").is_file():
            print("  打印（Chromium）：", end="")
            report_layout(html.with_suffix(".docx"), printed)
    lines, chars = measure_grid(out)
    print(f"full pages of body text: lines per page {lines}; characters per full line: "
          f"{sorted(set(chars))} (most often {max(set(chars), key=chars.count) if chars else '-'})")
    print(f"pictures in {out}")


if __name__ == "__main__":
    main()
