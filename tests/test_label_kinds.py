"""A label has one kind (issue 10, item 6): an import that uses an entity label as an event type
(or the reverse) is refused naming the file, nothing stored; a schema listing a label as both is
refused; a project that once stored such a schema is mended on opening."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from annotator.errors import InputError
from annotator.formats import import_files
from annotator.migrations import MIGRATIONS, _one_kind_per_label
from annotator.schema import Schema, SchemaError, default_schema
from annotator.store import Store, StoreError

TEXT = "Mike Pompeo met Kim Yong Chol in New York on Friday.\n"


def brat_collection(folder: Path, documents: dict[str, str]) -> Path:
    folder.mkdir()
    for name, ann in documents.items():
        (folder / f"{name}.txt").write_text(TEXT, encoding="utf-8")
        (folder / f"{name}.ann").write_text(ann, encoding="utf-8")
    return folder


def test_label_kinds_a_trigger_with_an_entity_label_is_refused(store, tmp_path):
    files = brat_collection(tmp_path / "brat", {
        "talks": "T1\tPERSON 0 11\tMike Pompeo\nT2\tPERSON 12 15\tmet\nE1\tPERSON:T2\n"})
    schema = store.schema
    with pytest.raises(InputError, match="'PERSON' is an entity label") as refused:
        import_files(store, [files], "brat", annotator="carol")
    assert "talks.ann" in str(refused.value)
    assert store.count_documents() == 0 and store.reread_schema() == schema
    assert "PERSON" not in store.schema.events


def test_label_kinds_a_new_label_used_as_both_kinds_in_one_import_is_refused(store, tmp_path):
    files = brat_collection(tmp_path / "brat", {
        "a": "T1\tSummit 12 15\tmet\nE1\tSummit:T1\n",
        "b": "T1\tSummit 0 11\tMike Pompeo\n"})
    with pytest.raises(InputError, match="'Summit' is an event type"):
        import_files(store, [files], "brat", annotator="carol")
    assert store.count_documents() == 0
    assert "Summit" not in store.reread_schema().entities


def test_label_kinds_a_schema_with_a_label_as_both_is_refused(store):
    data = default_schema().to_dict()
    data["events"]["PERSON"] = {"roles": {}}
    with pytest.raises(SchemaError, match="PERSON is both"):
        Schema.from_dict(data)
    both = default_schema()
    both.events["GPE"] = both.events["Contact:Meet"]
    with pytest.raises(StoreError, match="one kind"):
        store.set_schema(both)


def test_label_kinds_an_old_project_holding_both_is_mended(tmp_path):
    import sqlite_utils

    path = tmp_path / "old.db"
    conn = sqlite3.connect(path, isolation_level=None)
    db = sqlite_utils.Database(conn)
    conn.execute("BEGIN")
    version = MIGRATIONS.index(_one_kind_per_label)
    for step in MIGRATIONS[:version]:
        step(db)
    data = default_schema().to_dict()
    data["events"]["PERSON"] = {"roles": {}}  # what an import once did
    data["entities"]["Contact:Meet"] = {}
    data["entities"]["Summit"] = {}
    data["events"]["Summit"] = {"roles": {}}
    data["events"]["Conflict:Attack"]["roles"]["Attacker"] = ["PERSON", "Summit"]
    conn.execute("INSERT INTO settings VALUES ('schema', ?)", [json.dumps(data)])
    conn.execute("INSERT INTO documents (name, text, content_hash, added_at) "
                 "VALUES ('d', ?, 'h', 'x')", [TEXT])
    for kind in ("trigger", "trigger", "entity"):  # Summit: mostly an event type
        conn.execute("INSERT INTO spans (document_id, layer, kind, start_char, end_char, label, "
                     "origin, decision, updated_at) VALUES (1, 'carol', ?, 12, 15, 'Summit', "
                     "'manual', 'accepted', 'x')", [kind])
    conn.execute(f"PRAGMA user_version = {version}")
    conn.execute("COMMIT")
    conn.close()
    with Store(path) as store:
        schema = store.schema
        assert "PERSON" in schema.entities and "PERSON" not in schema.events
        assert "Contact:Meet" in schema.events and "Contact:Meet" not in schema.entities
        assert "Summit" in schema.events and "Summit" not in schema.entities
        assert schema.events["Conflict:Attack"].roles["Attacker"] == ("PERSON",)
