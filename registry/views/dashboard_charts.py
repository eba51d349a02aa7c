"""Server-side SVG charts of the dashboard (issue 12 item 1): no script, no CDN, no inline style (the CSP
is ``default-src 'self'``; SVG presentation attributes are not styles). Readable printed in black and
white: every bar has a pattern (solid, hatched, dotted…) as well as its label, and its number printed
beside it. Every bar and its number is a link to the figure's drill-down list (``<a class="fig">``)."""
from __future__ import annotations

import itertools
from dataclasses import dataclass
from decimal import Decimal

from markupsafe import Markup, escape

#: Fill patterns in print order: solid dark, diagonal hatch, dots, cross-hatch, horizontal lines, light.
PATTERNS = (
    '<rect width="6" height="6" fill="#333"/>',
    '<rect width="6" height="6" fill="#fff"/><path d="M0,6 L6,0" stroke="#000" stroke-width="1.2"/>',
    '<rect width="6" height="6" fill="#fff"/><circle cx="3" cy="3" r="1.3" fill="#000"/>',
    '<rect width="6" height="6" fill="#fff"/><path d="M0,0 L6,6 M0,6 L6,0" stroke="#000" stroke-width="0.8"/>',
    '<rect width="6" height="6" fill="#fff"/><path d="M0,3 L6,3" stroke="#000" stroke-width="1.2"/>',
    '<rect width="6" height="6" fill="#bbb"/>',
)
_ids = itertools.count(1)

LABEL_W, BAR_W, VALUE_W, ROW_H, TOP = 150, 300, 110, 22, 8


@dataclass(frozen=True)
class Bar:
    """One bar: its label, value (count or Decimal sum), the number as printed, the drill-down link, the
    figure's kind (count / sum) and its series (pattern) index."""

    label: str
    value: int | Decimal
    text: str
    href: str
    kind: str = "count"
    series: int = 0


def _defs(chart_id: str, series: int) -> str:
    return "<defs>" + "".join(
        f'<pattern id="{chart_id}-p{i}" width="6" height="6" patternUnits="userSpaceOnUse">{PATTERNS[i]}</pattern>'
        for i in range(min(series, len(PATTERNS)))) + "</defs>"


def _fill(chart_id: str, series: int) -> str:
    return f"url(#{chart_id}-p{series % len(PATTERNS)})"


def _link(bar: Bar, inner: str) -> str:
    return (f'<a href="{escape(bar.href)}" class="fig" data-kind="{bar.kind}" data-value="{bar.value}">'
            f"{inner}</a>")


def _bar(chart_id: str, bar: Bar, x: float, y: float, w: float, tx: float, anchor: str = "start") -> str:
    """A linked bar (rectangle with its pattern) and its number at ``tx``."""
    return _link(bar, f'<rect class="bar" x="{x:.1f}" y="{y + 3}" width="{w:.1f}" height="{ROW_H - 6}" '
                      f'fill="{_fill(chart_id, bar.series)}" stroke="#000" stroke-width="0.8"/>'
                      f'<text class="bar-value" x="{tx:.1f}" y="{y + 15}" text-anchor="{anchor}">'
                      f"{escape(bar.text)}</text>")


def _scale(bars: list[Bar]) -> float:
    top = max((float(b.value) for b in bars), default=0.0)  # geometry only: the numbers print exactly
    return BAR_W / top if top > 0 else 0.0


def bar_chart(bars: list[Bar], title: str) -> Markup:
    """Horizontal bars, one row each: label left, bar, number right of the bar."""
    chart_id = f"chart{next(_ids)}"
    height = TOP * 2 + ROW_H * max(len(bars), 1)
    width = LABEL_W + BAR_W + VALUE_W
    scale = _scale(bars)
    parts = [f'<svg class="chart" id="{chart_id}" role="img" aria-label="{escape(title)}" '
             f'viewBox="0 0 {width} {height}" width="{width}" height="{height}" xmlns="http://www.w3.org/2000/svg">',
             f"<title>{escape(title)}</title>", _defs(chart_id, 1 + max((b.series for b in bars), default=0))]
    for i, bar in enumerate(bars):
        y = TOP + i * ROW_H
        w = max(float(bar.value) * scale, 1.0 if bar.value else 0.0)
        parts.append(f'<text class="chart-label" x="{LABEL_W - 6}" y="{y + 15}" text-anchor="end">'
                     f"{escape(bar.label)}</text>")
        parts.append(_bar(chart_id, bar, LABEL_W, y, w, LABEL_W + w + 5))
    parts.append("</svg>")
    return Markup("".join(parts))


def pyramid(bands: list[str], left: list[Bar], right: list[Bar], title: str, left_title: str,
            right_title: str) -> Markup:
    """A population pyramid: one row per age band (youngest at the bottom), ``left`` bars (men) grow to
    the left, ``right`` bars (women) to the right, each with its number at its outer end."""
    chart_id = f"chart{next(_ids)}"
    half, mid = 220, 70
    width = 2 * half + mid
    height = TOP * 2 + ROW_H * (len(bands) + 1)
    scale = 0.8 * half / max((float(b.value) for b in left + right), default=1.0) if any(
        b.value for b in left + right) else 0.0
    parts = [f'<svg class="chart pyramid" id="{chart_id}" role="img" aria-label="{escape(title)}" '
             f'viewBox="0 0 {width} {height}" width="{width}" height="{height}" xmlns="http://www.w3.org/2000/svg">',
             f"<title>{escape(title)}</title>", _defs(chart_id, 2),
             f'<text class="chart-label" x="{half - 6}" y="{TOP + 12}" text-anchor="end">{escape(left_title)}</text>',
             f'<text class="chart-label" x="{half + mid + 6}" y="{TOP + 12}">{escape(right_title)}</text>']
    for row, band in enumerate(reversed(bands), start=1):
        y = TOP + row * ROW_H
        parts.append(f'<text class="chart-label" x="{half + mid / 2}" y="{y + 15}" text-anchor="middle">'
                     f"{escape(band)}</text>")
        index = len(bands) - row
        for bar, side in ((left[index], -1), (right[index], 1)):
            w = max(float(bar.value) * scale, 1.0 if bar.value else 0.0)
            x = half - w if side < 0 else half + mid
            tx, anchor = (x - 4, "end") if side < 0 else (x + w + 4, "start")
            parts.append(_bar(chart_id, bar, x, y, w, tx, anchor))
    parts.append("</svg>")
    return Markup("".join(parts))
