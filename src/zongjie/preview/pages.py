"""The pages the preview server shows: the workspace index, a document with its findings,
and the message of a document that cannot be built.

A document page is the HTML the build writes, with three additions before `</body>`: a style
for highlighted figures, a panel listing the findings (file:line and what to do), and a small
script that reloads on the server's signal and shows a figure's source and finding on tap
(phones have no hover). The HTML writer marks the figures itself (options.marks: FindingMarks
below), so the highlights show without script.
"""

from __future__ import annotations

import json
from html import escape
from urllib.parse import quote

from msgspec.structs import replace

from zongjie.checks.findings import Finding, Severity
from zongjie.checks.report import finding_text
from zongjie.document.model import FactSpan
from zongjie.location import Location
from zongjie.messages import localized as _t  # the workspace's script; names on disk kept
from zongjie.preview.documents import Preview
from zongjie.review.notes import rule_key, span_rule_keys
from zongjie.writers import WriteOptions, write

STATUS_TEXT = {"ok": "通过", "errors": "校验有错误", "failed": "无法生成"}

OVERLAY_STYLE = """
span.fact.zj-error { background: #ffd9d6; box-shadow: 0 0 0 2px #d93025; border-radius: 2px; }
span.fact.zj-warning { background: #fff1c2; box-shadow: 0 0 0 2px #e8a200; border-radius: 2px; }
#zj-panel { max-width: 46rem; margin: 1rem auto 3rem; padding: 1rem 1.25rem; background: #fff; font: 15px/1.6 system-ui, "Noto Sans CJK SC", sans-serif; box-sizing: border-box; }
#zj-panel h2 { font-size: 16px; margin: 0 0 .5rem; text-indent: 0; }
#zj-panel ol { padding-left: 1.4em; margin: 0; }
#zj-panel li { margin: .4rem 0; white-space: pre-wrap; cursor: pointer; }
#zj-panel li.error { color: #a50e0e; } #zj-panel li.warning { color: #7a5200; }
#zj-bar { position: sticky; top: 0; z-index: 2; background: #263238; color: #fff; font: 14px/1.7 system-ui, sans-serif; padding: .3rem 1rem; display: flex; gap: .1rem 1rem; flex-wrap: wrap; }
#zj-bar a { color: #b3e5fc; }
#zj-tip { position: fixed; left: .5rem; right: .5rem; bottom: .5rem; max-width: 40rem; margin: 0 auto; background: #263238; color: #fff; font: 14px/1.6 system-ui, sans-serif; padding: .6rem .9rem; border-radius: 6px; white-space: pre-wrap; display: none; z-index: 3; }
@media print { #zj-panel, #zj-bar, #zj-tip { display: none; } }
"""

RELOAD_SCRIPT = """
(function () {
  var source = new EventSource(%(events)s);
  source.addEventListener("reload", function () { location.reload(); });
  var tip = document.getElementById("zj-tip");
  document.addEventListener("click", function (event) {
    var item = event.target.closest && event.target.closest("#zj-panel li[data-finding]");
    if (item) {
      var figure = document.querySelector('span.fact[data-findings~="' + item.getAttribute("data-finding") + '"]');
      if (figure) figure.scrollIntoView({block: "center"});
      return;
    }
    var span = event.target.closest && event.target.closest("span.fact");
    if (!span || !tip) { if (tip) tip.style.display = "none"; return; }
    tip.textContent = span.getAttribute("title") || "";
    tip.style.display = tip.textContent ? "block" : "none";
  });
})();
"""


def document_url(preview: Preview) -> str:
    district_year = preview.district_year
    return f"/doc/{quote(district_year.district)}/{quote(district_year.year)}/"


def events_url(label: str) -> str:
    return "/events?doc=" + quote(label)


def index_page(previews: list[Preview], workspace_error: str = "") -> str:
    rows = []
    for preview in previews:
        counts = (f'<span>{_t(f"错误 {len(preview.errors)}")}</span><span class="sep"> · </span>'
                  f'<span>{_t(f"警告 {len(preview.warnings)}")}</span>') if not preview.error else "—"
        rows.append(
            f'<tr class="{preview.status}"><td><a href="{document_url(preview)}">{escape(preview.label)}</a></td>'
            f"<td>{escape(preview.title or '')}</td><td>{_t(STATUS_TEXT[preview.status])}</td>"
            f"<td>{counts}</td><td>{preview.milliseconds:.0f} ms</td></tr>"
        )
    problem = f'<pre id="zj-error">{escape(_t(workspace_error))}</pre>' if workspace_error else ""
    body = (
        f'<h1>{_t("zongjie 预览")}</h1><p>{_t("保存 facts.yaml、叙述或模板后，相关文档自动重新生成，页面自动刷新。")}</p>'
        + problem + '<div class="wrap"><table><thead><tr>'
        + "".join(f"<th>{_t(name)}</th>" for name in ("地区年度", "标题", "状态", "校验", "生成耗时"))
        + f"</tr></thead><tbody>{''.join(rows)}</tbody></table></div>"
    )
    style = (
        "body{font:15px/1.6 system-ui,'Noto Sans CJK SC',sans-serif;margin:0 auto;max-width:60rem;padding:1rem;}"
        "table{border-collapse:collapse;width:100%}td,th{border-bottom:1px solid #ddd;padding:.4rem;text-align:left}"
        "pre{white-space:pre-wrap;background:#fff4f4;border-left:4px solid #a50e0e;padding:.8rem;font:inherit}"
        "td:first-child,td:nth-child(3),td:nth-child(4) span{white-space:nowrap}"
        # a phone: no build time, and the counts on two lines rather than broken inside
        "@media(max-width:480px){td:nth-child(5),th:nth-child(5){display:none}td:nth-child(4) span{display:block}"
        "td:nth-child(4) span.sep{display:none}}"
        ".wrap{overflow-x:auto}tr.errors td:nth-child(3){color:#a50e0e}tr.failed td:nth-child(3){color:#fff;background:#a50e0e}"
    )
    return _page(_t("zongjie 预览"), style, body, events_url("*"))


def error_page(preview: Preview) -> str:
    body = (
        f'<p><a href="/">{_t("← 全部文档")}</a></p><h1>{escape(preview.label)}{_t("：无法生成")}</h1>'
        f'<pre id="zj-error">{escape(_t(preview.error))}</pre>'
        + f'<p>{_t("改正上面指出的文件并保存，本页会自动刷新。")}</p>'
    )
    style = ("body{font:15px/1.6 system-ui,'Noto Sans CJK SC',sans-serif;margin:0 auto;max-width:50rem;padding:1rem;}"
             "pre{white-space:pre-wrap;background:#fff4f4;border-left:4px solid #a50e0e;padding:.8rem;font:inherit}")
    return _page(preview.label + _t("：无法生成"), style, body, events_url(preview.label))


def document_page(preview: Preview, options: WriteOptions, has_pdf: bool = False) -> str:
    """The built HTML of the document, with the findings at their figures; `has_pdf`: a PDF
    of the last `zongjie build --format pdf` is there to download."""
    assert preview.document is not None
    marks = FindingMarks(preview)
    html = write("html", preview.document, replace(options, trace=True, marks=marks)).decode("utf-8")
    overlay = (
        f"<style>{OVERLAY_STYLE}</style>"
        + _panel(marks.shown)
        + '<div id="zj-tip" role="status"></div>'
        + f"<script>{RELOAD_SCRIPT % {'events': json.dumps(events_url(preview.label))}}</script>"
    )
    html = html.replace("<body>\n", "<body>\n" + _bar(preview, has_pdf), 1)
    return html.replace("</body>", overlay + "</body>", 1)


def _bar(preview: Preview, has_pdf: bool) -> str:
    base = document_url(preview)
    pdf = (f'<a href="{base}download.pdf">{_t("下载 PDF（上次生成）")}</a>' if has_pdf else
           f'<span title="{_t("运行 zongjie build --format pdf 生成 PDF 后可在此下载")}">{_t("PDF 未生成")}</span>')
    return (
        f'<nav id="zj-bar"><a href="/">{_t("← 全部文档")}</a><span>{escape(preview.label)}</span>'
        + f'<span>{_t(f"错误 {len(preview.errors)} · 警告 {len(preview.warnings)}")} · {preview.milliseconds:.0f} ms</span>'
        + f'<a href="{base}download.docx">{_t("下载")} DOCX</a><a href="{base}download.md">{_t("下载")} Markdown</a>{pdf}</nav>'
    )


def _panel(shown: list[Finding]) -> str:
    """The errors and warnings, numbered as FindingMarks numbers them: a tap on one scrolls to
    the first figure it concerns."""
    if not shown:
        return f'<section id="zj-panel"><h2>{_t("校验通过")}</h2><p>{_t("没有错误或警告。")}</p></section>'
    items = [f'<li class="{finding.severity}" data-finding="{number}">{escape(_t(finding_text(finding)))}</li>'
             for number, finding in enumerate(shown)]
    return f'<section id="zj-panel"><h2>{_t(f"校验结果（{len(shown)}）")}</h2><ol>{"".join(items)}</ol></section>'


class FindingMarks:
    """The errors and warnings at each figure of the page, for the HTML writer (options.marks).

    A figure is matched by the key a rule names it by (review.notes.rule_key): this year's
    参保.参保人数 and last year's 上年.参保.参保人数 are different figures, so a finding about
    last year's never lights this year's, though both are 参保.参保人数 in their facts.yaml."""

    def __init__(self, preview: Preview):
        self.shown = [finding for finding in preview.findings if finding.severity in (Severity.ERROR, Severity.WARNING)]
        loaded = preview.loaded
        self._facts = loaded.facts if loaded is not None else None
        self._previous = loaded.previous if loaded is not None else None
        self._concerns: dict[str, list[int]] = {}
        for number, finding in enumerate(self.shown):
            for figure in finding.figures:
                key = self._rule_key(figure.key, figure.location)
                if key is not None and number not in self._concerns.get(key, ()):
                    self._concerns.setdefault(key, []).append(number)

    def mark(self, span: FactSpan) -> tuple[str, tuple[str, ...], tuple[int, ...]]:
        """The figure's severity ("error", "warning" or ""), the findings' messages for its
        tooltip, and their numbers in the panel."""
        keys = ({key for key in span.keys} if self._facts is None
                else span_rule_keys(span, self._facts, self._previous))
        numbers = sorted({number for key in keys for number in self._concerns.get(key, ())})
        if not numbers:
            return "", (), ()
        found = [self.shown[number] for number in numbers]
        severity = Severity.ERROR if any(f.severity == Severity.ERROR for f in found) else Severity.WARNING
        notes = tuple(_t(f"{Severity(f.severity).word}：{f.message}") for f in found)
        return str(severity), notes, tuple(numbers)

    def _rule_key(self, key: str, location: Location | None) -> str | None:
        if self._facts is None:
            return key
        return rule_key(key, location, self._facts, self._previous)


def _page(title: str, style: str, body: str, events: str) -> str:
    script = RELOAD_SCRIPT % {"events": json.dumps(events)}
    return (
        '<!DOCTYPE html>\n<html lang="zh-CN"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape(title)}</title><style>{style}</style></head><body>{body}"
        f'<div id="zj-tip"></div><script>{script}</script></body></html>'
    )
