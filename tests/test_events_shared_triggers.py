"""Events that share a trigger (issue 11, point 1): two brat `E` lines on one `T` stay two events
through the model, the store, brat, Prodigy and spaCy files, agreement and adjudication.

The fixture is the BioNLP shape the brat standoff documentation describes: one "binding"
trigger, one event per theme.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import sqlite_utils

from annotator import adjudication
from annotator.agreement.matching import argument_tuples
from annotator.formats import export_project, import_files
from annotator.migrations import MIGRATIONS, SCHEMA_VERSION
from annotator.model import GOLD, Annotations, Argument, Document, Span, SpanKind
from annotator.store import Store

TEXT = "IL-2 and IL-4 binding was detected."
ANN = ("T1\tProtein 0 4\tIL-2\n"
       "T2\tProtein 9 13\tIL-4\n"
       "T3\tBinding 14 21\tbinding\n"
       "E1\tBinding:T3 Theme:T1\n"
       "E2\tBinding:T3 Theme:T2\n")
CONF = "[entities]\nProtein\n\n[relations]\n\n[events]\nBinding\tTheme+:Protein\n\n[attributes]\n"


def _collection(folder: Path, ann: str = ANN) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "bind.txt").write_text(TEXT, encoding="utf-8")
    (folder / "bind.ann").write_text(ann, encoding="utf-8")
    (folder / "annotation.conf").write_text(CONF, encoding="utf-8")
    return folder


def _events(store: Store, doc_id: int, layer: str) -> list[tuple[str, str, tuple]]:
    """(trigger text, type, sorted (role, argument text)) per event."""
    annotations = store.annotations(doc_id, layer, effective=True)
    spans = annotations.span_by_id()
    return sorted((e.trigger.text_in(TEXT), e.event_type,
                   tuple(sorted((a.role, spans[a.argument_id].text_in(TEXT))
                                for a in e.arguments)))
                  for e in annotations.events())


def test_model_events_yields_one_event_per_trigger_and_frame():
    trigger = Span(1, 14, 21, "Binding", "alice", SpanKind.TRIGGER, id=3)
    other = Span(1, 26, 34, "Binding", "alice", SpanKind.TRIGGER, id=4)
    themes = [Span(1, 0, 4, "Protein", "alice", id=1), Span(1, 9, 13, "Protein", "alice", id=2)]
    annotations = Annotations([*themes, trigger, other],
                              [Argument(3, "Theme", 1), Argument(3, "Theme", 2, frame=1)])
    events = annotations.events()
    assert [(e.trigger.id, e.frame, [a.argument_id for a in e.arguments]) for e in events] == [
        (3, 0, [1]), (3, 1, [2]), (4, 0, [])]


def test_store_migration_gives_arguments_of_an_older_project_frame_0(tmp_path):
    path = tmp_path / "old.db"
    db = sqlite_utils.Database(sqlite3.connect(path))
    MIGRATIONS[0](db)  # the project as the first schema wrote it
    db.execute("PRAGMA user_version = 1")
    db.execute("INSERT INTO documents VALUES (1, 'd', ?, '{}', 'h', 'now')", [TEXT])
    for row in [(1, "Protein", "entity", 0, 4), (2, "Binding", "trigger", 14, 21)]:
        db.execute("INSERT INTO spans (id, document_id, layer, kind, start_char, end_char, label,"
                   " origin, decision, updated_at) VALUES (?, 1, 'alice', ?, ?, ?, ?, 'manual',"
                   " 'accepted', 'now')", [row[0], row[2], row[3], row[4], row[1]])
    db.execute("INSERT INTO arguments VALUES (1, 2, 'Theme', 1, 'manual', 'accepted', NULL)")
    db.conn.commit()
    db.conn.close()
    with Store(path) as store:
        assert store.version == SCHEMA_VERSION
        assert store.arguments(1, "alice") == [Argument(2, "Theme", 1, id=1, frame=0)]
        added = store.add_argument(Argument(2, "Theme", 1, frame=1))
        assert store.get_argument(added.id).frame == 1


def test_formats_brat_keeps_events_that_share_a_trigger_apart(store, tmp_path):
    report = import_files(store, [_collection(tmp_path / "in")], "brat", annotator="alice")
    doc_id = store.document_ids()[0]
    assert _events(store, doc_id, "alice") == [
        ("binding", "Binding", (("Theme", "IL-2"),)),
        ("binding", "Binding", (("Theme", "IL-4"),))]
    assert len(store.annotations(doc_id, "alice").triggers) == 1
    assert not report.warnings
    assert store.stats()["events"]["alice"] == {"Binding": 2}
    exported = export_project(store, "brat", tmp_path / "out", layer="alice")
    assert exported.events == 2
    ann = (tmp_path / "out" / "bind.ann").read_text(encoding="utf-8").splitlines()
    assert [line.split("\t")[0] for line in ann] == ["T1", "T2", "T3", "E1", "E2"]
    assert ann[3:] == ["E1\tBinding:T3 Theme:T1", "E2\tBinding:T3 Theme:T2"]


def test_formats_prodigy_and_spacy_keep_events_that_share_a_trigger_apart(store, tmp_path):
    import_files(store, [_collection(tmp_path / "in")], "brat", annotator="alice")
    for fmt, name in [("jsonl", "out.jsonl"), ("spacy", "out.spacy")]:
        export_project(store, fmt, tmp_path / name, layer="alice")
        with Store(tmp_path / f"{fmt}.db") as other:
            import_files(other, [tmp_path / name], fmt, annotator="bob")
            assert _events(other, other.document_ids()[0], "bob") == [
                ("binding", "Binding", (("Theme", "IL-2"),)),
                ("binding", "Binding", (("Theme", "IL-4"),))], fmt
    task = json.loads((tmp_path / "out.jsonl").read_text(encoding="utf-8"))
    assert [[a["role"] for a in e["arguments"]] for e in task["events"]] == [["Theme"], ["Theme"]]


def _layer(store: Store, doc_id: int, layer: str, frames: list[list[int]]) -> None:
    """Themes IL-2 (0) and IL-4 (1) on the binding trigger, grouped into events by `frames`."""
    themes = [store.add_span(Span(doc_id, s, e, "Protein", layer)) for s, e in [(0, 4), (9, 13)]]
    trigger = store.add_span(Span(doc_id, 14, 21, "Binding", layer, SpanKind.TRIGGER))
    for frame, members in enumerate(frames):
        for i in members:
            store.add_argument(Argument(trigger.id, "Theme", themes[i].id, frame=frame))


def test_agreement_tells_one_event_with_two_themes_from_two_events():
    def tuples(frames: list[list[int]]) -> dict:
        spans = [Span(1, 0, 4, "Protein", "a", id=1), Span(1, 9, 13, "Protein", "a", id=2),
                 Span(1, 14, 21, "Binding", "a", SpanKind.TRIGGER, id=3)]
        return argument_tuples(Annotations(spans, [
            Argument(3, "Theme", 1 + i, frame=f) for f, members in enumerate(frames)
            for i in members]))

    assert tuples([[0], [1]]) == tuples([[1], [0]])  # frame numbers are not content
    assert tuples([[0, 1]]) != tuples([[0], [1]])
    assert len(set(tuples([[0, 1]])) & set(tuples([[0], [1]]))) == 1


def test_adjudication_merges_and_settles_shared_trigger_events_per_frame(store):
    doc_id = store.add_documents([Document("bind", TEXT)]).added[0]
    _layer(store, doc_id, "alice", [[0], [1]])
    _layer(store, doc_id, "bob", [[0], [1]])
    adjudication.merge_agreed(store, doc_id, ["alice", "bob"])
    assert _events(store, doc_id, GOLD) == [("binding", "Binding", (("Theme", "IL-2"),)),
                                            ("binding", "Binding", (("Theme", "IL-4"),))]
    assert adjudication.differences(store, doc_id, ["alice", "bob"]) == []


def test_adjudication_shows_a_frame_difference_and_takes_one_version(store):
    doc_id = store.add_documents([Document("bind", TEXT)]).added[0]
    _layer(store, doc_id, "alice", [[0], [1]])
    _layer(store, doc_id, "bob", [[0, 1]])
    adjudication.merge_agreed(store, doc_id, ["alice", "bob"])
    found = [d for d in adjudication.differences(store, doc_id, ["alice", "bob"])
             if d.kind == "arguments"]
    assert [d.frame for d in found] == [0, 1]
    adjudication.resolve(store, found[0], "alice")
    # the other event on the trigger is still to settle (it stays in the list)
    left = [d for d in adjudication.differences(store, doc_id, ["alice", "bob"])
            if d.kind == "arguments"]
    assert [d.frame for d in left] == [1]
    adjudication.resolve(store, left[0], "alice")
    assert adjudication.differences(store, doc_id, ["alice", "bob"]) == []
    assert _events(store, doc_id, GOLD) == [("binding", "Binding", (("Theme", "IL-2"),)),
                                            ("binding", "Binding", (("Theme", "IL-4"),))]
