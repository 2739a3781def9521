"""Shared fixtures: real SQLite files in tmp_path, the sample corpus, and offscreen Qt."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from annotator.model import Document  # noqa: E402
from annotator.paths import CORPUS  # noqa: E402
from annotator.store import Store  # noqa: E402


@pytest.fixture
def project_path(tmp_path: Path) -> Path:
    return tmp_path / "project.db"


@pytest.fixture
def store(project_path: Path):
    with Store(project_path) as s:
        yield s


@pytest.fixture
def sample_store(store: Store) -> Store:
    """A project holding the four sample articles (no analysis yet)."""
    store.add_documents(
        Document(p.stem, p.read_text(encoding="utf-8")) for p in sorted(CORPUS.glob("*.txt"))
    )
    return store
