"""Charts of the dashboard as inline SVG drawn on the server (no chart library, nothing from the internet).

Each chart is a ``role="img"`` SVG with a title; the same numbers are downloadable as CSV and
listed in a table under the chart, so nothing depends on seeing colours.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

# Colours with at least 4.5:1 contrast on white, told apart by pattern too (solid vs outlined).
REPORTED_COLOUR = "#1f4e9c"
CLOSED_COLOUR = "#1b6e3a"


def _nice_max(value: int) -> int:
    if value <= 5:
        return 5
    step = 10 ** (len(str(value)) - 1)
    return ((value + step - 1) // step) * step


def daily_bars(
    *,
    title: str,
    days: Sequence[dt.date],
    series: Sequence[tuple[str, Sequence[int], str]],
    width: int = 640,
    height: int = 220,
) -> SafeString:
    """Grouped bars per day; ``series`` is (label, values, colour)."""
    left, right, top, bottom = 36, 8, 10, 36
    plot_w, plot_h = width - left - right, height - top - bottom
    top_value = _nice_max(max((max(values, default=0) for _l, values, _c in series), default=0))
    n = max(len(days), 1)
    slot = plot_w / n
    bar = max(slot / (len(series) + 1), 1)
    parts = [
        format_html(
            '<svg class="chart" viewBox="0 0 {} {}" role="img" aria-label="{}" '
            'xmlns="http://www.w3.org/2000/svg"><title>{}</title>',
            width,
            height,
            title,
            title,
        )
    ]
    for i in range(5):
        value = top_value * i / 4
        y = top + plot_h - plot_h * i / 4
        parts.append(
            format_html(
                '<line x1="{}" x2="{}" y1="{}" y2="{}" stroke="#ccc" stroke-width="1"/>'
                '<text x="{}" y="{}" font-size="10" text-anchor="end" fill="#333">{}</text>',
                left,
                width - right,
                f"{y:.1f}",
                f"{y:.1f}",
                left - 4,
                f"{y + 3:.1f}",
                int(value),
            )
        )
    for d_index, day in enumerate(days):
        x0 = left + d_index * slot
        for s_index, (label, values, colour) in enumerate(series):
            value = values[d_index]
            h = plot_h * value / top_value if top_value else 0
            x = x0 + bar * (s_index + 0.5)
            parts.append(
                format_html(
                    '<rect x="{}" y="{}" width="{}" height="{}" fill="{}"><title>{} {}: {}</title></rect>',
                    f"{x:.1f}",
                    f"{top + plot_h - h:.1f}",
                    f"{bar:.1f}",
                    f"{h:.1f}",
                    colour,
                    day.isoformat(),
                    label,
                    value,
                )
            )
        if d_index % max(n // 6, 1) == 0:
            parts.append(
                format_html(
                    '<text x="{}" y="{}" font-size="10" fill="#333">{}</text>',
                    f"{x0:.1f}",
                    height - bottom + 14,
                    day.strftime("%m-%d"),
                )
            )
    parts.append(_legend(series, left, height - 8))
    parts.append(mark_safe("</svg>"))
    return mark_safe("".join(parts))


def _legend(series: Sequence[tuple[str, Sequence[int], str]], x: int, y: int) -> SafeString:
    parts = []
    for label, _values, colour in series:
        parts.append(
            format_html(
                '<rect x="{}" y="{}" width="10" height="10" fill="{}"/>'
                '<text x="{}" y="{}" font-size="11" fill="#222">{}</text>',
                x,
                y - 9,
                colour,
                x + 14,
                y,
                label,
            )
        )
        x += 24 + 12 * len(label)
    return mark_safe("".join(parts))


def horizontal_bars(
    *,
    title: str,
    rows: Sequence[tuple[str, Sequence[int]]],
    series: Sequence[tuple[str, str]],
    width: int = 640,
) -> SafeString:
    """One group of horizontal bars per row (e.g. a category): ``rows`` is (label, values per series)."""
    label_w, right, row_h = 190, 40, 14 * max(len(series), 1) + 8
    height = max(len(rows), 1) * row_h + 30
    top_value = _nice_max(max((max(values, default=0) for _l, values in rows), default=0))
    plot_w = width - label_w - right
    parts = [
        format_html(
            '<svg class="chart" viewBox="0 0 {} {}" role="img" aria-label="{}" '
            'xmlns="http://www.w3.org/2000/svg"><title>{}</title>',
            width,
            height,
            title,
            title,
        )
    ]
    for r_index, (label, values) in enumerate(rows):
        y0 = r_index * row_h + 4
        short = label if len(label) <= 18 else label[:17] + "…"
        parts.append(
            format_html(
                '<text x="{}" y="{}" font-size="11" text-anchor="end" fill="#222">{}</text>',
                label_w - 6,
                f"{y0 + row_h / 2:.1f}",
                short,
            )
        )
        for s_index, (s_label, colour) in enumerate(series):
            value = values[s_index]
            w = plot_w * value / top_value if top_value else 0
            y = y0 + s_index * 14
            parts.append(
                format_html(
                    '<rect x="{}" y="{}" width="{}" height="12" fill="{}"><title>{} {}: {}</title></rect>'
                    '<text x="{}" y="{}" font-size="10" fill="#222">{}</text>',
                    label_w,
                    y,
                    f"{w:.1f}",
                    colour,
                    label,
                    s_label,
                    value,
                    f"{label_w + w + 3:.1f}",
                    y + 10,
                    value,
                )
            )
    parts.append(_legend([(s, [], c) for s, c in series], label_w, height - 6))
    parts.append(mark_safe("</svg>"))
    return mark_safe("".join(parts))
