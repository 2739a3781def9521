"""The agreement report as one self-contained HTML page that opens offline.

Inline CSS, inline SVG for the chart and a few lines of inline JavaScript to sort the document
table; no fonts, scripts or images are fetched. Every string that comes from a project
(document text, names, labels, annotators) goes through `html.escape`, so an article that
contains `<script>` shows as text.
"""

from __future__ import annotations

import html
import re
from collections.abc import Mapping
from datetime import datetime, timezone

from annotator.agreement.report import NOTHING

#: How many disagreements the page lists (the JSON report has them all).
MAX_DISAGREEMENTS = 400
PAIR_COLOURS = ("#3b6fb6", "#d9822b", "#2f9e72", "#a4508b", "#c23b3b", "#6b6b6b", "#8a7f2b")

STYLE = """
:root { --ink:#1f2328; --muted:#656d76; --line:#d0d7de; --soft:#f6f8fa; }
* { box-sizing: border-box; }
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", "DejaVu Sans", sans-serif;
       color: var(--ink); margin: 0; background: #fff; }
main { max-width: 1180px; margin: 0 auto; padding: 24px 28px 48px; }
h1 { font-size: 24px; margin: 0 0 4px; }
h2 { font-size: 18px; margin: 32px 0 8px; padding-bottom: 4px;
     border-bottom: 1px solid var(--line); }
h3 { font-size: 14px; margin: 16px 0 6px; }
.meta, .note { color: var(--muted); }
.note { font-size: 12.5px; }
.cards { display: flex; flex-wrap: wrap; gap: 12px; margin-top: 16px; }
.card { border: 1px solid var(--line); border-radius: 8px; padding: 10px 14px; min-width: 140px;
        background: var(--soft); }
.card .v { font-size: 24px; font-weight: 650; }
.card .k { color: var(--muted); font-size: 12px; }
table { border-collapse: collapse; font-variant-numeric: tabular-nums; }
th, td { border-bottom: 1px solid var(--line); padding: 4px 10px; text-align: right; }
th:first-child, td:first-child, td.t, th.t { text-align: left; }
td:first-child, td.t { white-space: nowrap; }
th { background: var(--soft); font-weight: 600; }
table.sortable th { cursor: pointer; user-select: none; }
table.sortable th[data-dir="asc"]::after { content: " \\25B2"; font-size: 10px; }
table.sortable th[data-dir="desc"]::after { content: " \\25BC"; font-size: 10px; }
.scroll { max-height: 520px; overflow: auto; border: 1px solid var(--line); }
.scroll table { width: 100%; }
.scroll th { position: sticky; top: 0; }
.heat td { text-align: center; min-width: 72px; }
.matrices { display: flex; flex-wrap: wrap; gap: 28px; }
.matrix td { text-align: center; min-width: 38px; }
.matrix th.rot { writing-mode: vertical-rl; transform: rotate(180deg); font-size: 12px; }
.na { color: var(--muted); }
.dis { border: 1px solid var(--line); border-radius: 8px; padding: 8px 12px; margin: 10px 0; }
.dis .head { font-size: 12.5px; color: var(--muted); margin-bottom: 4px; }
.chip { display: inline-block; border-radius: 10px; padding: 0 8px; font-size: 12px;
        background: #eaeef2; color: var(--ink); margin-left: 6px; }
.line { margin: 2px 0; }
.who { display: inline-block; min-width: 92px; font-weight: 600; font-size: 12.5px; }
mark { border-radius: 3px; padding: 1px 2px; color: #111; }
mark sup { font-size: 10px; font-weight: 700; margin-left: 3px; }
.absent { color: var(--muted); font-style: italic; }
footer { margin-top: 36px; font-size: 12px; color: var(--muted); }
"""

SORT_SCRIPT = """
document.querySelectorAll('table.sortable').forEach(table => {
  table.querySelectorAll('th').forEach((th, col) => th.addEventListener('click', () => {
    const dir = th.dataset.dir === 'desc' ? 'asc' : 'desc';
    table.querySelectorAll('th').forEach(h => delete h.dataset.dir);
    th.dataset.dir = dir;
    const key = row => row.cells[col].dataset.v ?? row.cells[col].textContent;
    const body = table.tBodies[0];
    const rows = Array.from(body.rows).sort((r1, r2) => {
      const a = key(r1), b = key(r2), x = parseFloat(a), y = parseFloat(b);
      const c = (!isNaN(x) && !isNaN(y)) ? x - y : a.localeCompare(b);
      return dir === 'asc' ? c : -c;
    });
    rows.forEach(row => body.appendChild(row));
  }));
});
"""


def esc(value: object) -> str:
    return html.escape(str(value), quote=True)


#: a colour a style attribute may hold: `#rgb`, `#rrggbb` (`#rrggbbaa`) or a CSS colour name
COLOUR = re.compile(r"#(?:[0-9a-fA-F]{3}){1,2}(?:[0-9a-fA-F]{2})?|[a-zA-Z]{3,30}")
MARK_COLOUR = "#ffe08a"


def css_colour(value: object, fallback: str = MARK_COLOUR) -> str:
    """A schema colour fit for a style attribute, else `fallback`: a colour field holding
    `red; background-image: url(file:///...)` would otherwise load whatever it names."""
    return value if isinstance(value, str) and COLOUR.fullmatch(value) else fallback


def _number(value: float | None, reason: str | None = None) -> str:
    if value is None:
        return f'<span class="na" title="{esc(reason or "not defined")}">n/a</span>'
    return f"{value:.3f}"


def _cell(obj: Mapping, key: str) -> str:
    value = obj.get(key)
    reason = (obj.get("not_defined") or {}).get(key)
    sort = "-Infinity" if value is None else value
    return f'<td data-v="{sort}">{_number(value, reason)}</td>'


def _heat(value: float | None) -> str:
    """Red (0 or below) through yellow to green (1): a background readable with dark text."""
    if value is None:
        return "#f0f0f0"
    hue = 120 * max(0.0, min(1.0, value))
    return f"hsl({hue:.0f}, 65%, 80%)"


def _summary(report: dict) -> str:
    summary = report["summary"]
    cards = [("Fleiss' κ (tokens)", report, "fleiss_kappa"),
             ("Krippendorff's α (tokens)", report, "krippendorff_alpha"),
             ("Span F1, exact", summary, "span_f1_exact"),
             ("Span F1, overlap", summary, "span_f1_overlap"),
             ("Cohen's κ (tokens)", summary, "cohen_kappa"),
             ("Trigger F1", summary, "trigger_f1"),
             ("Argument F1", summary, "argument_f1")]
    out = ['<div class="cards">']
    for title, obj, key in cards:
        reason = (obj.get("not_defined") or {}).get(key)
        out.append(f'<div class="card"><div class="v">{_number(obj.get(key), reason)}</div>'
                   f'<div class="k">{esc(title)}</div></div>')
    out.append("</div>")
    if len(report["pairs"]) > 1:
        out.append('<p class="note">F1 and Cohen\'s κ cards are means over annotator pairs.</p>')
    return "".join(out)


def _pairs_table(report: dict) -> str:
    if not report["pairs"]:
        return '<p class="na">No annotator pairs: agreement needs two or more annotators.</p>'
    rows = []
    for p in report["pairs"]:
        exact, overlap = p["span_f1"]["exact"], p["span_f1"]["overlap"]
        rows.append(
            f'<tr><td class="t">{esc(p["a"])} · {esc(p["b"])}</td><td>{p["documents"]}</td>'
            f'{_cell(exact, "micro")}{_cell(exact, "macro")}{_cell(overlap, "micro")}'
            f'{_cell(overlap, "macro")}{_cell(p, "cohen_kappa")}{_cell(p, "trigger_f1")}'
            f'{_cell(p, "argument_f1")}<td>{p["disagreements"]}</td></tr>')
    return ('<table><thead><tr><th>Pair</th><th>Documents</th><th>Exact micro F1</th>'
            '<th>Exact macro F1</th><th>Overlap micro F1</th><th>Overlap macro F1</th>'
            "<th>Cohen's κ</th><th>Trigger F1</th><th>Argument F1</th><th>Disagreements</th>"
            f'</tr></thead><tbody>{"".join(rows)}</tbody></table>')


def _label_chart(report: dict) -> str:
    """Horizontal bars per label and pair: exact F1 solid, overlap F1 as the pale extension."""
    pairs = report["pairs"]
    support: dict[str, int] = {}
    for p in pairs:
        for label, c in p["span_f1"]["exact"]["per_label"].items():
            support[label] = support.get(label, 0) + c["tp"] + c["fp"] + c["fn"]
    if not support:
        return '<p class="na">No entity spans to compare.</p>'
    labels = sorted(support, key=lambda x: (-support[x], x))
    left, width, bar, gap = 170, 560, 13, 12
    group = len(pairs) * (bar + 2) + gap
    height = 28 + group * len(labels) + 10
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{left + width + 70}" '
             f'height="{height}" role="img" aria-label="F1 per label">']
    for tick in (0, 0.25, 0.5, 0.75, 1.0):
        x = left + tick * width
        parts.append(f'<line x1="{x}" y1="18" x2="{x}" y2="{height - 8}" stroke="#d0d7de"/>'
                     f'<text x="{x}" y="12" font-size="11" text-anchor="middle" '
                     f'fill="#656d76">{tick:g}</text>')
    for row, label in enumerate(labels):
        top = 24 + row * group
        parts.append(f'<text x="{left - 8}" y="{top + group / 2 - 2}" font-size="12" '
                     f'text-anchor="end" dominant-baseline="middle">{esc(label)}</text>')
        for k, p in enumerate(pairs):
            y = top + k * (bar + 2)
            colour = PAIR_COLOURS[k % len(PAIR_COLOURS)]
            exact = p["span_f1"]["exact"]["per_label"].get(label, {}).get("f1")
            overlap = p["span_f1"]["overlap"]["per_label"].get(label, {}).get("f1")
            name = f'{p["a"]} · {p["b"]}'
            if overlap:
                parts.append(f'<rect x="{left}" y="{y}" width="{overlap * width:.1f}" '
                             f'height="{bar}" fill="{colour}" opacity="0.3"><title>'
                             f'{esc(name)}: {esc(label)} overlap F1 {overlap:.3f}</title></rect>')
            if exact:
                parts.append(f'<rect x="{left}" y="{y}" width="{exact * width:.1f}" '
                             f'height="{bar}" fill="{colour}"><title>{esc(name)}: {esc(label)} '
                             f'exact F1 {exact:.3f}</title></rect>')
            shown = "n/a" if exact is None else f"{exact:.2f}"
            end = max(exact or 0, overlap or 0) * width
            parts.append(f'<text x="{left + end + 4:.1f}" y="{y + bar - 2}" font-size="10.5" '
                         f'fill="#444">{shown}</text>')
    parts.append("</svg>")
    legend = " ".join(
        f'<span class="chip" style="background:{PAIR_COLOURS[k % len(PAIR_COLOURS)]};'
        f'color:#fff">{esc(p["a"])} · {esc(p["b"])}</span>' for k, p in enumerate(pairs))
    return (f'<p class="note">Solid: exact-match F1; pale extension: overlap-match F1. '
            f'Labels by how often either annotator used them. {legend}</p>' + "".join(parts))


def _kappa_heatmap(report: dict) -> str:
    names = report["annotators"]
    if len(names) < 2:
        return '<p class="na">Needs two or more annotators.</p>'
    by_pair = {}
    for p in report["pairs"]:
        by_pair[p["a"], p["b"]] = by_pair[p["b"], p["a"]] = p
    head = "".join(f"<th>{esc(n)}</th>" for n in names)
    rows = []
    for x in names:
        cells = []
        for y in names:
            if x == y:
                cells.append('<td style="background:#f6f8fa" class="na">—</td>')
                continue
            p = by_pair[x, y]
            value = p["cohen_kappa"]
            reason = (p.get("not_defined") or {}).get("cohen_kappa")
            cells.append(f'<td style="background:{_heat(value)}">{_number(value, reason)}</td>')
        rows.append(f'<tr><th class="t">{esc(x)}</th>{"".join(cells)}</tr>')
    return (f'<table class="heat"><thead><tr><th></th>{head}</tr></thead>'
            f'<tbody>{"".join(rows)}</tbody></table>')


def _confusion(report: dict) -> str:
    blocks = []
    for p in report["pairs"]:
        table = p["confusion"]
        labels, matrix = table["labels"], table["matrix"]
        if not labels:
            continue
        peak = max((v for row in matrix for v in row), default=0) or 1
        head = "".join(f'<th class="rot">{esc(x)}</th>' for x in labels)
        rows = []
        for x, counts in zip(labels, matrix, strict=True):
            cells = []
            for y, n in zip(labels, counts, strict=True):
                tone = (f"hsl(210, 60%, {97 - 45 * n / peak:.0f}%)" if x == y
                        else f"hsl(10, 70%, {97 - 40 * n / peak:.0f}%)") if n else "#fff"
                cells.append(f'<td style="background:{tone}">{n or ""}</td>')
            rows.append(f'<tr><th class="t">{esc(x)}</th>{"".join(cells)}</tr>')
        blocks.append(
            f'<div><h3>{esc(p["a"])} (rows) · {esc(p["b"])} (columns)</h3>'
            f'<table class="matrix"><thead><tr><th></th>{head}</tr></thead>'
            f'<tbody>{"".join(rows)}</tbody></table></div>')
    if not blocks:
        return '<p class="na">No entity spans to compare.</p>'
    return (f'<p class="note">Entity spans paired by position; {esc(NOTHING)} means the other '
            f'annotator marked nothing there.</p><div class="matrices">{"".join(blocks)}</div>')


def _documents(report: dict) -> str:
    if not report["per_document"]:
        return '<p class="na">No documents compared.</p>'
    rows = []
    for d in report["per_document"]:
        spans = ", ".join(f"{esc(a)} {n}" for a, n in d["spans"].items())
        rows.append(
            f'<tr><td class="t">{esc(d["name"])}</td><td>{d["tokens"]}</td>'
            f'<td class="t" data-v="{len(d["annotators"])}">{spans}</td>'
            f'{_cell(d, "span_f1_exact")}{_cell(d, "span_f1_overlap")}{_cell(d, "cohen_kappa")}'
            f'{_cell(d, "trigger_f1")}{_cell(d, "argument_f1")}<td>{d["disagreements"]}</td></tr>')
    return ('<p class="note">Click a column to sort. Values are means over the pairs of '
            'annotators who worked on the document.</p><div class="scroll">'
            '<table class="sortable"><thead><tr><th>Document</th><th>Tokens</th>'
            '<th class="t">Entity spans</th><th>Exact F1</th><th>Overlap F1</th>'
            "<th>Cohen's κ</th><th>Trigger F1</th><th>Argument F1</th><th>Disagreements</th>"
            f'</tr></thead><tbody>{"".join(rows)}</tbody></table></div>')


def _highlight(context: dict, span: dict | None, colours: Mapping[str, str]) -> str:
    text, offset = context["text"], context["start"]
    lead = "…" if offset > 0 else ""
    if span is None:
        return f'{lead}{esc(text)}… <span class="absent">(nothing marked)</span>'
    i, j = span["start"] - offset, span["end"] - offset
    colour = css_colour(colours.get(span["label"]))
    return (f'{lead}{esc(text[:i])}<mark style="background:{esc(colour)}">{esc(text[i:j])}'
            f'<sup>{esc(span["label"])}</sup></mark>{esc(text[j:])}…')


def _disagreements(report: dict, colours: Mapping[str, str]) -> str:
    items = report["disagreements"]
    if not items:
        return '<p class="na">No disagreements.</p>'
    kinds = {"label": "different label", "extent": "different extent",
             "extent+label": "different extent and label", "only_a": "only {a}",
             "only_b": "only {b}"}
    out = []
    for item in items[:MAX_DISAGREEMENTS]:
        what = kinds[item["type"]].format(a=item["a"], b=item["b"])
        out.append(
            f'<div class="dis"><div class="head">{esc(item["document"])} · characters '
            f'{item["start"]}–{item["end"]} · {esc(item["kind"])}'
            f'<span class="chip">{esc(what)}</span></div>'
            f'<div class="line"><span class="who">{esc(item["a"])}</span>'
            f'{_highlight(item["context"], item["a_span"], colours)}</div>'
            f'<div class="line"><span class="who">{esc(item["b"])}</span>'
            f'{_highlight(item["context"], item["b_span"], colours)}</div></div>')
    total = report.get("disagreements_total", len(items))
    shown = min(len(items), MAX_DISAGREEMENTS)
    if total > shown:
        out.append(f'<p class="note">{total - shown} more disagreements are not shown here; the '
                   f'JSON report (<code>--json</code>) lists {len(items)} of them.</p>')
    return "".join(out)


def render_html(report: dict, *, colours: Mapping[str, str] | None = None,
                title: str = "Inter-annotator agreement") -> str:
    """The whole page for a report from `agreement.report`; `colours` maps labels to the
    schema's highlight colours."""
    colours = colours or {}
    stamp = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    labels = report.get("labels")
    meta = (f'{len(report["annotators"])} annotators ({esc(", ".join(report["annotators"]))}) · '
            f'{report["documents"]} documents'
            + (f' ({esc(report["selection"])})' if report.get("selection") else "")
            + (f' · labels: {esc(", ".join(labels))}' if labels else "")
            + f" · generated {stamp}")
    sections = [
        ("Annotator pairs", _pairs_table(report)),
        ("F1 per entity label", _label_chart(report)),
        ("Cohen's κ between annotators (token level)", _kappa_heatmap(report)),
        ("Label confusion", _confusion(report)),
        ("Documents", _documents(report)),
        (f'Disagreements ({report.get("disagreements_total", len(report["disagreements"]))})',
         _disagreements(report, colours)),
    ]
    body = "".join(f"<h2>{esc(h)}</h2>{content}" for h, content in sections)
    return (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        # nothing outside the page is ever loaded, whatever a name or colour holds
        '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; '
        "style-src 'unsafe-inline'; script-src 'unsafe-inline'\">"
        f"<title>{esc(title)}</title><style>{STYLE}</style></head><body><main>"
        f'<h1>{esc(title)}</h1><p class="meta">{meta}</p>{_summary(report)}{body}'
        f'<footer><p>{esc(report["tokenisation"]["note"])}.</p><p>Precision and recall take '
        "the first annotator of a pair as reference. F1 is not defined (n/a) where neither "
        "annotator marked anything; κ is not defined where everyone used one label for every "
        "token. Token measures label each token with the entity covering it, or O. Trigger F1 "
        "compares trigger span and event type exactly; argument F1 compares trigger, role and "
        "argument span.</p></footer>"
        f"</main><script>{SORT_SCRIPT}</script></body></html>"
    )
