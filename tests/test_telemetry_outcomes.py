"""Suggestion outcomes per origin, label and annotator, the suggestions' precision and recall as
the annotators judged them, and the rubber-stamp monitor, on journals with known moments."""

from __future__ import annotations

import pytest
from journal_support import Journal, suggest

from annotator.model import Document, SpanKind, Status
from annotator.telemetry import project_report
from annotator.telemetry.stamps import FAST_ACCEPT_SECONDS, RUN_LENGTH

TEXT = ("Mike Pompeo met Kim Yong Chol in New York on Thursday. Trump will meet Kim in Hanoi "
        "in February, the White House said.")


def at(word: str, occurrence: int = 0) -> tuple[int, int]:
    start = -1
    for _ in range(occurrence + 1):
        start = TEXT.index(word, start + 1)
    return start, start + len(word)


@pytest.fixture
def decided(store):
    """Two annotators decide on one document's suggestions every way there is."""
    doc, other = store.add_documents([Document("talks", TEXT),
                                      Document("later", TEXT + " ")]).added
    pompeo = suggest(store, doc, *at("Mike Pompeo"), "PERSON")
    kim = suggest(store, doc, *at("Kim Yong Chol"), "ORG")
    york = suggest(store, doc, *at("New York"), "GPE")
    thursday = suggest(store, doc, *at("Thursday"), "DATE")
    suggest(store, doc, *at("Hanoi"), "GPE")  # ann draws it by hand; bob leaves it
    meet = suggest(store, doc, *at("met"), "Contact:Meet", "rule:Contact:Meet/met",
                   SpanKind.TRIGGER)
    suggest(store, other, *at("Trump"), "PERSON")  # a document nobody finished: not counted
    j = Journal(store)
    j.window("ann", doc, 0, "open")
    j.accept("ann", pompeo, 10)
    j.accept("ann", kim, 20, label="PERSON")                    # relabelled
    j.accept("ann", york, 30, start=at("New York")[0] - 3)      # resized ("in New York")
    j.reject("ann", thursday, 40)
    j.accept("ann", meet, 50)
    j.add("ann", doc, *at("White House"), "ORG", 60)           # by hand, nothing suggested
    j.add("ann", doc, *at("Hanoi"), "GPE", 65)                  # by hand where one was: accepted
    j.add("ann", doc, *at("Trump"), "PERSON", 70)
    j.status("ann", doc, 80)
    j.window("bob", doc, 0, "open")
    j.accept("bob", kim, 2, label="PERSON", end=at("Kim")[1])  # relabelled and resized
    j.accept("bob", pompeo, 4)
    j.status("bob", doc, 6)                                    # the rest left undecided
    store.set_status(other, "ann", Status.IN_PROGRESS)
    return doc


def _by(rows: list[dict], key: str) -> dict[str, dict]:
    return {row[key]: row for row in rows}


def test_telemetry_outcomes_per_annotator(store, decided):
    outcomes = project_report(store)["outcomes"]
    ann, bob = (_by(outcomes["per_annotator"], "annotator")[n] for n in ("ann", "bob"))
    assert {k: ann[k] for k in ("accepted", "relabelled", "resized", "relabelled_resized",
                                "rejected", "undecided", "manual")} == {
        "accepted": 3, "relabelled": 1, "resized": 1, "relabelled_resized": 0, "rejected": 1,
        "undecided": 0, "manual": 2}
    assert ann["suggested"] == 6 and ann["decided"] == 6
    assert ann["accept_rate"] == pytest.approx(3 / 6)
    assert {k: bob[k] for k in ("accepted", "relabelled_resized", "undecided", "manual")} == {
        "accepted": 1, "relabelled_resized": 1, "undecided": 4, "manual": 0}
    assert bob["rates"]["undecided"] == pytest.approx(4 / 6)


def test_telemetry_outcomes_per_origin_and_label(store, decided):
    outcomes = project_report(store)["outcomes"]
    origins = _by(outcomes["per_origin"], "origin")
    assert set(origins) == {"model:en_test@1.0", "rule:Contact:Meet/met", "manual"}
    assert origins["rule:Contact:Meet/met"]["accepted"] == 1
    assert origins["rule:Contact:Meet/met"]["undecided"] == 1
    assert origins["manual"]["manual"] == 2
    labels = _by(outcomes["per_label"], "label")
    assert labels["ORG"]["relabelled"] == 1 and labels["ORG"]["relabelled_resized"] == 1
    assert labels["ORG"]["manual"] == 1          # ann's White House
    assert labels["GPE"]["resized"] == 1 and labels["GPE"]["accepted"] == 1
    assert labels["GPE"]["undecided"] == 2       # bob's New York and Hanoi
    assert labels["DATE"]["rejected"] == 1


def test_telemetry_judged_precision_and_recall(store, decided):
    judged = project_report(store)["outcomes"]["judged"]["per_label"]
    # ann keeps PERSON Pompeo, PERSON Kim, PERSON Trump; bob keeps Pompeo and a PERSON "Kim"
    # suggested: PERSON Pompeo (twice over the two annotators)
    assert judged["PERSON"] == {"p": 1.0, "r": pytest.approx(2 / 5), "f1": pytest.approx(4 / 7),
                                "support": 5, "tp": 2, "fp": 0, "fn": 3}
    assert judged["ORG"]["tp"] == 0 and judged["ORG"]["fp"] == 2 and judged["ORG"]["fn"] == 1
    assert judged["GPE"] == {"p": 0.25, "r": 0.5, "f1": pytest.approx(1 / 3), "support": 2,
                             "tp": 1, "fp": 3, "fn": 1}
    assert judged["Contact:Meet"]["tp"] == 1 and judged["Contact:Meet"]["fp"] == 1


def test_telemetry_withheld_documents_have_no_outcomes(store, decided):
    # nobody saw the suggestions there: what people drew is neither a verdict on them nor
    # "made where nothing was suggested"
    store.set_experiment_arms({decided: "withheld"})
    outcomes = project_report(store)["outcomes"]
    assert outcomes["per_origin"] == outcomes["per_annotator"] == []
    assert outcomes["judged"]["per_label"] == {}


def _accept_run(j: Journal, who: str, doc: int, suggestions, start: float, step: float) -> None:
    for n, suggestion in enumerate(suggestions):
        j.accept(who, suggestion, start + (n + 1) * step)


@pytest.fixture
def stamped(store):
    docs = store.add_documents([Document(f"d{i}", f"{TEXT} {i}") for i in range(8)]).added
    words = ["Mike", "Pompeo", "Kim", "Yong", "Chol", "New", "York", "Thursday", "Trump",
             "Hanoi", "February", "White", "House"]
    j = Journal(store)
    for n, doc in enumerate(docs):
        made = [suggest(store, doc, *at(w), "PERSON") for w in words]
        if n % 2 == 0:
            j.window("rush", doc, n * 1000, "open")
            _accept_run(j, "rush", doc, made, n * 1000, 0.4)     # 13 accepts, 0.4 s apart
            j.status("rush", doc, n * 1000 + 10)
        for slow in ("care",) if n % 2 == 0 else ("care2", "care3"):
            j.window(slow, doc, n * 1000, "open")
            _accept_run(j, slow, doc, made[:6], n * 1000, 6.0)
            for k, span in enumerate(made[6:]):
                j.reject(slow, span, n * 1000 + 40 + 5 * k)
            j.status(slow, doc, n * 1000 + 90)
    return docs


def test_telemetry_rubber_stamp_runs_and_outliers(store, stamped):
    stamps = project_report(store)["rubber_stamp"]
    assert stamps["fast_accept_seconds"] == FAST_ACCEPT_SECONDS
    rows = _by(stamps["per_annotator"], "annotator")
    rush, care = rows["rush"], rows["care"]
    assert rush["accepts"] == 4 * 13 and rush["fast_accepts"] == 4 * 13
    assert rush["runs"] == 4 and rush["longest_run"] == 13 >= RUN_LENGTH
    assert rush["median_accept_seconds"] == pytest.approx(0.4)
    assert rush["accept_rate"] == 1.0
    assert care["fast_accepts"] == 0 and care["runs"] == 0
    assert care["median_accept_seconds"] == pytest.approx(6.0)
    assert care["accept_rate"] == pytest.approx(6 / 13, abs=1e-6)
    kinds = {(w["annotator"], w["kind"]) for w in stamps["warnings"]}
    assert kinds == {("rush", "fast_runs"), ("rush", "accept_rate"), ("rush", "accept_speed")}
    message = next(w["message"] for w in stamps["warnings"]
                   if w["annotator"] == "rush" and w["kind"] == "fast_runs")
    assert message == ("rush accepted 52 suggestions in 4 run(s) of 5 or more, each under 1 s "
                       "(longest run 13)")


def test_telemetry_accept_all_spreads_its_time(store):
    doc = store.add_documents([Document("one", TEXT)]).added[0]
    j = Journal(store)
    j.window("ann", doc, 0, "open")
    j.entry("ann", doc, 3, "accept_all", {"spans_added": [{}] * 6})    # 0.5 s each: a run
    j.window("ann", doc, 100, "open")
    j.entry("ann", doc, 130, "accept_all", {"spans_added": [{}] * 6})  # 5 s each
    j.entry("ann", doc, 200, "accept")           # 70 s: measured, not fast
    j.entry("ann", doc, 500, "accept")           # after a pause: not measured
    row = project_report(store)["rubber_stamp"]["per_annotator"][0]
    assert row["accepts"] == 14 and row["fast_accepts"] == 6 and row["runs"] == 1
    assert row["median_accept_seconds"] == pytest.approx(5.0)


def test_telemetry_reads_the_journal_the_edits_write(store):
    """Edits made through `journal.perform` (as the GUI, the CLI and adjudication make them)
    are what telemetry counts: names of operations, undo, statuses."""
    from annotator import edits, operations
    from annotator.journal import perform

    doc = store.add_documents([Document("one", TEXT)]).added[0]
    pompeo = suggest(store, doc, *at("Mike Pompeo"), "PERSON")
    kim = suggest(store, doc, *at("Kim Yong Chol"), "ORG")
    york = suggest(store, doc, *at("New York"), "GPE")
    perform(store, operations.accept(store, pompeo, "ann"), annotator="ann")
    perform(store, operations.relabel(store, kim, "PERSON", "ann"), annotator="ann")
    wrong = operations.reject(store, york, "ann")
    perform(store, wrong, annotator="ann")
    perform(store, wrong, "undo", annotator="ann")
    perform(store, edits.SetStatus(doc, "ann", Status.DONE), annotator="ann")
    report = project_report(store)
    (row,) = report["outcomes"]["per_annotator"]
    assert (row["accepted"], row["relabelled"], row["rejected"], row["undecided"]) == (1, 1, 0, 1)
    (timed,) = report["time"]["per_document"]
    assert timed["decisions"] == 2 and timed["status"] == "done" and timed["done_at"]
    assert report["rubber_stamp"]["per_annotator"][0]["accepts"] == 1
