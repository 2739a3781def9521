"""`annotator import` and `annotator stats`: getting text in, and seeing what a project holds."""

from __future__ import annotations

import json
from pathlib import Path

import typer
from rich.table import Table

from annotator.cli.app import app, console, open_project
from annotator.importing import import_documents


@app.command("import")
def import_command(
    project: Path = typer.Argument(..., help="Project file (created if missing)."),
    paths: list[Path] = typer.Argument(..., help="Files or folders to import."),
    format: str = typer.Option("auto", "--format", "-f", help="auto, txt or jsonl."),
) -> None:
    """Import documents: .txt files (a folder = its .txt files) or JSONL {"text", "meta"} lines.

    All or nothing: a bad file stops the import with its name (and line) and nothing is added.
    Texts already in the project are skipped.
    """
    with open_project(project, create=True) as store:
        report = import_documents(store, paths, format)
    console.print(f"imported {len(report.added)} documents into {project}"
                  + (f", skipped {len(report.duplicates)} already present" if report.duplicates
                     else ""))


@app.command("stats")
def stats_command(
    project: Path = typer.Argument(..., help="Project file."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON instead of tables."),
) -> None:
    """Documents, tokens, annotators, spans per label and layer, events, documents done."""
    with open_project(project) as store:
        stats = store.stats()
    if as_json:
        print(json.dumps(stats, indent=2, ensure_ascii=False))
        return
    console.print(f"[bold]{stats['project']}[/]: {stats['documents']} documents, "
                  f"{stats['characters']:,} characters, {stats['tokens']:,} tokens "
                  f"({stats['analysed_documents']} documents analysed)")
    console.print("annotators: " + (", ".join(stats["annotators"]) or "none yet"))
    for layer, spans in stats["spans"].items():
        table = Table(title=f"layer {layer}", title_justify="left")
        table.add_column("kind")
        table.add_column("label")
        table.add_column("spans", justify="right")
        for kind in ("entities", "triggers"):
            for label, n in spans[kind].items():
                table.add_row(kind, label, str(n))
        if spans["rejected"]:
            table.add_row("rejected", "", str(spans["rejected"]))
        console.print(table)
    if stats["done"]:
        console.print("done: " + ", ".join(f"{k} {v}" for k, v in stats["done"].items()))
