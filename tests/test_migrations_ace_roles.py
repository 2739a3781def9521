"""The ACE 2005 role rename: a project written before it keeps its events, with the parties of
Contact:Meet and Contact:Phone-Write under ACE's role name `Entity`."""

from __future__ import annotations

import json
import sqlite3

import sqlite_utils

from annotator.migrations import MIGRATIONS, SCHEMA_VERSION, _ace_contact_roles
from annotator.schema import default_schema
from annotator.store import Store


def _old_project(path) -> None:
    """A project as the code before the rename wrote it: `Participant` in schema and data."""
    conn = sqlite3.connect(path, isolation_level=None)
    db = sqlite_utils.Database(conn)
    before = MIGRATIONS.index(_ace_contact_roles)
    for number, step in enumerate(MIGRATIONS[:before], start=1):
        step(db)
        db.execute(f"PRAGMA user_version = {number}")
    schema = default_schema().to_dict()
    for label in ("Contact:Meet", "Contact:Phone-Write"):
        event = schema["events"][label]
        event["roles"] = {("Participant" if r == "Entity" else r): v
                          for r, v in event["roles"].items()}
        event["required"] = ["Participant"]
    db.execute("INSERT INTO settings VALUES ('schema', ?)", [json.dumps(schema)])
    db.execute("INSERT INTO documents (id, name, text, content_hash, added_at) "
               "VALUES (1, 'd', 'Pompeo met Kim and attacked Kabul.', 'h', 'now')")
    spans = [(1, "entity", 0, 6, "PERSON"), (2, "trigger", 7, 10, "Contact:Meet"),
             (3, "entity", 11, 14, "PERSON"), (4, "trigger", 19, 27, "Conflict:Attack")]
    for span_id, kind, start, end, label in spans:
        db.execute("INSERT INTO spans (id, document_id, layer, kind, start_char, end_char, "
                   "label, origin, decision, updated_at) VALUES (?, 1, 'alice', ?, ?, ?, ?, "
                   "'manual', 'accepted', 'now')", [span_id, kind, start, end, label])
    for trigger, role, argument in ((2, "Participant", 1), (2, "Participant", 3),
                                    (4, "Participant", 1)):
        db.execute("INSERT INTO arguments (trigger_id, role, argument_id, origin, decision) "
                   "VALUES (?, ?, ?, 'manual', 'accepted')", [trigger, role, argument])
    conn.close()


def test_migrations_ace_roles_rename_contact_participants_in_data_and_schema(tmp_path):
    path = tmp_path / "old.db"
    _old_project(path)
    with Store(path) as store:
        assert store.version == SCHEMA_VERSION
        roles = sorted((a.trigger_id, a.role) for a in store.arguments(1, "alice"))
        # a role of another event type that happens to share the name is left alone
        assert roles == [(2, "Entity"), (2, "Entity"), (4, "Participant")]
        meet = store.schema.events["Contact:Meet"]
        assert list(meet.roles) == ["Entity", "Time", "Place"] and meet.required == ("Entity",)
        assert "Entity" in store.schema.events["Contact:Phone-Write"].roles


def test_migrations_ace_roles_the_default_schema_uses_ace_names():
    schema = default_schema()
    for label in ("Contact:Meet", "Contact:Phone-Write"):
        assert "Entity" in schema.events[label].roles
        assert "Participant" not in schema.events[label].roles
