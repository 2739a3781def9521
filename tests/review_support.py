"""A project two annotators worked on, for the review GUI tests (agreement, curation, export):
the sample corpus with suggestions (`gui_support`), and on one article alice's and bob's layers
written by hand so every kind of difference is there exactly once.

A pytest plugin: a test module loads its fixtures with `pytest_plugins = ["review_support"]`
(and does not import it, so pytest can rewrite its asserts)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from gui_support import make_project
from layers_support import annotate, find
from review_windows import POMPEO, close_window, open_window

from annotator.store import Store


def make_review_project(path: Path) -> Path:
    """alice and bob agree on Mike Pompeo (PERSON) and on the "meet" event with him as
    Participant; they differ on the headline's Pompeo (alice only), the event's Place (bob
    only), New York (GPE / LOC) and Kim Yong-chol (bob only), in that order of the text."""
    make_project(path)
    with Store(path) as store:
        doc = store.document_by_name(POMPEO)
        text = doc.text
        mike, york = find(text, "Mike Pompeo"), find(text, "New York")
        meet = find(text, "meet")
        annotate(store, doc.id, "alice",
                 [(*mike, "PERSON"), (*york, "GPE"), (*find(text, "Pompeo"), "PERSON")],
                 [(*meet, "Contact:Meet", [("Participant", 0)])])
        annotate(store, doc.id, "bob",
                 [(*mike, "PERSON"), (*york, "LOC"), (*find(text, "Kim Yong-chol"), "PERSON")],
                 [(*meet, "Contact:Meet", [("Participant", 0), ("Place", 1)])])
    return path


@pytest.fixture(scope="module")
def review_template(tmp_path_factory) -> Path:
    """Built once per test module."""
    return make_review_project(tmp_path_factory.mktemp("review") / "template.db")


@pytest.fixture
def review_project(review_template: Path, tmp_path: Path) -> Path:
    """A fresh copy of the review project for one test."""
    path = tmp_path / "review.db"
    shutil.copy(review_template, path)
    return path


@pytest.fixture
def review_window(qtbot, review_project: Path, tmp_path: Path):
    """Opens main windows (on the review project unless told) and closes them afterwards."""
    opened = []

    def open_(annotator: str = "lead", document: str | None = POMPEO,
              project: Path | None = None):
        opened.append(open_window(qtbot, project or review_project, tmp_path, annotator,
                                  document))
        return opened[-1]

    yield open_
    for win in opened:
        close_window(win)
