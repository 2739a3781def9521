"""The default schema and its brat annotation.conf form."""

from __future__ import annotations

import pytest

from annotator.schema import Schema, SchemaError, default_schema

ONTONOTES = {"PERSON", "NORP", "FAC", "ORG", "GPE", "LOC", "PRODUCT", "EVENT", "WORK_OF_ART",
             "LAW", "LANGUAGE", "DATE", "TIME", "PERCENT", "MONEY", "QUANTITY", "ORDINAL",
             "CARDINAL"}


def test_schema_default_has_ontonotes_entities_and_ace_events():
    schema = default_schema()
    assert set(schema.entities) == ONTONOTES
    assert {"Contact:Meet", "Contact:Phone-Write", "Movement:Transport", "Conflict:Attack",
            "Life:Die", "Policy:Sanction", "Justice:Arrest-Jail"} <= set(schema.events)
    assert all(e.color.startswith("#") and e.key for e in schema.entities.values())
    keys = [e.key for e in schema.entities.values()] + [
        e.key for e in schema.events.values() if e.key]
    assert len(keys) == len(set(keys)), "label keys must not clash"


def test_schema_checks_arguments_and_required_roles():
    schema = default_schema()
    assert schema.check_argument("Contact:Meet", "Entity", "PERSON") is None
    assert "takes" in schema.check_argument("Contact:Meet", "Place", "PERSON")
    assert "no role" in schema.check_argument("Contact:Meet", "Victim", "PERSON")
    assert schema.missing_roles("Contact:Meet", {"Place"}) == ["Entity"]
    assert schema.events["Contact:Meet"].roles_for("DATE") == ["Time"]


def test_schema_json_round_trip():
    schema = default_schema()
    assert Schema.from_json(schema.to_json()) == schema


def test_schema_brat_conf_round_trip_keeps_labels_and_roles():
    schema = default_schema()
    back = Schema.from_brat_conf(schema.to_brat_conf())
    assert set(back.entities) == set(schema.entities)
    meet = back.events["Contact:Meet"]  # brat's Contact-Meet, with our name as its alias
    assert meet.roles["Place"] == ("GPE", "LOC", "FAC")
    assert meet.required == ("Entity",)


def test_schema_rejects_roles_with_unknown_labels(tmp_path):
    path = tmp_path / "bad.toml"
    path.write_text('[entities.PERSON]\n[events."X:Y"]\nroles = { A = ["ALIEN"] }\n')
    with pytest.raises(SchemaError, match="unknown labels"):
        Schema.load(path)
    path.write_text("not = [toml")
    with pytest.raises(SchemaError, match="bad.toml"):
        Schema.load(path)
