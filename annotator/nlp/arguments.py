"""Argument suggestions: which entities fill which roles of a trigger, read off the parse.

The approach is the classic one for rule-based event extraction: an argument is an entity in a
grammatical relation to the trigger (its subject, object, or the object of one of its
prepositions), or, for a nominal trigger ("talks", "visit"), in a relation to the noun itself
(possessor, compound, "between X and Y") or to the verb that governs it ("Trump will *hold* a
summit with Kim in late February"). The relation suggests a kind of role (a subject acts, an
object undergoes, "in"/"at" places, "to" sends, "from" comes from); the schema says which roles
of the event type take the entity's label. Both must agree, so a wrong guess is dropped
rather than stored with a role that does not fit.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from spacy.tokens import Doc, Token

from annotator.schema import EventType

#: the origin of the argument suggestions these rules make
ARGUMENT_ORIGIN = "rule:arguments"
#: For each kind of relation, the roles it can express, most likely first. A role is only used
#: when the schema lets the event type's role take the entity's label.
RELATION_ROLES: dict[str, tuple[str, ...]] = {
    # the doer: "Pompeo met", "the US imposed sanctions", "Kim's visit", "US-led strikes"
    "subject": ("Attacker", "Buyer", "Giver", "Seller", "Plaintiff", "Prosecutor",
                "Adjudicator", "Entity", "Artifact", "Agent", "Person", "Org"),
    # the one something happens to: "X was killed", "Kim was flown to Hanoi"
    "patient": ("Victim", "Target", "Person", "Defendant", "Artifact", "Org",
                "Entity", "Recipient"),
    # a direct object: "meet Trump", "attacked Kabul", "visit the United States"
    "object": ("Victim", "Target", "Person", "Defendant", "Org", "Recipient",
               "Destination", "Entity", "Money", "Price"),
    # "with"/"between"/"among": the other side
    "partner": ("Attacker", "Entity"),
    "place": ("Place", "Destination"),
    "destination": ("Destination", "Recipient", "Beneficiary", "Entity"),
    "origin": ("Origin", "Giver", "Seller", "Entity"),
    "target": ("Target", "Victim", "Defendant"),
    "of": ("Victim", "Target", "Person", "Defendant", "Artifact", "Org", "Entity"),
    "beneficiary": ("Beneficiary", "Recipient"),
    # a bare noun phrase modifier: "met *this week*"; only Time fits it
    "modifier": (),
}

PREPOSITIONS: dict[str, str] = {
    "with": "partner", "between": "partner", "among": "partner", "against": "target",
    "on": "target", "upon": "target", "in": "place", "at": "place", "near": "place",
    "inside": "place", "outside": "place", "across": "place", "within": "place",
    "throughout": "place", "to": "destination", "into": "destination", "toward": "destination",
    "towards": "destination", "from": "origin", "of": "of", "by": "subject",
    "for": "beneficiary", "over": "place",
}

#: Time is read from the entity, not the relation: any DATE or TIME attached to the trigger.
TIME_LABELS = frozenset({"DATE", "TIME"})
#: Roles both sides of a verb can fill: in "Pompeo met Kim" both are the meeting's `Entity` (ACE
#: 2005's name for the parties of Contact events).
SYMMETRIC_ROLES = frozenset({"Entity", "Org"})
SUBJECT_DEPS = frozenset({"nsubj", "csubj"})
PASSIVE_SUBJECT_DEPS = frozenset({"nsubjpass", "csubjpass"})
#: A nominal trigger inside one of these prepositions is the scene of the governing verb's
#: subject: "Kang said *at* a news conference", "arrive *for* a meeting".
SCENE_PREPOSITIONS = frozenset({"at", "during", "for", "in", "into", "to"})
#: Modifiers under an argument word that name who it is when the word itself is no entity:
#: "his *North Korean* counterpart", "the *Afghan* delegation".
NAMING_DEPS = frozenset({"amod", "compound", "nmod", "appos"})


@dataclass(frozen=True)
class EntityMention:
    start: int  # token offsets in the doc, end exclusive
    end: int
    label: str


def _conjuncts(token: Token) -> Iterator[Token]:
    """The token and everything coordinated with it: "Pompeo and Kim", "Qatar, Turkiye and..."."""
    yield token
    for child in token.children:
        if child.dep_ in ("conj", "appos"):
            yield from _conjuncts(child)


def _prepositional(prep: Token) -> Iterator[tuple[Token, str]]:
    relation = PREPOSITIONS.get(prep.lower_)
    if relation is None:
        return
    for child in prep.children:
        if child.dep_ == "pobj":
            yield child, relation
            # "met in the Oval Office with Kim": the parser hangs the partner on the place
            for grandchild in child.children:
                if grandchild.dep_ == "prep" and PREPOSITIONS.get(grandchild.lower_) == "partner":
                    yield from _prepositional(grandchild)


def _is_predicate(token: Token) -> bool:
    """A verb, or a word the parser treats as one (a headline's "arrive" tagged as a noun)."""
    return token.pos_ in ("VERB", "AUX") or any(
        c.dep_ in SUBJECT_DEPS or c.dep_ in PASSIVE_SUBJECT_DEPS for c in token.children)


def _subjects(verb: Token, depth: int = 0) -> list[tuple[Token, str]]:
    """Who does `verb`: its own subject, a relative pronoun's antecedent, or a controller's.

    "Pompeo, *who* made trips" -> Pompeo; "Pompeo sought to *meet*" -> Pompeo (xcomp);
    "Before *arriving*, Kim met" -> Kim (advcl); "killed and *wounded*" -> shared subject.
    """
    found = []
    for child in verb.children:
        if child.dep_ in SUBJECT_DEPS or child.dep_ in PASSIVE_SUBJECT_DEPS:
            relation = "subject" if child.dep_ in SUBJECT_DEPS else "patient"
            if child.tag_ in ("WP", "WDT") and verb.dep_ == "relcl":
                child = verb.head
            found.append((child, relation))
    if found or depth >= 3 or verb.head is verb:
        return found
    if verb.dep_ == "conj":
        return _subjects(verb.head, depth + 1)
    if verb.dep_ in ("xcomp", "advcl", "ccomp"):
        # the controller does the lower verb, whatever its own voice ("Biegun is expected (to)
        # meet Choi")
        return [(token, "subject") for token, _ in _subjects(verb.head, depth + 1)]
    return []


def _clause(verb: Token, *, objects: bool = True) -> Iterator[tuple[Token, str]]:
    """Subject, objects, prepositional objects and bare modifiers of a verb."""
    yield from _subjects(verb)
    for child in verb.children:
        dep = child.dep_
        if dep == "dobj" and objects:
            yield child, "object"
        elif dep == "agent":
            for pobj in child.children:
                if pobj.dep_ == "pobj":
                    yield pobj, "subject"
        elif dep in ("prep", "dative") and child.pos_ == "ADP":
            yield from _prepositional(child)
        elif dep == "dative" and objects:
            yield child, "destination"
        elif dep in ("npadvmod", "tmod", "advmod"):
            yield child, "modifier"


def _nominal(noun: Token) -> Iterator[tuple[Token, str]]:
    """Arguments around a noun trigger: its own modifiers, then its governing verb's."""
    for child in noun.children:
        dep = child.dep_
        if dep in ("poss", "compound", "amod", "nmod"):
            yield child, "subject"
        elif dep == "prep":
            yield from _prepositional(child)
        elif dep in ("acl", "relcl"):
            # "the meeting, led by Pompeo", "a letter Trump sent to Kim"
            yield from _clause(child, objects=False)
        elif dep in ("npadvmod", "tmod"):
            yield child, "modifier"
    head = noun.head
    if noun.dep_ in ("dobj", "attr") and _is_predicate(head):
        # "hold talks", "made several trips", "lift sanctions"
        yield from _clause(head, objects=False)
    elif noun.dep_ in SUBJECT_DEPS | PASSIVE_SUBJECT_DEPS and _is_predicate(head):
        # "the summit will happen early next year in Hanoi": where and when, nothing else
        # ("a letter was flown to Pyongyang" is not a letter to Pyongyang)
        for token, relation in _clause(head, objects=False):
            if relation not in ("subject", "patient"):
                yield token, relation if relation == "place" else "modifier"
    elif (noun.dep_ == "pobj" and head.lower_ in SCENE_PREPOSITIONS
          and _is_predicate(head.head)):
        for token, relation in _subjects(head.head):
            yield token, "subject" if relation == "subject" else "patient"


def _mentions_at(token: Token, entity_at: Sequence[int | None]) -> list[int]:
    """The entity a word belongs to or, failing that, the entities naming it."""
    if entity_at[token.i] is not None:
        return [entity_at[token.i]]
    return [entity_at[c.i] for c in token.children
            if c.dep_ in NAMING_DEPS and entity_at[c.i] is not None]


def _candidates(doc: Doc, start: int, end: int) -> Iterator[tuple[Token, str]]:
    root = doc[start:end].root
    if _is_predicate(root) or (root.pos_ == "ADJ" and root.dep_ not in ("amod",)):
        # an adjective trigger ("left dozens dead") takes the arguments of its clause
        verb = root if root.pos_ != "ADJ" or root.dep_ == "ROOT" else root.head
        yield from _clause(verb)
    else:
        yield from _nominal(root)


def _role(event: EventType, relation: str, label: str, used_by: dict[str, str]) -> str | None:
    fitting = event.roles_for(label)
    if label in TIME_LABELS and "Time" in fitting:
        return "Time"
    for role in RELATION_ROLES[relation]:
        if role not in fitting:
            continue
        # a role the subject took is not also the object's, unless both sides share it
        if role in used_by and used_by[role] != relation and role not in SYMMETRIC_ROLES:
            continue
        return role
    return None


def link_arguments(doc: Doc, triggers: Sequence[tuple[int, int, EventType]],
                   entities: Sequence[EntityMention]) -> list[tuple[int, str, int]]:
    """(trigger index, role, entity index) for every argument the parse supports.

    `triggers` and `entities` are token offsets into `doc`; an entity is linked at most once per
    trigger, with the first role its nearest relation allows. A doc without a parse gets none.
    """
    if not doc.has_annotation("DEP"):
        return []
    entity_at: list[int | None] = [None] * len(doc)
    for index, mention in enumerate(entities):
        for i in range(mention.start, mention.end):
            if entity_at[i] is None:
                entity_at[i] = index
    links: list[tuple[int, str, int]] = []
    for t_index, (start, end, event) in enumerate(triggers):
        linked: set[int] = set()
        used_by: dict[str, str] = {}
        for head, relation in _candidates(doc, start, end):
            for token in _conjuncts(head):
                for e_index in _mentions_at(token, entity_at):
                    mention = entities[e_index]
                    if e_index in linked or (mention.start < end and start < mention.end):
                        continue
                    role = _role(event, relation, mention.label, used_by)
                    if role is None:
                        continue
                    linked.add(e_index)
                    used_by.setdefault(role, relation)
                    links.append((t_index, role, e_index))
    return links
