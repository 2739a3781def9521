"""Training on the project's own annotations: a few steps on a small labelled project, the
model registered and used for pre-annotation; a cancelled run leaves nothing behind."""

from __future__ import annotations

import pytest

from annotator.errors import Cancelled
from annotator.model import GOLD, SUGGESTIONS, Document, Span, SpanKind
from annotator.model_registry import find, models
from annotator.nlp.loading import project_pipeline
from annotator.nlp.preannotate import preannotate
from annotator.nlp.training import BLANK, TrainingOptions, split, train

TEXTS = ["Kim Yong Chol met Pompeo in Seoul on Friday.",
         "Pompeo met Kim Yong Chol in Hanoi.",
         "Trump will meet Kim Jong Un in Singapore.",
         "Moon Jae-in met Trump in Seoul."]


@pytest.fixture
def labelled(store):
    ids = store.add_documents(Document(f"d{i}", t) for i, t in enumerate(TEXTS)).added
    for doc_id, text in zip(ids, TEXTS, strict=True):
        for words, label in (("Kim Yong Chol", "PERSON"), ("Pompeo", "PERSON"),
                             ("Trump", "PERSON"), ("Kim Jong Un", "PERSON"),
                             ("Moon Jae-in", "PERSON"), ("Seoul", "GPE"), ("Hanoi", "GPE"),
                             ("Singapore", "GPE"), ("Friday", "DATE")):
            if words in text:
                start = text.index(words)
                store.add_span(Span(doc_id, start, start + len(words), label, GOLD))
        verb = "meet" if "meet" in text else "met"
        start = text.index(verb)
        store.add_span(Span(doc_id, start, start + len(verb), "Contact:Meet", GOLD,
                            SpanKind.TRIGGER))
    return store


def test_training_split_is_seeded_and_holds_out_at_least_one():
    assert split([1, 2, 3, 4], 0.25, 1) == split([1, 2, 3, 4], 0.25, 1)
    train_ids, dev_ids = split([1, 2, 3], 0.1, 0)
    assert len(dev_ids) == 1 and sorted(train_ids + dev_ids) == [1, 2, 3]


def test_training_a_few_steps_registers_a_model_that_preannotates(labelled, tmp_path):
    store = labelled
    seen = []
    train(store, TrainingOptions(source=GOLD, base=BLANK, max_steps=3, seed=0,
                                 output=tmp_path / "m", name="tiny"), seen.append)
    assert [s.step for s in seen if s.phase == "training"] == [1, 2, 3]
    assert (tmp_path / "m" / "meta.json").is_file()
    assert [m.name for m in models(store)] == ["tiny"]
    registered = find(store, "tiny")
    assert registered.held_out and not set(registered.held_out) & set(registered.train_documents)
    assert set(registered.scores["summary"]) >= {"entity_f1_exact", "trigger_f1", "argument_f1"}

    pipeline = project_pipeline(store, "tiny")  # a registered name stands for its folder
    report = preannotate(store, pipeline)
    assert report.documents == 4
    assert store.analysis_model(1) == pipeline.identity
    assert all(s.origin.startswith(("model:", "rule:", "lexicon"))
               for d in store.document_ids() for s in store.spans(d, SUGGESTIONS))


def test_training_cancelled_leaves_no_folder_and_no_registration(labelled, tmp_path):
    def stop(state):
        return state.step < 1

    with pytest.raises(Cancelled):
        train(labelled, TrainingOptions(source=GOLD, base=BLANK, max_steps=5,
                                        output=tmp_path / "m", name="stopped"), stop)
    assert [p.name for p in tmp_path.iterdir() if not p.name.startswith("project.db")] == []
    assert models(labelled) == []


def test_training_cli_train_then_evaluate_side_by_side(labelled, project_path, tmp_path):
    import json
    import subprocess
    import sys

    labelled.close()

    def run(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "annotator", *args], capture_output=True,
                              text=True, timeout=300)

    trained = run("train", str(project_path), "--base", "blank", "--max-steps", "2",
                  "--name", "tiny", "--output", str(tmp_path / "tiny"))
    assert trained.returncode == 0, trained.stderr
    assert "model tiny registered" in trained.stdout and "entity F1 exact" in trained.stdout
    again = run("train", str(project_path), "--base", "blank", "--name", "tiny")
    assert again.returncode == 1 and "already registered" in again.stderr
    out = tmp_path / "eval.json"
    evaluated = run("evaluate", str(project_path), "--model", "tiny", "--model", "tiny",
                    "--json", str(out))
    assert evaluated.returncode == 0, evaluated.stderr
    report = json.loads(out.read_text())
    held_out = report["documents"]
    assert list(report["models"]) == ["tiny"] and len(held_out) == 1
    assert run("models", str(project_path)).stdout.count("tiny") >= 1
