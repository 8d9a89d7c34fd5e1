"""Small inline SVG charts for the HTML summary, drawn by hand (no requests, no JS).

Each function returns ``markupsafe.Markup`` holding one ``<svg>``; every label that
comes from data (product and flow names) goes through ``escape`` first, so a name
like ``<script>`` stays text. Numbers are formatted by us, never taken as markup.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from markupsafe import Markup, escape

PALETTE = ("#1f6f5c", "#f2b134", "#3b7dd8", "#c4512f", "#7a5aa6", "#5c8a2e", "#999999")
WIDTH = 640


def _num(value: float) -> str:
    return f"{value:.1f}"


def _text(x: float, y: float, label: str, *, anchor: str = "start", size: int = 11,
          fill: str = "#333") -> str:
    return (f'<text x="{_num(x)}" y="{_num(y)}" font-size="{size}" text-anchor="{anchor}" '
            f'fill="{fill}">{escape(label)}</text>')


def _empty(title: str, message: str) -> Markup:
    return Markup(f'<svg role="img" width="{WIDTH}" height="50" viewBox="0 0 {WIDTH} 50">'
                  f'<title>{escape(title)}</title>{_text(10, 30, message, fill="#777")}</svg>')


def stacked_bars(title: str, categories: Sequence[str], series: dict[str, Sequence[float]],
                 unit: str = "") -> Markup:
    """One stacked bar per category (e.g. ISO week), one colour per series (flow/offer)."""
    if not categories or not series:
        return _empty(title, "Nothing to show yet.")
    totals = [sum(max(0.0, float(v[i])) for v in series.values()) for i in range(len(categories))]
    top = max(totals) or 1.0
    height, left, bottom, top_pad = 240, 60, 40, 20
    plot_h = height - bottom - top_pad
    step = (WIDTH - left - 20) / len(categories)
    bar_w = max(4.0, step * 0.6)
    parts = [f'<svg role="img" width="{WIDTH}" height="{height + 20 * len(series)}" '
             f'viewBox="0 0 {WIDTH} {height + 20 * len(series)}"><title>{escape(title)}</title>']
    for frac in (0.0, 0.5, 1.0):
        y = top_pad + plot_h * (1 - frac)
        parts.append(f'<line x1="{left}" x2="{WIDTH - 10}" y1="{_num(y)}" y2="{_num(y)}" '
                     f'stroke="#ddd"/>')
        parts.append(_text(left - 6, y + 4, f"{unit}{top * frac:,.0f}", anchor="end", size=10))
    for i, cat in enumerate(categories):
        x = left + step * i + (step - bar_w) / 2
        y = top_pad + plot_h
        for j, values in enumerate(series.values()):
            v = max(0.0, float(values[i]))
            h = plot_h * v / top
            y -= h
            parts.append(f'<rect x="{_num(x)}" y="{_num(y)}" width="{_num(bar_w)}" '
                         f'height="{_num(h)}" fill="{PALETTE[j % len(PALETTE)]}"/>')
        parts.append(_text(x + bar_w / 2, top_pad + plot_h + 14, cat, anchor="middle", size=10))
    for j, name in enumerate(series):
        y = height + 20 * j
        parts.append(f'<rect x="{left}" y="{y - 10}" width="12" height="12" '
                     f'fill="{PALETTE[j % len(PALETTE)]}"/>')
        parts.append(_text(left + 18, y, name))
    parts.append("</svg>")
    return Markup("".join(parts))


def interval_chart(title: str, labels: Sequence[str], estimates: Sequence[float],
                   lows: Sequence[float], highs: Sequence[float], unit: str = "") -> Markup:
    """Horizontal estimate with its interval per row, around a zero line (lift, tests)."""
    rows = [(lab, e, lo, hi) for lab, e, lo, hi in zip(labels, estimates, lows, highs, strict=True)
            if e is not None and not math.isnan(e)]
    if not rows:
        return _empty(title, "Not enough data yet.")
    values = [abs(v) for _, e, lo, hi in rows for v in (e, lo, hi)
              if v is not None and not math.isnan(v)]
    span = max(values) or 1.0
    left, right, row_h = 170, WIDTH - 30, 30
    mid = (left + right) / 2
    scale = (right - left) / 2 / span
    height = row_h * len(rows) + 30
    parts = [f'<svg role="img" width="{WIDTH}" height="{height}" viewBox="0 0 {WIDTH} {height}">'
             f'<title>{escape(title)}</title>',
             f'<line x1="{_num(mid)}" x2="{_num(mid)}" y1="5" y2="{height - 20}" stroke="#999"/>',
             _text(mid, height - 5, "0", anchor="middle", size=10),
             _text(right, height - 5, f"{unit}{span:+.2f}", anchor="end", size=10),
             _text(left, height - 5, f"{unit}{-span:+.2f}", size=10)]
    for i, (label, est, low, high) in enumerate(rows):
        y = 20 + row_h * i
        parts.append(_text(left - 8, y + 4, label, anchor="end"))
        if low is not None and high is not None and not (math.isnan(low) or math.isnan(high)):
            colour = "#1f6f5c" if low > 0 else "#c4512f" if high < 0 else "#999999"
            parts.append(f'<line x1="{_num(mid + low * scale)}" x2="{_num(mid + high * scale)}" '
                         f'y1="{y}" y2="{y}" stroke="{colour}" stroke-width="3"/>')
        parts.append(f'<circle cx="{_num(mid + est * scale)}" cy="{y}" r="5" fill="#333"/>')
    parts.append("</svg>")
    return Markup("".join(parts))


def pair_bars(title: str, labels: Sequence[str], values: Sequence[float], unit: str = "") -> Markup:
    """Horizontal bars for a few values (margin per order with / without post-purchase)."""
    rows = [(lab, float(v)) for lab, v in zip(labels, values, strict=True)
            if v is not None and not math.isnan(float(v))]
    if not rows:
        return _empty(title, "Nothing to show yet.")
    span = max(abs(v) for _, v in rows) or 1.0
    left, right, row_h = 230, WIDTH - 80, 30
    zero = left if min(v for _, v in rows) >= 0 else (left + right) / 2
    scale = (right - zero) / span
    height = row_h * len(rows) + 10
    parts = [f'<svg role="img" width="{WIDTH}" height="{height}" viewBox="0 0 {WIDTH} {height}">'
             f'<title>{escape(title)}</title>']
    for i, (label, v) in enumerate(rows):
        y = 8 + row_h * i
        w = abs(v) * scale
        x = zero if v >= 0 else zero - w
        parts.append(_text(left - 8, y + 14, label, anchor="end"))
        parts.append(f'<rect x="{_num(x)}" y="{y}" width="{_num(w)}" height="18" '
                     f'fill="{PALETTE[i % len(PALETTE)]}"/>')
        parts.append(_text(max(x + w, zero) + 6, y + 14, f"{unit}{v:,.2f}"))
    parts.append("</svg>")
    return Markup("".join(parts))
