"""The DOCX prototype is checked-in data: the dev script reproduces it, and a build needs no
python-docx to use it."""

from __future__ import annotations

import importlib.util
import io
import subprocess
import sys
import zipfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DATA = REPO / "src" / "zongjie" / "writers" / "docx" / "data"


def _tool():
    spec = importlib.util.spec_from_file_location("make_docx_prototype", REPO / "tools" / "make_docx_prototype.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_checked_in_prototype_parts_are_exactly_what_the_dev_script_builds():
    tool = _tool()
    built = tool.build_prototype()
    checked_in = tool.checked_in_parts(DATA)
    assert list(checked_in) == list(built)  # same parts, in the same zip order
    stale = [name for name in built if built[name] != checked_in[name]]
    assert stale == [], "请运行 python tools/make_docx_prototype.py 重新生成样板"
    on_disk = {str(path.relative_to(DATA)).replace("\\", "/") for path in DATA.rglob("*") if path.is_file()}
    assert on_disk == set(built) | {"parts.txt"}  # no stray part left behind


def test_the_dev_script_check_mode_fails_on_a_stale_part(tmp_path):
    tool = _tool()
    parts = tool.build_prototype()
    tool.write_parts(parts, tmp_path)
    assert tool.checked_in_parts(tmp_path) == parts
    (tmp_path / "word" / "styles.xml").write_bytes(parts["word/styles.xml"].replace(b"Heading1", b"HeadingX"))
    assert tool.checked_in_parts(tmp_path) != parts


def test_writing_a_docx_imports_no_python_docx():
    code = """
import sys
sys.modules["docx"] = None  # any `import docx` now fails
from zongjie.document.model import Document, Heading, Meta, Paragraph, Text
from zongjie.document.numbering import number_headings
from zongjie.writers import write
document = number_headings(Document(Meta(title=(Text("总结"),)), (Heading(1, (Text("工作"),)), Paragraph((Text("正文"),)))))
sys.stdout.buffer.write(write("docx", document))
"""
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, cwd=REPO)
    assert run.returncode == 0, run.stderr.decode("utf-8", "replace")
    archive = zipfile.ZipFile(io.BytesIO(run.stdout))
    document = archive.read("word/document.xml").decode("utf-8")
    assert "总结" in document and "正文" in document
    assert 'w:styleId="Heading1"' in archive.read("word/styles.xml").decode("utf-8")
