"""`annotator train`, `evaluate`, `models` and `queue`: the project's own models, measured."""

from __future__ import annotations

import json
from pathlib import Path

import typer
from rich import box
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table
from rich.text import Text

from annotator.cli.app import app, console, errors, fail, is_interactive, open_project
from annotator.errors import Cancelled
from annotator.model import GOLD


def _show(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.3f}"


@app.command("train")
def train_command(
    project: Path = typer.Argument(..., help="Project file."),
    source: str = typer.Option(GOLD, "--from",
                               help="Layer to learn from: gold or an annotator's name."),
    output: Path = typer.Option(None, "--output", "-o",
                                help="Folder for the model (default: PROJECT.models/NAME)."),
    base: str = typer.Option("en_core_web_sm", "--base",
                             help="Start from en_core_web_sm (fine-tune its NER, keep its "
                                  "parser) or blank."),
    max_steps: int = typer.Option(400, "--max-steps", min=1, help="Training steps (batches)."),
    dev_fraction: float = typer.Option(0.2, "--dev-fraction", min=0.0, max=0.9,
                                       help="Share of the documents held out for scores."),
    seed: int = typer.Option(0, "--seed", help="Seed of the split and the shuffles."),
    name: str = typer.Option(None, "--name",
                             help="Name to register it under (default: SOURCE-TIMESTAMP)."),
    eval_every: int = typer.Option(0, "--eval-every", min=0,
                                   help="Score the dev documents every N steps (0: at the end)."),
) -> None:
    """Train NER and an event-trigger component on the project's annotations.

    Documents where the layer holds accepted or edited spans are split into train and dev
    (the dev split is recorded with the model and never scored as training data). From
    en_core_web_sm the stock tagger and parser are kept and the stock model's entities on
    unannotated documents are rehearsed, so it does not forget what it knew. The model is
    registered in the project when finished: use it with `annotator preannotate --model NAME`.
    Ctrl+C stops and leaves nothing half-written or registered.
    """
    from annotator.nlp.training import TrainingOptions, train
    from annotator.store import StoreError

    options = TrainingOptions(source, base, max_steps, dev_fraction, seed, output, name,
                              eval_every)
    with open_project(project) as store:
        bar = Progress(TextColumn("[bold]{task.fields[phase]}"), BarColumn(bar_width=24),
                       MofNCompleteColumn(), TextColumn("{task.fields[loss]}"),
                       TimeElapsedColumn(), console=errors, disable=not is_interactive())

        def progress(state) -> None:
            loss = ", ".join(f"{k} {v:,.1f}" for k, v in sorted(state.losses.items()))
            bar.update(task, completed=state.step, phase=state.phase, loss=f"loss {loss}")
            if state.dev:
                bar.console.print(f"step {state.step}: dev " + _summary_line(state.dev),
                                  highlight=False, markup=False)
            elif not is_interactive() and state.step and state.step % 50 == 0:
                errors.print(f"step {state.step}/{state.total} loss {loss}", highlight=False,
                             markup=False)

        try:
            with bar:
                task = bar.add_task("train", total=max_steps, phase="preparing", loss="")
                model = train(store, options, progress)
        except (KeyboardInterrupt, Cancelled):
            errors.print("interrupted: no model was saved or registered")
            raise typer.Exit(130) from None
        except StoreError as exc:
            raise fail(str(exc)) from None
    console.print(Text("model ") + Text(model.name, style="bold")
                  + Text(f" registered: {model.path}"), highlight=False)
    console.print(f"trained from layer {model.trained_from!r} on {len(model.train_documents)} "
                  f"documents, {model.steps} steps in {model.seconds:.1f} s; held out "
                  f"{len(model.held_out)}", markup=False, highlight=False)
    if model.scores:
        _per_label({model.name: model.scores}, "dev scores (held-out documents)")


def _summary_line(summary: dict) -> str:
    return (f"entity F1 {_show(summary['entity_f1_exact'])} exact / "
            f"{_show(summary['entity_f1_overlap'])} overlap, trigger F1 "
            f"{_show(summary['trigger_f1'])}, argument F1 {_show(summary['argument_f1'])}")


def _per_label(results: dict[str, dict], title: str) -> None:
    """Side by side: headline figures, then P/R/F per entity label (exact) and triggers."""
    table = Table(title=title, title_justify="left", box=box.SIMPLE_HEAD)
    table.add_column("measure")
    for name in results:
        table.add_column(name, justify="right")
    rows = [("entity F1 exact", "entity_f1_exact"), ("entity F1 overlap", "entity_f1_overlap"),
            ("entity recall exact", "entity_recall_exact"), ("trigger F1", "trigger_f1"),
            ("argument F1", "argument_f1"), ("argument recall", "argument_recall")]
    for label, key in rows:
        table.add_row(label, *(_show(r["summary"][key]) for r in results.values()))
    labels = sorted({label for r in results.values()
                     for label in r["entities"]["exact"]["per_label"]})
    for label in labels:
        cells = []
        for r in results.values():
            c = r["entities"]["exact"]["per_label"].get(label)
            cells.append("-" if c is None else
                         f"{_show(c['precision'])} {_show(c['recall'])} {_show(c['f1'])}")
        table.add_row(f"  {label} P R F", *cells)
    events = sorted({label for r in results.values() for label in r["triggers"]["per_label"]})
    for label in events:
        cells = [("-" if (c := r["triggers"]["per_label"].get(label)) is None else
                  f"{_show(c['precision'])} {_show(c['recall'])} {_show(c['f1'])}")
                 for r in results.values()]
        table.add_row(f"  {label} P R F", *cells)
    console.print(table, markup=False)


@app.command("evaluate")
def evaluate_command(
    project: Path = typer.Argument(..., help="Project file."),
    model: list[str] = typer.Option(..., "--model", "-m",
                                    help="A model trained on the project (by name), a spaCy "
                                         "package or a path; repeat to compare."),
    against: str = typer.Option(GOLD, "--against", help="Reference layer: gold or an annotator."),
    documents: str = typer.Option("held-out", "--documents",
                                  help="held-out: the models' held-out documents; all: every "
                                       "document the reference annotated. Never a model's "
                                       "training documents."),
    json_out: Path = typer.Option(None, "--json", help="Write the figures as JSON here."),
) -> None:
    """Entity P/R/F1 (exact and overlap, per label), trigger F1 and argument F1 of each model's
    suggestions against a reference layer, side by side on the same documents."""
    from annotator.nlp.evaluating import EvaluationError, evaluate_models

    if documents not in ("held-out", "all"):
        raise fail("--documents takes held-out or all")
    with open_project(project) as store:
        try:
            report = evaluate_models(store, model, against, documents)
        except EvaluationError as exc:
            raise fail(str(exc)) from None
    console.print(f"{len(report['documents'])} documents ({documents}), against layer "
                  f"{against!r}", markup=False, highlight=False)
    _per_label(report["models"], "suggestions against the reference")
    if json_out:
        json_out.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n",
                            encoding="utf-8")
        console.print(f"wrote {json_out}", markup=False, highlight=False)


@app.command("models")
def models_command(project: Path = typer.Argument(..., help="Project file.")) -> None:
    """The models trained on this project: name, source layer, when, held-out scores."""
    from annotator.model_registry import models as registered_models

    with open_project(project) as store:
        found = registered_models(store)
    if not found:
        console.print("no models yet: annotator train PROJECT")
        return
    table = Table(box=box.SIMPLE_HEAD)
    for column in ("name", "from", "base", "trained at", "train/held out", "dev entity F1",
                   "dev trigger F1", "path"):
        table.add_column(column, overflow="fold")
    for m in found:
        summary = m.scores.get("summary", {})
        table.add_row(m.name, m.trained_from, m.base, m.trained_at,
                      f"{len(m.train_documents)}/{len(m.held_out)}",
                      _show(summary.get("entity_f1_exact")), _show(summary.get("trigger_f1")),
                      m.path)
    console.print(table, markup=False)


@app.command("queue")
def queue_command(
    project: Path = typer.Argument(..., help="Project file."),
    annotator: str = typer.Option(None, "--annotator", "-a",
                                  help="Whose to-do list (default: the only annotator, else "
                                       "documents nobody started)."),
    limit: int = typer.Option(20, "--limit", "-n", min=1, help="How many to list."),
) -> None:
    """The documents not started yet, most informative first: where the suggestions are least
    sure (1 - probability, summed) and where the project lexicon and the model disagree."""
    from annotator.queue import informative_order

    with open_project(project) as store:
        if annotator is None:
            known = store.annotators()
            annotator = known[0] if len(known) == 1 else "nobody"
        items = informative_order(store, annotator, limit)
    if not items:
        console.print(f"nothing to do for {annotator}", markup=False, highlight=False)
        return
    table = Table(title=f"next for {annotator}", title_justify="left", box=box.SIMPLE_HEAD)
    for column, justify in (("document", "left"), ("value", "right"),
                            ("lexicon vs model", "right"), ("uncertainty", "right"),
                            ("pending", "right")):
        table.add_column(column, justify=justify)
    for item in items:
        table.add_row(item.name, f"{item.value:.2f}", str(item.disagreements),
                      f"{item.uncertainty:.2f}", str(item.pending))
    console.print(table, markup=False)
