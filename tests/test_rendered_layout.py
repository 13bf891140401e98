"""The official layout as a reader sees it: every example built with `--format pdf` (one
LibreOffice run), then measured from the PDF's text layer with a ruler's eye — where the
signature and the date stand, stranded single lines, punctuation past the margin — and the
PDF format's own behaviour (fonts reported, LibreOffice missing)."""

from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

import pytest

from zongjie.pdfmeasure import measure_closing, overhang, read_lines, stranded_lines

REPO = Path(__file__).resolve().parent.parent
needs_libreoffice = pytest.mark.skipif(
    shutil.which("soffice") is None or shutil.which("pdftotext") is None,
    reason="LibreOffice（soffice）与 poppler-utils（pdftotext）未安装：无法渲染并测量 PDF 版面",
)


@pytest.fixture(scope="module")
def rendered(tmp_path_factory) -> dict[str, tuple[Path, Path]]:
    """district → (DOCX, PDF) of the example workspace, built once for the module."""
    from typer.testing import CliRunner

    from zongjie.cli import app

    workspace = tmp_path_factory.mktemp("ws")
    shutil.copy(REPO / "config.yaml", workspace / "config.yaml")
    shutil.copytree(REPO / "templates", workspace / "templates")
    shutil.copytree(REPO / "content", workspace / "content")
    out = workspace / "out"
    result = CliRunner().invoke(app, ["build", "--workspace", str(workspace), "--format", "docx,pdf", "--out", str(out)],
                                env={"FONTCONFIG_FILE": str(REPO / "tools" / "fonts.conf")})
    assert result.exit_code == 0, result.output
    pairs = {}
    for pdf in out.rglob("*.pdf"):
        pairs[pdf.relative_to(out).parts[0]] = (pdf.with_suffix(".docx"), pdf)
    return pairs


def _closing_texts(docx: Path) -> tuple[str, str]:
    import re

    xml = zipfile.ZipFile(docx).read("word/document.xml").decode("utf-8")
    paragraphs = re.findall(r'<w:p>(?:(?!</w:p>).)*?w:val="Signature".*?</w:p>', xml)
    texts = ["".join(re.findall(r"<w:t[^>]*>([^<]*)</w:t>", p)) for p in paragraphs]
    return texts[0], texts[1]


@needs_libreoffice
def test_every_example_becomes_a_pdf_in_one_run(rendered):
    assert set(rendered) == {"岳阳楼区", "裕安区", "奉化区"}


@needs_libreoffice
@pytest.mark.parametrize("district", ["岳阳楼区", "裕安区", "奉化区"])
def test_signature_and_date_stand_where_gb_t_9704_puts_them(rendered, district):
    docx, pdf = rendered[district]
    closing = measure_closing(read_lines(pdf), *_closing_texts(docx))
    assert closing.problems() == []
    assert abs(closing.date_offset - 2) <= 0.25
    if not closing.date_is_longer:
        assert abs(closing.signature_right_space - 2) <= 0.25
    assert closing.blank_lines_before == 1


@needs_libreoffice
@pytest.mark.parametrize("district", ["岳阳楼区", "裕安区", "奉化区"])
def test_no_single_line_of_a_paragraph_alone_at_a_page_head_or_foot(rendered, district):
    assert stranded_lines(read_lines(rendered[district][1])) == []


@needs_libreoffice
@pytest.mark.parametrize("district", ["岳阳楼区", "裕安区", "奉化区"])
def test_no_punctuation_hangs_past_the_text_block(rendered, district):
    assert overhang(read_lines(rendered[district][1])) < 0.5  # mm


@needs_libreoffice
def test_a_two_line_title_has_its_own_line_spacing(rendered):
    pages = read_lines(rendered["裕安区"][1])
    title = [line for line in pages[0][:3] if line.y_max - line.y_min > 24]  # 22 pt lines
    assert len(title) == 2
    gap_mm = (title[1].y_min - title[0].y_min) * 25.4 / 72
    assert 10 < gap_mm < 14  # 36 pt, not two body lines (20.4 mm)


def test_pdf_without_libreoffice_says_how_to_install_it(workspace, cli, monkeypatch):
    import zongjie.pdf

    monkeypatch.setattr(zongjie.pdf, "find_soffice", lambda: None)
    result = cli("build", "岳阳楼区", "2023", "--format", "pdf", cwd=workspace)
    assert result.code == 2
    assert "LibreOffice" in result.err and "apt install" in result.err and "Windows" in result.err
    assert not list((workspace / "build").rglob("*.*")) if (workspace / "build").exists() else True


def test_pdf_is_not_a_default_format_and_is_accepted_by_name():
    from zongjie.inputs.config import FORMATS, parse_formats

    assert "pdf" not in FORMATS
    assert parse_formats(["docx", "PDF"]) == ("docx", "pdf")


def test_a_font_missing_from_the_pdf_is_named(tmp_path, monkeypatch):
    import zongjie.pdf as pdf

    monkeypatch.setattr(pdf.shutil, "which", lambda name: "/usr/bin/pdffonts")
    monkeypatch.setattr(pdf, "pdf_fonts", lambda path: ["NotoSerifCJKsc-Regular", "SimHei", "LiberationSerif"])
    missing, used = pdf.substituted_fonts(tmp_path / "x.pdf", {"仿宋_GB2312", "黑体", "Times New Roman"})
    assert missing == ["Times New Roman", "仿宋_GB2312"]
    assert used == ["NotoSerifCJKsc-Regular", "LiberationSerif"]
    warning = pdf.substitution_warning([tmp_path / "总结.pdf"], missing, used)
    assert "仿宋_GB2312" in warning and "NotoSerifCJKsc-Regular" in warning and "总结.pdf" in warning
    many = pdf.substitution_warning([tmp_path / f"{n}.pdf" for n in range(2800)], missing, used)
    assert "等 2800 份 PDF" in many and many.count("\n") == 1  # one warning, not 2,800


needs_chromium = pytest.mark.skipif(
    (shutil.which("chromium") or shutil.which("chromium-browser")) is None or shutil.which("pdftotext") is None,
    reason="Chromium 与 poppler-utils（pdftotext）未安装：无法打印 HTML 并测量",
)


@needs_chromium
def test_html_printout_keeps_the_official_layout(rendered, tmp_path):
    """The HTML of the longest example printed by Chromium: 28 characters in a full line,
    signature and date where GB/T 9704 puts them, no stranded single line."""
    import subprocess

    from typer.testing import CliRunner

    from zongjie.cli import app

    docx, _ = rendered["岳阳楼区"]
    workspace = docx.parents[3]  # <workspace>/out/岳阳楼区/2023/<title>.docx
    out = workspace / "html"
    result = CliRunner().invoke(app, ["build", "岳阳楼区", "2023", "--workspace", str(workspace), "--format", "html",
                                      "--out", str(out)])
    assert result.exit_code == 0, result.output
    html = next(out.rglob("*.html"))
    pdf = tmp_path / "print.pdf"
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    subprocess.run([chromium, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                    f"--user-data-dir={tmp_path / 'profile'}", "--no-pdf-header-footer", f"--print-to-pdf={pdf}",
                    html.as_uri()], check=True, capture_output=True, timeout=120)
    pages = read_lines(pdf)
    full = [line for page in pages for line in page
            if line.is_body and line.flush_left and line.x_max > 500 and all(ord(ch) > 0x2E7F for ch in line.text)]
    assert full and max(len(line.text) for line in full) == 28
    assert measure_closing(pages, *_closing_texts(docx)).problems() == []
    assert stranded_lines(pages) == []


@needs_libreoffice
def test_signatures_and_dates_of_other_lengths_in_libreoffice(tmp_path, monkeypatch):
    """A short signature with a long date, a long signature with a short date, a date of
    about the signature's length: converted together through zongjie.pdf, then measured."""
    from zongjie.document.model import Document, Meta, Paragraph, Text
    from zongjie.pdf import convert, stage
    from zongjie.writers import WriteOptions, write

    cases = [("某局", "2023年12月20日"), ("六安市裕安区医疗保障局", "2024年1月5日"), ("岳阳楼区医疗保障局", "2023年10月1日")]
    jobs = []
    for number, (signature, date) in enumerate(cases):
        document = Document(Meta(signature=(Text(signature),), date=(Text(date),)), (Paragraph((Text("正文。" * 30),)),))
        target = tmp_path / f"{number}.pdf"
        jobs.append((stage(tmp_path, write("docx", document, WriteOptions()), target), target))
    monkeypatch.setenv("FONTCONFIG_FILE", str(REPO / "tools" / "fonts.conf"))
    converted = convert(jobs)
    assert converted.failed == []
    for (signature, date), (_, target) in zip(cases, jobs):
        closing = measure_closing(read_lines(target), signature, date)
        assert closing.problems() == [], (signature, date, closing)
    assert measure_closing(read_lines(jobs[0][1]), *cases[0]).date_is_longer  # 某局 moves left of the date


def test_the_font_substitutions_shipped_for_libreoffice_are_valid_fontconfig():
    from xml.dom.minidom import parse

    import zongjie

    conf = Path(zongjie.__file__).with_name("fonts.conf")
    families = [node.firstChild.data for node in parse(str(conf)).getElementsByTagName("family")]
    assert {"仿宋_GB2312", "黑体", "楷体_GB2312", "方正小标宋简体"} <= set(families)
