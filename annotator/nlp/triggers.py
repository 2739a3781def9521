"""Event trigger rules: spaCy Matcher and DependencyMatcher patterns kept as data.

The rules live in `resources/patterns/*.toml` (format in that folder's README) so a linguist can
read and extend them without touching code: `[[trigger]]` rules propose an event type on the
words they match, `[[exclude]]` rules veto triggers on the words they match (for "strike a
deal", "called off"). Keeping vetoes separate keeps each pattern simple, where negative
conditions inside a DependencyMatcher pattern are not expressible at all.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import tomllib
from spacy.attrs import LEMMA, LOWER
from spacy.matcher import DependencyMatcher, Matcher
from spacy.tokens import Doc
from spacy.tokens import Token as SpacyToken
from spacy.vocab import Vocab

from annotator.errors import InputError
from annotator.paths import RESOURCES

PATTERNS = RESOURCES / "patterns"
#: The DependencyMatcher node that marks the trigger word.
TRIGGER_NODE = "trigger"


@dataclass(frozen=True)
class Rule:
    id: str
    #: event type it proposes or vetoes; None in an exclusion means every event type
    event: str | None
    #: "tokens" (Matcher) or "dependency" (DependencyMatcher)
    kind: str
    pattern: list
    exclude: bool
    source: str

    @property
    def origin(self) -> str:
        """Provenance stored on the suggestions this rule makes."""
        return f"rule:{self.event}/{self.id}"


@dataclass(frozen=True)
class Trigger:
    """A proposed trigger: token offsets (end exclusive) in the doc, and the rule behind it."""

    start: int
    end: int
    rule: Rule

    @property
    def event(self) -> str:
        return self.rule.event


def _parse_rule(entry: object, exclude: bool, path: Path) -> Rule:
    section = "exclude" if exclude else "trigger"
    if not isinstance(entry, dict) or not isinstance(entry.get("id"), str):
        raise InputError(f"every [[{section}]] needs a string `id`", path)
    where = f"[[{section}]] {entry['id']!r}"
    kinds = [k for k in ("tokens", "dependency") if k in entry]
    if len(kinds) != 1 or not isinstance(entry[kinds[0]], list) or not entry[kinds[0]]:
        raise InputError(f"{where} needs exactly one non-empty `tokens` or `dependency` list",
                         path)
    event = entry.get("event")
    if not (isinstance(event, str) or (exclude and event is None)):
        raise InputError(f"{where} needs an `event` (an event type of the schema)", path)
    unknown = set(entry) - {"id", "event", "tokens", "dependency"}
    if unknown:
        raise InputError(f"{where} has unknown keys {sorted(unknown)}", path)
    pattern = entry[kinds[0]]
    if kinds[0] == "dependency" and not any(
            isinstance(n, dict) and n.get("RIGHT_ID") == TRIGGER_NODE for n in pattern):
        raise InputError(f"{where}: a dependency pattern needs a node with "
                         f"RIGHT_ID = {TRIGGER_NODE!r}", path)
    return Rule(entry["id"], event, kinds[0], pattern, exclude, str(path))


def load_rules(directory: Path = PATTERNS) -> list[Rule]:
    """Every rule of every `*.toml` file in `directory`, files in name order."""
    rules: list[Rule] = []
    for path in sorted(directory.glob("*.toml")):
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
            raise InputError(f"cannot read trigger rules: {exc}", path) from exc
        unknown = set(data) - {"trigger", "exclude"}
        if unknown:
            raise InputError(f"unknown sections {sorted(unknown)} (expected [[trigger]] and "
                             "[[exclude]])", path)
        rules += [_parse_rule(e, False, path) for e in data.get("trigger", [])]
        rules += [_parse_rule(e, True, path) for e in data.get("exclude", [])]
    seen: set[tuple[str | None, str, bool]] = set()
    for rule in rules:
        key = (rule.event, rule.id, rule.exclude)
        if key in seen:
            raise InputError(f"two rules for {rule.event} share the id {rule.id!r}", rule.source)
        seen.add(key)
    return rules


#: Token attributes whose values can anchor a rule to the words it needs.
ANCHOR_ATTRS = ("LEMMA", "LOWER")
#: Operators under which a pattern token may be absent, so it cannot anchor the rule.
OPTIONAL_OPS = frozenset({"?", "*", "!"})


def _values(attrs: dict, name: str) -> frozenset[str] | None:
    """The values a plain or `IN` constraint allows, None for no (or another) constraint."""
    value = attrs.get(name)
    if isinstance(value, str):
        return frozenset({value})
    if isinstance(value, dict) and set(value) == {"IN"}:
        return frozenset(value["IN"])
    return None


def _anchor(token_pattern: dict) -> frozenset[str] | None:
    """The words (lemma or lower-case form) one of which must be present for a token to match."""
    if token_pattern.get("OP") in OPTIONAL_OPS:
        return None
    return next(filter(None, (_values(token_pattern, a) for a in ANCHOR_ATTRS)), None)


def _child_checks(vocab: Vocab, rule: Rule
                  ) -> tuple[tuple[frozenset[int] | None, frozenset[str] | None], ...]:
    """(word hashes, dependency labels) of each node hanging directly under the trigger."""
    checks = []
    for node in rule.pattern:
        if node.get("LEFT_ID") == TRIGGER_NODE and node.get("REL_OP") == ">":
            attrs = node.get("RIGHT_ATTRS", {})
            words = _anchor(attrs)
            checks.append((frozenset(vocab.strings.add(w) for w in words) if words else None,
                           _values(attrs, "DEP")))
    return tuple(checks)


@dataclass
class _Compiled:
    """One rule with its own matcher, and what lets it skip the words it cannot match."""

    rule: Rule
    rank: int
    matcher: Matcher | DependencyMatcher
    #: hashes of the words the trigger token (tokens: the first anchored token) needs, or
    #: None when it could be any word
    anchors: frozenset[int] | None
    #: word sets the rest of the pattern needs, each one present somewhere in the doc
    requires: tuple[frozenset[int], ...]
    #: the DependencyMatcher node that is the trigger; tokens: the pattern length
    node: int
    #: a token pattern of fixed length can be matched in a window around a word it covers
    windowed: bool
    #: dependency rules: (words, dependency labels) each a direct child of the trigger needs
    children: tuple[tuple[frozenset[int] | None, frozenset[str] | None], ...] = ()

    def has_children(self, token: SpacyToken) -> bool:
        """Whether `token` has a child for every direct-child node of the pattern (a cheap
        necessary condition: the DependencyMatcher then checks everything)."""
        return all(any((words is None or c.lemma in words or c.lower in words)
                       and (deps is None or c.dep_ in deps) for c in token.children)
                   for words, deps in self.children)

    def positions(self, words: dict[int, list[int]]) -> list[int] | None:
        """Tokens a match must cover; [] when the doc lacks a needed word, None: anywhere."""
        if any(words.keys().isdisjoint(needed) for needed in self.requires):
            return []
        if self.anchors is None:
            return None
        return sorted({i for word in self.anchors for i in words.get(word, ())})


class TriggerMatcher:
    """Finds triggers in parsed Docs with the rules for the event types a schema has.

    spaCy's Matcher tries every pattern at every token, which for some eighty rules costs as
    much as a tenth of the pipeline itself. Nearly every rule names the words it needs (a lemma
    or a lower-case form), so each rule gets its own matcher and runs only in a window around
    those words, when the document has them at all.
    """

    def __init__(self, vocab: Vocab, rules: Iterable[Rule], event_types: Iterable[str]):
        known = set(event_types)
        rules = list(rules)
        self.rules = [r for r in rules if r.event is None or r.event in known]
        #: event types that have rules but are not in the schema (reported, not an error)
        self.skipped_events = sorted({r.event for r in rules if r.event and r.event not in known})
        self._compiled = [self._compile(vocab, rule, rank) for rank, rule in enumerate(self.rules)]

    @staticmethod
    def _compile(vocab: Vocab, rule: Rule, rank: int) -> _Compiled:
        key = f"{'exclude' if rule.exclude else 'trigger'}:{rule.event}/{rule.id}"
        try:
            if rule.kind == "tokens":
                matcher: Matcher | DependencyMatcher = Matcher(vocab, validate=True)
                matcher.add(key, [rule.pattern])
                node = len(rule.pattern)
                tokens = rule.pattern
                windowed = all(t.get("OP", "1") in ("1", "!", "?") for t in tokens)
            else:
                matcher = DependencyMatcher(vocab, validate=True)
                matcher.add(key, [rule.pattern])
                node = [n.get("RIGHT_ID") for n in rule.pattern].index(TRIGGER_NODE)
                tokens = [n.get("RIGHT_ATTRS", {}) for n in rule.pattern]
                tokens.insert(0, tokens.pop(node))
                windowed = False
        except (ValueError, KeyError, TypeError) as exc:
            raise InputError(f"rule {rule.event}/{rule.id}: bad spaCy pattern: {exc}",
                             rule.source) from exc
        needed = [frozenset(vocab.strings.add(w) for w in words)
                  for words in map(_anchor, tokens) if words]
        anchors = needed[0] if needed and (rule.kind == "tokens" or _anchor(tokens[0])) else None
        children = _child_checks(vocab, rule) if rule.kind == "dependency" else ()
        return _Compiled(rule, rank, matcher, anchors, tuple(needed), node, windowed, children)

    @classmethod
    def from_resources(cls, vocab: Vocab, event_types: Iterable[str],
                       directory: Path = PATTERNS) -> TriggerMatcher:
        return cls(vocab, load_rules(directory), event_types)

    def _run(self, rule: _Compiled, doc: Doc, positions: list[int] | None
             ) -> Iterator[tuple[int, int]]:
        """(start, end) of the rule's matches; the trigger node's token for dependency rules."""
        if rule.rule.kind == "dependency":
            if positions is not None and not any(rule.has_children(doc[i]) for i in positions):
                return
            for _, token_ids in rule.matcher(doc):
                yield token_ids[rule.node], token_ids[rule.node] + 1
            return
        if positions is None or not rule.windowed:
            for _, start, end in rule.matcher(doc):
                yield start, end
            return
        width = rule.node
        for position in positions:
            window = doc[max(0, position - width + 1):position + width]
            for _, start, end in rule.matcher(window):
                yield window.start + start, window.start + end

    def _matches(self, doc: Doc) -> list[tuple[int, int, int, Rule]]:
        """(start, end, rank, rule) of every trigger match, and of the exclusions over them."""
        words: dict[int, list[int]] = {}
        for i, (lemma, lower) in enumerate(doc.to_array([LEMMA, LOWER]).tolist()):
            words.setdefault(lemma, []).append(i)
            if lower != lemma:
                words.setdefault(lower, []).append(i)
        parsed = doc.has_annotation("DEP")
        found: set[tuple[int, int, int]] = set()
        for exclude in (False, True):
            if exclude:
                if not found:
                    break
                # an exclusion only matters where a trigger is
                covered = sorted({i for start, end, _ in found for i in range(start, end)})
            for rule in self._compiled:
                if rule.rule.exclude is not exclude or (rule.rule.kind == "dependency"
                                                        and not parsed):
                    continue
                positions = rule.positions(words)
                if positions is None and exclude:
                    positions = covered
                if positions == []:
                    continue
                found.update((start, end, rule.rank)
                             for start, end in self._run(rule, doc, positions))
        return [(start, end, rank, self.rules[rank]) for start, end, rank in found]

    def __call__(self, doc: Doc) -> list[Trigger]:
        """Triggers in document order; one per place and event type (the first rule wins)."""
        if not (self.rules and doc.has_annotation("LEMMA") and doc.has_annotation("POS")):
            return []
        matches = sorted(self._matches(doc), key=lambda m: m[:3])
        vetoes = [(r.event, s, e) for s, e, _, r in matches if r.exclude]
        triggers: dict[tuple[int, int, str], Trigger] = {}
        for start, end, _, rule in matches:
            if rule.exclude or (start, end, rule.event) in triggers:
                continue
            if any((event is None or event == rule.event) and s < end and start < e
                   for event, s, e in vetoes):
                continue
            triggers[(start, end, rule.event)] = Trigger(start, end, rule)
        return list(triggers.values())
