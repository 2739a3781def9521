"""`annotator lexicon`: list, add, remove and clear the project lexicon (`annotator.lexicon`)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

import typer
from rich.table import Table

from annotator.cli.app import app, console, fail, open_project

if TYPE_CHECKING:
    from annotator.lexicon import Entry

ACTIONS = ("list", "add", "remove", "clear")


@app.command("lexicon")
def lexicon_command(
    project: Path = typer.Argument(..., help="Project file."),
    action: str = typer.Argument("list", help="list, add PHRASE LABEL, remove PHRASE, clear."),
    words: list[str] = typer.Argument(None, help="add: PHRASE LABEL; remove: PHRASE."),
    as_json: bool = typer.Option(False, "--json", help="list: print JSON."),
) -> None:
    """The strings annotators accepted or rejected, suggested wherever they recur.

    list shows every phrase with the label it is suggested with and the evidence behind it
    (accepts per label, rejections). add suggests a phrase with a label from now on; remove
    forgets a phrase (its evidence so far, and any label added by hand); clear forgets all.
    Suggestions in every document are brought up to date at once.
    """
    from annotator import lexicon

    words = words or []
    expected = {"list": 0, "add": 2, "remove": 1, "clear": 0}.get(action)
    if expected is None:
        raise fail(f"unknown action {action!r}: use {', '.join(ACTIONS)}")
    if len(words) != expected:
        usage = {"list": "list", "add": "add PHRASE LABEL", "remove": "remove PHRASE",
                 "clear": "clear"}[action]
        raise fail(f"usage: annotator lexicon PROJECT {usage} (quote a phrase of several "
                   "words)")
    with open_project(project) as store:
        if action == "list":
            _list(lexicon.entries(store), as_json)
            return
        try:
            if action == "add":
                lexicon.add(store, words[0], words[1])
                message = f"added {words[0]!r} as {words[1]}"
            elif action == "remove":
                known = lexicon.remove(store, words[0])
                message = (f"forgot {words[0]!r}" if known
                           else f"{words[0]!r} was not in the lexicon")
            else:
                message = f"forgot {lexicon.clear(store)} phrases"
        except ValueError as exc:
            raise fail(str(exc)) from None
        report = lexicon.refresh(store, store.document_ids())
    console.print(f"{message}; {report.suggested} lexicon suggestions in "
                  f"{report.documents} documents ({report.arguments} new event arguments)",
                  markup=False, highlight=False)


def _list(found: dict[str, Entry], as_json: bool) -> None:
    rows = sorted(found.values(), key=lambda e: (e.label is None, -e.score, e.phrase))
    if as_json:
        print(json.dumps([{"phrase": e.phrase, "label": e.label, "score": e.score,
                           "accepted": dict(e.accepted), "rejected": dict(e.rejected),
                           "added": sorted(e.added), "silenced": sorted(e.silenced())}
                          for e in rows], indent=2, ensure_ascii=False))
        return
    if not rows:
        console.print("the lexicon is empty: accept or add entities in some document first")
        return
    table = Table(title=f"project lexicon: {len(rows)} phrases", title_justify="left")
    for column, justify in (("phrase", "left"), ("suggested as", "left"),
                            ("score", "right"), ("evidence", "left"), ("silenced", "left")):
        table.add_column(column, justify=justify)
    for entry in rows:
        table.add_row(entry.phrase, entry.label or "-", f"{entry.score:g}", entry.split,
                      ", ".join(sorted(entry.silenced())))
    console.print(table, markup=False)
