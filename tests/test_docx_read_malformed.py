"""A DOCX edited outside Word (another program, a hand-edited XML) can leave out attributes
Word always writes; reading it back for review must not fail on them."""

from __future__ import annotations

import io
import zipfile

from zongjie.review.docx_read import read_docx

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def _docx(styles: str, body: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("word/document.xml", f'<w:document xmlns:w="{W}"><w:body>{body}</w:body></w:document>')
        archive.writestr("word/styles.xml", f'<w:styles xmlns:w="{W}">{styles}</w:styles>')
    return buffer.getvalue()


def test_a_style_whose_name_has_no_value_is_known_by_its_id():
    data = _docx('<w:style w:type="paragraph" w:styleId="Heading 1"><w:name/></w:style>',
                 '<w:p><w:pPr><w:pStyle w:val="Heading 1"/></w:pPr><w:r><w:t>一、基金运行</w:t></w:r></w:p>')
    document = read_docx(data)
    assert [(p.text, p.style) for p in document.paragraphs] == [("一、基金运行", "heading1")]
