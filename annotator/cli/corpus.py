"""`annotator stats`: seeing what a project holds (`annotator import` is in `cli/exchange.py`)."""

from __future__ import annotations

import json
from pathlib import Path

import typer
from rich.table import Table
from rich.text import Text

from annotator.cli.app import app, console, open_project, plain, plural, say


@app.command("stats")
def stats_command(
    project: Path = typer.Argument(..., help="Project file."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON instead of tables."),
) -> None:
    """Documents, tokens, annotators, spans per label and layer, events, documents done."""
    with open_project(project, readonly=True) as store:
        stats = store.stats()
    if as_json:
        print(json.dumps(stats, indent=2, ensure_ascii=False))
        return
    console.print(Text(str(stats["project"]), style="bold") + Text(
        f": {plural(stats['documents'], 'document')}, "
        f"{plural(stats['characters'], 'character')}, {plural(stats['tokens'], 'token')} "
        f"({stats['analysed_documents']:,} analysed)"), highlight=False, soft_wrap=True)
    say("annotators: " + (", ".join(stats["annotators"]) or "none yet"))
    for layer, spans in stats["spans"].items():
        table = Table(title=plain(f"layer {layer}"), title_justify="left")
        table.add_column("kind")
        table.add_column("label")
        table.add_column("spans", justify="right")
        for kind in ("entities", "triggers"):
            for label, n in spans[kind].items():
                table.add_row(kind, plain(label), f"{n:,}")
        if spans["rejected"]:
            # rejected suggestions are counted over every label
            table.add_row("rejected", Text("(all labels)", style="dim"), f"{spans['rejected']:,}")
        console.print(table)
    if stats["done"]:
        say("done: " + ", ".join(f"{k} {v:,}" for k, v in stats["done"].items()))
