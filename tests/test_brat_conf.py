"""brat's annotation.conf as brat reads it (issue 11, points 2-4), and our brat exports checked
by brat's own validation rules (ported in `brat_validation`).

The confs are written from brat's configuration documentation (brat.nlplab.org/configuration)
and its news tutorial's conf (macros for argument types); the checks from brat's
`projectconfig.py` and `verify_annotations.py`.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from brat_validation import Conf as BratsConf
from brat_validation import ConfError, errors, validate
from formats_support import annotate_sample

from annotator.brat_conf import read_conf, write_conf
from annotator.errors import InputError
from annotator.formats import export_project, import_files
from annotator.model import Argument, Document, Span, SpanKind, Status
from annotator.schema import SchemaError
from annotator.store import Store

CONF = """\
# everything brat's configuration documentation shows
[spans]
!Organization
 Company
\tGovernment
Person|Human_being
GPE
Money
-------
Date

[relations]
Located  Arg1:Person, Arg2:GPE, <REL-TYPE>:symmetric-transitive
<OVERLAP>\tArg1:<ENTITY>, Arg2:<ENTITY>, <OVL-TYPE>:<ANY>

[events]
<POG>=Person|Company|Government|GPE
!Business
 Start-org\tAgent-Arg*:<POG>, Org-Arg+:Company|Government
  Merge-org  <INHERIT>, Date?:Date
Transfer-money\tGiver-Arg?:<POG>, Recipient-Arg?:<POG>, Money{1-2}:Money, Time?:<ANY>
Be-born\tPerson-Arg{1}:Person, Cause*:<EVENT>
Report\tTopic:<EVENT>

[attributes]
Negation\tArg:<EVENT>
Confidence\tArg:<EVENT>, Value:L1|L2|L3
"""


def test_brat_conf_reads_macros_hierarchy_abstract_types_and_cardinality():
    conf = read_conf(CONF, "coll/annotation.conf")
    schema = conf.schema
    # `!` types group; `[spans]` is [entities]; a child indented by a tab is still a child
    assert set(schema.entities) == {"Company", "Government", "Person", "GPE", "Money", "Date"}
    assert set(schema.events) == {"Start-org", "Merge-org", "Transfer-money", "Be-born",
                                  "Report"}
    money = schema.events["Transfer-money"]
    # the macro expands; <ANY> (any entity) is our empty list
    assert money.roles == {"Giver-Arg": ("Person", "Company", "Government", "GPE"),
                           "Recipient-Arg": ("Person", "Company", "Government", "GPE"),
                           "Money": ("Money",), "Time": ()}
    assert money.cardinality == {"Giver-Arg": "?", "Recipient-Arg": "?", "Money": "{1-2}",
                                 "Time": "?"}
    assert money.required == ("Money",) and money.limits("Money") == (1, 2)
    # a child type declared with spaces has its own roles, and <INHERIT> brings its parent's
    merge = schema.events["Merge-org"]
    assert list(merge.roles) == ["Agent-Arg", "Org-Arg", "Date"]
    assert merge.limits("Org-Arg") == (1, None) and merge.limits("Date") == (0, 1)
    # a role that takes only events is not held, and said so with the line
    assert schema.events["Be-born"].roles == {"Person-Arg": ("Person",)}
    assert schema.events["Report"].roles == {}
    notes = {(what, line) for what, line in conf.notes}
    assert {line for what, line in notes if "events as arguments" in what} == {22, 23}
    assert ("brat relations in annotation.conf not read (no relations layer)", 13) in notes
    assert ("brat attributes in annotation.conf not read (no attributes layer)", 26) in notes


@pytest.mark.parametrize(("line", "message"), [
    ("Meet\tAgent:<PERSONS>", "undefined macro <PERSONS>"),
    ("<ENTITY>=Person", "reserved"),
    ("Meet\tAgent{3-1}:Person", "invalid range"),
    ("Meet\tArg1+:Person", "ends with a digit"),
    ("Meet\tAgent:Person, Agent?:GPE", "appears twice"),
    ("  Meet\tAgent:Person", "no parent"),
    ("Meet\tAgent:", "empty type"),
    ("Meet\tAgent Person", "cannot read argument"),
])
def test_brat_conf_errors_name_file_and_line(line, message):
    text = f"[entities]\nPerson\nGPE\n[events]\n{line}\n"
    with pytest.raises(SchemaError, match=message) as error:
        read_conf(text, "coll/annotation.conf")
    assert "coll/annotation.conf:5:" in str(error.value)
    with pytest.raises(ConfError):  # brat refuses it too
        BratsConf.parse(text)


def test_brat_conf_error_stops_the_import_with_file_and_line(store, tmp_path):
    (tmp_path / "a.txt").write_text("Kim met Trump.", encoding="utf-8")
    (tmp_path / "a.ann").write_text("T1\tPerson 0 3\tKim\n", encoding="utf-8")
    (tmp_path / "annotation.conf").write_text("[entities]\nPerson\n[events]\nMeet\tA:<X>\n",
                                              encoding="utf-8")
    with pytest.raises(InputError, match=r"annotation.conf:4: undefined macro <X>"):
        import_files(store, [tmp_path], "brat")
    assert store.count_documents() == 0


def test_brat_import_takes_types_and_roles_from_a_macro_conf(store, tmp_path):
    text = "Acme merged with Initech in May."
    (tmp_path / "annotation.conf").write_text(CONF, encoding="utf-8")
    (tmp_path / "m.txt").write_text(text, encoding="utf-8")
    (tmp_path / "m.ann").write_text(
        "T1\tCompany 0 4\tAcme\nT2\tCompany 17 24\tInitech\nT3\tDate 28 31\tMay\n"
        "T4\tMerge-org 5 11\tmerged\nE1\tMerge-org:T4 Org-Arg:T1 Org-Arg2:T2 Date:T3\n",
        encoding="utf-8")
    report = import_files(store, [tmp_path], "brat", annotator="ann")
    assert "Merge-org" in report.labels_added
    merge = store.schema.events["Merge-org"]
    assert merge.roles["Org-Arg"] == ("Company", "Government")
    assert merge.limits("Org-Arg") == (1, None)
    layer = store.annotations(store.document_ids()[0], "ann")
    assert [(t.label, t.kind) for t in layer.triggers] == [("Merge-org", SpanKind.TRIGGER)]
    assert sorted(a.role for a in layer.arguments) == ["Date", "Org-Arg", "Org-Arg"]


def test_brat_export_of_the_sample_corpus_passes_brats_validation(sample_store, tmp_path):
    annotate_sample(sample_store, "alice")
    report = export_project(sample_store, "brat", tmp_path / "out", layer="alice")
    assert errors(tmp_path / "out") == []
    # the sample's meetings name their parties Participant, which the schema (ACE: Entity)
    # lacks: the conf declares what the data uses, and the export says so
    assert any("role Participant of Contact:Meet added" in w for w in report.warnings)


def _custom_project(store: Store) -> int:
    """A project whose schema lacks the event types its annotations use."""
    text = "Kim and Trump held a summit in Hanoi; Moon sent a letter."
    doc_id = store.add_documents([Document("summit", text)]).added[0]

    def span(word: str, label: str, kind: SpanKind = SpanKind.ENTITY) -> Span:
        start = text.index(word)
        return store.add_span(Span(doc_id, start, start + len(word), label, "alice", kind))

    kim, trump, moon = span("Kim", "PERSON"), span("Trump", "PERSON"), span("Moon", "PERSON")
    hanoi = span("Hanoi", "GPE")
    summit = span("summit", "Diplomacy:Summit", SpanKind.TRIGGER)
    letter = span("letter", "Diplomacy:Letter Exchange", SpanKind.TRIGGER)
    for role, target in [("Party", kim), ("Party", trump), ("Place", hanoi)]:
        store.add_argument(Argument(summit.id, role, target.id))
    store.add_argument(Argument(letter.id, "Sender", moon.id))
    store.set_status(doc_id, "alice", Status.DONE)
    return doc_id


def test_brat_export_declares_custom_event_types_with_roles_seen_in_the_data(store, tmp_path):
    _custom_project(store)
    export_project(store, "brat", tmp_path / "out", layer="alice")
    assert validate(tmp_path / "out") == []
    conf = (tmp_path / "out" / "annotation.conf").read_text(encoding="utf-8")
    # brat's name, our name as its alias; Party filled twice, so repeatable
    assert "Diplomacy-Summit|Diplomacy:Summit\tParty*:PERSON, Place*:GPE" in conf


def test_brat_custom_type_subtype_events_survive_a_round_trip(store, tmp_path):
    _custom_project(store)
    export_project(store, "brat", tmp_path / "out", layer="alice")
    with Store(tmp_path / "other.db") as other:
        report = import_files(other, [tmp_path / "out"], "brat", annotator="alice")
        assert "Diplomacy:Summit" in report.labels_added
        assert set(other.schema.events["Diplomacy:Summit"].roles) == {"Party", "Place"}
        layer = other.annotations(other.document_ids()[0], "alice")
        # a name with a space cannot be a brat alias: it comes back as brat's name (the export
        # reported it, see below)
        assert sorted(t.label for t in layer.triggers) == ["Diplomacy-Letter_Exchange",
                                                           "Diplomacy:Summit"]
        spans = layer.span_by_id()
        assert sorted((spans[a.trigger_id].label, a.role) for a in layer.arguments) == [
            ("Diplomacy-Letter_Exchange", "Sender"), ("Diplomacy:Summit", "Party"),
            ("Diplomacy:Summit", "Party"), ("Diplomacy:Summit", "Place")]


def test_brat_export_reports_labels_brat_cannot_name(store, tmp_path):
    _custom_project(store)
    report = export_project(store, "brat", tmp_path / "out", layer="alice")
    assert any("'Diplomacy:Letter Exchange' written as 'Diplomacy-Letter_Exchange'" in w
               for w in report.warnings)


def test_brat_written_conf_is_read_back_by_both_readers():
    conf = read_conf(CONF, "annotation.conf")
    text = write_conf(conf.schema)
    BratsConf.parse(text)
    back = read_conf(text).schema
    assert back.events["Transfer-money"].cardinality == \
        conf.schema.events["Transfer-money"].cardinality
    assert back.events["Merge-org"].roles == conf.schema.events["Merge-org"].roles


def test_brat_span_across_a_line_break_is_written_in_pieces_brat_accepts(store, tmp_path):
    text = "Bank of\nAmerica and\u2028Wells Fargo"
    doc_id = store.add_documents([Document("banks", text)]).added[0]
    store.add_span(Span(doc_id, 0, 15, "ORG", "alice"))
    store.add_span(Span(doc_id, 20, len(text), "ORG", "alice"))
    store.add_span(Span(doc_id, 8, 23, "ORG", "alice"))  # America and\u2028Wel
    store.set_status(doc_id, "alice", Status.DONE)
    export_project(store, "brat", tmp_path / "out", layer="alice")
    ann = (tmp_path / "out" / "banks.ann").read_text(encoding="utf-8")
    assert "T1\tORG 0 7;8 15\tBank of America\n" in ann
    assert validate(tmp_path / "out") == []
    with Store(tmp_path / "other.db") as other:
        import_files(other, [tmp_path / "out"], "brat", annotator="alice")
        assert sorted((s.start, s.end) for s in other.spans(other.document_ids()[0])) == [
            (0, 15), (8, 23), (20, len(text))]


def test_brat_reads_every_conf_shipped_with_brat_when_a_checkout_is_at_hand():
    """brat's own configurations (51 confs: BioNLP shared tasks, ACE 2005, CoNLL ...) read
    without error when a brat checkout is on this machine (set BRAT_CONFIGURATIONS)."""
    import os

    folder = os.environ.get("BRAT_CONFIGURATIONS")
    if not folder:
        pytest.skip("no brat checkout (BRAT_CONFIGURATIONS) on this machine")
    confs = sorted(Path(folder).rglob("annotation.conf"))
    assert confs
    for path in confs:
        read_conf(path.read_text(encoding="utf-8"), str(path))
