"""Scorecards against gold (per entity label, event type and role, over time) and the A/B
experiment (the choice of documents, the predicate the GUI uses, the comparison with its
intervals)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from journal_support import START, Journal
from layers_support import annotate, find

from annotator.agreement.measures import PRF
from annotator.errors import InputError
from annotator.model import GOLD, Document, Status
from annotator.telemetry import project_report
from annotator.telemetry.experiment import (
    METHOD,
    compare_arms,
    start_experiment,
    unstarted_documents,
)

TEXT = "Mike Pompeo met Kim Yong Chol in New York on Thursday, the State Department said."


def places(*items: tuple[str, str]) -> list[tuple[int, int, str]]:
    return [(*find(TEXT, word), label) for word, label in items]


GOLD_ENTITIES = places(("Mike Pompeo", "PERSON"), ("Kim Yong Chol", "PERSON"),
                       ("New York", "GPE"), ("State Department", "ORG"))


@pytest.fixture
def scored(store):
    docs = store.add_documents([Document(f"d{i}", f"{TEXT} {i}") for i in range(3)]).added
    meet = (*find(TEXT, "met"), "Contact:Meet", [("Entity", 0), ("Entity", 1), ("Place", 2)])
    for doc in docs:
        annotate(store, doc, GOLD, GOLD_ENTITIES, [meet])
    # ann: everything right on d0; on d1 Kim is an ORG and the Place is missing
    annotate(store, docs[0], "ann", GOLD_ENTITIES, [meet])
    annotate(store, docs[1], "ann",
             places(("Mike Pompeo", "PERSON"), ("Kim Yong Chol", "ORG"), ("New York", "GPE"),
                    ("State Department", "ORG")),
             [(*find(TEXT, "met"), "Contact:Meet", [("Entity", 0), ("Entity", 1)])])
    annotate(store, docs[2], "ann", GOLD_ENTITIES, done=False)  # not done: not scored
    j = Journal(store)
    j.status("ann", docs[0], 0, store_it=False)
    j.status("ann", docs[1], 8 * 24 * 3600, store_it=False)  # the next ISO week
    return docs


def test_telemetry_scorecard_per_label_type_and_role(store, scored):
    card = project_report(store)["scorecards"]["per_annotator"][0]
    assert card["annotator"] == "ann" and card["documents"] == 2
    entities = card["entities"]["per_label"]
    assert entities["PERSON"] == {"p": 1.0, "r": 0.75, "f1": pytest.approx(6 / 7),
                                  "support": 4, "tp": 3, "fp": 0, "fn": 1}
    assert entities["ORG"] == {"p": pytest.approx(2 / 3), "r": 1.0, "f1": pytest.approx(0.8),
                               "support": 2, "tp": 2, "fp": 1, "fn": 0}
    assert card["entity_f1"] == pytest.approx(14 / 16)
    assert card["event_types"]["per_label"]["Contact:Meet"]["f1"] == 1.0
    roles = card["roles"]["per_label"]
    # an argument is its span, not its label: the ORG Kim still fills Entity right
    assert roles["Entity"] == {"p": 1.0, "r": 1.0, "f1": 1.0, "support": 4, "tp": 4, "fp": 0,
                               "fn": 0}
    assert roles["Place"] == {"p": 1.0, "r": 0.5, "f1": pytest.approx(2 / 3), "support": 2,
                              "tp": 1, "fp": 0, "fn": 1}


def test_telemetry_scorecard_over_time(store, scored):
    card = project_report(store)["scorecards"]["per_annotator"][0]
    assert [(w["period"], w["documents"], w["entity_f1"]) for w in card["by_week"]] == [
        ("2026-W10", 1, 1.0), ("2026-W11", 1, pytest.approx(0.75))]
    assert [(p["period"], p["documents"]) for p in card["by_documents"]] == [("1-2", 2)]


def test_telemetry_experiment_chooses_unstarted_documents(store):
    docs = store.add_documents([Document(f"d{i}", f"{TEXT} {i}") for i in range(12)]).added
    annotate(store, docs[0], "ann", places(("Mike Pompeo", "PERSON")), done=False)
    store.set_status(docs[1], "bob", Status.IN_PROGRESS)
    assert unstarted_documents(store) == (docs[2:], 2)
    plan = start_experiment(store, 0.2, seed=7)
    assert len(plan.withheld) == 2 and len(plan.shown) == 8 and plan.started == 2
    assert start_experiment(store, 0.2, seed=7).withheld == plan.withheld  # reproducible
    arms = store.experiment_arms()
    assert sorted(arms) == docs[2:]
    assert [d for d in docs if store.suggestions_withheld(d)] == plan.withheld
    assert not store.suggestions_withheld(docs[0])
    assert start_experiment(store, 0.0).withheld == []
    with pytest.raises(InputError, match="between 0 and 1"):
        start_experiment(store, 1.5)


def test_telemetry_experiment_comparison_with_intervals():
    arms = {d: "withheld" if d < 10 else "shown" for d in range(20)}
    seconds = {("ann", d): (300.0 + 10 * (d % 5) if d < 10 else 180.0 + 10 * (d % 5))
               for d in range(20)}
    counts = {("ann", d): PRF(8, 2, 2) if d < 10 else PRF(9, 1, 1) for d in range(20)}
    result = compare_arms(arms, seconds, counts, {"withhold": 0.5})
    assert result["method"] == METHOD and "bootstrap" in METHOD
    time = result["seconds_per_document"]
    assert time["withheld"]["value"] == pytest.approx(320) and time["withheld"]["n"] == 10
    assert time["shown"]["value"] == pytest.approx(200)
    low, high = time["shown"]["ci"]
    assert 180 <= low <= 200 <= high <= 220
    assert time["difference"]["value"] == pytest.approx(-120)
    assert time["difference"]["ci"][0] < -120 < time["difference"]["ci"][1] < 0
    f1 = result["f1"]
    assert f1["withheld"]["value"] == pytest.approx(0.8) and f1["shown"]["value"] == 0.9
    assert f1["withheld"]["ci"] == [0.8, 0.8]  # every document alike: no spread
    assert f1["difference"]["value"] == pytest.approx(0.1)
    assert compare_arms({}, {}, {}, None) is None
    assert compare_arms({1: "shown"}, {("a", 1): 5.0}, {}, None)["seconds_per_document"][
        "shown"]["ci"] is None  # one document: no interval


def test_telemetry_report_compares_the_arms(store):
    docs = store.add_documents([Document(f"d{i}", f"{TEXT} {i}") for i in range(6)]).added
    store.set_experiment_arms({d: "withheld" if n < 3 else "shown"
                               for n, d in enumerate(docs)})
    j = Journal(store)
    for n, doc in enumerate(docs):
        annotate(store, doc, GOLD, GOLD_ENTITIES)
        mine = GOLD_ENTITIES if n >= 3 else GOLD_ENTITIES[:3]
        annotate(store, doc, "ann", mine)
        j.window("ann", doc, 1000 * n, "open")
        j.entry("ann", doc, 1000 * n + (100 if n < 3 else 40))
    report = project_report(store, now=START + timedelta(hours=3))
    experiment = report["experiment"]
    assert experiment["documents"] == {"withheld": 3, "shown": 3}
    assert experiment["seconds_per_document"]["withheld"]["value"] == 100
    assert experiment["seconds_per_document"]["shown"]["value"] == 40
    assert experiment["f1"]["withheld"]["value"] == pytest.approx(6 / 7)
    assert experiment["f1"]["shown"]["value"] == 1.0
    assert [r["arm"] for r in report["time"]["per_document"]] == ["withheld"] * 3 + ["shown"] * 3
