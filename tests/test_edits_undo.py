"""Every edit reverts exactly, and the intents produce the right edit for each layer."""

from __future__ import annotations

import pytest
from edits_support import suggestion, talks

from annotator import edits, operations
from annotator.model import SUGGESTIONS, Decision, SpanKind, Status
from annotator.store import Store


@pytest.fixture
def doc(store: Store) -> int:
    return talks(store)


def snapshot(store: Store, doc_id: int) -> tuple:
    return (store.spans(doc_id), store.arguments(doc_id), store.status(doc_id, "alice"))


def run_and_undo(store: Store, doc_id: int, edit) -> tuple:
    before = snapshot(store, doc_id)
    edit.apply(store)
    after = snapshot(store, doc_id)
    assert after != before
    edit.revert(store)
    assert snapshot(store, doc_id) == before
    edit.apply(store)  # redo gives the very same rows, ids included
    assert snapshot(store, doc_id) == after
    return after


def test_edits_accept_trigger_brings_arguments_and_their_spans(store, doc):
    meet = suggestion(store, doc, "Contact:Meet")
    run_and_undo(store, doc, operations.accept(store, meet, "alice"))
    mine = store.annotations(doc, "alice", effective=True)
    assert {s.label for s in mine.spans} == {"Contact:Meet", "PERSON", "GPE"}
    assert all(s.decision is Decision.ACCEPTED and s.suggestion_id for s in mine.spans)
    assert sorted(a.role for a in mine.arguments) == ["Participant", "Participant", "Place"]
    assert store.pending_suggestions(doc, "alice").spans == []


def test_edits_accept_trigger_reuses_spans_already_accepted_and_skips_rejected(store, doc):
    pompeo = store.spans(doc, SUGGESTIONS)[0]
    operations.accept(store, pompeo, "alice").apply(store)
    operations.reject(store, suggestion(store, doc, "GPE"), "alice").apply(store)
    operations.accept(store, suggestion(store, doc, "Contact:Meet"), "alice").apply(store)
    mine = store.annotations(doc, "alice", effective=True)
    assert [s.label for s in mine.spans].count("PERSON") == 2
    assert "GPE" not in {s.label for s in mine.spans}
    assert sorted(a.role for a in mine.arguments) == ["Participant", "Participant"]


def test_edits_reject_hides_suggestion_for_that_annotator_only(store, doc):
    gpe = suggestion(store, doc, "GPE")
    run_and_undo(store, doc, operations.reject(store, gpe, "alice"))
    assert gpe not in store.pending_suggestions(doc, "alice").spans
    assert gpe in store.pending_suggestions(doc, "bob").spans
    assert store.annotations(doc, "alice", effective=True).spans == []


def test_edits_relabel_and_resize_suggestion_are_edits_with_provenance(store, doc):
    gpe = suggestion(store, doc, "GPE")
    run_and_undo(store, doc, operations.relabel(store, gpe, "LOC", "alice"))
    copy = store.spans(doc, "alice")[0]
    assert (copy.label, copy.decision, copy.origin) == ("LOC", Decision.EDITED, "model:sm@3.8")
    run_and_undo(store, doc, operations.resize(store, copy, 29, 40, "alice"))
    assert store.get_span(copy.id).start == 29


def test_edits_manual_span_relabel_to_event_type_makes_a_trigger(store, doc):
    add = operations.new_span(doc, 44, 50, "DATE", "alice")
    run_and_undo(store, doc, add)
    run_and_undo(store, doc, operations.relabel(store, add.added, "Contact:Meet", "alice"))
    span = store.get_span(add.added.id)
    assert (span.kind, span.decision, span.origin) == (SpanKind.TRIGGER, Decision.ACCEPTED,
                                                      "manual")


def test_edits_delete_span_used_by_event_is_restored_with_argument(store, doc):
    operations.accept(store, suggestion(store, doc, "Contact:Meet"), "alice").apply(store)
    place = next(s for s in store.spans(doc, "alice") if s.label == "GPE")
    after = run_and_undo(store, doc, operations.reject(store, place, "alice"))
    assert len(after[1]) == 2 + 3  # alice's two participants + the suggestions' three


def test_edits_accept_all_is_one_undoable_step(store, doc):
    step = operations.accept_all(store, doc, "alice")
    run_and_undo(store, doc, step)
    mine = store.annotations(doc, "alice", effective=True)
    assert len(mine.spans) == 4 and len(mine.arguments) == 3


def test_edits_arguments_and_status(store, doc):
    a = operations.new_span(doc, 0, 11, "PERSON", "alice")
    t = operations.new_span(doc, 12, 15, "Contact:Meet", "alice", SpanKind.TRIGGER)
    for e in (a, t):
        e.apply(store)
    link = operations.set_argument(store, t.added, "Participant", a.added)
    run_and_undo(store, doc, link)
    run_and_undo(store, doc, edits.RemoveArgument(link.added.id))
    run_and_undo(store, doc, edits.SetStatus(doc, "alice", Status.DONE))
