"""`annotator agreement`, `split`, `merge` and `adjudicate`: working as a team."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import TYPE_CHECKING

import typer
from rich import box
from rich.progress import Progress
from rich.table import Table
from rich.text import Text

from annotator.cli.app import app, console, fail, is_interactive, open_project, plain, plural, say

if TYPE_CHECKING:
    from annotator.store import Store


def _names(value: str | None) -> list[str] | None:
    return None if value is None else [x.strip() for x in value.split(",") if x.strip()]


def _annotators(store: Store, value: str | None) -> list[str]:
    known = store.annotators()
    chosen = _names(value) or known
    unknown = [a for a in chosen if a not in known]
    if unknown:
        raise fail(f"no annotator {', '.join(unknown)} in {store.path.name} "
                   f"(it has: {', '.join(known) or 'none'})")
    return chosen


def _show(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.3f}"


def _print_report(report: dict) -> None:
    names = ", ".join(report["annotators"]) or "none"
    console.print(Text(plural(len(report["annotators"]), "annotator"), style="bold")
                  + Text(f" ({names}), ") + Text(plural(report["documents"], "document"),
                                                 style="bold")
                  + Text(f" ({report['selection']})"), highlight=False, soft_wrap=True)
    if report["pairs"]:
        table = Table(title="agreement per pair", title_justify="left", box=box.SIMPLE_HEAD)
        table.add_column("measure")
        for p in report["pairs"]:
            table.add_column(plain(f"{p['a']} · {p['b']}"), justify="right")
        rows = [
            ("documents", lambda p: str(p["documents"])),
            ("span F1, exact (micro)", lambda p: _show(p["span_f1"]["exact"]["micro"])),
            ("span F1, exact (macro)", lambda p: _show(p["span_f1"]["exact"]["macro"])),
            ("span F1, overlap (micro)", lambda p: _show(p["span_f1"]["overlap"]["micro"])),
            ("span F1, overlap (macro)", lambda p: _show(p["span_f1"]["overlap"]["macro"])),
            ("Cohen's κ (tokens)", lambda p: _show(p["cohen_kappa"])),
            ("trigger F1", lambda p: _show(p["trigger_f1"])),
            ("argument F1", lambda p: _show(p["argument_f1"])),
            ("disagreements", lambda p: str(p["disagreements"])),
        ]
        for name, cell in rows:
            table.add_row(name, *(cell(p) for p in report["pairs"]))
        console.print(table)
        labels = sorted({label for p in report["pairs"]
                         for label in p["span_f1"]["exact"]["per_label"]})
        if labels:
            table = Table(title="F1 per label: exact / overlap (support)", title_justify="left",
                          box=box.SIMPLE_HEAD)
            table.add_column("label")
            for p in report["pairs"]:
                table.add_column(plain(f"{p['a']} · {p['b']}"), justify="right")
            for label in labels:
                cells = []
                for p in report["pairs"]:
                    exact = p["span_f1"]["exact"]["per_label"].get(label)
                    overlap = p["span_f1"]["overlap"]["per_label"].get(label)
                    cells.append("" if exact is None else
                                 f"{_show(exact['f1'])} / {_show(overlap['f1'])} "
                                 f"({exact['support']})")
                table.add_row(plain(label), *cells)
            console.print(table)
    say(f"Fleiss' κ {_show(report['fleiss_kappa'])} · Krippendorff's α "
        f"{_show(report['krippendorff_alpha'])} (token level)")
    notes = {**(report.get("not_defined") or {})}
    for p in report["pairs"]:
        for key, reason in (p.get("not_defined") or {}).items():
            notes[f"{key} ({p['a']} · {p['b']})"] = reason
    for key, reason in notes.items():
        say(f"{key}: {reason}", style="dim")
    if report["tokenisation"]["regex"]:
        say(f"note: {report['tokenisation']['note']}", style="dim")


@app.command("agreement")
def agreement_command(
    project: Path = typer.Argument(..., help="Project file."),
    annotators: str = typer.Option(None, "--annotators", "-a", metavar="NAMES",
                                   help="Comma-separated annotators (default: all)."),
    labels: str = typer.Option(None, "--labels", "-l", metavar="LABELS",
                               help="Comma-separated labels and event types to compare "
                                    "(default: all)."),
    json_out: Path = typer.Option(None, "--json", help="Write the full report as JSON here."),
    html_out: Path = typer.Option(None, "--html", help="Write the HTML report here."),
    all_documents: bool = typer.Option(
        False, "--all-documents",
        help="Compare every document someone worked on, not only those all marked done."),
    workers: int = typer.Option(os.cpu_count() or 1, "--workers", min=1,
                                help="Processes for large projects (default: CPU count)."),
) -> None:
    """Inter-annotator agreement: span F1, Cohen's/Fleiss' κ, Krippendorff's α, events.

    By default only documents every compared annotator marked done are compared.
    """
    from annotator.agreement.html import render_html
    from annotator.agreement.report import project_agreement

    with open_project(project, readonly=True) as store:
        names = _annotators(store, annotators)
        wanted = _names(labels)
        if wanted:
            known = set(store.schema.entities) | set(store.schema.events)
            unknown = [x for x in wanted if x not in known]
            if unknown:
                raise fail(f"unknown label {', '.join(unknown)} (not in the project schema)")
        with Progress(console=console, disable=not is_interactive(), transient=True) as bar:
            task = bar.add_task("measuring", total=None)
            report = project_agreement(
                store, names, labels=wanted, include_all=all_documents, workers=workers,
                progress=lambda done, total: bar.update(task, completed=done, total=total))
        colours = {x: store.schema.color(x) for x in (*store.schema.entities,
                                                       *store.schema.events)}
    _print_report(report)
    if json_out is not None:
        json_out.write_text(json.dumps(report, indent=1, ensure_ascii=False), encoding="utf-8")
        say(f"wrote {json_out}")
    if html_out is not None:
        html_out.write_text(render_html(report, colours=colours), encoding="utf-8")
        say(f"wrote {html_out}")


@app.command("split")
def split_command(
    project: Path = typer.Argument(..., help="Project file."),
    annotators: str = typer.Option(..., "--annotators", "-a", metavar="NAMES",
                                   help="Comma-separated annotator names."),
    output: Path = typer.Option(..., "--output", "-o", help="Folder for the project files."),
    overlap: float = typer.Option(0.2, "--overlap",
                                  help="Share of documents every annotator gets (0-1)."),
    seed: int = typer.Option(0, "--seed", help="Seed of the reproducible shuffle."),
) -> None:
    """One project file per annotator: their share of the documents plus the shared overlap."""
    from annotator.teamwork import split_project

    with open_project(project, readonly=True) as store:
        names = _names(annotators) or []
        report = split_project(store, names, overlap, output, seed)
    shared = len(report.overlap)
    table = Table(title=f"{plural(shared, 'document')} shared by everyone", title_justify="left")
    table.add_column("annotator")
    table.add_column("documents", justify="right")
    table.add_column("file")
    for name, path in report.files.items():
        table.add_row(plain(name), f"{len(report.documents[name]):,}", plain(path))
    console.print(table)


@app.command("merge")
def merge_command(
    project: Path = typer.Argument(..., help="Project file."),
    files: list[Path] = typer.Argument(..., metavar="FILE",
                                       help="Annotators' project files (from split)."),
) -> None:
    """Bring annotators' layers back, matched by document text; re-merging replaces them."""
    from annotator.teamwork import merge_projects

    with open_project(project, check=True) as store:
        merged = merge_projects(store, files)
    for item in merged:
        say(f"{item.path}: {', '.join(item.layers) or 'no annotator layer'} on "
            f"{plural(item.documents, 'document')} ({plural(item.spans, 'span')})")


@app.command("adjudicate")
def adjudicate_command(
    project: Path = typer.Argument(..., help="Project file."),
    annotators: str = typer.Option(None, "--annotators", "-a", metavar="NAMES",
                                   help="Comma-separated annotators (default: all)."),
    all_documents: bool = typer.Option(
        False, "--all-documents",
        help="Every document someone worked on, not only those all marked done."),
) -> None:
    """Merge into the gold layer everything all annotators agree on; count what is left."""
    from annotator.adjudication import adjudicate_documents
    from annotator.agreement.collect import comparison_documents

    with open_project(project, check=True) as store:
        names = _annotators(store, annotators)
        if len(names) < 2:
            raise fail("adjudication needs two or more annotators")
        doc_ids = comparison_documents(store, names, include_all=all_documents)
        with Progress(console=console, disable=not is_interactive(), transient=True) as bar:
            task = bar.add_task("adjudicating", total=len(doc_ids))
            summary = adjudicate_documents(
                store, names, doc_ids, progress=lambda done, total: bar.update(task,
                                                                               completed=done))
    say(f"{plural(summary.documents, 'document')}: {summary.merged:,} agreed spans and "
        f"arguments added to gold, {plural(summary.differences, 'difference')} left to settle in "
        "the curation view")
