"""The Typer application and the few helpers every command shares."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import typer
from rich.console import Console

from annotator.errors import InputError
from annotator.store import Store, StoreError

app = typer.Typer(
    name="annotator",
    help="Label news articles with entities and events, measure agreement, export training data.",
    invoke_without_command=True,
    add_completion=False,
    rich_markup_mode=None,
)

console = Console()
errors = Console(stderr=True)


def fail(message: str) -> typer.Exit:
    errors.print(f"[bold red]error:[/] {message}", highlight=False, markup=True)
    return typer.Exit(1)


@contextmanager
def open_project(path: Path, *, create: bool = False) -> Iterator[Store]:
    """Open a project for a command, turning bad input and store errors into exit status 1."""
    try:
        store = Store(path, create=create)
    except (StoreError, RuntimeError) as exc:
        raise fail(str(exc)) from None
    try:
        yield store
    except (InputError, StoreError) as exc:
        raise fail(str(exc)) from None
    finally:
        store.close()


def is_interactive() -> bool:
    return sys.stderr.isatty()
