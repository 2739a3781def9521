"""The Typer application and the few helpers every command shares.

Three rules hold for every command, here in one place:
- a user error (bad input, a project that cannot be opened, a path that cannot be written, a
  locked or damaged database) is one line on stderr and exit status 1, never a traceback
  (`Commands.invoke`);
- data (names, labels, paths, messages) is printed verbatim: `[/b]` in a file name is text,
  not Rich markup (`say`, `fail` and `plain`);
- `annotator --help` starts fast: command modules import the store, spaCy and Qt inside the
  command, not at import time.
"""

from __future__ import annotations

import re
import sqlite3
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer
from rich.console import Console
from rich.text import Text
from typer.core import TyperCommand, TyperGroup

from annotator.changes import StoreError
from annotator.errors import InputError
from annotator.wording import plural

if TYPE_CHECKING:
    from annotator.store import Store

__all__ = ["app", "console", "errors", "fail", "open_project", "plain", "plural", "say"]

# markup off by default: a string printed is printed as it is, whatever it holds (`[/b]` in a
# name); styles are given as `style=` or `Text`, never written into strings
console = Console(markup=False)
errors = Console(stderr=True, markup=False)


def plain(value: object) -> Text:
    """`value` as Rich text that is never read as markup (for table cells and titles)."""
    return Text(str(value))


def say(line: str, *, err: bool = False, style: str | None = None) -> None:
    """Print one line of data verbatim: no markup, no highlighting, no wrapping."""
    (errors if err else console).print(line, style=style, markup=False, highlight=False,
                                       soft_wrap=True)


def fail(message: str) -> typer.Exit:
    """Print `message` as one error line on stderr; raise the returned Exit (status 1)."""
    errors.print(Text("error: ", style="bold red") + Text(message), highlight=False,
                 soft_wrap=True)
    return typer.Exit(1)


def user_error(exc: BaseException) -> str | None:
    """The one-line message for an exception that is the user's to fix, else None (a bug)."""
    if isinstance(exc, InputError):
        return str(exc)
    if isinstance(exc, OSError):
        where = str(exc.filename) if exc.filename is not None else ""
        # an export writes `.NAME.part` beside NAME first: the user asked for NAME
        where = re.sub(r"(^|/)\.([^/]+)\.(?:part|old)$", r"\1\2", where)
        what = exc.strerror or str(exc)
        if isinstance(exc, FileExistsError | NotADirectoryError) and where:
            path = Path(where)
            blocker = next((p for p in [path, *path.parents] if p.is_file()), None)
            if blocker is not None:  # `-o existing_file/x`
                return f"{blocker}: is a file, not a folder"
        return f"{where}: {what}" if where else what
    if isinstance(exc, sqlite3.DatabaseError):
        from annotator.project_file import describe_error

        return f"the project database: {describe_error(exc)}"
    if isinstance(exc, StoreError):
        return str(exc)
    return None


#: click's error for a command line it cannot parse (Typer ships its own click, and exports only
#: the subclass `BadParameter`)
UsageError = next(c for c in typer.BadParameter.__mro__ if c.__name__ == "UsageError")


def usage_message(exc: Any) -> str:
    """Click's three-line usage error as one line: what is wrong, and where help is."""
    where = exc.ctx.command_path if exc.ctx is not None else "annotator"
    return f"{exc.format_message()} (see {where} --help)"


def _name(param: Any) -> str:
    """How help shows a parameter: `PROJECT`, `PATH...`, `-o, --output PATH`."""
    if param.param_type_name == "argument":
        name = (param.metavar or param.name or "").upper()
        return name + ("..." if param.nargs != 1 else "")
    shown = ", ".join(sorted([*param.opts, *param.secondary_opts], key=len))
    if param.is_flag or param.count:
        return shown
    kind = param.bare_type()
    metavar = param.metavar or {"str": "TEXT", "int": "INTEGER", "float": "NUMBER"}.get(
        kind, kind.upper())
    return f"{shown} {metavar}" + ("..." if param.nargs != 1 else "")


class _PlainHelp:
    """Help that names values the way manuals do (`PATH...`, `--format TEXT`) instead of
    Typer's `{paths}... <list[Path]>`."""

    def collect_usage_pieces(self, ctx: Any) -> list[str]:
        pieces = [self.options_metavar] if self.options_metavar else []
        for param in self.get_params(ctx):
            if param.param_type_name == "argument":
                name = _name(param)
                pieces.append(name if param.required else f"[{name}]")
        return pieces

    def format_options(self, ctx: Any, formatter: Any) -> None:
        sections: dict[str, list[tuple[str, str]]] = {"Arguments": [], "Options": []}
        for param in self.get_params(ctx):
            record = param.get_help_record(ctx)
            if record is not None:
                section = "Arguments" if param.param_type_name == "argument" else "Options"
                sections[section].append((_name(param), record[1]))
        for title, rows in sections.items():
            if rows:
                with formatter.section(title):
                    formatter.write_dl(rows)


class Command(_PlainHelp, TyperCommand):
    """Every subcommand: plain help."""


class Commands(_PlainHelp, TyperGroup):
    """The `annotator` group: plain help, and user errors as one line with exit status 1."""

    def collect_usage_pieces(self, ctx: Any) -> list[str]:
        return [*super().collect_usage_pieces(ctx), self.subcommand_metavar]

    def format_options(self, ctx: Any, formatter: Any) -> None:
        super().format_options(ctx, formatter)
        self.format_commands(ctx, formatter)

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        try:
            return super().parse_args(ctx, args)
        except UsageError as exc:  # `annotator --bogus`
            raise fail(usage_message(exc)) from None

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except UsageError as exc:  # a missing argument, an unknown command or option value
            raise fail(usage_message(exc)) from None
        except Exception as exc:  # noqa: BLE001 (sorted below: user errors vs bugs)
            message = user_error(exc)
            if message is None:
                raise
            raise fail(message) from None


class App(typer.Typer):
    """A Typer app whose commands use `Command` unless told otherwise."""

    def command(self, *args: Any, cls: type[TyperCommand] | None = None, **kwargs: Any):
        return super().command(*args, cls=cls or Command, **kwargs)


app = App(
    name="annotator",
    help="Label news articles with entities and events, measure agreement, export training data.",
    cls=Commands,
    invoke_without_command=True,
    add_completion=False,
    rich_markup_mode=None,
    pretty_exceptions_show_locals=False,
)


@contextmanager
def open_project(path: Path, *, create: bool = False, readonly: bool = False,
                 check: bool = False) -> Iterator[Store]:
    """Open a project for a command; closes it at the end (store errors become exit 1), its
    write-ahead log checkpointed into the file.

    Commands that only read pass `readonly` (no write lock, nothing created or changed);
    commands that write pass `check`, so they refuse a damaged file before adding to it.
    """
    from annotator.store import Store

    store = Store(path, create=create, readonly=readonly, check=check)
    try:
        yield store
    finally:
        store.close()


def is_interactive() -> bool:
    return sys.stderr.isatty()
