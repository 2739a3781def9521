"""Fuzzing every importer (txt, Prodigy JSONL, doccano, CoNLL, CoNLL-U, brat, spaCy, `auto`): files
made malformed by hypothesis (cut short, bytes flipped or inserted, broken UTF-8, binary, empty,
huge lines, odd JSON values, spans off the text, NUL and lone surrogates) either import into a
consistent project or are refused with an `InputError` naming the file, and then the project is
byte-for-byte what it was. No other exception, ever; the CLI says it in one line."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from annotator.cli import app
from annotator.errors import InputError
from annotator.formats import import_files
from annotator.model import Document
from annotator.store import Store

TEXT = "Kim Jong Un met Moon Jae-in in Seoul on Friday."
PRODIGY = {
    "text": TEXT, "meta": {"name": "a"},
    "tokens": [{"text": w, "start": s, "end": s + len(w), "id": i, "ws": True}
               for i, (w, s) in enumerate([("Kim", 0), ("Jong", 4), ("Un", 9), ("met", 12),
                                           ("Moon", 16), ("Jae-in", 21), ("in", 28),
                                           ("Seoul", 31), ("on", 37), ("Friday", 40)])],
    "spans": [{"start": 0, "end": 11, "token_start": 0, "token_end": 2, "label": "PERSON"},
              {"start": 16, "end": 27, "token_start": 4, "token_end": 5, "label": "PERSON"}],
    "events": [{"trigger": {"start": 12, "end": 15, "label": "Contact:Meet"},
                "arguments": [{"role": "Entity", "start": 0, "end": 11, "label": "PERSON"}]}],
    "answer": "accept", "_annotator_id": "alice",
}
DOCCANO = {"text": TEXT, "label": [[0, 11, "PERSON"], [31, 36, "GPE"]], "meta": {"name": "d"}}
CONLL = ("-DOCSTART- -X- O O\n\nKim B-PER\nJong I-PER\nUn I-PER\nmet O\nMoon B-PER\n"
         "Jae-in I-PER\nin O\nSeoul B-GPE\n. O\n\nIt O\nrained O\n. O\n")
CONLLU = ("# newdoc id = talks\n# text = Kim Jong Un met Moon.\n"
          "1\tKim\t_\t_\t_\t_\t_\t_\t_\tNER=B-PERSON\n"
          "2\tJong\t_\t_\t_\t_\t_\t_\t_\tNER=I-PERSON\n"
          "3-4\tUnmet\t_\t_\t_\t_\t_\t_\t_\t_\n"
          "3\tUn\t_\t_\t_\t_\t_\t_\t_\tNER=I-PERSON\n"
          "4\tmet\t_\t_\t_\t_\t_\t_\t_\t_\n"
          "5\tMoon\t_\t_\t_\t_\t_\t_\t_\tNE=B-PERSON|SpaceAfter=No\n"
          "6\t.\t_\t_\t_\t_\t_\t_\t_\tSpacesAfter=\\n\n\n")
ANN = ("T1\tPERSON 0 11\tKim Jong Un\nT2\tContact-Meet 12 15\tmet\nT3\tPERSON 16 27\t"
       "Moon Jae-in\nE1\tContact-Meet:T2 Entity:T1 Entity2:T3\nA1\tNegation E1\n")
SEEDS = {
    "txt": ("a.txt", (TEXT + "\n").encode()),
    "jsonl": ("a.jsonl", (json.dumps(PRODIGY) + "\n" + json.dumps({"text": "Second one."})
                          + "\n").encode()),
    "doccano": ("d.jsonl", (json.dumps(DOCCANO) + "\n").encode()),
    "conll": ("c.conll", CONLL.encode()),
    "conllu": ("u.conllu", CONLLU.encode()),
    "brat": ("a.ann", ANN.encode()),
}
#: JSON values that readers must refuse or take exactly, put where a reader expects something
ODD_VALUES = ["true", "false", "null", "-1", "1e400", "1" + "0" * 5000, "1" + "0" * 30,
              '"0"', "[]", "{}", '"\\ud800"', '"\\u0000"', '"[/b]"', "[" * 3000 + "]" * 3000,
              "0.5", '""']


def mutated(data: bytes, draw) -> bytes:
    """One to three mutations of `data`, textual and binary."""
    for _ in range(draw(st.integers(1, 3))):
        kind = draw(st.sampled_from(["cut", "flip", "insert", "odd_value", "line", "number",
                                     "empty", "binary", "huge_line", "bad_utf8", "escape"]))
        if kind == "cut":
            data = data[: draw(st.integers(0, max(0, len(data) - 1)))]
        elif kind == "flip" and data:
            i = draw(st.integers(0, len(data) - 1))
            data = data[:i] + bytes([draw(st.integers(0, 255))]) + data[i + 1:]
        elif kind == "insert":
            i = draw(st.integers(0, len(data)))
            data = data[:i] + draw(st.binary(min_size=1, max_size=8)) + data[i:]
        elif kind == "odd_value":
            # replace one JSON number or string value by an odd one
            text = data.decode("utf-8", "replace")
            spots = [i for i, c in enumerate(text) if c == ":"]
            if spots:
                i = draw(st.sampled_from(spots)) + 1
                end = i
                while end < len(text) and text[end] not in ",}]":
                    end += 1
                data = (text[:i] + " " + draw(st.sampled_from(ODD_VALUES)) + text[end:]).encode(
                    "utf-8", "surrogatepass")
        elif kind == "line":
            lines = data.split(b"\n")
            i = draw(st.integers(0, len(lines) - 1))
            action = draw(st.sampled_from(["dup", "drop", "garbage"]))
            if action == "dup":
                lines.insert(i, lines[i])
            elif action == "drop":
                del lines[i]
            else:
                lines.insert(i, draw(st.sampled_from([b"{", b"T9\tX", b"E1\tA:T1", b"word",
                                                      b"a b c d e f", b"[1,2]", b"R1\tr a b",
                                                      b"T4\tPERSON 40 30\tx", b"\t\t"])))
            data = b"\n".join(lines)
        elif kind == "number":
            digits = [i for i, b in enumerate(data) if 48 <= b <= 57]
            if digits:
                i = draw(st.sampled_from(digits))
                data = data[:i] + draw(st.sampled_from([b"9999", b"-", b"1" * 5000, b"0",
                                                        b"12345678901234567890"])) + data[i + 1:]
        elif kind == "empty":
            data = draw(st.sampled_from([b"", b"\n\n", b"   ", b"\xef\xbb\xbf"]))
        elif kind == "binary":
            data = draw(st.binary(min_size=1, max_size=64))
        elif kind == "huge_line":
            data = data + b"x" * draw(st.sampled_from([70_000, 300_000])) + b"\n"
        elif kind == "bad_utf8":
            i = draw(st.integers(0, len(data)))
            data = data[:i] + draw(st.sampled_from([b"\xff", b"\xc3", b"\xed\xa0\x80",
                                                    b"\x00"])) + data[i:]
        elif kind == "escape":
            i = draw(st.integers(0, len(data)))
            data = data[:i] + draw(st.sampled_from([b"\\ud800", b"\\u0000", b"\\", b'"'])) + (
                data[i:])
    return data


def dump(path: Path) -> list[str]:
    with sqlite3.connect(path) as conn:
        return list(conn.iterdump())


def consistent(path: Path) -> None:
    """What a successful import must leave: spans on the text, text SQLite measures right,
    tokens in order."""
    with sqlite3.connect(path) as conn:
        for doc_id, text, stored_length in conn.execute(
                "SELECT id, text, length(text) FROM documents"):
            assert stored_length == len(text) and "\x00" not in text
            text.encode("utf-8")
            for start, end, label in conn.execute(
                    "SELECT start_char, end_char, label FROM spans WHERE document_id = ?",
                    [doc_id]):
                assert 0 <= start < end <= len(text) and label
            for (stored,) in conn.execute("SELECT tokens FROM document_analysis WHERE "
                                          "document_id = ?", [doc_id]):
                tokens = json.loads(stored)
                for (s1, e1, _), (s2, e2, _) in zip(tokens, tokens[1:], strict=False):
                    assert s1 < e1 <= s2 < e2 <= len(text)


def attempt(fmt: str, files: dict[str, bytes], given_as: str) -> None:
    """Import `files` (name -> bytes, in one folder) into a project that already holds a
    document; refusal must name the file and leave the project as it was."""
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        folder = root / "in"
        folder.mkdir()
        for name, data in files.items():
            (folder / name).write_bytes(data)
        project = root / "p.db"
        with Store(project) as store:
            store.add_documents([Document("before", "Something already here.")])
        before = dump(project)
        target = folder if given_as == "folder" else folder / next(iter(files))
        with Store(project) as store:
            try:
                import_files(store, [target], fmt)
            except InputError as exc:
                names = [target.name, *files, "annotation.conf"]
                assert any(name in str(exc) for name in names), str(exc)
                refused = True
            else:
                refused = False
        if refused:
            assert dump(project) == before
        else:
            consistent(project)


#: examples per test; a longer hunt: ANNOTATOR_FUZZ_EXAMPLES=1000 (random, not derandomized)
EXAMPLES = int(os.environ.get("ANNOTATOR_FUZZ_EXAMPLES", "40"))
FUZZ = settings(max_examples=EXAMPLES, deadline=None, derandomize=EXAMPLES <= 40,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


@pytest.mark.parametrize("fmt", ["txt", "jsonl", "doccano", "conll", "conllu", "auto"])
@FUZZ
@given(data=st.data())
def test_inputs_fuzz_text_formats(fmt, data):
    seed = "doccano" if fmt == "auto" else fmt
    name, content = SEEDS[seed]
    attempt(fmt, {name: mutated(content, data.draw)}, "file")


@FUZZ
@given(data=st.data())
def test_inputs_fuzz_brat(data):
    ann = mutated(SEEDS["brat"][1], data.draw)
    text = (TEXT.encode() if data.draw(st.booleans()) else mutated(TEXT.encode(), data.draw))
    files = {"a.ann": ann, "a.txt": text}
    if data.draw(st.booleans()):
        conf = b"[entities]\nPERSON\n[events]\nContact-Meet\tEntity*:PERSON\n"
        files["annotation.conf"] = mutated(conf, data.draw) if data.draw(st.booleans()) else conf
    attempt(data.draw(st.sampled_from(["brat", "auto"])), files, "folder")


@pytest.fixture(scope="module")
def docbin_bytes() -> bytes:
    import spacy
    from spacy.tokens import DocBin, Span

    nlp = spacy.blank("en")
    doc = nlp(TEXT)
    doc.ents = [Span(doc, 0, 3, "PERSON")]
    doc.spans["events"] = [Span(doc, 3, 4, "Contact:Meet")]
    doc.user_data.update(name="a", layer="alice", events=[
        {"trigger": [12, 15], "type": "Contact:Meet",
         "arguments": [{"role": "Entity", "start": 0, "end": 11, "label": "PERSON"}]}])
    bin_ = DocBin(store_user_data=True)
    bin_.add(doc)
    return bin_.to_bytes()


@settings(max_examples=EXAMPLES, deadline=None, derandomize=EXAMPLES <= 40,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_inputs_fuzz_spacy(docbin_bytes, data):
    attempt(data.draw(st.sampled_from(["spacy", "auto"])),
            {"d.spacy": mutated(docbin_bytes, data.draw)}, "file")


# --- the CLI over the same kind of files: one line, exit 1, no new project ------------------
CLI_CASES = {
    "binary.txt": b"\x89PNG\r\n\x1a\n\x00\x00",
    "empty.jsonl": b"",
    "deep.jsonl": b'{"text": "a", "x": ' + b"[" * 100_000 + b"]" * 100_000 + b"}\n",
    "huge.jsonl": b'{"text": "' + b"a" * 2_000_000 + b'", "label": [[0, 1, "X"]]}\n{',
    "surrogate.jsonl": b'{"text": "Kim \\udfff met Moon.", "label": []}\n',
    "markup[bold red].jsonl": b'{"text": "Kim", "label": [[0, 9, "[/b]"]]}\n',
    "bad.conll": b"Kim B-PER extra columns here\n",
    "odd.xyz": b'{"text": "Kim"}\n',
}


@pytest.mark.parametrize("name", sorted(CLI_CASES))
def test_inputs_fuzz_cli_refusals_are_one_line(tmp_path, name):
    path = tmp_path / name
    path.write_bytes(CLI_CASES[name])
    project = tmp_path / "new.db"
    result = CliRunner().invoke(app, ["import", str(project), str(path)])
    assert result.exit_code == 1, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ") and name in lines[0], lines
    assert not any(p.name.startswith("new.db") for p in tmp_path.iterdir())


def test_inputs_fuzz_seeds_import_cleanly(tmp_path):
    """The fuzzer's starting points are valid files, so mutations test what they mean to."""
    for fmt, (name, content) in SEEDS.items():
        folder = tmp_path / fmt
        folder.mkdir()
        (folder / name).write_bytes(content)
        if fmt == "brat":
            (folder / "a.txt").write_text(TEXT, encoding="utf-8")
        with Store(tmp_path / f"{fmt}.db") as store:
            report = import_files(store, [folder if fmt == "brat" else folder / name], fmt)
            assert report.documents_added >= 1
    shutil.rmtree(tmp_path)
