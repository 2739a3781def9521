"""`annotator history`: the edit journal, who did what to which document and when."""

from __future__ import annotations

import json
from pathlib import Path

import typer
from rich.table import Table

from annotator.cli.app import app, console, fail, open_project, plain


@app.command("history")
def history_command(
    project: Path = typer.Argument(..., help="Project file."),
    document: str = typer.Option(None, "--document", "-d", metavar="NAME",
                                 help="Only this document (its name, or its id)."),
    annotator: str = typer.Option(None, "--annotator", "-a", metavar="NAME",
                                  help="Only what this annotator did."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON (one object per entry, "
                                 "with the edit's rows) instead of a table."),
) -> None:
    """Every edit, undo and redo recorded in the project, oldest first."""
    from annotator.journal import entries

    with open_project(project, readonly=True) as store:
        doc_id = None
        if document is not None:
            found = store.document_by_name(document)
            if found is None and document.isdigit() and int(document) in store.document_ids():
                found = store.document(int(document))
            if found is None:
                raise fail(f"no document {document!r} in {project.name}")
            doc_id = found.id
        rows = entries(store, document_id=doc_id, annotator=annotator)
        names = {i: store.document(i).name for i in {e.document_id for e in rows} if i}
    if as_json:
        print(json.dumps([{
            "id": e.id, "at": e.at.isoformat(timespec="milliseconds"),
            "annotator": e.annotator, "document_id": e.document_id,
            "document": names.get(e.document_id), "action": e.action,
            "operation": e.operation, "description": e.description, "entry_of": e.entry_of,
            "edit": e.edit} for e in rows], indent=1, ensure_ascii=False))
        return
    table = Table(title=plain(f"{len(rows)} journal entries"), title_justify="left")
    for column in ("#", "when (UTC)", "annotator", "document", "action", "operation", "what"):
        table.add_column(column)
    for e in rows:
        table.add_row(str(e.id), e.at.strftime("%Y-%m-%d %H:%M:%S"), plain(e.annotator),
                      plain(names.get(e.document_id, "")), e.action, plain(e.operation),
                      plain(e.description))
    console.print(table)
