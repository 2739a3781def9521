"""`annotator report` and `annotator experiment`: how fast, how good, and whether the
suggestions help."""

from __future__ import annotations

import json
from pathlib import Path

import typer
from rich import box
from rich.table import Table
from rich.text import Text

from annotator.cli.app import app, console, fail, open_project, say


def _minutes(seconds: float | None) -> str:
    return "n/a" if seconds is None else f"{seconds / 60:.1f}"


def _show(value: float | None, digits: int = 3) -> str:
    return "n/a" if value is None else f"{value:.{digits}f}"


def _ci(ci: list[float] | None, scale: float = 1.0, digits: int = 3) -> str:
    return "" if not ci else f"[{ci[0] / scale:.{digits}f}, {ci[1] / scale:.{digits}f}]"


def _print_report(report: dict) -> None:
    """The headline tables; data (names, origins) go in as `Text`, never read as markup."""
    s = report["summary"]
    say(f"{s['annotators']} annotators, {s['documents_done']} documents done (counted per "
        f"annotator) of {s['documents']}, {_minutes(s['active_seconds'])} active minutes, "
        f"accept rate {_show(s['accept_rate'])}")
    table = Table(title="time", title_justify="left", box=box.SIMPLE_HEAD)
    for column in ("annotator", "active min", "today min", "done", "docs/hour", "decisions/min",
                   "median min/doc"):
        table.add_column(column, justify="left" if column == "annotator" else "right")
    for r in report["time"]["per_annotator"]:
        table.add_row(Text(r["annotator"]), _minutes(r["active_seconds"]),
                      _minutes(r["today_seconds"]), str(r["documents_done"]),
                      _show(r["documents_per_hour"], 1), _show(r["decisions_per_minute"], 2),
                      _minutes(r["median_seconds_per_document"]))
    console.print(table)
    table = Table(title="suggestion outcomes per origin", title_justify="left",
                  box=box.SIMPLE_HEAD)
    columns = {"accepted": "accept", "relabelled": "relabel", "resized": "resize",
               "relabelled_resized": "both", "rejected": "reject", "undecided": "pending",
               "manual": "by hand"}
    table.add_column("origin", min_width=24, overflow="fold")
    for heading in columns.values():
        table.add_column(heading, justify="right")
    for r in report["outcomes"]["per_origin"]:
        table.add_row(Text(r["origin"]), *(str(r[c]) for c in columns))
    console.print(table)
    cards = report["scorecards"]["per_annotator"]
    if cards:
        table = Table(title="against gold", title_justify="left", box=box.SIMPLE_HEAD)
        for column in ("annotator", "documents", "entity F1", "event F1", "role F1"):
            table.add_column(column, justify="left" if column == "annotator" else "right")
        for c in cards:
            table.add_row(Text(c["annotator"]), str(c["documents"]), _show(c["entity_f1"]),
                          _show(c["event_f1"]), _show(c["role_f1"]))
        console.print(table)
    experiment = report["experiment"]
    if experiment:
        time, f1 = experiment["seconds_per_document"], experiment["f1"]
        table = Table(title="A/B experiment (95% CI: percentile bootstrap)",
                      title_justify="left", box=box.SIMPLE_HEAD)
        for column in ("", "min/document", "CI", "entity F1", "CI"):
            table.add_column(column, justify="left" if not column else "right")
        for arm, name in (("shown", "with suggestions"), ("withheld", "without"),
                          ("difference", "difference")):
            table.add_row(name, _minutes(time[arm]["value"]), _ci(time[arm]["ci"], 60, 1),
                          _show(f1[arm]["value"]), _ci(f1[arm]["ci"]))
        console.print(table)
    for warning in report["rubber_stamp"]["warnings"]:
        say(f"warning: {warning['message']}")


@app.command("report")
def report_command(
    project: Path = typer.Argument(..., help="Project file."),
    html_out: Path = typer.Option(None, "--html", help="Write the HTML report here."),
    json_out: Path = typer.Option(None, "--json", help="Write the full report as JSON here."),
    csv_dir: Path = typer.Option(None, "--csv", help="Write one CSV file per table into this "
                                                     "folder."),
) -> None:
    """Telemetry: active time, suggestion outcomes, rubber-stamp warnings, scorecards against
    gold and the A/B experiment on suggestions."""
    from annotator.telemetry.html import render_html
    from annotator.telemetry.report import project_report
    from annotator.telemetry.tables import write_csv

    with open_project(project) as store:
        report = project_report(store)
    _print_report(report)
    if json_out is not None:
        json_out.write_text(json.dumps(report, indent=1, ensure_ascii=False), encoding="utf-8")
        say(f"wrote {json_out}")
    if csv_dir is not None:
        paths = write_csv(report, csv_dir)
        say(f"wrote {len(paths)} CSV files into {csv_dir}")
    if html_out is not None:
        html_out.write_text(render_html(report), encoding="utf-8")
        say(f"wrote {html_out}")


@app.command("experiment")
def experiment_command(
    project: Path = typer.Argument(..., help="Project file."),
    withhold: float = typer.Option(..., "--withhold",
                                   help="Share of the not yet started documents whose "
                                        "suggestions annotators do not see (0-1; 0 ends it)."),
    seed: int = typer.Option(0, "--seed", help="Seed of the reproducible choice."),
) -> None:
    """An A/B experiment: hide the suggestions on a share of the documents nobody has started,
    so that `annotator report` can compare time and F1 with and without them."""
    from annotator.telemetry.experiment import start_experiment

    if not 0.0 <= withhold <= 1.0:
        raise fail(f"--withhold must be between 0 and 1, got {withhold}")
    with open_project(project) as store:
        plan = start_experiment(store, withhold, seed)
    if plan.replaced:
        say("replaced the earlier experiment's choice")
    say(f"{len(plan.withheld)} documents without suggestions, {len(plan.shown)} with "
        f"(seed {seed}); {plan.started} already started documents left out")
