"""`annotator` (no command) and `annotator gui`: open the workbench.

The GUI module is imported by name at call time: the CLI itself never imports Qt, so every
other command starts fast and works on machines without a display or Qt's system libraries.
Before Qt starts, `gui.system_libraries` checks those libraries, so a machine that lacks one
gets a line naming the package instead of Qt's abort.
"""

from __future__ import annotations

import importlib
from pathlib import Path

import typer

from annotator import __version__
from annotator.cli.app import app, fail

THEMES = ("system", "light", "dark")


def launch(project: Path | None, screenshot: Path | None = None, doc: str | None = None,
           annotator: str | None = None, theme: str | None = None) -> None:
    if theme is not None and theme not in THEMES:
        raise fail(f"unknown theme {theme!r}: use {', '.join(THEMES)}")
    if project is not None and not project.exists():
        raise fail(f"{project}: no such project (create one with `annotator import`)")
    if screenshot is None:  # a screenshot renders offscreen, without X11
        libraries = importlib.import_module("annotator.gui.system_libraries")
        missing = libraries.problem()
        if missing is not None:  # verbatim on one line, however narrow the terminal
            typer.echo(f"error: {missing}", err=True)
            raise typer.Exit(1)
    gui = importlib.import_module("annotator.gui.app")
    raise typer.Exit(gui.run(project, screenshot=screenshot, doc=doc, annotator=annotator,
                             theme=theme))


@app.command("gui")
def gui_command(
    project: Path = typer.Argument(..., help="Project file to open."),
    screenshot: Path = typer.Option(None, "--screenshot", metavar="PNG",
                                    help="Render the window offscreen, save it as this PNG and "
                                         "exit."),
    doc: str = typer.Option(None, "--doc", metavar="NAME",
                            help="Open the document with this name."),
    annotator: str = typer.Option(None, "--annotator", metavar="NAME",
                                  help="Annotate as this person (default: the name kept in the "
                                       "settings, asked once)."),
    theme: str = typer.Option(None, "--theme", metavar="THEME", help="system, light or dark."),
) -> None:
    """Open the annotation workbench on PROJECT (`annotator` alone reopens the last project)."""
    launch(project, screenshot, doc, annotator, theme)


def _print_version(wanted: bool) -> None:
    if wanted:
        typer.echo(f"annotator {__version__}")
        raise typer.Exit()


@app.callback()
def default_command(
    ctx: typer.Context,
    version: bool = typer.Option(False, "--version", is_eager=True, callback=_print_version,
                                 help="Print the version and exit."),
) -> None:
    if ctx.invoked_subcommand is None:
        launch(None)
