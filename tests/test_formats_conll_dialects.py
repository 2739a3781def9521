"""CoNLL that other tools read (issue 11, point 9) and CoNLL-U both ways (point 10).

Checked with the tools' own readers where they are installed: spaCy's `conll_ner_to_docs` and
`conllu_to_docs` converters, seqeval's chunking, the `conllu` parser; doccano's CoNLL import
is ported here from doccano's `data_import/pipeline/parsers.py` (`CoNLLParser`: a tab, exactly
two columns, one example per blank-line block, words joined by a space).
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from spacy.training.converters import conll_ner_to_docs, conllu_to_docs
from test_formats_conll import annotated  # noqa: F401  (the fixture)
from test_formats_roundtrip import records

from annotator.formats import export_project, import_files
from annotator.formats.context import ExportContext, ImportContext
from annotator.formats.registry import FORMATS
from annotator.schema import default_schema
from annotator.store import Store

EXPECTED = [("Mike Pompeo", "PERSON"), ("Kim Yong Chol", "PERSON"), ("New York", "GPE"),
            ("Monday", "DATE")]


def doccano_conll(text: str) -> list[tuple[str, list[tuple[int, int, str]]]]:
    """doccano's CoNLLParser (IOB2), ported: (text, [(start, end, label)]) per example, or
    an AssertionError where doccano reports "A line must be separated by tab and has two
    columns"."""
    examples, words, tags = [], [], []
    for number, line in enumerate(text.split("\n"), 1):
        line = line.rstrip()
        if line:
            columns = line.split("\t")
            assert len(columns) == 2, f"doccano refuses line {number}: {line!r}"
            words.append(columns[0])
            tags.append(columns[1])
        else:
            if words:
                examples.append(_doccano_record(words, tags))
            words, tags = [], []
    if words:
        examples.append(_doccano_record(words, tags))
    return examples


def _doccano_record(words: list[str], tags: list[str]) -> tuple[str, list]:
    labels, start = [], None
    for i, tag in enumerate([*tags, "O"]):
        if start is not None and not (tag.startswith("I-") and tag[2:] == tags[start][2:]):
            left = " ".join(words[:start])
            begin = len(left) + 1 if left else 0
            labels.append((begin, begin + len(" ".join(words[start:i])), tags[start][2:]))
            start = None
        if tag.startswith("B-"):
            start = i
    return " ".join(words), labels


def _export(store, tmp_path: Path, **options) -> str:
    path = tmp_path / "out.conll"
    export_project(store, "conll", path, layer="alice", **options)
    return path.read_text(encoding="utf-8")


def test_conll_doccano_dialect_reads_in_doccano(annotated, tmp_path):  # noqa: F811
    text = _export(annotated, tmp_path, dialect="doccano")
    assert "-DOCSTART-" not in text and "Mike\tB-PERSON\n" in text
    found = [(t[s:e], label) for t, labels in doccano_conll(text) for s, e, label in labels]
    assert found == EXPECTED


def test_conll_default_is_refused_by_doccano_at_line_1(annotated, tmp_path):  # noqa: F811
    with pytest.raises(AssertionError, match="line 1"):
        doccano_conll(_export(annotated, tmp_path))


@pytest.mark.parametrize("options", [{}, {"conll_columns": 4}, {"conll_sep": "tab"},
                                     {"dialect": "doccano"},
                                     {"conll_columns": 4, "conll_sep": "tab"}])
def test_conll_every_layout_reads_in_spacys_converter(annotated, tmp_path, options):  # noqa: F811
    text = _export(annotated, tmp_path, **options)
    docs = list(conll_ner_to_docs(text, n_sents=10, no_print=True))
    assert [(e.text, e.label_) for d in docs for e in d.ents] == EXPECTED
    if options.get("conll_columns") == 4:
        assert "Mike _ _ B-PERSON" in text.replace("\t", " ")


@pytest.mark.parametrize("dialect", ["conll2003", "doccano"])
def test_conll_reads_in_seqeval(annotated, tmp_path, dialect):  # noqa: F811
    seqeval = pytest.importorskip("seqeval.metrics.sequence_labeling")
    text = _export(annotated, tmp_path, dialect=dialect)
    words, tags = [], []
    for line in text.splitlines():
        columns = line.split()
        if columns and columns[0] != "-DOCSTART-":
            words.append(columns[0])
            tags.append(columns[-1])
        elif tags and tags[-1] != "O":
            words.append("")
            tags.append("O")  # a sentence break, as seqeval's readers keep them apart
    chunks = seqeval.get_entities(tags)
    assert [(" ".join(words[s:e + 1]), label) for label, s, e in chunks] == EXPECTED


def test_conll_layout_options_are_checked_with_one_line(annotated, tmp_path):  # noqa: F811
    result = subprocess.run(
        [sys.executable, "-m", "annotator", "export", str(annotated.path), "--format", "conll",
         "--output", str(tmp_path / "x.conll"), "--conll-columns", "3"],
        capture_output=True, text=True)
    assert result.returncode == 1
    assert "--conll-columns takes 2 or 4, not 3" in result.stderr + result.stdout


# --- CoNLL-U ---------------------------------------------------------------------------------
UD = """\
# newdoc id = cervantes
# sent_id = 1
# text = Miguel de Cervantes vivió del arte.
1\tMiguel\tMiguel\tPROPN\t_\t_\t4\tnsubj\t_\tNER=B-PER
2\tde\tde\tADP\t_\t_\t3\tcase\t_\tNER=I-PER
3\tCervantes\tCervantes\tPROPN\t_\t_\t1\tflat\t_\tNER=I-PER
4\tvivió\tvivir\tVERB\t_\t_\t0\troot\t_\t_
5-6\tdel\t_\t_\t_\t_\t_\t_\t_\t_
5\tde\tde\tADP\t_\t_\t7\tcase\t_\t_
6\tel\tel\tDET\t_\t_\t7\tdet\t_\t_
7\tarte\tarte\tNOUN\t_\t_\t4\tobl\t_\tSpaceAfter=No
7.1\tx\t_\t_\t_\t_\t_\t_\t_\t_
8\t.\t.\tPUNCT\t_\t_\t4\tpunct\t_\t_

# newdoc id = spacy-style
# text = Ana visitó Madrid
1\tAna\t_\t_\t_\t_\t_\t_\t_\tNE=U-PER
2\tvisitó\t_\t_\t_\t_\t_\t_\t_\tO
3\tMadrid\t_\t_\t_\t_\t_\t_\t_\tname=U-LOC|SpaceAfter=No
"""


def test_conllu_import_reads_ud_files_with_ner_in_misc(store, tmp_path):
    (tmp_path / "ud.conllu").write_text(UD, encoding="utf-8")
    report = import_files(store, [tmp_path / "ud.conllu"], "auto", annotator="ud")
    assert report.documents_added == 2
    found = {}
    for doc_id in store.document_ids():
        doc = store.document(doc_id)
        found[doc.name] = (doc.text, sorted((s.text_in(doc.text), s.label)
                                            for s in store.spans(doc_id, "ud")))
    # a multiword token by its surface form, an empty node skipped, SpaceAfter=No honoured
    assert found["cervantes"] == ("Miguel de Cervantes vivió del arte. ",
                                  [("Miguel de Cervantes", "PER")])
    assert found["spacy-style"] == ("Ana visitó Madrid", [("Ana", "PER"), ("Madrid", "LOC")])


def test_conllu_export_reads_in_spacys_conllu_converter_and_the_conllu_parser(
        annotated, tmp_path):  # noqa: F811
    export_project(annotated, "conllu", tmp_path / "out.conllu", layer="alice")
    text = (tmp_path / "out.conllu").read_text(encoding="utf-8")
    docs = list(conllu_to_docs(text, no_print=True))
    assert [(e.text, e.label_) for d in docs for e in d.ents] == EXPECTED
    conllu = pytest.importorskip("conllu")
    sentences = conllu.parse(text)
    assert [t["form"] for t in sentences[0]][:3] == ["Mike", "Pompeo", "met"]
    assert sentences[0][0]["misc"]["NER"] == "B-PERSON"


def test_conllu_round_trip_restores_the_exact_text(annotated, tmp_path):  # noqa: F811
    export_project(annotated, "conllu", tmp_path / "out.conllu", layer="alice")
    with Store(tmp_path / "other.db") as other:
        import_files(other, [tmp_path / "out.conllu"], "conllu", annotator="alice")
        doc = other.document(other.document_ids()[0])
        assert doc.text == annotated.document(annotated.document_ids()[0]).text
        assert sorted((s.text_in(doc.text), s.label) for s in other.spans(doc.id)) == \
            sorted(EXPECTED)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(records(canonical=True))
def test_conllu_roundtrip_keeps_text_and_entities(record):
    format_ = FORMATS["conllu"]
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "out.conllu"
        format_.write([record], path, ExportContext(default_schema()))
        back = list(format_.read(path, ImportContext(default_schema())))
    assert len(back) == 1 and back[0].text == record.text
    assert back[0].content() == record.content()

