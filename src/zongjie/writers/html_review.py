"""The review copy of the HTML page (审阅稿): each figure's note on hover and on tap.

Phones have no hover, so a figure is focusable (tabindex) and a few lines of script toggle
its note on tap; without script, focus shows it too. Figures a rule finds wrong are
highlighted. A banner says this page is not for publishing and lists what the checks found
that concerns no single figure.
"""

from __future__ import annotations

from html import escape

from zongjie.document.model import FactSpan
from zongjie.messages import localized  # a Taiwan reviewer reads 來源, paths as on disk

REVIEW_STYLE = """
.review-banner { border: 2px solid #b00; color: #700; background: #fff4f4; padding: 0.6rem 0.9rem; margin: 0 0 1.6rem;
  font-family: var(--heiti); font-size: 0.95rem; line-height: 1.6; text-indent: 0; }
.review-banner p { text-indent: 0; }
span.fact { position: relative; background: #eef4ff; border-bottom: 1px dotted #36c; cursor: help; outline: none; }
span.fact.fails { background: #ffd9d9; border-bottom: 2px solid #c00; }
span.fact .note { display: none; position: absolute; left: 0; top: 1.8em; z-index: 10; width: max-content; max-width: min(22rem, 80vw);
  background: #222; color: #fff; font: 0.85rem/1.5 var(--heiti); padding: 0.4rem 0.6rem; border-radius: 4px;
  white-space: pre-line; text-indent: 0; text-align: left; }
span.fact:hover .note, span.fact:focus .note, span.fact.open .note { display: block; }
@media (max-width: 640px) { span.fact .note { position: fixed; left: 0.5rem; right: 0.5rem; top: auto; bottom: 0.5rem;
  width: auto; max-width: none; max-height: 45vh; overflow-y: auto; font-size: 0.9rem; } }
@media print { .review-banner { display: block; } span.fact .note { display: none !important; } }
"""

REVIEW_SCRIPT = """<script>
document.addEventListener("click", function (event) {
  var fact = event.target.closest ? event.target.closest("span.fact") : null;
  document.querySelectorAll("span.fact.open").forEach(function (open) { if (open !== fact) open.classList.remove("open"); });
  if (fact) fact.classList.toggle("open");
});
</script>
"""


def review_fact(span: FactSpan, review) -> str:
    notes = [review.note(span)] + [finding.text for finding in review.findings_for(span)]
    css = "fact fails" if review.fails(span) else "fact"
    note = localized("\n\n".join(notes))
    return (f'<span class="{css}" tabindex="0">{escape(span.text)}'
            f'<span class="note" role="tooltip">{escape(note)}</span></span>')


def banner(review) -> str:
    errors, warnings = len(review.result.errors), len(review.result.warnings)
    lines = [f"<p><strong>{localized('审阅稿，请勿发布。')}</strong>"
             + localized(f"点按或指向数字可查看其来源与校验结果；标红的数字未通过校验。校验错误 {errors} 个，警告 {warnings} 个。")
             + "</p>"]
    lines += [f"<p>{escape(localized(finding.text))}</p>".replace("\n", "<br>") for finding in review.findings if not finding.keys]
    return f'<div class="review-banner" role="note">{"".join(lines)}</div>'
