"""Plain-text import: every bad input fails with file (and line) named, and nothing is stored."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from typer.testing import CliRunner

from annotator.cli import app
from annotator.errors import InputError
from annotator.importing import import_documents
from annotator.paths import CORPUS
from annotator.store import Store

runner = CliRunner()


def test_importing_sample_corpus_folder(store):
    report = import_documents(store, [CORPUS])
    assert len(report.added) == 4
    names = {store.document(i).name for i in report.added}
    assert "us-north-korea-talks-this-week" in names
    again = import_documents(store, [CORPUS])
    assert again.added == [] and len(again.duplicates) == 4


def test_importing_utf8_bom_is_stripped(store, tmp_path):
    path = tmp_path / "bom.txt"
    path.write_bytes("\ufeffKim Jong Un met Moon Jae-in.".encode())
    doc = store.document(import_documents(store, [path]).added[0])
    assert doc.text == "Kim Jong Un met Moon Jae-in."


def test_importing_jsonl_records_with_meta(store, tmp_path):
    path = tmp_path / "in.jsonl"
    path.write_text(
        json.dumps({"text": "Pompeo flew to Pyongyang.", "meta": {"id": "a1", "src": "x"}})
        + "\n\n" + json.dumps({"text": "Trump wrote a letter."}) + "\n",
        encoding="utf-8",
    )
    docs = [store.document(i) for i in import_documents(store, [path]).added]
    assert [d.name for d in docs] == ["a1", "in-3"]
    assert docs[0].meta["src"] == "x"


BAD_INPUTS = {
    "binary.txt": (b"\x89PNG\r\n\x1a\n\x00\x00\x00", "binary"),
    "latin1.txt": ("Café".encode("latin-1"), "not valid UTF-8"),
    "empty.txt": (b"  \n", "empty file"),
    "broken.jsonl": (b'{"text": "ok"}\n{"text": \n', "broken.jsonl:2: invalid JSON"),
    "list.jsonl": (b'{"text": "ok"}\n["text"]\n', "list.jsonl:2: expected a JSON object"),
    "notext.jsonl": (b'{"meta": {}}\n', "notext.jsonl:1: no \"text\""),
    "badutf.jsonl": (b'{"text": "ok"}\n{"text": "\xff"}\n', "badutf.jsonl:2: not valid UTF-8"),
}


@pytest.mark.parametrize("name", sorted(BAD_INPUTS))
def test_importing_bad_input_names_file_and_imports_nothing(store, tmp_path, name):
    good = tmp_path / "good.txt"
    good.write_text("Pompeo met Kim Yong Chol.", encoding="utf-8")
    data, message = BAD_INPUTS[name]
    bad = tmp_path / name
    bad.write_bytes(data)
    with pytest.raises(InputError, match=message) as info:
        import_documents(store, [good, bad])
    assert name in str(info.value)
    assert store.count_documents() == 0


def test_importing_missing_path_and_empty_folder(store, tmp_path):
    with pytest.raises(InputError, match="no such file"):
        import_documents(store, [tmp_path / "nope.txt"])
    (tmp_path / "empty").mkdir()
    with pytest.raises(InputError, match="no .txt"):
        import_documents(store, [tmp_path / "empty"])


def test_importing_cli_reports_and_keeps_existing_data(project_path, tmp_path):
    result = runner.invoke(app, ["import", str(project_path), str(CORPUS)])
    assert result.exit_code == 0, result.output
    assert "imported 4 documents" in result.output
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"\xff\xfe\x00garbage")
    result = runner.invoke(app, ["import", str(project_path), str(bad)])
    assert result.exit_code == 1
    with Store(project_path) as store:
        assert store.count_documents() == 4


def test_importing_then_stats_json_via_the_installed_command(tmp_path):
    project = tmp_path / "p.db"
    cmd = [sys.executable, "-m", "annotator"]
    subprocess.run([*cmd, "import", str(project), str(CORPUS)], check=True, capture_output=True)
    out = subprocess.run([*cmd, "stats", str(project), "--json"], check=True,
                         capture_output=True, text=True).stdout
    stats = json.loads(out)
    assert stats["documents"] == 4 and stats["characters"] > 15000
