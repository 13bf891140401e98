"""`zongjie serve`: a local HTTP server, a file watcher, and server-sent events.

One warm process: the first build pays for imports and template compilation, every later one
only for the document that changed (a few milliseconds). The watcher thread rebuilds; the
request threads only read the latest `Preview` of each document, which is replaced whole, so
no page ever sees half a rebuild. The server listens on 127.0.0.1 unless told otherwise, and
then only requests naming this machine are answered on loopback (a web page elsewhere cannot
read the workspace through the browser by DNS rebinding).
"""

from __future__ import annotations

import errno
import socket
import threading
from collections.abc import Callable
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, quote, unquote, urlsplit

from msgspec.structs import replace

from zongjie.build import write_options
from zongjie.errors import ZongjieError
from zongjie.inputs.workspace import DistrictYear, Workspace
from zongjie.messages import use_workspace_locale
from zongjie.preview.changes import EVERYTHING, concerned, ignored
from zongjie.preview.documents import Preview, last_built_pdf, rebuild
from zongjie.preview.pages import document_page, error_page, index_page
from zongjie.writers import write

DEFAULT_PORT = 8765
PORTS_TRIED = 50
KEEPALIVE_SECONDS = 15.0
LOOPBACK = ("127.0.0.1", "localhost", "::1", "[::1]")


class PreviewState:
    """The documents being previewed and their latest rebuilds."""

    def __init__(self, root: Path, district: str | None, year: str | None):
        self.root, self.district, self.year = root, district, year
        self.previews: dict[str, Preview] = {}
        self.workspace: Workspace | None = None
        self.workspace_error = ""
        self.version = 0
        self.changed = threading.Condition()
        self.stopping = False
        self._building = threading.Lock()  # the first build and the watcher's may overlap

    # ---- rebuilding (watcher thread) ----------------------------------------------------
    def documents(self) -> list[DistrictYear]:
        """Open the workspace afresh (config.yaml or the folders may have changed)."""
        try:
            self.workspace = Workspace.open(self.root)
            use_workspace_locale(self.workspace, (self.district,))  # 錯誤 on the page, as from check
            selected = self.workspace.select(self.district, self.year)
        except ZongjieError as error:
            self.workspace_error = str(error)
            return []
        self.workspace_error = ""
        return selected

    def rebuild(self, changed: list[Path] | None = None) -> list[str]:
        """Rebuild what `changed` concerns (everything when None); return the labels rebuilt."""
        with self._building:
            return self._rebuild(changed)

    def _rebuild(self, changed: list[Path] | None) -> list[str]:
        documents = self.documents()
        if self.workspace is None:
            self._publish({})
            return []
        labels = {d.label for d in documents}
        wanted = labels if changed is None else concerned(self.workspace, documents, changed)
        if EVERYTHING in wanted:
            wanted = labels
        wanted |= labels - set(self.previews)  # a year folder that just appeared
        fresh = {d.label: rebuild(self.workspace, d, self.version + 1) for d in documents if d.label in wanted}
        kept = {label: p for label, p in self.previews.items() if label in labels and label not in fresh}
        self._publish({**kept, **fresh}, order=[d.label for d in documents])
        return sorted(fresh)

    def _publish(self, previews: dict[str, Preview], order: list[str] | None = None) -> None:
        with self.changed:
            self.previews = {label: previews[label] for label in (order or previews) if label in previews}
            self.version += 1
            self.changed.notify_all()

    # ---- reading (request threads) ------------------------------------------------------
    def version_of(self, label: str) -> int:
        if label == EVERYTHING:
            return self.version
        preview = self.previews.get(label)
        return preview.version if preview else 0

    def wait_for_change(self, label: str, seen: int, timeout: float) -> int | None:
        with self.changed:
            self.changed.wait_for(lambda: self.stopping or self.version_of(label) > seen, timeout)
            current = self.version_of(label)
            return current if current > seen else None

    def stop(self) -> None:
        with self.changed:
            self.stopping = True
            self.changed.notify_all()


class PreviewHandler(BaseHTTPRequestHandler):
    server: "PreviewServer"
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args) -> None:  # noqa: A002 - the base class's name
        pass  # the console shows rebuilds, not every request

    def do_GET(self) -> None:  # noqa: N802 - http.server's name
        if not self._host_allowed():
            return self._send(HTTPStatus.FORBIDDEN, "text/plain", "只接受本机的访问。".encode())
        url = urlsplit(self.path)
        parts = [unquote(part) for part in url.path.split("/") if part]
        state = self.server.state
        if not parts:
            return self._html(index_page(list(state.previews.values()), state.workspace_error))
        if parts == ["events"]:
            return self._events(parse_qs(url.query).get("doc", [EVERYTHING])[0])
        if len(parts) in (3, 4) and parts[0] == "doc":
            preview = state.previews.get(f"{parts[1]} {parts[2]}")
            if preview is not None:
                return self._document(preview, parts[3] if len(parts) == 4 else "")
        self._send(HTTPStatus.NOT_FOUND, "text/html; charset=utf-8", '<p>没有这个页面。<a href="/">回到目录</a></p>'.encode())

    def _document(self, preview: Preview, item: str) -> None:
        if preview.document is None:
            return self._html(error_page(preview))
        workspace = self.server.state.workspace
        assert workspace is not None, "a preview exists only once the workspace has opened"
        try:
            options = write_options(workspace, preview.district_year)
        except ZongjieError as error:  # e.g. reference_docx deleted since the rebuild: the message, not a dropped page
            return self._html(error_page(replace(preview, error=str(error))))
        pdf = last_built_pdf(workspace, preview)
        if item == "":
            return self._html(document_page(preview, options, pdf is not None))
        if item == "download.pdf":
            if pdf is None:
                return self._send(HTTPStatus.NOT_FOUND, "text/plain; charset=utf-8",
                                  "还没有 PDF：请运行 zongjie build --format pdf。".encode())
            return self._attachment(pdf.read_bytes(), "application/pdf", pdf.name)
        formats = {"download.docx": ("docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
                   "download.md": ("md", "text/markdown; charset=utf-8")}
        if item not in formats:
            return self._send(HTTPStatus.NOT_FOUND, "text/plain; charset=utf-8", "没有这个文件。".encode())
        name, content_type = formats[item]
        self._attachment(write(name, preview.document, options), content_type, (preview.title or preview.label) + "." + name)

    def _attachment(self, data: bytes, content_type: str, filename: str) -> None:
        self._send(HTTPStatus.OK, content_type, data,
                   {"Content-Disposition": "attachment; filename*=UTF-8''" + _quote_header(filename)})

    def _events(self, label: str) -> None:
        """Server-sent events: `reload` when the document (or, for the index, anything) changed."""
        state = self.server.state
        seen = state.version_of(label)
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", "text/event-stream; charset=utf-8")
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        self.close_connection = True
        try:
            self.wfile.write(b"retry: 1000\n\n")
            self.wfile.flush()
            while not state.stopping:
                current = state.wait_for_change(label, seen, KEEPALIVE_SECONDS)
                if state.stopping:
                    return
                if current is None:
                    self.wfile.write(b": ping\n\n")
                else:
                    seen = current
                    self.wfile.write(f"event: reload\ndata: {current}\n\n".encode())
                self.wfile.flush()
        except (BrokenPipeError, ConnectionResetError, ConnectionAbortedError):
            return

    def _host_allowed(self) -> bool:
        """On loopback, answer only requests addressed to this machine by name or address."""
        if self.server.server_address[0] not in ("127.0.0.1", "::1"):
            return True
        host = self.headers.get("Host") or ""
        name = host.split("]")[0] + "]" if host.startswith("[") else host.rsplit(":", 1)[0]
        return name in LOOPBACK

    def _html(self, text: str) -> None:
        self._send(HTTPStatus.OK, "text/html; charset=utf-8", text.encode("utf-8"))

    def _send(self, status: HTTPStatus, content_type: str, data: bytes, headers: dict | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Cache-Control", "no-store")
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        try:
            self.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError, ConnectionAbortedError):
            pass


def _quote_header(name: str) -> str:
    return quote(name, safe="")


class PreviewServer(ThreadingHTTPServer):
    daemon_threads = True  # an open event stream must not keep Ctrl-C waiting
    allow_reuse_address = False  # never share a port with another server

    def __init__(self, address: tuple[str, int], state: PreviewState):
        self.address_family = socket.AF_INET6 if ":" in address[0] else socket.AF_INET
        super().__init__(address, PreviewHandler)
        self.state = state


def open_server(state: PreviewState, host: str, port: int | None) -> PreviewServer:
    """Listen on `port`, or on the first free port from DEFAULT_PORT on."""
    candidates = [port] if port is not None else range(DEFAULT_PORT, DEFAULT_PORT + PORTS_TRIED)
    for candidate in candidates:
        try:
            return PreviewServer((host, candidate), state)
        except OSError as error:
            if error.errno not in (errno.EADDRINUSE, errno.EACCES) or port is not None:
                raise ZongjieError(
                    f"无法在 {host}:{candidate} 上启动预览服务器（{error.strerror}）",
                    hint="端口可能已被占用：换一个端口，如 --port 8800，或不写 --port 让 zongjie 自动选择。",
                ) from None
    raise ZongjieError(f"端口 {DEFAULT_PORT}–{DEFAULT_PORT + PORTS_TRIED - 1} 都已被占用",
                       hint="用 --port 指定一个空闲的端口。")


def watch(state: PreviewState, stop: threading.Event, on_rebuilt: Callable[[list[str], PreviewState], None]) -> None:
    """Rebuild on every batch of saved files until `stop` is set (watcher thread)."""
    import watchfiles  # only the preview watches files

    for changes in watchfiles.watch(state.root, stop_event=stop, debounce=150, step=50,
                                    raise_interrupt=False, ignore_permission_denied=True):
        paths = [Path(path) for _, path in changes]
        if state.workspace is not None and all(ignored(state.workspace, p) for p in paths):
            continue
        on_rebuilt(state.rebuild(paths), state)


def serve(state: PreviewState, host: str, port: int | None, say: Callable[[str], None]) -> None:
    """Build everything once, then serve and watch until Ctrl-C."""
    server = open_server(state, host, port)
    stop = threading.Event()

    def on_rebuilt(labels: list[str], state: PreviewState) -> None:
        for label in labels:
            preview = state.previews.get(label)
            if preview is not None:
                say(f"已重新生成 {label}：{_outcome(preview)}（{preview.milliseconds:.0f} ms）")
        if state.workspace_error:
            say(state.workspace_error)

    # The watcher starts before the first build, so a file saved while it runs is not missed.
    watcher = threading.Thread(target=watch, args=(state, stop, on_rebuilt), name="zongjie-watch", daemon=True)
    watcher.start()
    built = state.rebuild()
    say(f"已生成 {len(built)} 份文档的预览。" + (f"\n{state.workspace_error}" if state.workspace_error else ""))
    shown_host = f"[{host}]" if ":" in host else host
    say(f"预览地址：http://{shown_host}:{server.server_address[1]}/    （按 Ctrl-C 停止）")
    try:
        server.serve_forever(poll_interval=0.2)
    except KeyboardInterrupt:
        pass
    finally:
        stop.set()
        state.stop()
        server.server_close()
        watcher.join(timeout=2)
        say("预览已停止。")


def _outcome(preview: Preview) -> str:
    if preview.error:
        return "无法生成，见页面上的说明"
    if preview.errors:
        return f"校验错误 {len(preview.errors)} 个"
    return "通过" + (f"，警告 {len(preview.warnings)} 个" if preview.warnings else "")
