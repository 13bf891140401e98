"""`zongjie serve`: the warm preview rebuilds what a save concerns, shows findings at their
figures and unusable input as a message, and answers only this machine."""

from __future__ import annotations

import http.client
import threading
import time
from urllib.parse import quote

import pytest
from conftest import replace_in

from zongjie.inputs.workspace import Workspace
from zongjie.preview.changes import EVERYTHING, concerned
from zongjie.preview.server import PreviewState, open_server

DOC = "岳阳楼区 2023"


def test_a_planted_total_error_is_highlighted_at_its_figure_and_listed_with_its_line(workspace):
    replace_in(workspace / "content/岳阳楼区/2023/facts.yaml", "城乡居民缴费人数: 389888人", "城乡居民缴费人数: 389988人")
    state = PreviewState(workspace, "岳阳楼区", "2023")
    state.rebuild()
    preview = state.previews[DOC]
    assert preview.status == "errors"
    page = _get_page(state, f"/doc/{quote('岳阳楼区')}/2023/")
    assert 'class="fact zj-error" data-fact="参保.参保人数"' in page
    assert "content/岳阳楼区/2023/facts.yaml:12" in page  # the panel names the total's line
    assert "389988人" in page


def test_broken_yaml_shows_the_message_and_the_page_recovers_when_fixed(workspace):
    facts = workspace / "content/岳阳楼区/2023/facts.yaml"
    good = facts.read_text(encoding="utf-8")
    facts.write_text(good.replace("参保人数: 429198人", "参保人数: [429198人", 1), encoding="utf-8")
    state = PreviewState(workspace, None, None)
    state.rebuild()
    assert state.previews[DOC].status == "failed"
    page = _get_page(state, f"/doc/{quote('岳阳楼区')}/2023/")
    assert "无法生成" in page and "facts.yaml:" in page and "Traceback" not in page
    assert state.previews["奉化区 2022"].status == "ok"  # one broken district does not hide the others

    facts.write_text(good, encoding="utf-8")
    rebuilt = state.rebuild([facts])
    assert rebuilt == [DOC]
    assert state.previews[DOC].status == "ok"
    assert "429198人" in _get_page(state, f"/doc/{quote('岳阳楼区')}/2023/")


def test_a_save_rebuilds_only_the_documents_that_read_the_file(workspace):
    ws = Workspace.open(workspace)
    documents = ws.select()
    narrative = workspace / "content/奉化区/2022/导语.md"
    assert concerned(ws, documents, [narrative]) == {"奉化区 2022"}
    assert concerned(ws, documents, [workspace / "content/岳阳楼区/checks.yaml"]) == {DOC}
    assert concerned(ws, documents, [workspace / "templates/医保年度工作总结/章节/参保.md"]) == {EVERYTHING}
    assert concerned(ws, documents, [workspace / "config.yaml"]) == {EVERYTHING}
    assert concerned(ws, documents, [workspace / "build/岳阳楼区/2023/x.html"]) == set()


def test_a_new_year_folder_appears_in_the_index_without_a_restart(workspace, cli):
    state = PreviewState(workspace, None, None)
    state.rebuild()
    assert cli("new", "岳阳楼区", "2024", cwd=workspace).code == 0
    state.rebuild([workspace / "content/岳阳楼区/2024/facts.yaml"])
    assert "岳阳楼区 2024" in state.previews
    index = _get_page(state, "/")
    assert "岳阳楼区 2024" in index and "岳阳楼区 2023" in index


def test_downloads_are_the_current_document_and_unknown_paths_are_not_found(workspace):
    state = PreviewState(workspace, "岳阳楼区", "2023")
    state.rebuild()
    with _running(state) as port:
        status, headers, body = _request(port, f"/doc/{quote('岳阳楼区')}/2023/download.docx")
        assert status == 200 and body[:2] == b"PK"
        assert "attachment" in headers["Content-Disposition"]
        status, _, body = _request(port, f"/doc/{quote('岳阳楼区')}/2023/download.md")
        assert status == 200 and "429198人" in body.decode()
        for path in ("/doc/岳阳楼区/2023/../../../config.yaml", "/doc/x/2023/", "/etc/passwd",
                     f"/doc/{quote('岳阳楼区')}/2023/download.exe"):
            assert _request(port, quote(path))[0] == 404


def test_the_pdf_of_the_last_build_is_offered_and_nothing_outside_the_output_folder(workspace, tmp_path):
    state = PreviewState(workspace, "岳阳楼区", "2023")
    state.rebuild()
    page_url = f"/doc/{quote('岳阳楼区')}/2023/"
    with _running(state) as port:
        status, _, body = _request(port, page_url)
        assert "PDF 未生成" in body.decode() and "download.pdf" not in body.decode()
        assert _request(port, page_url + "download.pdf")[0] == 404
        # as `zongjie build --format pdf` leaves it (LibreOffice is too slow for every save)
        folder = workspace / "build/岳阳楼区/2023"
        folder.mkdir(parents=True)
        pdf = folder / f"{state.previews[DOC].title}.pdf"
        pdf.write_bytes(b"%PDF-1.4 last build")
        status, _, body = _request(port, page_url)
        assert "下载 PDF（上次生成）" in body.decode()
        status, headers, body = _request(port, page_url + "download.pdf")
        assert status == 200 and body == b"%PDF-1.4 last build" and headers["Content-Type"] == "application/pdf"
        # a PDF that is a link out of the output folder is not served
        outside = tmp_path / "secret.pdf"
        outside.write_bytes(b"%PDF-1.4 not ours")
        pdf.unlink()
        pdf.symlink_to(outside)
        assert _request(port, page_url + "download.pdf")[0] == 404


def test_a_reference_docx_removed_after_the_rebuild_is_a_message_on_the_page(workspace):
    from zongjie.build import write_options
    from zongjie.writers.docx import write as write_docx  # a reference document: our own DOCX will do

    state = PreviewState(workspace, "岳阳楼区", "2023")
    state.rebuild()
    reference = workspace / "参考.docx"
    preview = state.previews[DOC]
    reference.write_bytes(write_docx(preview.document, write_options(state.workspace, preview.district_year)))
    config = workspace / "config.yaml"
    config.write_text(config.read_text(encoding="utf-8") + "\nreference_docx: 参考.docx\n", encoding="utf-8")
    state.rebuild()
    reference.unlink()  # deleted, and the page asked for before the watcher rebuilt
    with _running(state) as port:
        status, _, body = _request(port, f"/doc/{quote('岳阳楼区')}/2023/")
    assert status == 200 and "找不到 reference_docx" in body.decode() and "config.yaml" in body.decode()


def test_on_loopback_only_requests_naming_this_machine_are_answered(workspace):
    state = PreviewState(workspace, "岳阳楼区", "2023")
    state.rebuild()
    with _running(state) as port:
        assert _request(port, "/", host=f"127.0.0.1:{port}")[0] == 200
        assert _request(port, "/", host=f"localhost:{port}")[0] == 200
        assert _request(port, "/", host="attacker.example:80")[0] == 403  # DNS rebinding


def test_open_pages_are_told_to_reload_after_a_rebuild(workspace):
    state = PreviewState(workspace, "岳阳楼区", "2023")
    state.rebuild()
    with _running(state) as port:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        connection.request("GET", "/events?doc=" + quote(DOC))
        response = connection.getresponse()
        assert response.getheader("Content-Type").startswith("text/event-stream")
        assert response.readline() == b"retry: 1000\n"
        threading.Timer(0.2, state.rebuild, ([workspace / "content/岳阳楼区/2023/facts.yaml"],)).start()
        lines = [response.readline() for _ in range(3)]
        assert b"event: reload\n" in lines
        connection.close()


def test_a_busy_port_is_a_chinese_message_and_the_default_takes_the_next_free_one(workspace):
    from zongjie.errors import ZongjieError

    state = PreviewState(workspace, "岳阳楼区", "2023")
    first = open_server(state, "127.0.0.1", None)
    try:
        second = open_server(state, "127.0.0.1", None)
        assert second.server_address[1] != first.server_address[1]
        second.server_close()
        with pytest.raises(ZongjieError, match="无法在 127.0.0.1"):
            open_server(state, "127.0.0.1", first.server_address[1])
    finally:
        first.server_close()


def test_serve_builds_watches_and_stops_on_ctrl_c(workspace):
    """The real command in a child process: it rebuilds on save and Ctrl-C ends it cleanly."""
    import os
    import signal
    import subprocess
    import sys

    # faulthandler: if Ctrl-C ever hangs, SIGABRT below prints every thread's stack into the failure
    child = subprocess.Popen([sys.executable, "-m", "zongjie", "serve", "岳阳楼区", "2023", "-w", str(workspace)],
                             stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, encoding="utf-8",
                             env={**os.environ, "PYTHONFAULTHANDLER": "1"})
    try:
        port = _port_from(child)
        replace_in(workspace / "content/岳阳楼区/2023/facts.yaml", "城乡居民缴费人数: 389888人", "城乡居民缴费人数: 389988人")
        line = _line_with(child, "已重新生成")
        assert "岳阳楼区 2023" in line and "校验错误" in line
        assert "389988人" in _request(port, f"/doc/{quote('岳阳楼区')}/2023/")[2].decode()
        child.send_signal(signal.SIGINT)
        try:
            out, _ = child.communicate(timeout=10)
        except subprocess.TimeoutExpired:
            child.send_signal(signal.SIGABRT)
            pytest.fail("zongjie serve did not stop within 10 s of Ctrl-C:\n" + child.communicate(timeout=10)[0])
        assert child.returncode == 0 and "预览已停止" in out and "Traceback" not in out
    finally:
        child.kill()


# ---- helpers --------------------------------------------------------------------------------
def _port_from(child) -> int:
    line = _line_with(child, "预览地址")
    return int(line.split(":")[2].split("/")[0])


def _line_with(child, needle: str, seconds: float = 30) -> str:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        line = child.stdout.readline()
        if needle in line:
            return line
        if not line and child.poll() is not None:
            break
    raise AssertionError(f"no line with {needle!r}")


class _running:
    def __init__(self, state: PreviewState):
        self.server = open_server(state, "127.0.0.1", None)

    def __enter__(self) -> int:
        threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
        return self.server.server_address[1]

    def __exit__(self, *exc) -> None:
        self.server.state.stop()
        self.server.shutdown()
        self.server.server_close()


def _request(port: int, path: str, host: str | None = None):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    connection.putrequest("GET", path, skip_host=host is not None)
    if host is not None:
        connection.putheader("Host", host)
    connection.endheaders()
    response = connection.getresponse()
    body = response.read()
    connection.close()
    return response.status, dict(response.getheaders()), body


def _get_page(state: PreviewState, path: str) -> str:
    with _running(state) as port:
        status, _, body = _request(port, path)
        assert status == 200
        return body.decode("utf-8")


def test_a_finding_about_last_years_figure_does_not_light_this_years(workspace):
    """Both years' facts.yaml call it 参保.参保人数: the finding is matched by the key a rule
    names it by (上年.参保.参保人数), not by the bare key."""
    last_year = workspace / "content/岳阳楼区/2022/facts.yaml"
    last_year.parent.mkdir()
    last_year.write_text("参保:\n  参保人数: 420000人\n", encoding="utf-8")
    rules = workspace / "content/岳阳楼区/checks.yaml"
    rules.write_text(rules.read_text(encoding="utf-8")
                     + "  - 名称: 上年参保人数上限\n    关系: 上年.参保.参保人数 <= 1000人\n", encoding="utf-8")
    state = PreviewState(workspace, "岳阳楼区", "2023")
    state.rebuild()
    assert [f.check for f in state.previews[DOC].errors] == ["上年参保人数上限"]
    page = _get_page(state, f"/doc/{quote('岳阳楼区')}/2023/")
    assert 'class="fact" data-fact="参保.参保人数" title' in page  # this year's 429198人 is not lit
    assert 'class="fact zj-error"' not in page  # and no figure of last year is shown
    assert '<li class="error" data-finding="0">' in page and "2022/facts.yaml:2" in page  # listed, with its line
