"""The telemetry report as one self-contained HTML page that opens offline.

The agreement page's style and sorting script, inline SVG charts (`charts`), no fonts, scripts
or images fetched. Every string that comes from a project (names, labels, origins, documents,
warnings) goes through `esc`; numbers are formatted here.
"""

from __future__ import annotations

from collections.abc import Sequence

from annotator.agreement.html import SORT_SCRIPT, STYLE, esc
from annotator.telemetry import charts
from annotator.telemetry.outcomes import OUTCOMES

EXTRA_STYLE = """
.legend { display: flex; flex-wrap: wrap; gap: 6px 14px; margin: 6px 0 10px; font-size: 12.5px; }
.legend .key i { display: inline-block; width: 11px; height: 11px; border-radius: 2px;
                 margin-right: 5px; vertical-align: -1px; }
.warn { border: 1px solid #e0b43c; background: #fff8e1; border-radius: 8px; padding: 8px 14px;
        margin: 14px 0; }
.warn li { margin: 2px 0; }
.figure { margin: 10px 0 18px; overflow-x: auto; }
.two { display: flex; flex-wrap: wrap; gap: 8px 36px; }
table.data { margin: 6px 0 12px; }
table.data td { white-space: nowrap; }
"""
ARM_NAMES = {"shown": "with suggestions", "withheld": "without suggestions"}


def _n(value: float | None, digits: int = 3) -> str:
    return '<span class="na">n/a</span>' if value is None else f"{value:.{digits}f}"


def _duration(seconds: float | None) -> str:
    if seconds is None:
        return '<span class="na">n/a</span>'
    seconds = round(seconds)
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours} h {minutes:02d} min" if hours else f"{minutes} min {secs:02d} s"


def _pct(value: float | None) -> str:
    return '<span class="na">n/a</span>' if value is None else f"{value:.0%}"


def _table(head: Sequence[str], rows: Sequence[Sequence[str]], *, sortable: bool = True) -> str:
    if not rows:
        return '<p class="na">Nothing recorded yet.</p>'
    cls = "data sortable" if sortable else "data"
    cells = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>" for row in rows)
    return (f'<table class="{cls}"><thead><tr>{"".join(f"<th>{esc(h)}</th>" for h in head)}'
            f"</tr></thead><tbody>{cells}</tbody></table>")


def _cards(report: dict) -> str:
    s = report["summary"]
    cards = [(str(s["annotators"]), "annotators"),
             (f'{s["documents_done"]} / {s["documents"]}',
              "documents done (counted per annotator) / in project"),
             (_duration(s["active_seconds"]), "active time"),
             (_n(s["documents_per_hour"], 1), "documents per active hour"),
             (_pct(s["accept_rate"]), "suggestions accepted as they were"),
             (str(s["warnings"]), "warnings")]
    return '<div class="cards">' + "".join(
        f'<div class="card"><div class="v">{v}</div><div class="k">{esc(k)}</div></div>'
        for v, k in cards) + "</div>"


def _warnings(report: dict) -> str:
    items = report["rubber_stamp"]["warnings"]
    if not items:
        return ""
    return ('<div class="warn"><strong>For the lead\'s attention</strong> (a signal to look, '
            "not a verdict):<ul>" + "".join(f"<li>{esc(w['message'])}</li>" for w in items)
            + "</ul></div>")


def _time(report: dict) -> str:
    rows = [[esc(r["annotator"]), _duration(r["active_seconds"]), _duration(r["today_seconds"]),
             str(r["documents_worked"]), str(r["documents_done"]),
             _n(r["documents_per_hour"], 1), str(r["decisions"]),
             _n(r["decisions_per_minute"], 2), _duration(r["median_seconds_per_document"]),
             _duration(r["median_first_edit_seconds"])]
            for r in report["time"]["per_annotator"]]
    table = _table(["Annotator", "Active", "Today", "Worked on", "Done", "Docs / hour",
                    "Decisions", "Decisions / min", "Median per doc", "Median to 1st edit"],
                   rows)
    throughput = report["throughput"]
    days = sorted({r["day"] for r in throughput})
    people = sorted({r["annotator"] for r in throughput})
    done = {(r["day"], r["annotator"]): r["documents_done"] for r in throughput}
    # minutes while a day holds little work, hours once it holds a few
    unit, scale = (("hours", 3600) if max((r["active_seconds"] for r in throughput),
                                          default=0) >= 2 * 3600 else ("minutes", 60))
    active = {(r["day"], r["annotator"]): round(r["active_seconds"] / scale, 2)
              for r in throughput}
    charts_html = ""
    if days:
        charts_html = (
            '<div class="two"><div class="figure"><h3>Documents done per day</h3>'
            + charts.stacked_columns(days, people, done, label="Documents done per day")
            + f'</div><div class="figure"><h3>Active {unit} per day</h3>'
            + charts.stacked_columns(days, people, active, label=f"Active {unit} per day",
                                     unit=f" {unit}")
            + "</div></div>" + charts.legend(people, charts.SERIES))
    samples: dict[str, list[float]] = {}
    experiment = report.get("experiment")
    for row in report["time"]["per_document"]:
        if row["status"] == "done" and row["active_seconds"]:
            key = ARM_NAMES.get(row["arm"], "all documents") if experiment else "all documents"
            samples.setdefault(key, []).append(row["active_seconds"])
    ordered = sorted(samples.items(), key=lambda kv: kv[0] != ARM_NAMES["shown"])
    samples = {f"{name} (n = {len(values)})": values for name, values in ordered}
    distribution = ('<div class="figure"><h3>Active time per document (documents done)</h3>'
                    + charts.histogram(samples, label="Active time per document")
                    + (charts.legend(list(samples), charts.SERIES) if len(samples) > 1 else "")
                    + "</div>")
    return table + charts_html + distribution


def _outcome_row(row: dict, key: str) -> list[str]:
    return ([esc(row[key])] + [str(row[o]) for o in OUTCOMES]
            + [str(row["suggested"]), _pct(row["accept_rate"])])


def _outcomes(report: dict) -> str:
    outcomes = report["outcomes"]
    kinds = [k for k in OUTCOMES if k != "manual"]
    labels = [r for r in outcomes["per_label"] if r["suggested"] or r["manual"]]
    labels.sort(key=lambda r: (-(r["suggested"] + r["manual"]), r["label"]))
    head = ["Accepted", "Relabelled", "Resized", "Relabelled + resized", "Rejected",
            "Undecided at done", "By hand", "Suggested", "Accept rate"]
    parts = [charts.legend([k.replace("_", " + ") for k in kinds],
                           [charts.OUTCOME_COLOURS[k] for k in kinds])]
    if labels:
        parts.append('<div class="figure"><h3>Outcome rates per label</h3>'
                     + charts.outcome_bars(labels, "label", kinds,
                                           label="Outcome rates per label") + "</div>")
    for title, key, rows in (("Per origin", "origin", outcomes["per_origin"]),
                             ("Per label", "label", outcomes["per_label"]),
                             ("Per annotator", "annotator", outcomes["per_annotator"])):
        parts.append(f"<h3>{esc(title)}</h3>"
                     + _table([key.capitalize(), *head], [_outcome_row(r, key) for r in rows]))
    judged = outcomes["judged"]
    rows = [[esc(label), _n(c["p"]), _n(c["r"]), _n(c["f1"]), str(c["tp"]), str(c["fp"]),
             str(c["fn"])] for label, c in judged["per_label"].items()]
    parts.append("<h3>The suggestions' precision and recall, as the annotators judged them</h3>"
                 '<p class="note">Reference: each annotator\'s final spans on the documents '
                 "they marked done; a suggestion counts as right when its span and label were "
                 f"kept exactly. Overall P {_n(judged.get('p'))}, R {_n(judged.get('r'))}, "
                 f"F1 {_n(judged.get('micro'))}.</p>"
                 + _table(["Label", "Precision", "Recall", "F1", "Kept (tp)",
                           "Not kept (fp)", "Missed (fn)"], rows))
    return "".join(parts)


def _stamps(report: dict) -> str:
    stamps = report["rubber_stamp"]
    rows = [[esc(r["annotator"]), str(r["accepts"]), str(r["fast_accepts"]),
             _pct(r["fast_share"]), str(r["runs"]), str(r["longest_run"]),
             _n(r["median_accept_seconds"], 1), _pct(r["accept_rate"])]
            for r in stamps["per_annotator"]]
    return (f'<p class="note">A fast accept comes less than {stamps["fast_accept_seconds"]:g} s '
            "after the annotator's previous step (an edit, opening the document); a run is "
            f'{stamps["run_length"]} or more in a row on one document. "Accept all" spreads '
            "its time over the suggestions it accepted.</p>"
            + _table(["Annotator", "Accepts", "Fast", "Fast share", "Runs", "Longest run",
                      "Median s to accept", "Accept rate"], rows))


def _scorecards(report: dict) -> str:
    cards = report["scorecards"]["per_annotator"]
    if not cards:
        return ('<p class="na">No scorecards yet: they need documents with gold (adjudicated) '
                "that annotators marked done.</p>")
    names = [c["annotator"] for c in cards]
    rows = [[esc(c["annotator"]), str(c["documents"]), _n(c["entity_f1"]), _n(c["event_f1"]),
             _n(c["role_f1"])] for c in cards]
    parts = [_table(["Annotator", "Documents", "Entity F1", "Event type F1", "Role F1"], rows),
             charts.legend(names, charts.SERIES)]
    for title, key in (("Entity labels", "entities"), ("Event types", "event_types"),
                       ("Roles", "roles")):
        support: dict[str, int] = {}
        for c in cards:
            for label, counts in c[key]["per_label"].items():
                support[label] = support.get(label, 0) + counts["support"]
        if not support:
            continue
        labels = sorted(support, key=lambda x: (-support[x], x))
        values = {(label, c["annotator"]): c[key]["per_label"].get(label, {}).get("f1")
                  for c in cards for label in labels}
        parts.append(f'<div class="figure"><h3>F1 against gold: {esc(title)}</h3>'
                     + charts.grouped_bars(labels, names, values, label=f"F1 per {title}")
                     + "</div>")
    for title, key in (("per week", "by_week"), ("per 50 documents", "by_documents")):
        periods = sorted({p["period"] for c in cards for p in c[key]},
                         key=lambda p: (len(p), p) if key == "by_documents" else p)
        series = {c["annotator"]: {p["period"]: p["entity_f1"] for p in c[key]} for c in cards}
        parts.append(f'<div class="figure"><h3>Entity F1 {esc(title)}</h3>'
                     + charts.lines(periods, series, label=f"Entity F1 {title}") + "</div>")
    return "".join(parts)


def _experiment(report: dict) -> str:
    experiment = report.get("experiment")
    if not experiment:
        return ('<p class="na">No experiment. <code>annotator experiment PROJECT --withhold '
                "0.2</code> hides the suggestions on a share of the documents not yet started; "
                "this section then compares the two.</p>")
    settings = experiment.get("settings") or {}
    time, f1 = experiment["seconds_per_document"], experiment["f1"]
    rows = []
    for arm in ("shown", "withheld"):
        t, f = time[arm], f1[arm]
        rows.append([esc(ARM_NAMES[arm]), str(experiment["documents"][arm]), str(t["n"]),
                     _duration(t["value"]), _ci(t["ci"], seconds=True), str(f["n"]),
                     _n(f["value"]), _ci(f["ci"])])
    dt, df = time["difference"], f1["difference"]
    rows.append(["difference (with − without)", "", "", _signed_duration(dt["value"]),
                 _ci(dt["ci"], seconds=True), "", _n(df["value"]), _ci(df["ci"])])
    minutes = [(ARM_NAMES[a], None if time[a]["value"] is None else time[a]["value"] / 60,
                None if not time[a]["ci"] else [c / 60 for c in time[a]["ci"]])
               for a in ("shown", "withheld")]
    scores = [(ARM_NAMES[a], f1[a]["value"], f1[a]["ci"]) for a in ("shown", "withheld")]
    share = settings.get("withhold")
    how = ("Documents in the experiment" if share is None else
           f"Suggestions withheld on {share:.0%} of the documents not yet started")
    if "seed" in settings:
        how += f", seed {esc(settings['seed'])}"
    return (f'<p class="note">{how}. Intervals: {esc(experiment["method"])}.</p>'
            + _table(["Arm", "Documents", "Timed", "Time per document", "95% CI",
                      "Scored vs gold", "Entity F1", "95% CI"], rows, sortable=False)
            + '<div class="two"><div class="figure"><h3>Active minutes per document</h3>'
            + charts.intervals(minutes, label="Minutes per document", unit=" min")
            + '</div><div class="figure"><h3>Entity F1 against gold</h3>'
            + charts.intervals(scores, label="Entity F1", high=1.0) + "</div></div>")


def _ci(ci: list[float] | None, seconds: bool = False) -> str:
    if not ci:
        return '<span class="na">n/a</span>'
    if seconds:
        return f"{_signed_duration(ci[0])} to {_signed_duration(ci[1])}"
    return f"{ci[0]:.3f} to {ci[1]:.3f}"


def _signed_duration(seconds: float | None) -> str:
    if seconds is None:
        return '<span class="na">n/a</span>'
    return ("−" if seconds < 0 else "") + _duration(abs(seconds))


def render_html(report: dict, *, title: str = "Annotation telemetry") -> str:
    """The whole page for a report from `telemetry.report.project_report`."""
    meta = (f'{esc(report["project"])} · {len(report["annotators"])} annotators '
            f'({esc(", ".join(report["annotators"]) or "none")}) · generated '
            f'{esc(report["generated_at"][:16].replace("T", " "))} UTC')
    sections = [
        ("Time and throughput", _time(report)),
        ("What became of the suggestions", _outcomes(report)),
        ("Rubber-stamp monitor", _stamps(report)),
        ("Scorecards against gold", _scorecards(report)),
        ("Do the suggestions help? (A/B experiment)", _experiment(report)),
    ]
    body = "".join(f"<h2>{esc(h)}</h2>{content}" for h, content in sections)
    return (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{esc(title)}</title><style>{STYLE}{EXTRA_STYLE}</style></head><body><main>"
        f'<h1>{esc(title)}</h1><p class="meta">{meta}</p>{_cards(report)}{_warnings(report)}'
        f"{body}<footer><p>Active time: the gaps between a person's steps (edits, opening a "
        "document, focus, input) while the window had the focus and a document open, gaps of "
        f'more than {report["idle_seconds"]:g} s left out entirely. Outcomes count the '
        "documents each annotator marked done, without the experiment's withheld documents. "
        "Scorecards take gold as the reference (exact span and label; roles by trigger, role "
        "and argument span).</p></footer>"
        f"</main><script>{SORT_SCRIPT}</script></body></html>"
    )
