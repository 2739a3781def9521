"""import -> export -> import through real projects is the identity (issue 11, "Done when"):
on text, spans, labels, events (those sharing a trigger included), roles and decisions, for
brat (with a macro annotation.conf), Prodigy (`ner.manual` and `ner.teach` output) and doccano.

Each example writes a file as the tool would, imports it into one project, exports that
project's layer, imports the export into a second project, and compares both projects' layers
with what the file said.
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from test_formats_roundtrip import records

from annotator.formats import export_project, import_files
from annotator.formats.brat import ann_lines
from annotator.formats.context import ExportContext
from annotator.formats.exchange import layer_records
from annotator.formats.prodigy_jsonl import task
from annotator.formats.records import Mention, Record
from annotator.model import Status
from annotator.schema import default_schema
from annotator.store import Store

SETTINGS = settings(max_examples=25, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow])
MACRO_CONF = """\
[entities]
PERSON
GPE
ORG
DATE

[relations]
<OVERLAP>\tArg1:<ENTITY>, Arg2:<ENTITY>, <OVL-TYPE>:<ANY>

[events]
<ANYONE>=PERSON|GPE|ORG|DATE
Contact-Meet|Contact:Meet\tParticipant*:<ANYONE>, Place*:<ANYONE>, Time*:<ANYONE>
!Conflict
 Conflict-Attack|Conflict:Attack\tParticipant*:<ANYONE>, Place*:<ANYONE>, Time*:<ANYONE>
Policy-Sanction|Policy:Sanction\tParticipant*:<ENTITY>, Place*:<ANY>, Time*:<ANYONE>

[attributes]
"""


def _held(store: Store, layer: str) -> tuple[Record, Status]:
    doc_id = store.document_ids()[0]
    record = next(layer_records(store, [doc_id], layer, tokens=False))
    return record, store.status(doc_id, layer)


def _jsonl_through_projects(lines: list[dict], fmt: str) -> tuple[tuple, tuple, Status, Status]:
    """`_through_projects` for a JSONL file of `lines`."""
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        source = folder / "in.jsonl"
        source.write_text("".join(json.dumps(line) + "\n" for line in lines), encoding="utf-8")
        return _through_projects(folder, source, fmt, "out.jsonl")


def _through_projects(folder: Path, source: Path, fmt: str,
                      exported: str) -> tuple[tuple, tuple, Status, Status]:
    """(content in the first project, in the second, their statuses)."""
    with Store(folder / "a.db") as first:
        import_files(first, [source], fmt, annotator="alice")
        export_project(first, fmt, folder / exported, layer="alice", status="any")
        held, status = _held(first, "alice")
    with Store(folder / "b.db") as second:
        import_files(second, [folder / exported], fmt, annotator="alice")
        again, status_again = _held(second, "alice")
    return held.content(), again.content(), status, status_again


@SETTINGS
@given(records())
def test_identity_brat_with_shared_triggers_and_a_macro_conf(record):
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        source = folder / "in"
        source.mkdir()
        (source / "doc.txt").write_text(record.text, encoding="utf-8", newline="")
        (source / "doc.ann").write_text("".join(ann_lines(record)), encoding="utf-8",
                                        newline="")
        (source / "annotation.conf").write_text(MACRO_CONF, encoding="utf-8")
        held, again, status, status_again = _through_projects(folder, source, "brat", "out")
    assert held == again == record.content()
    assert status is status_again is Status.DONE


@SETTINGS
@given(records())
def test_identity_prodigy_ner_manual(record):
    held, again, status, status_again = _jsonl_through_projects(
        [task(record, ExportContext(default_schema()))], "jsonl")
    assert held == again == record.content()
    assert status is status_again is Status.DONE


@SETTINGS
@given(records(), st.data())
def test_identity_prodigy_ner_teach(record, data):
    """Binary answers, one suggested span per line as ner.teach saves them: accepted and
    rejected decisions, the document not done."""
    entities = record.entities
    assume(entities)  # a teach session that answered nothing leaves nothing to export
    rejected = [m for m in entities if data.draw(st.booleans())]
    lines = [{"text": record.text, "_view_id": "ner",
              "answer": "reject" if m in rejected else "accept",
              "spans": [{"start": m.start, "end": m.end, "label": m.label,
                         "score": data.draw(st.floats(0, 1))}]}
             for m in entities]
    held, again, status, status_again = _jsonl_through_projects(lines, "jsonl")
    expected = Record("doc", record.text, spans=[m for m in entities if m not in rejected],
                      rejected=list(rejected))
    assert held == again == expected.content()
    assert status is status_again is Status.TODO


@SETTINGS
@given(records())
def test_identity_doccano(record):
    line = {"text": record.text, "label": [[m.start, m.end, m.label] for m in record.entities]}
    held, again, status, status_again = _jsonl_through_projects([line], "doccano")
    assert held == again == Record("doc", record.text, spans=record.entities).content()
    assert status is status_again is Status.DONE


def test_identity_helpers_see_rejections():
    record = Record("d", "ab", rejected=[Mention(0, 1, "X")])
    assert record.content() != Record("d", "ab").content()
