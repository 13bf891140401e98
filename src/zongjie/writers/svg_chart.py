"""A chart as inline SVG, drawn here: no JavaScript, no external resource, no plotting library.

The SVG scales to the width of the page (viewBox), its text takes the page's fonts (CSS), and
each bar, point or slice carries a <title> naming its figure (and, in a review copy or the
local preview, the fact's file:line, as the text's figures do). Sizes are in viewBox units.
"""

from __future__ import annotations

import math
from html import escape

from zongjie.document.model import Chart, FactSpan, plain_text

WIDTH, HEIGHT, PIE_HEIGHT = 440, 300, 280  # narrow: its text stays readable when a phone scales it down
LEFT, RIGHT, TOP, BOTTOM = 50, 8, 26, 80
PALETTE = ("#1F4E79", "#C00000", "#A5A5A5", "#BF9000", "#2E75B6", "#548235", "#7030A0", "#D46B08")
FONT = 13
_LABEL_LIMIT = 12


def render_svg(chart: Chart, source_of) -> str:
    """`source_of(span)` gives the provenance text of a figure (file:line)."""
    if chart.kind == "pie":
        body, height = _pie(chart, source_of), PIE_HEIGHT
    else:
        body, height = _axes_chart(chart, source_of), HEIGHT
    label = escape(_plain(chart))
    return (f'<svg class="chart-svg" viewBox="0 0 {WIDTH} {height}" role="img" aria-label="{label}" '
            f'xmlns="http://www.w3.org/2000/svg" font-size="{FONT}">{body}</svg>')


def _plain(chart: Chart) -> str:
    return plain_text(chart.title)


def _tooltip(series: str, category: str, span: FactSpan, unit: str, source_of) -> str:
    source = source_of(span)
    where = f"（{escape(source)}）" if source else ""
    return f"<title>{escape(category)} {escape(series)}：{escape(span.text)}{escape(unit)}{where}</title>"


# ---- bars and lines ------------------------------------------------------------------------
def nice_ticks(low: float, high: float, count: int = 5) -> list[float]:
    """Round tick values covering [low, high], zero included."""
    low, high = min(low, 0.0), max(high, 0.0)
    if high == low:
        high = low + 1
    raw = (high - low) / count
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    start = math.floor(low / step) * step
    ticks, value = [], start
    while value < high + step * 0.999:
        ticks.append(round(value, 10))
        value += step
    return ticks


def _tick_text(value: float) -> str:
    if abs(value) >= 1e8:  # 100000000 does not fit beside the axis; 1亿 does
        return f"{value / 1e8:.6f}".rstrip("0").rstrip(".") + "亿"
    text = f"{value:.6f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def _extent(chart: Chart) -> tuple[float, float]:
    if chart.kind == "stacked":
        highs, lows = [], []
        for index in range(len(chart.categories)):
            values = [s.numbers[index] or 0.0 for s in chart.series]
            highs.append(sum(v for v in values if v > 0))
            lows.append(sum(v for v in values if v < 0))
        return min(lows, default=0.0), max(highs, default=0.0)
    values = [n for s in chart.series for n in s.numbers if n is not None]
    return min(values, default=0.0), max(values, default=0.0)


def _axes_chart(chart: Chart, source_of) -> str:
    ticks = nice_ticks(*_extent(chart))
    low, high = ticks[0], ticks[-1]
    plot_width, plot_height = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def y(value: float) -> float:
        return TOP + plot_height * (high - value) / (high - low)

    parts = []
    if chart.unit:
        parts.append(f'<text x="4" y="{TOP - 10}" font-size="12">单位：{escape(chart.unit)}</text>')
    for tick in ticks:
        parts.append(f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y(tick):.1f}" y2="{y(tick):.1f}" '
                     f'stroke="{"#888" if tick == 0 else "#ddd"}" stroke-width="1"/>')
        parts.append(f'<text x="{LEFT - 6}" y="{y(tick) + 4:.1f}" text-anchor="end" font-size="12">{_tick_text(tick)}</text>')
    slot = plot_width / max(1, len(chart.categories))
    labels = len(chart.categories) * len(chart.series) <= _LABEL_LIMIT
    if chart.kind == "line":
        parts.extend(_lines(chart, slot, y, labels, source_of))
    else:
        parts.extend(_bars(chart, slot, y, labels, source_of))
    for index, category in enumerate(chart.categories):
        parts.append(_category_label(category, LEFT + slot * (index + 0.5), HEIGHT - BOTTOM + 18, slot))
    parts.append(_legend(chart, HEIGHT - 20))
    return "".join(parts)


def _bars(chart: Chart, slot: float, y, labels: bool, source_of) -> list[str]:
    parts = []
    stacked = chart.kind == "stacked"
    group = slot * 0.72
    width = group if stacked else group / max(1, len(chart.series))
    for index, category in enumerate(chart.categories):
        x0 = LEFT + slot * index + (slot - group) / 2
        up = down = 0.0
        for number, series in enumerate(chart.series):
            span, value = series.values[index], series.numbers[index]
            if span is None or value is None:
                continue
            if stacked:
                base = up if value >= 0 else down
                top, bottom = (base + value, base) if value >= 0 else (base, base + value)
                if value >= 0:
                    up += value
                else:
                    down += value
                x = x0
            else:
                top, bottom = max(value, 0.0), min(value, 0.0)
                x = x0 + width * number
            y_top, y_bottom = y(top), y(bottom)
            parts.append(f'<rect x="{x:.1f}" y="{y_top:.1f}" width="{width * 0.92:.1f}" height="{max(0.5, y_bottom - y_top):.1f}" '
                         f'fill="{PALETTE[number % len(PALETTE)]}">{_tooltip(series.name, category, span, chart.unit, source_of)}</rect>')
            if labels:
                if stacked:
                    label_y, colour = (y_top + y_bottom) / 2 + 4, "#fff"
                else:
                    label_y, colour = (y_top - 4 if value >= 0 else y_bottom + 13), "#222"
                size = 11 if len(chart.series) < 4 else 10
                parts.append(f'<text x="{x + width * 0.46:.1f}" y="{label_y:.1f}" text-anchor="middle" font-size="{size}" '
                             f'fill="{colour}">{escape(span.text)}</text>')
    return parts


def _lines(chart: Chart, slot: float, y, labels: bool, source_of) -> list[str]:
    parts = []
    for number, series in enumerate(chart.series):
        colour = PALETTE[number % len(PALETTE)]
        points = [(LEFT + slot * (i + 0.5), y(v)) for i, v in enumerate(series.numbers) if v is not None]
        if len(points) > 1:
            path = " ".join(f"{x:.1f},{py:.1f}" for x, py in points)
            parts.append(f'<polyline points="{path}" fill="none" stroke="{colour}" stroke-width="2.5"/>')
        for index, (span, value) in enumerate(zip(series.values, series.numbers)):
            if span is None or value is None:
                continue
            x, py = LEFT + slot * (index + 0.5), y(value)
            parts.append(f'<circle cx="{x:.1f}" cy="{py:.1f}" r="4" fill="{colour}">'
                         f'{_tooltip(series.name, chart.categories[index], span, chart.unit, source_of)}</circle>')
            if labels:
                parts.append(f'<text x="{x:.1f}" y="{py - 8:.1f}" text-anchor="middle" font-size="11">{escape(span.text)}</text>')
    return parts


def _category_label(text: str, x: float, y: float, slot: float) -> str:
    """A category name, broken into lines that fit its slot (CJK text has no spaces)."""
    per_line = max(2, int(slot / FONT))
    count = -(-len(text) // per_line)  # lines needed; then balanced, so no line holds one character
    per_line = -(-len(text) // count) if count else per_line
    lines = [text[i:i + per_line] for i in range(0, len(text), per_line)][:3]
    spans = "".join(f'<tspan x="{x:.1f}" dy="{0 if n == 0 else FONT + 2}">{escape(line)}</tspan>'
                    for n, line in enumerate(lines))
    return f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="middle">{spans}</text>'


def _legend(chart: Chart, y: float) -> str:
    if len(chart.series) < 2 and chart.kind != "pie":
        return ""
    names = [s.name for s in chart.series]
    widths = [22 + FONT * len(name) + 16 for name in names]
    x = (WIDTH - sum(widths)) / 2
    parts = []
    for number, (name, width) in enumerate(zip(names, widths)):
        parts.append(f'<rect x="{x:.1f}" y="{y - 10}" width="14" height="10" fill="{PALETTE[number % len(PALETTE)]}"/>'
                     f'<text x="{x + 20:.1f}" y="{y}">{escape(name)}</text>')
        x += width
    return "".join(parts)


# ---- pie -----------------------------------------------------------------------------------
def _pie(chart: Chart, source_of) -> str:
    """Slices with their share beside them; the legend below names each with its figure."""
    series = chart.series[0]
    items = [(c, s, v) for c, s, v in zip(chart.categories, series.values, series.numbers) if s is not None and v]
    total = sum(v for _, _, v in items) or 1.0
    cx, cy, radius = WIDTH / 2, 120, 90
    parts, angle = [], -math.pi / 2
    for number, (category, span, value) in enumerate(items):
        sweep = 2 * math.pi * value / total
        colour = PALETTE[number % len(PALETTE)]
        tooltip = _tooltip(series.name, category, span, chart.unit, source_of)
        if len(items) == 1:
            parts.append(f'<circle cx="{cx}" cy="{cy}" r="{radius}" fill="{colour}">{tooltip}</circle>')
        else:
            x1, y1 = cx + radius * math.cos(angle), cy + radius * math.sin(angle)
            x2, y2 = cx + radius * math.cos(angle + sweep), cy + radius * math.sin(angle + sweep)
            large = 1 if sweep > math.pi else 0
            parts.append(f'<path d="M{cx:.1f},{cy:.1f} L{x1:.1f},{y1:.1f} A{radius},{radius} 0 {large} 1 {x2:.1f},{y2:.1f} Z" '
                         f'fill="{colour}" stroke="#fff" stroke-width="1.5">{tooltip}</path>')
        middle = angle + sweep / 2
        lx, ly = cx + (radius + 8) * math.cos(middle), cy + (radius + 8) * math.sin(middle)
        anchor = "start" if math.cos(middle) >= 0 else "end"
        parts.append(f'<text x="{lx:.1f}" y="{ly + 4:.1f}" text-anchor="{anchor}">{value / total * 100:.1f}%</text>')
        angle += sweep
    legend = [(category, f"{span.text}{chart.unit}") for category, span, _ in items]
    parts.append(_pie_legend(legend, PIE_HEIGHT - 32))
    return "".join(parts)


def _pie_legend(entries: list[tuple[str, str]], y: float) -> str:
    widths = [22 + FONT * len(name) + 7 * len(figure) + 20 for name, figure in entries]
    rows: list[tuple[list[tuple[tuple[str, str], float]], float]] = []
    row: list[tuple[tuple[str, str], float]] = []
    used = 0.0
    for entry, width in zip(entries, widths):  # as many on a line as fit
        if row and used + width > WIDTH - 10:
            rows.append((row, used))
            row, used = [], 0.0
        row.append((entry, width))
        used += width
    rows.append((row, used))
    parts, number = [], 0
    for line, (row, used) in enumerate(rows[:3]):
        x = (WIDTH - used) / 2
        for (name, figure), item_width in row:
            top = y + line * (FONT + 6)
            parts.append(f'<rect x="{x:.1f}" y="{top - 10:.1f}" width="14" height="10" fill="{PALETTE[number % len(PALETTE)]}"/>'
                         f'<text x="{x + 20:.1f}" y="{top:.1f}">{escape(name)} {escape(figure)}</text>')
            x += item_width
            number += 1
    return "".join(parts)
