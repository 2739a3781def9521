"""`annotator import` and `annotator export`: documents and annotations in and out, in plain
text and the training-data formats (spaCy, Prodigy JSONL, CoNLL, brat, doccano)."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from annotator.cli.app import app, errors, fail, is_interactive, open_project, say
from annotator.formats.registry import FORMATS
from annotator.model import GOLD

IMPORT_HELP = "auto (by file name), txt, " + ", ".join(FORMATS)


@contextmanager
def progress_bar(description: str) -> Iterator[Callable[[int, int], None]]:
    """A progress callback drawing a bar on stderr when someone is watching."""
    if not is_interactive():
        yield lambda done, total: None
        return
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
               TimeElapsedColumn())
    with Progress(*columns, console=errors, transient=True) as bar:
        task = bar.add_task(description, total=None)
        yield lambda done, total: bar.update(task, completed=done, total=total)


def _print(lines: list[str]) -> None:
    for line in lines:
        say(line, style="yellow" if line.startswith("warning:") else None)


@contextmanager
def new_project_kept_on_success(project: Path) -> Iterator[None]:
    """A project file this command creates exists afterwards only if the command succeeded:
    a refused or interrupted import leaves no new file (nor an emptied one with tables)."""
    existed = project.exists()
    was_empty = existed and project.is_file() and project.stat().st_size == 0
    try:
        yield
    except BaseException:
        if not existed or was_empty:
            for extra in ("-wal", "-shm", "-journal"):
                Path(f"{project}{extra}").unlink(missing_ok=True)
            if was_empty:
                os.truncate(project, 0)
            else:
                project.unlink(missing_ok=True)
        raise


@app.command("import")
def import_command(
    project: Path = typer.Argument(..., help="Project file (created if missing)."),
    paths: list[Path] = typer.Argument(..., metavar="PATH", help="Files or folders to import."),
    format: str = typer.Option("auto", "--format", "-f", metavar="FORMAT",
                               help=IMPORT_HELP + "."),
    annotator: str = typer.Option(
        None, "--annotator", "-a", metavar="NAME",
        help="Layer for the imported annotations (default: named in the file, else "
             "'imported'; 'gold' imports a gold standard)."),
) -> None:
    """Import documents, with their annotations when the format has them.

    Plain text: .txt files (a folder = its .txt files) or JSONL {"text", "meta"} lines.
    Annotated: Prodigy JSONL (ner.manual/ner.correct output), CoNLL-2003, a brat collection
    folder, doccano JSONL, a spaCy .spacy DocBin. Texts already in the project are matched by
    content and receive the annotations; annotated documents are marked done for the layer.
    All or nothing: a bad file stops the import with its name and line, nothing is added.
    """
    from annotator.formats.exchange import Cancelled, import_files

    with new_project_kept_on_success(project), \
            open_project(project, create=True, check=True) as store, \
            progress_bar("reading") as progress:
        try:
            report = import_files(store, paths, format, annotator=annotator,
                                  progress=progress)
        except (Cancelled, KeyboardInterrupt):
            raise fail("import interrupted; nothing was imported") from None
    _print(report.summary)


@app.command("export")
def export_command(
    project: Path = typer.Argument(..., help="Project file."),
    format: str = typer.Option(..., "--format", "-f", metavar="FORMAT",
                               help=", ".join(FORMATS) + "."),
    output: Path = typer.Option(..., "--output", "-o",
                                help="File to write (a folder for brat and with --split)."),
    annotator: str = typer.Option(None, "--annotator", "-a", metavar="NAME",
                                  help="Export this annotator's annotations."),
    gold: bool = typer.Option(False, "--gold", help="Export the adjudicated gold layer."),
    status: str = typer.Option("done", "--status", metavar="done|any",
                               help="done: documents marked done; any: every document the "
                                    "annotator touched."),
    split: float = typer.Option(None, "--split", metavar="DEV_FRACTION",
                                help="Write train and dev parts, this fraction in dev."),
    seed: int = typer.Option(0, "--seed", help="Random seed of --split."),
    scheme: str = typer.Option("IOB2", "--scheme", metavar="SCHEME",
                               help="CoNLL tags: IOB2, IOB1 or BILOU."),
    dialect: str = typer.Option(
        "conll2003", "--dialect", metavar="conll2003|doccano",
        help="CoNLL layout: conll2003 (space-separated, -DOCSTART- between documents: "
             "spaCy's converter, seqeval) or doccano (tab-separated, two columns, no "
             "-DOCSTART-: doccano's CoNLL import, also spaCy and seqeval)."),
    conll_columns: int = typer.Option(None, "--conll-columns", metavar="2|4",
                                      help="CoNLL columns: word and tag, or word, POS, chunk "
                                           "(written _) and tag."),
    conll_sep: str = typer.Option(None, "--conll-sep", metavar="space|tab",
                                  help="CoNLL column separator (overrides --dialect)."),
) -> None:
    """Export one layer as training data; everything the format cannot hold is reported.

    Without --annotator or --gold, the project's only annotator (or gold) is exported. For
    spaCy, --split writes train.spacy, dev.spacy and a config.cfg that
    `python -m spacy train config.cfg` runs as written.
    """
    from annotator.formats.exchange import (
        SCHEMES,
        STATUSES,
        Cancelled,
        conll_layout,
        export_project,
    )

    if annotator and gold:
        raise fail("choose --annotator NAME or --gold, not both")
    if format not in FORMATS:
        raise fail(f"unknown format {format!r}: use {', '.join(FORMATS)}")
    if status not in STATUSES:
        raise fail(f"unknown status {status!r}: use {' or '.join(STATUSES)}")
    if scheme.upper() not in SCHEMES:
        raise fail(f"unknown scheme {scheme!r}: use {', '.join(SCHEMES)}")
    conll_layout(dialect, conll_columns, conll_sep)  # a bad option: one line, exit 1
    with open_project(project, readonly=True) as store, progress_bar("exporting") as progress:
        try:
            report = export_project(store, format, output, layer=GOLD if gold else annotator,
                                    status=status, split=split, seed=seed, scheme=scheme,
                                    dialect=dialect, conll_columns=conll_columns,
                                    conll_sep=conll_sep, progress=progress)
        except (Cancelled, KeyboardInterrupt):
            raise fail("export interrupted; nothing was written") from None
    _print(report.summary)
