"""The edit journal: one guarded path for apply, undo and redo, written in the same transaction,
rebuilt after a restart, refusing reverts that no longer fit the file."""

from __future__ import annotations

import json
import sqlite3
from datetime import datetime, timedelta, timezone

import pytest
from edits_support import suggestion, talks

from annotator import edits, operations
from annotator.changes import Effect
from annotator.journal import entries, history, perform
from annotator.model import Argument, Decision, Document, Span, SpanKind, Status
from annotator.store import Analysis, Store, StoreError


@pytest.fixture
def doc(store: Store) -> int:
    return talks(store)


def rows(store: Store, doc_id: int) -> tuple:
    return store.spans(doc_id), store.arguments(doc_id), store.status(doc_id, "alice")


def test_journal_every_action_writes_one_row_with_the_edit_as_stable_json(store, doc):
    meet = suggestion(store, doc, "Contact:Meet")
    edit = operations.accept(store, meet, "alice")
    done = perform(store, edit, annotator="alice")
    perform(store, edit, "undo", annotator="alice")
    perform(store, edit, "redo", annotator="alice")
    journal = entries(store)
    assert [e.action for e in journal] == ["apply", "undo", "redo"]
    assert [e.entry_of for e in journal] == [None, done.entry_id, done.entry_id]
    first = journal[0]
    assert first.id == done.entry_id and first.annotator == "alice" and first.document_id == doc
    assert first.operation == "accept" and first.description == "Accept Contact:Meet event"
    assert first.at.tzinfo is not None
    assert abs(first.at - datetime.now(timezone.utc)) < timedelta(minutes=1)
    raw = store.db.execute("SELECT at, edit FROM journal ORDER BY id").fetchone()
    assert len(raw[0].split(".")[1]) >= 3  # milliseconds
    assert raw[1] == json.dumps(json.loads(raw[1]), sort_keys=True, ensure_ascii=False)
    added = first.edit["spans_added"]
    assert {s["label"] for s in added} == {"Contact:Meet", "PERSON", "GPE"}
    assert set(added[0]) == {"id", "document_id", "layer", "kind", "start", "end", "label",
                             "origin", "decision", "score", "suggestion_id"}
    assert set(first.edit["arguments_added"][0]) == {"id", "trigger_id", "role", "argument_id",
                                                     "frame", "origin", "decision", "score"}
    assert done.changes.spans == {s["id"] for s in added}
    assert done.changes.documents == {doc}
    assert len(done.changes.arguments) == 3


def test_journal_changeset_and_status_record(store, doc):
    done = perform(store, edits.SetStatus(doc, "alice", Status.DONE), annotator="alice")
    assert done.changes.statuses == {(doc, "alice")}
    assert entries(store)[-1].edit["status"] == {"document_id": doc, "annotator": "alice",
                                                 "before": "todo", "after": "done"}
    assert entries(store)[-1].operation == "set_status"


def test_journal_operation_names_follow_the_intent(store, doc):
    person = suggestion(store, doc, "PERSON")
    gpe = suggestion(store, doc, "GPE")
    perform(store, operations.reject(store, gpe, "alice"), annotator="alice")
    perform(store, operations.relabel(store, person, "ORG", "alice"), annotator="alice")
    new = operations.new_span(doc, 45, 51, "DATE", "alice")
    perform(store, new, annotator="alice")
    perform(store, operations.resize(store, new.added, 44, 51, "alice"), annotator="alice")
    perform(store, edits.RemoveSpan(new.added.id), annotator="alice")
    assert [e.operation for e in entries(store)] == ["reject", "relabel", "add", "resize",
                                                     "delete"]


def test_journal_a_failed_edit_leaves_no_row_and_no_change(store, doc):
    before = rows(store, doc)
    with pytest.raises(StoreError):
        perform(store, operations.new_span(doc, 40, 400, "GPE", "alice"), annotator="alice")
    assert rows(store, doc) == before and entries(store) == []


def test_journal_undo_redo_history_survives_closing_the_project(project_path, store, doc):
    meet = suggestion(store, doc, "Contact:Meet")
    perform(store, operations.accept(store, meet, "alice"), annotator="alice")
    accepted = rows(store, doc)
    relabel = operations.relabel(store, store.spans(doc, "alice")[0], "ORG", "alice")
    perform(store, relabel, annotator="alice")
    perform(store, relabel, "undo", annotator="alice")
    store.close()
    with Store(project_path) as again:
        stacks = history(again, "alice", doc)
        assert [e.description for e, _ in stacks.undo] == ["Accept Contact:Meet event"]
        assert [e.operation for e, _ in stacks.redo] == ["relabel"]
        entry, edit = stacks.undo[-1]
        perform(again, edit, "undo", annotator="alice", entry_of=entry.id)
        assert again.spans(doc, "alice") == [] and again.arguments(doc, "alice") == []
        perform(again, edit, "redo", annotator="alice", entry_of=entry.id)
        assert rows(again, doc) == accepted  # the very same rows, ids included
        stacks = history(again, "alice", doc)
        assert len(stacks.undo) == 1 and len(stacks.redo) == 1
        assert history(again, "bob", doc).undo == []


def test_journal_history_is_bounded_and_a_new_edit_clears_redo(store, doc):
    for start in range(0, 20, 5):
        perform(store, operations.new_span(doc, start, start + 4, "ORG", "alice"),
                annotator="alice")
    stacks = history(store, "alice", doc, limit=3)
    assert len(stacks.undo) == 3
    entry, edit = stacks.undo[-1]
    perform(store, edit, "undo", annotator="alice", entry_of=entry.id)
    assert len(history(store, "alice", doc).redo) == 1
    perform(store, operations.new_span(doc, 45, 51, "DATE", "alice"), annotator="alice")
    assert history(store, "alice", doc).redo == []


def test_journal_edit_json_round_trips_exactly(store, doc):
    meet = suggestion(store, doc, "Contact:Meet")
    edit = operations.accept(store, meet, "alice")
    perform(store, edit, annotator="alice")
    rebuilt = edits.from_json(json.loads(json.dumps(edit.to_json())))
    assert rebuilt.to_json() == edit.to_json()
    assert Effect.from_json(edit.effect.to_json()) == edit.effect


def test_journal_undo_refused_when_the_trigger_became_an_entity(store, doc):
    """The issue's sequence: an argument removed, its trigger relabelled to an entity label,
    then the removal undone. The revert is refused before anything moves."""
    meet = suggestion(store, doc, "Contact:Meet")
    perform(store, operations.accept(store, meet, "alice"), annotator="alice")
    argument = store.arguments(doc, "alice")[0]
    removal = edits.RemoveArgument(argument.id)
    perform(store, removal, annotator="alice")
    trigger = next(s for s in store.spans(doc, "alice") if s.kind is SpanKind.TRIGGER)
    perform(store, operations.relabel(store, trigger, "ORG", "alice"), annotator="alice")
    before, journal = rows(store, doc), entries(store)
    with pytest.raises(StoreError, match="not an event trigger"):
        perform(store, removal, "undo", annotator="alice")
    assert rows(store, doc) == before and entries(store) == journal


def test_journal_redo_refused_when_the_id_was_taken_meanwhile(store, doc):
    """A new span never takes an undone one's id; a row put back with it (only an undo or
    redo names an id, perhaps another window's) makes the redo refused."""
    added = operations.new_span(doc, 0, 4, "PERSON", "alice")
    perform(store, added, annotator="alice")
    perform(store, added, "undo", annotator="alice")
    assert store.add_span(Span(doc, 5, 11, "PERSON", "bob")).id > added.added.id
    store.add_span(Span(doc, 12, 20, "PERSON", "bob").with_(id=added.added.id))
    with pytest.raises(StoreError, match="taken"):
        perform(store, added, "redo", annotator="alice")
    assert store.spans(doc, "alice") == []


def test_journal_undo_refused_when_another_program_changed_the_span(project_path, store, doc):
    added = operations.new_span(doc, 0, 11, "PERSON", "alice")
    perform(store, added, annotator="alice")
    with Store(project_path) as other:
        other.update_span(added.added.id, label="ORG")
    with pytest.raises(StoreError, match=r"changed since \(label PERSON -> ORG\)"):
        perform(store, added, "undo", annotator="alice")
    assert store.get_span(added.added.id).label == "ORG"


def test_journal_undo_on_a_locked_file_changes_nothing_and_works_later(project_path, store,
                                                                       doc):
    added = operations.new_span(doc, 0, 11, "PERSON", "alice")
    perform(store, added, annotator="alice")
    store.set_busy_timeout(0.1)
    locker = sqlite3.connect(project_path, isolation_level=None)
    locker.execute("BEGIN IMMEDIATE")
    try:
        with pytest.raises(sqlite3.OperationalError, match="locked"):
            perform(store, added, "undo", annotator="alice")
    finally:
        locker.execute("ROLLBACK")
        locker.close()
    assert len(store.spans(doc, "alice")) == 1 and len(entries(store)) == 1
    perform(store, added, "undo", annotator="alice")
    perform(store, added, "redo", annotator="alice")  # no UNIQUE failure: stack and file agree
    assert [s.id for s in store.spans(doc, "alice")] == [added.added.id]


def test_journal_undo_of_a_delete_refused_after_its_suggestion_was_replaced(store, doc):
    gpe = suggestion(store, doc, "GPE")
    accepted = operations.accept(store, gpe, "alice")
    perform(store, accepted, annotator="alice")
    removal = edits.RemoveSpan(accepted.added.id)
    perform(store, removal, annotator="alice")
    store.save_analyses([Analysis(doc, "lg@3.8", [], [], [])])  # preannotate --force
    with pytest.raises(StoreError, match="pre-annotation"):
        perform(store, removal, "undo", annotator="alice")


def test_journal_undo_refused_while_a_later_argument_uses_the_span(store, doc):
    trigger = operations.new_span(doc, 12, 15, "Contact:Meet", "alice", SpanKind.TRIGGER)
    person = operations.new_span(doc, 0, 11, "PERSON", "alice")
    perform(store, trigger, annotator="alice")
    perform(store, person, annotator="alice")
    store.add_argument(Argument(trigger.added.id, "Entity", person.added.id))  # elsewhere
    with pytest.raises(StoreError, match="argument"):
        perform(store, person, "undo", annotator="alice")


def test_journal_entries_filter_by_document_annotator_and_time(store, doc):
    other = store.add_documents([Document("other", "Some other text here.")]).added[0]
    perform(store, operations.new_span(doc, 0, 4, "PERSON", "alice"), annotator="alice")
    perform(store, operations.new_span(other, 0, 4, "ORG", "bob"), annotator="bob")
    assert [e.annotator for e in entries(store, document_id=other)] == ["bob"]
    assert [e.document_id for e in entries(store, annotator="alice")] == [doc]
    later = datetime.now(timezone.utc) + timedelta(hours=1)
    assert entries(store, since=later) == []
    assert len(entries(store, until=later)) == 2
    assert [e.annotator for e in entries(store, limit=1)] == ["bob"]


def test_journal_adjudication_writes_through_the_journal(store, doc):
    from annotator.adjudication import merge_agreed
    for who in ("alice", "bob"):
        store.add_span(Span(doc, 0, 11, "PERSON", who))
        store.set_status(doc, who, Status.DONE)
    merge_agreed(store, doc, ["alice", "bob"])
    (entry,) = entries(store)
    assert entry.annotator == "gold" and entry.operation == "adjudicate"
    assert entry.edit["spans_added"][0]["layer"] == "gold"
    assert entry.edit["spans_added"][0]["decision"] == Decision.ACCEPTED.value


def test_journal_survives_split_and_merge(store, doc, project_path, tmp_path):
    from annotator.teamwork import merge_projects, split_project

    meet = suggestion(store, doc, "Contact:Meet")
    perform(store, operations.accept(store, meet, "alice"), annotator="alice")
    perform(store, operations.set_status(doc, "bob", Status.IN_PROGRESS), annotator="bob")
    report = split_project(store, ["alice", "bob"], 1.0, tmp_path / "out")
    with Store(report.files["alice"]) as mine:
        (copied,) = entries(mine)
        assert copied.annotator == "alice" and copied.operation == "accept"
        assert copied.edit["copied_from"] == str(project_path)
        assert {s["id"] for s in copied.edit["spans_added"]} == \
            {s.id for s in mine.spans(1, "alice")}
        assert history(mine, "alice", 1).undo == []  # another file's steps: not undoable here
        gpe = next(s for s in mine.spans(1, "alice") if s.label == "GPE")
        perform(mine, operations.relabel(mine, gpe, "LOC", "alice"), annotator="alice")
        assert len(history(mine, "alice", 1).undo) == 1
    for _ in range(2):  # merging again adds nothing twice
        merge_projects(store, [report.files["alice"]])
        journal = entries(store, annotator="alice")
        assert [e.operation for e in journal] == ["accept", "relabel"]
    back = journal[1]
    assert back.document_id == doc and back.edit["copied_from"] == str(report.files["alice"])
    (changed,) = back.edit["spans_changed"]
    assert store.get_span(changed["id"]).label == "LOC"


def test_journal_history_command(store, doc, project_path):
    from typer.testing import CliRunner

    from annotator.cli import app

    perform(store, operations.new_span(doc, 0, 11, "PERSON", "alice"), annotator="alice")
    perform(store, operations.set_status(doc, "bob", Status.DONE), annotator="bob")
    runner = CliRunner()
    table = runner.invoke(app, ["history", str(project_path)])
    assert table.exit_code == 0, table.output
    assert "2 journal entries" in table.output and "talks" in table.output
    as_json = runner.invoke(app, ["history", str(project_path), "--annotator", "bob",
                                  "--document", "talks", "--json"])
    (entry,) = json.loads(as_json.output)
    assert entry["document"] == "talks" and entry["operation"] == "set_status"
    assert entry["edit"]["status"]["after"] == "done"
    by_id = runner.invoke(app, ["history", str(project_path), "-d", str(doc), "--json"])
    assert len(json.loads(by_id.output)) == 2
    missing = runner.invoke(app, ["history", str(project_path), "-d", "nowhere"])
    assert missing.exit_code == 1 and "no document 'nowhere'" in missing.output
