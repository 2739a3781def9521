"""The CLI as a user meets it: every user error is one line and exit status 1, data is printed
verbatim (never read as Rich markup), counts read right, help names values plainly, the
version is there, and `--help` loads neither the store, spaCy nor Qt."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from annotator import __version__
from annotator.cli import app
from annotator.model import Decision, Document, Span, Status
from annotator.store import Store

runner = CliRunner()
#: every command, those added later included
COMMANDS = sorted(c.name or c.callback.__name__ for c in app.registered_commands)


def run(*args: object):
    return runner.invoke(app, [str(a) for a in args])


def one_error_line(result) -> str:
    """The single error line of a failed command (and no traceback anywhere)."""
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1, result.output
    assert lines[0].startswith("error: ")
    return lines[0]


@pytest.fixture
def annotated(project_path: Path) -> Path:
    with Store(project_path) as store:
        doc_id = store.add_documents([Document("one", "Kim met Moon in Seoul.")]).added[0]
        store.add_span(Span(doc_id, 0, 3, "PERSON", "alice"))
        store.set_status(doc_id, "alice", Status.DONE)
    return project_path


# --- paths that cannot be written ------------------------------------------------------
def test_cli_export_into_a_file_as_folder_is_one_line(annotated, tmp_path):
    blocker = tmp_path / "existing_file"
    blocker.write_text("x")
    line = one_error_line(run("export", annotated, "-f", "jsonl", "-o", blocker / "x"))
    assert "existing_file" in line


def test_cli_export_to_proc_is_one_line(annotated):
    line = one_error_line(run("export", annotated, "-f", "jsonl", "-o", "/proc/x"))
    assert line.startswith("error: /proc/x: ")  # the path asked for, not the hidden temporary


def test_cli_agreement_report_to_an_unwritable_path_is_one_line(annotated, tmp_path):
    blocker = tmp_path / "existing_file"
    blocker.write_text("x")
    result = run("agreement", annotated, "--json", blocker / "r.json")
    assert result.exit_code == 1 and "Traceback" not in result.output
    errors = [line for line in result.output.splitlines() if line.startswith("error: ")]
    assert len(errors) == 1 and "existing_file" in errors[0]
    assert result.output.rstrip().endswith(errors[0])


def test_cli_project_that_is_not_a_project_is_one_line(tmp_path):
    other = tmp_path / "notes.db"
    other.write_bytes(b"this is not SQLite at all" * 100)
    one_error_line(run("stats", other))


# --- data printed verbatim -------------------------------------------------------------
MARKUP = "[bold red]x[/b]"


def test_cli_markup_in_file_names_labels_and_annotators_is_printed_verbatim(project_path,
                                                                           tmp_path):
    folder = tmp_path / "q["
    folder.mkdir()
    text_file = folder / "b].txt"  # the path reads q[/b].txt
    text_file.write_text("Kim met Moon.", encoding="utf-8")
    data = tmp_path / "m.jsonl"
    data.write_text(json.dumps({"text": "Moon met Kim.", "label": [[0, 4, "PER[/b]"]],
                                "meta": {"name": MARKUP}}) + "\n", encoding="utf-8")
    result = run("import", project_path, text_file, "-f", "txt")
    assert result.exit_code == 0, result.output
    result = run("import", project_path, data, "-a", MARKUP)
    assert result.exit_code == 0, result.output
    assert f"layer '{MARKUP}'" in result.output and "PER[/b]" in result.output
    result = run("stats", project_path)
    assert result.exit_code == 0, result.output
    assert MARKUP in result.output and "PER[/b]" in result.output
    line = one_error_line(run("import", project_path, tmp_path / "nope[/b].txt"))
    assert "nope[/b].txt: no such file or folder" in line
    line = one_error_line(run("agreement", project_path, "-a", "x[/b]"))
    assert "no annotator x[/b]" in line and MARKUP in line
    line = one_error_line(run("export", project_path, "-f", "jsonl", "-o", tmp_path / "o.jsonl",
                              "-a", "[bold red]nobody"))
    assert "'[bold red]nobody'" in line


def test_cli_markup_in_an_error_message_from_a_file_is_printed_verbatim(project_path, tmp_path):
    data = tmp_path / "m.jsonl"
    data.write_text('{"text": "Kim", "label": [[0, 3, 5]], "x": "[/b]"}\n', encoding="utf-8")
    line = one_error_line(run("import", project_path, data, "-f", "doccano"))
    assert "m.jsonl:1: a span label must be a non-empty string, got 5" in line


# --- counts, help, version, stats ----------------------------------------------------
def test_cli_counts_read_right(annotated, tmp_path):
    result = run("export", annotated, "-f", "jsonl", "-o", tmp_path / "o.jsonl")
    assert "exported 1 document of layer 'alice' as jsonl: 1 entity span, 0 events" in (
        result.output)
    result = run("import", tmp_path / "back.db", tmp_path / "o.jsonl")
    assert "imported 1 document from 1 file (auto)" in result.output, result.output
    assert "added 1 span and 0 event arguments" in result.output
    result = run("stats", tmp_path / "back.db")
    assert ": 1 document, 22 characters, 6 tokens" in result.output, result.output


@pytest.mark.parametrize("command", COMMANDS)
def test_cli_help_names_values_plainly(command):
    result = run(command, "--help")
    assert result.exit_code == 0, result.output
    for typer_placeholder in ("<list[", "<path>", "<str>", "<int>", "<float>", "{project}"):
        assert typer_placeholder not in result.output
    assert "Usage:" in result.output.splitlines()[0]


def test_cli_help_shows_repeatable_arguments_with_dots():
    assert "import [OPTIONS] PROJECT PATH..." in run("import", "--help").output
    assert "merge [OPTIONS] PROJECT FILE..." in run("merge", "--help").output


def test_cli_version():
    result = run("--version")
    assert result.exit_code == 0 and result.output.strip() == f"annotator {__version__}"


def test_cli_stats_names_the_rejected_row(project_path):
    with Store(project_path) as store:
        doc_id = store.add_documents([Document("one", "Kim met Moon.")]).added[0]
        store.add_span(Span(doc_id, 0, 3, "PERSON", "alice", decision=Decision.REJECTED))
    result = run("stats", project_path)
    row = next(line for line in result.output.splitlines() if "rejected" in line)
    assert "(all labels)" in row


def test_cli_help_imports_neither_spacy_nor_qt_nor_pandas():
    """What makes `annotator --help` slow: spaCy, Qt, and sqlite-utils (which loads pandas
    and numpy); the store imports sqlite-utils only when it opens a project."""
    code = ("import sys\nfrom annotator.cli import app\n"
            "try:\n    app(['--help'])\nexcept SystemExit:\n    pass\n"
            "heavy = [m for m in ('spacy', 'PySide6', 'sqlite_utils', 'pandas', 'numpy') "
            "if m in sys.modules]\nprint('HEAVY', heavy)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout
    assert "HEAVY []" in out


def test_cli_consoles_never_read_data_as_markup(capsys):
    """Whatever a command prints through the shared consoles, a table title or a line holding
    `[/b]` is printed as it is (and does not raise MarkupError)."""
    from rich.table import Table

    from annotator.cli.app import console, errors

    table = Table(title=f"next for {MARKUP}")
    table.add_column("[/b] column")
    table.add_row("[red]cell[/]")
    console.print(table)
    console.print(f"model {MARKUP} registered")
    errors.print(f"warning: {MARKUP}")
    out, err = capsys.readouterr()
    assert f"next for {MARKUP}" in " ".join(out.split())  # the narrow title may wrap
    assert "[/b] column" in out and "[red]cell[/]" in out
    assert f"model {MARKUP} registered" in out and f"warning: {MARKUP}" in err


@pytest.mark.parametrize("args, message", [
    (["import"], "error: Missing argument 'project'. (see "),
    (["nosuch"], "error: No such command 'nosuch'."),
    (["--bogus"], "error: No such option: --bogus"),
    (["preannotate", "p.db", "--batch-size", "0"], "error: Invalid value for '--batch-size'"),
])
def test_cli_usage_errors_are_one_line_too(args, message):
    line = one_error_line(run(*args))
    assert line.startswith(message) and line.endswith("--help)")
