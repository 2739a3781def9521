"""Telemetry travels with split and merge: the annotator's window activity goes out and comes
back once, the A/B experiment's arms go out so that each annotator's window hides what it
should."""

from __future__ import annotations

from journal_support import Journal

from annotator.model import Document, Status
from annotator.store import Store
from annotator.teamwork import merge_projects, split_project

TEXT = "Mike Pompeo met Kim Yong Chol in New York on Thursday."


def test_telemetry_activity_and_arms_travel_through_split_and_merge(store, tmp_path):
    docs = store.add_documents([Document(f"d{i}", f"{TEXT} {i}") for i in range(4)]).added
    store.set_experiment_arms({docs[0]: "withheld", docs[1]: "shown"})
    j = Journal(store)
    j.window("ann", docs[0], 0, "open")
    j.window("ann", None, 5, "focus_out")
    j.window("bob", docs[1], 7, "open")
    report = split_project(store, ["ann", "bob"], 0.0, tmp_path / "out", seed=1)
    for who in ("ann", "bob"):
        with Store(report.files[who]) as theirs:
            # the file's documents, named as in the project
            ids = {store.document_by_name(theirs.document(d).name).id: d
                   for d in theirs.document_ids()}
            assert sorted(ids) == report.documents[who]
            expected = {("focus_out", "ann"), ("open", "ann")} if who == "ann" else {
                ("open", "bob")}
            kept = {(a.kind, a.annotator) for a in theirs.activity()}
            assert kept == {k for k in expected
                            if k[0] == "focus_out" or (docs[0] if who == "ann" else docs[1])
                            in ids}
            for doc, arm in ((docs[0], "withheld"), (docs[1], "shown")):
                if doc in ids:
                    assert theirs.experiment_arms()[ids[doc]] == arm
                    assert theirs.suggestions_withheld(ids[doc]) is (arm == "withheld")
            assert len(theirs.experiment_arms()) == len({docs[0], docs[1]} & set(ids))
            if who == "ann":  # the annotator works in their file
                first = ids[report.documents["ann"][0]]
                theirs.record_activity("ann", first, "open", at=j.at(3600))
                theirs.record_activity("ann", first, "close", at=j.at(3700))
    before = len(store.activity())
    merge_projects(store, list(report.files.values()))
    after = store.activity()
    assert len(after) == before + 2
    assert [(a.at, a.document_id) for a in after if a.at > j.at(100)] == [
        (j.at(3600), report.documents["ann"][0]), (j.at(3700), report.documents["ann"][0])]
    merge_projects(store, list(report.files.values()))  # again: nothing twice
    assert len(store.activity()) == before + 2


def test_telemetry_report_reads_the_same_after_merge(store, tmp_path):
    """Work done in a split file (journal through `journal.perform`, window activity with known
    moments) measures the same in the project once merged."""
    from journal_support import suggest

    from annotator import operations
    from annotator.journal import perform
    from annotator.store_activity import stamp
    from annotator.telemetry import project_report

    docs = store.add_documents([Document(f"d{i}", f"{TEXT} {i}") for i in range(2)]).added
    for doc in docs:
        suggest(store, doc, 0, 11, "PERSON")
    report = split_project(store, ["ann"], 1.0, tmp_path / "out")
    with Store(report.files["ann"]) as theirs:
        j = Journal(theirs)
        for n, doc in enumerate(theirs.document_ids()):
            j.window("ann", doc, 600 * n, "open")
            (suggestion,) = theirs.spans(doc, "suggestions")
            for seconds, edit in ((20, operations.accept(theirs, suggestion, "ann")),
                                  (30, operations.set_status(doc, "ann", Status.DONE))):
                done = perform(theirs, edit, annotator="ann")  # then moved to a known moment
                theirs.db.execute("UPDATE journal SET at = ? WHERE id = ?",
                                  [stamp(j.at(600 * n + seconds)), done.entry_id])
            j.window("ann", doc, 600 * n + 50, "close")
        there = project_report(theirs)
    merge_projects(store, [report.files["ann"]])
    here = project_report(store)
    for key in ("active_seconds", "decisions", "documents_worked"):
        assert here["time"]["per_annotator"][0][key] == there["time"]["per_annotator"][0][key]
    assert here["time"]["per_annotator"][0]["active_seconds"] == 100
    assert here["outcomes"]["per_annotator"] == there["outcomes"]["per_annotator"]
    assert here["outcomes"]["per_annotator"][0]["accepted"] == 2
    assert here["rubber_stamp"]["per_annotator"] == there["rubber_stamp"]["per_annotator"]
