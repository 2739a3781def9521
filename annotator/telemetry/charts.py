"""Inline SVG charts for the telemetry report: plain functions from numbers and names to an
`<svg>` string, no script, no external file. Every name that comes from a project goes through
`esc`; numbers are formatted here. The GUI's dashboard shows the same SVG (Qt renders it).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

from annotator.agreement.html import esc

SERIES = ("#3b6fb6", "#d9822b", "#2f9e72", "#a4508b", "#c23b3b", "#6b6b6b", "#8a7f2b",
          "#2b8a8a")
OUTCOME_COLOURS = {
    "accepted": "#2f9e72", "relabelled": "#e0b43c", "resized": "#8fb7e6",
    "relabelled_resized": "#d9822b", "rejected": "#c23b3b", "undecided": "#b8bec6",
}
INK, MUTED, GRID = "#1f2328", "#656d76", "#d0d7de"


def _open(width: float, height: float, label: str) -> str:
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="{width:.0f}" height="{height:.0f}" '
            f'viewBox="0 0 {width:.0f} {height:.0f}" role="img" aria-label="{esc(label)}" '
            'font-family="DejaVu Sans, sans-serif">')


def _nice_top(value: float) -> float:
    """A round number at or above `value`, for an axis."""
    if value <= 0:
        return 1.0
    power = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 2.5, 5, 10):
        if value <= step * power:
            return step * power
    return 10 * power


def legend(names: Sequence[str], colours: Mapping[str, str] | Sequence[str]) -> str:
    """A row of coloured chips (HTML) naming the series."""
    items = []
    for n, name in enumerate(names):
        colour = colours[name] if isinstance(colours, Mapping) else colours[n % len(colours)]
        items.append(f'<span class="key"><i style="background:{colour}"></i>{esc(name)}</span>')
    return f'<div class="legend">{"".join(items)}</div>'


def stacked_columns(categories: Sequence[str], series: Sequence[str],
                    values: Mapping[tuple[str, str], float], *, label: str,
                    unit: str = "") -> str:
    """Columns per category (x), stacked by series; `values[(category, series)]`."""
    left, top, bottom, plot_h = 48, 14, 58, 200
    column = max(14, min(46, 640 // max(1, len(categories))))
    width = left + len(categories) * (column + 8) + 20
    totals = [sum(values.get((c, s), 0) for s in series) for c in categories]
    peak = _nice_top(max(totals, default=0))
    parts = [_open(max(width, 320), top + plot_h + bottom, label)]
    for k in range(5):
        v = peak * k / 4
        y = top + plot_h - plot_h * k / 4
        parts.append(f'<line x1="{left}" y1="{y:.1f}" x2="{width - 10}" y2="{y:.1f}" '
                     f'stroke="{GRID}"/><text x="{left - 6}" y="{y + 4:.1f}" font-size="11" '
                     f'text-anchor="end" fill="{MUTED}">{v:g}</text>')
    for i, category in enumerate(categories):
        x = left + 6 + i * (column + 8)
        y = top + plot_h
        for n, name in enumerate(series):
            v = values.get((category, name), 0)
            if not v:
                continue
            h = plot_h * v / peak
            y -= h
            parts.append(f'<rect x="{x}" y="{y:.1f}" width="{column}" height="{h:.1f}" '
                         f'fill="{SERIES[n % len(SERIES)]}"><title>{esc(category)} · '
                         f'{esc(name)}: {v:g}{esc(unit)}</title></rect>')
        parts.append(f'<text x="{x + column / 2:.1f}" y="{top + plot_h + 14}" font-size="10.5" '
                     f'fill="{MUTED}" text-anchor="end" transform="rotate(-40 '
                     f'{x + column / 2:.1f} {top + plot_h + 14})">{esc(category)}</text>')
    parts.append("</svg>")
    return "".join(parts)


def outcome_bars(rows: Sequence[dict], key: str, kinds: Sequence[str], *, label: str) -> str:
    """One 100 % bar per row (a label, an origin...), split by outcome; the count of spans
    made by hand is written at the end."""
    left, bar, gap, width = 190, 16, 8, 520
    height = 16 + len(rows) * (bar + gap) + 8
    parts = [_open(left + width + 170, height, label)]
    for i, row in enumerate(rows):
        y = 12 + i * (bar + gap)
        total = row["suggested"]
        parts.append(f'<text x="{left - 8}" y="{y + bar - 4}" font-size="12" text-anchor="end" '
                     f'fill="{INK}">{esc(row[key])}</text>')
        x = float(left)
        for kind in kinds:
            n = row.get(kind, 0)
            if not n or not total:
                continue
            w = width * n / total
            parts.append(f'<rect x="{x:.1f}" y="{y}" width="{w:.1f}" height="{bar}" '
                         f'fill="{OUTCOME_COLOURS[kind]}"><title>{esc(row[key])}: {n} '
                         f'{esc(kind.replace("_", " + "))} ({n / total:.0%})</title></rect>')
            x += w
        if not total:
            parts.append(f'<rect x="{left}" y="{y}" width="{width}" height="{bar}" '
                         f'fill="#f6f8fa" stroke="{GRID}"/>')
        note = f'{total} suggested' + (f', {row["manual"]} by hand' if row.get("manual") else "")
        parts.append(f'<text x="{left + width + 6}" y="{y + bar - 4}" font-size="11" '
                     f'fill="{MUTED}">{esc(note)}</text>')
    parts.append("</svg>")
    return "".join(parts)


def _bin_width(high: float, bins: int) -> float:
    """A round bin width (1, 2, 2.5 or 5 times a power of ten) giving at most `bins` bins."""
    return _nice_top(high / bins) if high > 0 else 1.0


def histogram(samples: Mapping[str, Sequence[float]], *, label: str, bins: int = 12,
              unit: str = "min", scale: float = 60.0) -> str:
    """Histograms of values in seconds, drawn in `unit` (seconds / `scale`); several series
    (e.g. the experiment's arms) stand side by side in each bin."""
    values = [v / scale for vs in samples.values() for v in vs]
    if not values:
        return '<p class="na">No timed documents.</p>'
    step = _bin_width(max(values), bins)
    bins = max(1, min(bins, math.ceil(max(values) / step + 1e-9)))
    if max(values) >= bins * step:
        bins += 1
    counts = {name: [0] * bins for name in samples}
    for name, vs in samples.items():
        for v in vs:
            counts[name][min(bins - 1, int(v / scale / step))] += 1
    peak = 4 * math.ceil(max(max(c) for c in counts.values()) / 4)  # whole-number ticks
    left, top, plot_w, plot_h = 48, 12, 560, 180
    parts = [_open(left + plot_w + 20, top + plot_h + 40, label)]
    for k in range(5):
        y = top + plot_h - plot_h * k / 4
        parts.append(f'<line x1="{left}" y1="{y:.1f}" x2="{left + plot_w}" y2="{y:.1f}" '
                     f'stroke="{GRID}"/><text x="{left - 6}" y="{y + 4:.1f}" font-size="11" '
                     f'text-anchor="end" fill="{MUTED}">{peak * k / 4:g}</text>')
    column = plot_w / bins
    side = (column - 4) / len(counts)
    for n, (name, per_bin) in enumerate(counts.items()):
        colour = SERIES[n % len(SERIES)]
        for b, count in enumerate(per_bin):
            if not count:
                continue
            h = plot_h * count / peak
            parts.append(f'<rect x="{left + b * column + 2 + n * side:.1f}" '
                         f'y="{top + plot_h - h:.1f}" width="{side:.1f}" height="{h:.1f}" '
                         f'fill="{colour}"><title>{esc(name)}: {count} document(s) of '
                         f'{b * step:g}–{(b + 1) * step:g} {esc(unit)}</title></rect>')
    every = 1 if bins <= 12 else 2
    for b in range(0, bins + 1, every):
        parts.append(f'<text x="{left + b * column:.1f}" y="{top + plot_h + 16}" '
                     f'font-size="11" text-anchor="middle" fill="{MUTED}">{b * step:g}</text>')
    parts.append(f'<text x="{left + plot_w / 2}" y="{top + plot_h + 34}" font-size="11" '
                 f'text-anchor="middle" fill="{MUTED}">active {esc(unit)} per document</text>')
    parts.append("</svg>")
    return "".join(parts)


def grouped_bars(categories: Sequence[str], series: Sequence[str],
                 values: Mapping[tuple[str, str], float | None], *, label: str) -> str:
    """Horizontal bars of scores in 0..1: a group per category, a bar per series."""
    left, width, bar, gap = 170, 480, 12, 10
    group = len(series) * (bar + 2) + gap
    height = 26 + group * len(categories) + 6
    parts = [_open(left + width + 60, height, label)]
    for tick in (0, 0.25, 0.5, 0.75, 1.0):
        x = left + tick * width
        parts.append(f'<line x1="{x}" y1="18" x2="{x}" y2="{height - 6}" stroke="{GRID}"/>'
                     f'<text x="{x}" y="12" font-size="11" text-anchor="middle" '
                     f'fill="{MUTED}">{tick:g}</text>')
    for i, category in enumerate(categories):
        y0 = 22 + i * group
        parts.append(f'<text x="{left - 8}" y="{y0 + group / 2 - 3}" font-size="12" '
                     f'text-anchor="end" fill="{INK}">{esc(category)}</text>')
        for n, name in enumerate(series):
            value = values.get((category, name))
            y = y0 + n * (bar + 2)
            if value:
                parts.append(f'<rect x="{left}" y="{y}" width="{value * width:.1f}" '
                             f'height="{bar}" fill="{SERIES[n % len(SERIES)]}"><title>'
                             f'{esc(name)} · {esc(category)}: {value:.3f}</title></rect>')
            shown = "n/a" if value is None else f"{value:.2f}"
            parts.append(f'<text x="{left + (value or 0) * width + 4:.1f}" y="{y + bar - 2}" '
                         f'font-size="10" fill="{MUTED}">{shown}</text>')
    parts.append("</svg>")
    return "".join(parts)


def lines(periods: Sequence[str], series: Mapping[str, Mapping[str, float | None]], *,
          label: str) -> str:
    """Scores in 0..1 over periods (x), a line with points per series."""
    left, top, plot_w, plot_h = 44, 12, max(240, min(640, 90 * len(periods))), 170
    parts = [_open(left + plot_w + 30, top + plot_h + 46, label)]
    for tick in (0, 0.25, 0.5, 0.75, 1.0):
        y = top + plot_h - plot_h * tick
        parts.append(f'<line x1="{left}" y1="{y:.1f}" x2="{left + plot_w}" y2="{y:.1f}" '
                     f'stroke="{GRID}"/><text x="{left - 6}" y="{y + 4:.1f}" font-size="11" '
                     f'text-anchor="end" fill="{MUTED}">{tick:g}</text>')
    step = plot_w / max(1, len(periods) - 1) if len(periods) > 1 else 0
    xs = {p: left + (i * step if len(periods) > 1 else plot_w / 2) for i, p in enumerate(periods)}
    for p in periods:
        parts.append(f'<text x="{xs[p]:.1f}" y="{top + plot_h + 16}" font-size="10.5" '
                     f'text-anchor="middle" fill="{MUTED}">{esc(p)}</text>')
    for n, (name, points) in enumerate(series.items()):
        colour = SERIES[n % len(SERIES)]
        placed = [(xs[p], top + plot_h - plot_h * v, p, v) for p in periods
                  if (v := points.get(p)) is not None]
        if len(placed) > 1:
            path = " ".join(f"{x:.1f},{y:.1f}" for x, y, _, _ in placed)
            parts.append(f'<polyline points="{path}" fill="none" stroke="{colour}" '
                         'stroke-width="2"/>')
        for x, y, p, v in placed:
            parts.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="4" fill="{colour}"><title>'
                         f'{esc(name)} · {esc(p)}: {v:.3f}</title></circle>')
    parts.append("</svg>")
    return "".join(parts)


def intervals(rows: Sequence[tuple[str, float | None, Sequence[float] | None]], *, label: str,
              unit: str = "", high: float | None = None) -> str:
    """A bar per row with its confidence interval as a whisker: (name, value, [low, high])."""
    left, width, bar, gap = 170, 420, 18, 14
    tops = [v for _, v, _ in rows if v is not None]
    tops += [ci[1] for _, _, ci in rows if ci]
    peak = high if high is not None else _nice_top(max(tops, default=1.0))
    height = 24 + len(rows) * (bar + gap)
    parts = [_open(left + width + 200, height, label)]
    for k in range(5):
        x = left + width * k / 4
        parts.append(f'<line x1="{x:.1f}" y1="14" x2="{x:.1f}" y2="{height - 4}" '
                     f'stroke="{GRID}"/><text x="{x:.1f}" y="10" font-size="11" '
                     f'text-anchor="middle" fill="{MUTED}">{peak * k / 4:g}</text>')
    for i, (name, value, ci) in enumerate(rows):
        y = 18 + i * (bar + gap)
        parts.append(f'<text x="{left - 8}" y="{y + bar - 5}" font-size="12" text-anchor="end" '
                     f'fill="{INK}">{esc(name)}</text>')
        if value is None:
            parts.append(f'<text x="{left + 4}" y="{y + bar - 5}" font-size="11" '
                         f'fill="{MUTED}">n/a</text>')
            continue
        parts.append(f'<rect x="{left}" y="{y}" width="{width * value / peak:.1f}" '
                     f'height="{bar}" fill="{SERIES[i % len(SERIES)]}" opacity="0.75"><title>'
                     f'{esc(name)}: {value:g}{esc(unit)}</title></rect>')
        text = f"{value:.3g}{unit}"
        if ci:
            lo, hi = (left + width * c / peak for c in ci)
            mid = y + bar / 2
            parts.append(f'<path d="M{lo:.1f},{mid - 5} v10 M{lo:.1f},{mid} H{hi:.1f} '
                         f'M{hi:.1f},{mid - 5} v10" stroke="{INK}" stroke-width="1.5" '
                         f'fill="none"/>')
            text += f"  [{ci[0]:.3g}, {ci[1]:.3g}]"
        parts.append(f'<text x="{left + width + 6}" y="{y + bar - 5}" font-size="11" '
                     f'fill="{INK}">{esc(text)}</text>')
    parts.append("</svg>")
    return "".join(parts)
