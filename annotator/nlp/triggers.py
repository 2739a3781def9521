"""Event trigger rules: spaCy Matcher and DependencyMatcher patterns kept as data.

The rules live in `resources/patterns/*.toml` (format in that folder's README) so a linguist can
read and extend them without touching code: `[[trigger]]` rules propose an event type on the
words they match, `[[exclude]]` rules veto triggers on the words they match (for "strike a
deal", "called off"). Keeping vetoes separate keeps each pattern simple, where negative
conditions inside a DependencyMatcher pattern are not expressible at all.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import tomllib
from spacy.matcher import DependencyMatcher, Matcher
from spacy.tokens import Doc
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


class TriggerMatcher:
    """Finds triggers in parsed Docs with the rules for the event types a schema has."""

    def __init__(self, vocab: Vocab, rules: Iterable[Rule], event_types: Iterable[str]):
        known = set(event_types)
        self.rules = [r for r in rules if r.event is None or r.event in known]
        #: event types that have rules but are not in the schema (reported, not an error)
        self.skipped_events = sorted({r.event for r in rules if r.event and r.event not in known})
        self._matcher = Matcher(vocab, validate=True)
        self._dependency = DependencyMatcher(vocab, validate=True)
        #: matcher key -> (rule, its rank, the position of the trigger node in its pattern)
        self._by_key: dict[int, tuple[Rule, int, int]] = {}
        for index, rule in enumerate(self.rules):
            key = f"{'exclude' if rule.exclude else 'trigger'}:{index}:{rule.event}/{rule.id}"
            node = ([n.get("RIGHT_ID") for n in rule.pattern].index(TRIGGER_NODE)
                    if rule.kind == "dependency" else 0)
            self._by_key[vocab.strings.add(key)] = (rule, index, node)
            try:
                if rule.kind == "tokens":
                    self._matcher.add(key, [rule.pattern])
                else:
                    self._dependency.add(key, [rule.pattern])
            except (ValueError, KeyError, TypeError) as exc:
                raise InputError(f"rule {rule.event}/{rule.id}: bad spaCy pattern: {exc}",
                                 rule.source) from exc

    @classmethod
    def from_resources(cls, vocab: Vocab, event_types: Iterable[str],
                       directory: Path = PATTERNS) -> TriggerMatcher:
        return cls(vocab, load_rules(directory), event_types)

    def _matches(self, doc: Doc) -> list[tuple[int, int, int, Rule]]:
        """(start, end, rank, rule) of every match, trigger and exclusion."""
        found = []
        for key, start, end in self._matcher(doc):
            rule, rank, _ = self._by_key[key]
            found.append((start, end, rank, rule))
        if doc.has_annotation("DEP"):
            for key, token_ids in self._dependency(doc):
                rule, rank, node = self._by_key[key]
                found.append((token_ids[node], token_ids[node] + 1, rank, rule))
        return found

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
