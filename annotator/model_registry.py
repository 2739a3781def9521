"""The project's trained models (table `models`): what `annotator train` made, where it is,
what it learned from, when, its scores, and which documents it held out.

A model is registered only once its folder is complete, in one statement, so an interrupted
training leaves nothing half-registered. `annotator evaluate` reads `held_out` to never score
a model on documents it was trained on.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from annotator.store import Store, StoreError


@dataclass
class RegisteredModel:
    name: str
    path: str
    #: the layer it learned from (`gold` or an annotator)
    trained_from: str
    base: str
    trained_at: str
    steps: int = 0
    seconds: float = 0.0
    #: `annotator.evaluation.Evaluation.to_dict()` on its dev (held-out) documents
    scores: dict = field(default_factory=dict)
    train_documents: list[int] = field(default_factory=list)
    held_out: list[int] = field(default_factory=list)


COLUMNS = ("name, path, trained_from, base, trained_at, steps, seconds, scores, "
           "train_documents, held_out")


def register(store: Store, model: RegisteredModel) -> None:
    if not Path(model.path).is_dir():
        raise StoreError(f"no model folder at {model.path}")
    with store.atomic():
        if store.db.execute("SELECT 1 FROM models WHERE name = ?", [model.name]).fetchall():
            raise StoreError(f"a model named {model.name!r} is already registered")
        store.db.execute(
            f"INSERT INTO models ({COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [model.name, model.path, model.trained_from, model.base, model.trained_at,
             model.steps, model.seconds, json.dumps(model.scores),
             json.dumps(model.train_documents), json.dumps(model.held_out)])


def _model(row: tuple) -> RegisteredModel:
    name, path, source, base, at, steps, seconds, scores, train, held_out = row
    return RegisteredModel(name, path, source, base, at, steps, seconds, json.loads(scores),
                           json.loads(train), json.loads(held_out))


def models(store: Store) -> list[RegisteredModel]:
    """Every registered model, oldest first."""
    return [_model(r) for r in store.db.execute(
        f"SELECT {COLUMNS} FROM models ORDER BY id").fetchall()]


def find(store: Store, name: str) -> RegisteredModel | None:
    rows = store.db.execute(f"SELECT {COLUMNS} FROM models WHERE name = ?", [name]).fetchall()
    return _model(rows[0]) if rows else None


def unregister(store: Store, name: str) -> bool:
    with store.atomic():
        return store.db.execute("DELETE FROM models WHERE name = ?", [name]).rowcount > 0
