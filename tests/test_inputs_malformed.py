"""Malformed input that used to crash an import or be stored wrong: each one is refused with an
`InputError` naming the file and line, and the project is left exactly as it was."""

from __future__ import annotations

import json
import os
import sqlite3
from pathlib import Path

import pytest

from annotator.errors import InputError
from annotator.formats import export_project, import_files
from annotator.model import Document, Span, Status
from annotator.store import Store

TEXT = "Kim met Moon."


def dump(path: Path) -> list[str]:
    """The whole database as SQL, to compare before and after a refused import."""
    with sqlite3.connect(path) as conn:
        return list(conn.iterdump())


def _jsonl(obj) -> str:
    return (obj if isinstance(obj, str) else json.dumps(obj)) + "\n"


def _prodigy(**fields) -> dict:
    return {"text": TEXT, "spans": [{"start": 0, "end": 3, "label": "PERSON"}], **fields}


CASES = {
    # name: (format, file name, content, message part)
    "json nested 100,000 deep": (
        "auto", "deep.jsonl", '{"text": "a", "x": ' + "[" * 100_000 + "]" * 100_000 + "}\n",
        "deep.jsonl:1: invalid JSON (nested too deeply)"),
    "a 5,000-digit offset (doccano)": (
        "auto", "big.jsonl", '{"text": "Kim met Moon.", "label": [[0, 1' + "0" * 5000
        + ', "PERSON"]]}\n', "big.jsonl:1: invalid JSON"),
    "a 5,000-digit offset (prodigy)": (
        "jsonl", "big.jsonl", '{"text": "Kim met Moon.", "spans": [{"start": 0, "end": 1'
        + "0" * 5000 + ', "label": "PERSON"}]}\n', "big.jsonl:1: invalid JSON"),
    "a 4,000-digit offset": (
        "jsonl", "big.jsonl", '{"text": "Kim met Moon.", "spans": [{"start": 0, "end": 1'
        + "0" * 4000 + ', "label": "PERSON"}]}\n', "big.jsonl:1: span 0..100"),
    "a lone surrogate in the text": (
        "jsonl", "s.jsonl", '{"text": "Kim \\ud800 met Moon."}\n',
        "s.jsonl:1: the text holds a lone surrogate"),
    "a lone surrogate in a label": (
        "jsonl", "s.jsonl", _jsonl(_prodigy()).replace('"PERSON"', '"P\\udc00"'),
        "s.jsonl:1: the label"),
    "a lone surrogate in a plain-text record": (
        "auto", "s.jsonl", '{"text": "Kim \\ud800 met Moon."}\n',
        "s.jsonl:1: the text holds a lone surrogate"),
    "a lone surrogate in meta": (
        "jsonl", "s.jsonl", '{"text": "Kim met Moon.", "meta": {"x": "\\udfff"}}\n',
        's.jsonl:1: "meta" holds a lone surrogate'),
    "a lone surrogate in the annotator": (
        "jsonl", "s.jsonl", _jsonl(_prodigy()).replace("{", '{"_annotator_id": "a\\ud800", ', 1),
        "s.jsonl:1: the annotator name holds a lone surrogate"),
    "true as an end offset": (
        "jsonl", "t.jsonl", _jsonl({"text": TEXT, "spans": [{"start": 0, "end": True,
                                                             "label": "PERSON"}]}),
        "t.jsonl:1: span offsets must be integers"),
    "true as a doccano offset": (
        "doccano", "t.jsonl", _jsonl({"text": TEXT, "label": [[0, True, "PERSON"]]}),
        "t.jsonl:1: span offsets must be integers"),
    "true as a token offset": (
        "jsonl", "t.jsonl", _jsonl(_prodigy(tokens=[{"start": 0, "end": True}])),
        "t.jsonl:1: span offsets must be integers"),
    "overlapping tokens": (
        "jsonl", "t.jsonl", _jsonl(_prodigy(tokens=[{"start": 0, "end": 5},
                                                    {"start": 4, "end": 7}])),
        "t.jsonl:1: token 1 (4..7) starts before token 0"),
    "backwards tokens": (
        "jsonl", "t.jsonl", _jsonl(_prodigy(tokens=[{"start": 4, "end": 7},
                                                    {"start": 0, "end": 3}])),
        "t.jsonl:1: token 1 (0..3) starts before token 0"),
    "a NUL character in the text": (
        "doccano", "n.jsonl", _jsonl({"text": "Kim\u0000 met Moon.", "label": []}),
        "n.jsonl:1: the text holds a NUL character (at 3)"),
    "a NUL character in a label": (
        "jsonl", "n.jsonl", _jsonl(_prodigy()).replace('"PERSON"', '"PER\\u0000SON"'),
        "n.jsonl:1: the label"),
    "a NUL character in a plain-text record": (
        "auto", "n.jsonl", _jsonl({"text": "Kim\u0000 met Moon."}),
        "n.jsonl:1: the text holds a NUL character"),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_inputs_malformed_file_is_refused_naming_file_and_line(store, project_path, tmp_path,
                                                               case):
    fmt, name, content, message = CASES[case]
    store.add_documents([Document("before", "Something already here.")])
    path = tmp_path / name
    path.write_text(content, encoding="utf-8", errors="surrogatepass")
    before = dump(project_path)
    with pytest.raises(InputError) as raised:
        import_files(store, [path], fmt)
    assert message in str(raised.value)
    assert dump(project_path) == before


def _brat(tmp_path: Path, ann: str) -> Path:
    folder = tmp_path / "brat"
    folder.mkdir()
    (folder / "a.txt").write_text(TEXT, encoding="utf-8")
    (folder / "a.ann").write_text(ann, encoding="utf-8")
    return folder


@pytest.mark.parametrize("ann, message", [
    ("T1\tPERSON 0 3\tKim\nT1\tPERSON 8 12\tMoon\n", "a.ann:2: T1 is defined twice (first on "
                                                    "line 1)"),
    ("T1\tPERSON 0 3\tKim\nT2\tContact-Meet 4 7\tmet\nE1\tContact-Meet:T2 Entity:T1\n"
     "E1\tContact-Meet:T2\n", "a.ann:4: E1 is defined twice"),
    ("T1\tPERSON 0 1" + "0" * 5000 + "\tKim\n", "a.ann:1: bad offsets"),
    ("T1\tPERSON 0 3\tKim\nT2\tPER\x00SON 8 12\tMoon\n", "a.ann:2: binary data (NUL"),
])
def test_inputs_malformed_brat_is_refused(store, project_path, tmp_path, ann, message):
    folder = _brat(tmp_path, ann)
    before = dump(project_path)
    with pytest.raises(InputError) as raised:
        import_files(store, [folder], "brat")
    assert message in str(raised.value)
    assert dump(project_path) == before


def test_inputs_brat_text_with_nul_is_refused(store, project_path, tmp_path):
    folder = _brat(tmp_path, "T1\tPERSON 0 3\tKim\n")
    (folder / "a.txt").write_text("Kim\x00met Moon.", encoding="utf-8")
    before = dump(project_path)
    with pytest.raises(InputError, match=r"a.txt:1: binary data \(NUL"):
        import_files(store, [folder], "brat")
    assert dump(project_path) == before


def _docbin(tmp_path: Path, **user_data) -> Path:
    import spacy
    from spacy.tokens import DocBin

    doc = spacy.blank("en")(TEXT)
    doc.user_data.update(user_data)
    path = tmp_path / "d.spacy"
    bin_ = DocBin(store_user_data=True)
    bin_.add(doc)
    bin_.to_disk(path)
    return path


@pytest.mark.parametrize("user_data, message", [
    ({"events": 5}, 'doc.user_data["events"] must be a list of objects'),
    ({"events": "abc"}, 'doc.user_data["events"] must be a list of objects'),
    ({"events": [5]}, 'doc.user_data["events"] must be a list of objects'),
    ({"events": [{"trigger": [0, True], "type": "Contact:Meet"}]}, "malformed event frame"),
    ({"layer": ["alice"]}, 'doc.user_data["layer"] must be a string'),
    ({"layer": "a\x00b"}, "the annotator name holds a NUL"),
])
def test_inputs_malformed_docbin_user_data_is_refused(store, project_path, tmp_path,
                                                      user_data, message):
    path = _docbin(tmp_path, **user_data)
    before = dump(project_path)
    with pytest.raises(InputError) as raised:
        import_files(store, [path], "spacy")
    assert message in str(raised.value) and "d.spacy: document 1" in str(raised.value)
    assert dump(project_path) == before


@pytest.mark.parametrize("fmt", ["jsonl", "conll", "spacy"])
def test_inputs_document_over_spacy_max_length_exports(store, tmp_path, fmt):
    """The tokenizer-only export path is not held to spaCy's 1,000,000-character limit."""
    text = "Kim met Moon in Seoul. " * 45_000  # 1,035,000 characters
    doc_id = store.add_documents([Document("long", text)]).added[0]
    store.add_span(Span(doc_id, 0, 3, "PERSON", "alice"))
    store.set_status(doc_id, "alice", Status.DONE)
    report = export_project(store, fmt, tmp_path / f"long.{fmt}", layer="alice")
    assert report.documents == 1 and report.entities == 1
    with Store(tmp_path / "back.db") as back:
        imported = import_files(back, [tmp_path / f"long.{fmt}"], fmt)
        assert imported.documents_added == 1 and imported.spans_added == 1


@pytest.mark.parametrize("fmt, suffix, content", [
    ("txt", ".txt", b"Kim met Moon."),
    ("doccano", ".jsonl", b'{"text": "Kim met Moon.", "label": [[0, 3, "PERSON"]]}\n'),
    ("conll", ".conll", b"Kim B-PER\nmet O\nMoon B-PER\n"),
])
def test_inputs_file_name_that_is_not_utf8_imports_with_a_replacement_character(
        store, tmp_path, fmt, suffix, content):
    """A file name from another system (Latin-1 bytes in a zip) names the document with U+FFFD
    where its bytes were not UTF-8, instead of refusing the file or failing in SQLite."""
    raw = bytes(tmp_path) + b"/caf\xe9" + suffix.encode()
    with open(raw, "wb") as out:
        out.write(content)
    path = Path(os.fsdecode(raw))
    import_files(store, [path], fmt)
    (doc,) = store.iter_documents()
    assert doc.name.startswith("caf\ufffd")
    assert "\ufffd" in doc.meta.get("source", "\ufffd")  # doccano keeps no source
