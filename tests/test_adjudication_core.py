"""Adjudication into the gold layer: agreed merge, differences, resolutions, undo."""

from __future__ import annotations

import pytest
from layers_support import annotate, find
from typer.testing import CliRunner

from annotator.adjudication import (
    ADJUDICATED,
    AGREED,
    differences,
    merge_agreed,
    plan_agreed,
    resolution,
    resolve,
)
from annotator.cli import app
from annotator.model import GOLD, Decision, Document, SpanKind
from annotator.operations import new_span
from annotator.store import Store

TEXT = "Mike Pompeo met Kim Yong Chol in New York on Thursday to prepare a summit."
POMPEO, KIM, NY, THURSDAY = (find(TEXT, w) for w in ("Mike Pompeo", "Kim Yong Chol",
                                                     "New York", "Thursday"))
MET, SUMMIT = find(TEXT, "met"), find(TEXT, "summit")


@pytest.fixture
def doc(store: Store) -> int:
    doc_id = store.add_documents([Document("talks", TEXT)]).added[0]
    annotate(store, doc_id, "ann",
             [(*POMPEO, "PERSON"), (*KIM, "PERSON"), (*NY, "GPE"), (*THURSDAY, "DATE")],
             [(*MET, "Contact:Meet", [("Participant", 0), ("Participant", 1), ("Place", 2)])])
    annotate(store, doc_id, "bob",
             [(*POMPEO, "PERSON"), (KIM[0], KIM[0] + 3, "PERSON"), (*NY, "LOC"),
              (*THURSDAY, "DATE")],
             [(*MET, "Contact:Meet", [("Participant", 0), ("Place", 2)])])
    return doc_id


def gold(store: Store, doc_id: int) -> tuple[set, set]:
    """Effective gold spans (start, end, label) and arguments (role, argument text)."""
    layer = store.annotations(doc_id, GOLD, effective=True)
    by_id = layer.span_by_id()
    return ({(s.start, s.end, s.label) for s in layer.spans},
            {(a.role, by_id[a.argument_id].text_in(TEXT)) for a in layer.arguments})


def test_merge_agreed_takes_what_everyone_marked(store, doc):
    edit = merge_agreed(store, doc, ["ann", "bob"])
    spans, arguments = gold(store, doc)
    assert spans == {(*POMPEO, "PERSON"), (*THURSDAY, "DATE"), (*MET, "Contact:Meet")}
    # Both linked Place to New York, but its label is disputed, so it waits for the curator.
    assert arguments == {("Participant", "Mike Pompeo")}
    assert all(s.origin == AGREED for s in store.spans(doc, GOLD))
    assert len(plan_agreed(store, doc, ["ann", "bob"]).edits) == 0  # idempotent
    edit.revert(store)
    assert store.spans(doc, GOLD) == []


def test_differences_list_each_disputed_region_and_event(store, doc):
    merge_agreed(store, doc, ["ann", "bob"])
    found = differences(store, doc, ["ann", "bob"])
    assert [(d.kind, d.start, d.end) for d in found] == [
        ("arguments", *MET), ("entity", *KIM), ("entity", *NY)]
    kim = found[1]
    assert kim.version("ann").describe(TEXT) == "Kim Yong Chol [PERSON]"
    assert kim.version("bob").describe(TEXT) == "Kim [PERSON]"
    event = found[0]
    assert event.trigger.layer == GOLD
    assert event.version("bob").describe(TEXT) == \
        "Participant: Mike Pompeo [PERSON]; Place: New York [LOC]"
    assert len(event.version("ann").arguments) == 3


def test_resolving_every_difference_settles_the_document(store, doc):
    names = ["ann", "bob"]
    merge_agreed(store, doc, names)
    arguments, kim, ny = differences(store, doc, names)
    taken = resolution(store, ny, "ann")
    assert gold(store, doc)[0] == {(*POMPEO, "PERSON"), (*THURSDAY, "DATE"),
                                   (*MET, "Contact:Meet")}  # planned, not applied yet
    taken.apply(store)
    assert (*NY, "GPE") in gold(store, doc)[0]
    tombstones = [s for s in store.spans(doc, GOLD) if s.decision is Decision.REJECTED]
    assert [(s.label, s.origin) for s in tombstones] == [("LOC", ADJUDICATED)]
    assert len(differences(store, doc, names)) == 2

    resolve(store, kim, None)  # drop both versions
    assert not any(s.start == KIM[0] for s in store.annotations(doc, GOLD, effective=True).spans)
    assert len(differences(store, doc, names)) == 1

    last = resolve(store, arguments, "bob")
    spans, links = gold(store, doc)
    assert links == {("Participant", "Mike Pompeo"), ("Place", "New York")}
    assert (*NY, "GPE") in spans  # Place links to the gold New York, not a second copy
    assert differences(store, doc, names) == []

    last.revert(store)  # undo brings the difference and the old arguments back
    assert gold(store, doc)[1] == {("Participant", "Mike Pompeo")}
    assert [d.kind for d in differences(store, doc, names)] == ["arguments"]


def test_dropped_arguments_stay_dropped(store, doc):
    names = ["ann", "bob"]
    merge_agreed(store, doc, names)
    arguments, _, ny = differences(store, doc, names)
    resolve(store, ny, "ann")
    resolve(store, arguments, None)
    assert gold(store, doc)[1] == set()
    # Both annotators agree on Participant and Place, but the curator settled this event.
    assert len(plan_agreed(store, doc, names).edits) == 0
    assert [d.kind for d in differences(store, doc, names)] == ["entity"]


def test_taking_a_trigger_brings_its_arguments(store):
    doc = store.add_documents([Document("summit", TEXT)]).added[0]
    annotate(store, doc, "ann", [(*KIM, "PERSON")],
             [(*SUMMIT, "Contact:Meet", [("Participant", 0)])])
    annotate(store, doc, "bob", [(*KIM, "PERSON")])
    merge_agreed(store, doc, ["ann", "bob"])
    (trigger,) = differences(store, doc, ["ann", "bob"])
    assert trigger.kind == SpanKind.TRIGGER.value and trigger.version("bob").spans == ()
    edit = resolve(store, trigger, "ann")
    spans, links = gold(store, doc)
    assert spans == {(*KIM, "PERSON"), (*SUMMIT, "Contact:Meet")}
    assert links == {("Participant", "Kim Yong Chol")}
    assert differences(store, doc, ["ann", "bob"]) == []
    edit.revert(store)
    assert gold(store, doc) == ({(*KIM, "PERSON")}, set())


def test_a_hand_made_gold_span_settles_its_region(store, doc):
    merge_agreed(store, doc, ["ann", "bob"])
    new_span(doc, *NY, "FAC", GOLD).apply(store)  # the curator's own "edit"
    assert [d.kind for d in differences(store, doc, ["ann", "bob"])] == ["arguments", "entity"]


def test_three_annotators_agree_only_on_what_all_have(store, doc):
    annotate(store, doc, "cid", [(*POMPEO, "PERSON")])
    merge_agreed(store, doc, ["ann", "bob", "cid"])
    assert gold(store, doc)[0] == {(*POMPEO, "PERSON")}
    regions = differences(store, doc, ["ann", "bob", "cid"])
    thursday = next(d for d in regions if d.start == THURSDAY[0])
    assert thursday.version("cid").spans == () and thursday.version("ann").spans


def test_adjudication_needs_two_annotators(store, doc):
    with pytest.raises(ValueError):
        differences(store, doc, ["ann"])


def test_adjudicate_command_merges_agreed_spans(store, doc, project_path):
    result = CliRunner().invoke(app, ["adjudicate", str(project_path)])
    assert result.exit_code == 0, result.output
    assert "4 agreed spans and arguments added to gold" in result.output
    assert "3 differences left" in result.output
    assert gold(store, doc)[1] == {("Participant", "Mike Pompeo")}
