"""The agreement report over real project files: matching, tokens, events, edge cases, JSON."""

from __future__ import annotations

import json
from collections import Counter

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from layers_support import annotate, find
from sklearn.metrics import cohen_kappa_score
from statsmodels.stats.inter_rater import fleiss_kappa as statsmodels_fleiss

from annotator.agreement import report as report_module
from annotator.agreement.collect import collect
from annotator.agreement.matching import Side, compare, regex_tokens, token_units
from annotator.agreement.report import Cancelled, project_agreement
from annotator.model import Decision, Document, Sentence, Span, Status, Token
from annotator.store import Store

TEXT = "Mike Pompeo met Kim Yong Chol in New York on Thursday to prepare a summit."


@pytest.fixture
def doc(store: Store) -> int:
    return store.add_documents([Document("talks", TEXT)]).added[0]


def spans(*items: tuple[int, int, str]) -> list[Span]:
    return [Span(1, s, e, label, "x") for s, e, label in items]


def pair(report: dict) -> dict:
    (only,) = report["pairs"]
    return only


def assert_strict_json(report: dict) -> None:
    """No NaN or infinity anywhere: the report must load in any JSON reader."""
    json.loads(json.dumps(report, allow_nan=False))


def test_exact_and_overlap_matching_per_label():
    a = spans((0, 11, "PERSON"), (16, 29, "PERSON"), (33, 41, "GPE"))
    b = spans((0, 11, "PERSON"), (16, 19, "PERSON"), (33, 41, "LOC"))
    exact = compare(Side(a), Side(b)).counts.labelled(overlap=False)
    assert exact.per_label["PERSON"].tp == 1 and exact.per_label["GPE"].fn == 1
    assert exact.micro.value == pytest.approx(1 / 3)
    overlap = compare(Side(a), Side(b)).counts.labelled(overlap=True)
    assert overlap.per_label["PERSON"].tp == 2
    assert overlap.micro.value == pytest.approx(2 / 3)
    assert overlap.macro.value == pytest.approx((1 + 0 + 0) / 3)


def test_overlap_matching_is_one_to_one():
    a = spans((0, 20, "ORG"))
    b = spans((0, 8, "ORG"), (10, 20, "ORG"), (2, 30, "ORG"))
    counts = compare(Side(a), Side(b)).counts.labelled(overlap=True).per_label["ORG"]
    assert (counts.tp, counts.fp, counts.fn) == (1, 2, 0)


def test_alignment_explains_each_difference():
    a = spans((0, 11, "PERSON"), (16, 29, "PERSON"), (33, 41, "GPE"), (45, 53, "DATE"))
    b = spans((0, 11, "PERSON"), (16, 19, "PERSON"), (33, 41, "LOC"), (67, 73, "EVENT"))
    comparison = compare(Side(a), Side(b))
    assert comparison.counts.matched(overlap=False) == {"PERSON": 1}
    kinds = [item.kind for item in comparison.differences]
    assert kinds == ["extent", "label", "only_a", "only_b"]


def test_token_labels_prefer_the_innermost_span():
    tokens = regex_tokens("New York City Hall")
    starts, ends = [t[0] for t in tokens], [t[1] for t in tokens]
    units = token_units(starts, ends, [{(0, 18, "FAC"), (0, 13, "GPE")}])
    assert units == Counter({("GPE",): 3, ("FAC",): 1})


def test_token_units_lay_out_shared_spans_once_and_each_annotators_own():
    """Spans everyone marked label alike; one annotator's own span overrides them only where
    it is the more specific, and an annotator absent from the document gives None."""
    tokens = regex_tokens("New York City Hall is open")
    starts, ends = [t[0] for t in tokens], [t[1] for t in tokens]
    hall, city = (0, 18, "FAC"), (0, 13, "GPE")
    units = token_units(starts, ends, [{hall, city}, {hall}, {hall, (19, 21, "ORG")}, None])
    assert units == Counter({("GPE", "FAC", "FAC", None): 3, ("FAC", "FAC", "FAC", None): 1,
                             ("O", "O", "ORG", None): 1, ("O", "O", "O", None): 1})


def test_token_kappa_matches_scikit_learn_on_stored_tokens(store, doc):
    tokens = [Token(s, e) for s, e in regex_tokens(TEXT)]
    store.set_tokens(doc, "test", tokens, [Sentence(0, len(TEXT))])
    annotate(store, doc, "ann", [(*find(TEXT, "Mike Pompeo"), "PERSON"),
                                 (*find(TEXT, "New York"), "GPE"),
                                 (*find(TEXT, "Thursday"), "DATE")])
    annotate(store, doc, "bob", [(*find(TEXT, "Pompeo"), "PERSON"),
                                 (*find(TEXT, "New York"), "LOC"),
                                 (*find(TEXT, "Kim Yong Chol"), "PERSON")])
    report = project_agreement(store)
    assert report["tokenisation"] == {"stored": 1, "regex": 0,
                                      "note": "all documents use their stored tokens"}

    def labels_of(annotator: str) -> list[str]:
        layer = store.annotations(doc, annotator, effective=True).spans
        return [next((s.label for s in layer if s.start < t.end and t.start < s.end), "O")
                for t in tokens]

    expected = cohen_kappa_score(labels_of("ann"), labels_of("bob"))
    assert pair(report)["cohen_kappa"] == pytest.approx(expected, abs=1e-6)
    assert report["per_document"][0]["cohen_kappa"] == pytest.approx(expected, abs=1e-6)
    assert pair(report)["tokens"] == len(tokens)


def test_fleiss_and_alpha_over_three_annotators(store, doc):
    tokens = regex_tokens(TEXT)
    layers = {
        "ann": [(*find(TEXT, "Mike Pompeo"), "PERSON"), (*find(TEXT, "New York"), "GPE")],
        "bob": [(*find(TEXT, "Mike Pompeo"), "PERSON"), (*find(TEXT, "New York"), "LOC")],
        "cid": [(*find(TEXT, "Pompeo"), "PERSON"), (*find(TEXT, "Thursday"), "DATE")],
    }
    for name, entities in layers.items():
        annotate(store, doc, name, entities)
    report = project_agreement(store)
    assert report["documents"] == 1 and len(report["pairs"]) == 3
    per_token = [[next((lab for s, e, lab in layer if s < t[1] and t[0] < e), "O")
                  for t in tokens] for layer in layers.values()]
    categories = sorted({x for row in per_token for x in row})
    table = [[[row[i] for row in per_token].count(c) for c in categories]
             for i in range(len(tokens))]
    assert report["fleiss_kappa"] == pytest.approx(statsmodels_fleiss(table), abs=1e-6)
    assert -1 <= report["krippendorff_alpha"] <= 1
    assert_strict_json(report)


def test_events_trigger_and_argument_f1(store, doc):
    pompeo, kim, ny = (find(TEXT, w) for w in ("Mike Pompeo", "Kim Yong Chol", "New York"))
    met, summit = find(TEXT, "met"), find(TEXT, "summit")
    entities = [(*pompeo, "PERSON"), (*kim, "PERSON"), (*ny, "GPE")]
    annotate(store, doc, "ann", entities, [
        (*met, "Contact:Meet", [("Participant", 0), ("Participant", 1), ("Place", 2)]),
        (*summit, "Contact:Meet", [])])
    annotate(store, doc, "bob", entities, [
        (*met, "Contact:Meet", [("Participant", 0), ("Place", 1)]),
        (*summit, "Movement:Transport", [])])
    p = pair(project_agreement(store))
    assert p["trigger_f1"] == pytest.approx(0.5)  # "met" agrees, "summit" differs in type
    # ann: 3 arguments, bob: 2, shared: Participant=Pompeo -> P 1/2, R 1/3, F1 0.4
    assert p["argument_f1"] == pytest.approx(0.4)
    assert p["arguments"]["tp"] == 1 and p["arguments"]["support"] == 3
    assert p["span_f1"]["exact"]["micro"] == 1.0


def test_label_filter_restricts_every_measure(store, doc):
    annotate(store, doc, "ann", [(*find(TEXT, "Mike Pompeo"), "PERSON"),
                                 (*find(TEXT, "New York"), "GPE")])
    annotate(store, doc, "bob", [(*find(TEXT, "Mike Pompeo"), "PERSON"),
                                 (*find(TEXT, "New York"), "LOC")])
    report = project_agreement(store, labels=["PERSON"])
    assert pair(report)["span_f1"]["exact"]["micro"] == 1.0
    assert list(pair(report)["span_f1"]["exact"]["per_label"]) == ["PERSON"]
    assert pair(report)["cohen_kappa"] == 1.0
    assert report["labels"] == ["PERSON"]


def test_perfect_agreement(store, doc):
    entities = [(*find(TEXT, "Mike Pompeo"), "PERSON"), (*find(TEXT, "New York"), "GPE")]
    annotate(store, doc, "ann", entities)
    annotate(store, doc, "bob", entities)
    report = project_agreement(store)
    p = pair(report)
    assert p["span_f1"]["exact"] | {"per_label": None} == {
        "micro": 1.0, "macro": 1.0, "p": 1.0, "r": 1.0, "per_label": None}
    assert p["cohen_kappa"] == 1.0 and report["krippendorff_alpha"] == 1.0
    assert report["fleiss_kappa"] == 1.0 and report["disagreements"] == []


def test_no_spans_anywhere_is_not_defined(store, doc):
    annotate(store, doc, "ann", [])
    annotate(store, doc, "bob", [])
    report = project_agreement(store, ["ann", "bob"])
    p = pair(report)
    assert p["span_f1"]["exact"]["micro"] is None
    assert p["span_f1"]["exact"]["not_defined"]["micro"] == \
        "not defined: neither annotator marked any"
    assert p["cohen_kappa"] is None and "one and the same label" in p["not_defined"][
        "cohen_kappa"]
    assert report["fleiss_kappa"] is None and report["krippendorff_alpha"] is None
    assert set(report["not_defined"]) == {"fleiss_kappa", "krippendorff_alpha"}
    assert_strict_json(report)


def test_one_label_only_everywhere(store, doc):
    # Every token is inside one PERSON span for both: chance agreement is 1.
    annotate(store, doc, "ann", [(0, len(TEXT), "PERSON")])
    annotate(store, doc, "bob", [(0, len(TEXT), "PERSON")])
    p = pair(project_agreement(store))
    assert p["span_f1"]["exact"]["micro"] == 1.0
    assert p["cohen_kappa"] is None


def test_single_annotator_and_zero_documents(store, doc):
    annotate(store, doc, "ann", [(*find(TEXT, "Mike Pompeo"), "PERSON")])
    report = project_agreement(store)
    assert report["pairs"] == [] and report["documents"] == 1
    assert report["not_defined"]["fleiss_kappa"] == "not defined: needs at least two annotators"
    annotate(store, doc, "bob", [], done=False)
    empty = project_agreement(store, ["ann", "bob"])
    assert empty["documents"] == 0 and pair(empty)["documents"] == 0
    assert pair(empty)["span_f1"]["exact"]["micro"] is None
    assert pair(empty)["cohen_kappa"] is None and empty["per_document"] == []
    assert_strict_json(empty)
    assert project_agreement(store, [])["documents"] == 0


def test_default_compares_only_documents_everyone_marked_done(store):
    ids = store.add_documents([Document("one", TEXT), Document("two", TEXT + " Again.")]).added
    for doc_id in ids:
        annotate(store, doc_id, "ann", [(*find(TEXT, "Mike Pompeo"), "PERSON")])
    annotate(store, ids[0], "bob", [(*find(TEXT, "Mike Pompeo"), "PERSON")])
    annotate(store, ids[1], "bob", [(*find(TEXT, "Kim Yong Chol"), "PERSON")], done=False)
    assert project_agreement(store)["documents"] == 1
    everything = project_agreement(store, include_all=True)
    assert everything["documents"] == 2
    assert pair(everything)["span_f1"]["exact"]["micro"] == pytest.approx(0.5)
    assert everything["selection"] == "all documents worked on"


def test_missing_annotator_is_missing_not_empty(store):
    """With --all-documents, a document an annotator never touched is missing data for α."""
    ids = store.add_documents([Document("one", TEXT), Document("two", TEXT + " Again.")]).added
    person = [(*find(TEXT, "Mike Pompeo"), "PERSON")]
    annotate(store, ids[0], "ann", person)
    annotate(store, ids[0], "bob", person)
    annotate(store, ids[1], "ann", [(*find(TEXT, "Kim Yong Chol"), "PERSON")])
    report = project_agreement(store, include_all=True)
    assert report["documents"] == 2
    assert pair(report)["documents"] == 1
    assert report["krippendorff_alpha"] == 1.0  # the second document has no pairable values
    assert report["per_document"][1]["annotators"] == ["ann"]
    assert report["per_document"][1]["span_f1_exact"] is None


def test_collect_falls_back_to_regex_tokens_and_says_so(store, doc):
    annotate(store, doc, "ann", [])
    annotate(store, doc, "bob", [])
    (layers,) = collect(store, ["ann", "bob"])
    assert layers.tokenisation == "regex" and layers.tokens == regex_tokens(TEXT)
    assert "regular expression" in project_agreement(store)["tokenisation"]["note"]


def test_collect_uses_effective_annotations_only(store, doc):
    annotate(store, doc, "ann", [(*find(TEXT, "Mike Pompeo"), "PERSON")])
    annotate(store, doc, "bob", [(*find(TEXT, "Mike Pompeo"), "PERSON")])
    tombstone = Span(doc, *find(TEXT, "Thursday"), "DATE", "bob", decision=Decision.REJECTED)
    store.add_span(tombstone)
    store.set_status(doc, "bob", Status.DONE)
    assert pair(project_agreement(store))["span_f1"]["exact"]["micro"] == 1.0


def test_disagreements_carry_context_and_both_labels(store, doc):
    annotate(store, doc, "ann", [(*find(TEXT, "New York"), "GPE")])
    annotate(store, doc, "bob", [(*find(TEXT, "New York"), "LOC")])
    (item,) = project_agreement(store)["disagreements"]
    assert item["type"] == "label" and item["document"] == "talks" and item["doc_id"] == doc
    assert item["a_span"]["label"] == "GPE" and item["b_span"]["label"] == "LOC"
    context = item["context"]
    assert "New York" in context["text"]
    assert TEXT[context["start"]:].startswith(context["text"])


def annotate_six(store: Store) -> None:
    """Six documents, a label disagreement on every other one."""
    texts = [f"{TEXT} Number {n}." for n in range(6)]
    ids = store.add_documents([Document(f"d{n}", t) for n, t in enumerate(texts)]).added
    for n, doc_id in enumerate(ids):
        annotate(store, doc_id, "ann", [(*find(TEXT, "Mike Pompeo"), "PERSON"),
                                        (*find(TEXT, "New York"), "GPE")])
        annotate(store, doc_id, "bob", [(*find(TEXT, "Mike Pompeo"), "PERSON"),
                                        (*find(TEXT, "New York"), "LOC" if n % 2 else "GPE")])


@pytest.fixture
def one_document_chunks(monkeypatch):
    monkeypatch.setattr(report_module, "CHUNK", 1)
    monkeypatch.setattr(report_module, "PARALLEL", 4)


def test_parallel_run_gives_the_same_report(store, one_document_chunks):
    annotate_six(store)
    seen = []
    parallel = project_agreement(store, workers=2, progress=lambda done, total: seen.append(
        (done, total)))
    assert parallel == project_agreement(store)
    assert seen[-1] == (6, 6) and len(seen) > 1


def test_parallel_run_lists_the_same_first_disagreements(store, one_document_chunks):
    """With a cap on the listing, workers told how little is left to list give the report a
    single process gives. (Whether a late chunk listed nothing depends on timing and is not
    checked here.)"""
    annotate_six(store)
    parallel = project_agreement(store, workers=3, max_disagreements=2)
    assert parallel == project_agreement(store, max_disagreements=2)
    assert [d["doc_id"] for d in parallel["disagreements"]] == [2, 4]
    assert parallel["disagreements_total"] == 3


def test_parallel_run_can_be_cancelled(store, one_document_chunks):
    annotate_six(store)
    with pytest.raises(Cancelled):
        project_agreement(store, workers=2, progress=lambda done, total: False)


def test_listed_disagreements_are_capped_but_all_counted(store, doc):
    annotate(store, doc, "ann", [(*find(TEXT, "New York"), "GPE"),
                                 (*find(TEXT, "Thursday"), "DATE")])
    annotate(store, doc, "bob", [(*find(TEXT, "New York"), "LOC")])
    report = project_agreement(store, max_disagreements=1)
    assert len(report["disagreements"]) == 1 and report["disagreements_total"] == 2
    assert report["disagreements_note"].startswith("the first 1 of 2")
    assert report["per_document"][0]["disagreements"] == 2
    assert "disagreements_note" not in project_agreement(store)


span_lists = st.lists(
    st.tuples(st.integers(0, 40), st.integers(1, 6), st.sampled_from(["GPE", "ORG", "LOC"])),
    max_size=12).map(lambda items: spans(*((s, s + w, label) for s, w, label in items)))


@settings(max_examples=80, deadline=None)
@given(span_lists, span_lists)
def test_matching_properties(a, b):
    forward, backward = compare(Side(a), Side(b)), compare(Side(b), Side(a))
    exact, overlap = forward.counts.total(overlap=False), forward.counts.total(overlap=True)
    assert exact.f1 == backward.counts.total(overlap=False).f1  # F1 is symmetric
    assert overlap.tp >= exact.tp  # an exact match is an overlap match
    assert overlap.tp <= min(len(a), len(b))  # one-to-one
    # every span is either matched exactly or shown as a difference, once
    agreed = sum(forward.counts.matched(overlap=False).values())
    assert agreed + sum(d.a is not None for d in forward.differences) == len(a)
    assert agreed + sum(d.b is not None for d in forward.differences) == len(b)
    if a:
        assert compare(Side(a), Side(a)).counts.total(overlap=False).f1.value == 1.0
