"""The project lexicon: what annotators decided about a string, suggested wherever it recurs.

Every entity an annotator accepts, edits or creates (in any layer but `suggestions`) is
evidence that its exact string has that label; every suggestion they reject is evidence
against the string with that label. Nothing is stored for it: the evidence is read live from
the spans, so an accept in one document shows up in the next one opened.

- A string is suggested with its majority label (most accepts; the split is listed) when the
  accepts for that label outnumber the rejections; the suggestion's origin is `lexicon` and its
  score the net evidence (accepts minus rejections). Entries added by hand (`add`) are always
  suggested.
- A string rejected for a label at least `REJECTIONS_TO_SILENCE` times, more often than it was
  accepted, silences that label: undecided model suggestions of it are taken out of the
  `suggestions` layer ("reject `State` as ORG three times and it stops being suggested").
- Suggestions that someone decided on are never touched (the store's rule for every re-run),
  and the lexicon suggests nothing over an entity someone marked, edited or rejected.

`refresh(store, doc_ids)` brings the lexicon's suggestions of some documents up to date: the GUI
calls it when it opens a document, `annotator preannotate` after the model ran, `annotator
queue` before ranking. Where the document's analysis kept its parse, the suggestions it writes
become event arguments as the model's entities do (`annotator.nlp.stored_parse`). The lexicon's
own tables hold only what people did to it by hand: `lexicon_added` (a phrase and label added
without an annotation) and `lexicon_forgotten` (evidence for a phrase, or for every phrase when
the phrase is '', written before that point is ignored: `remove` and `clear`).
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timezone

from annotator.model import SUGGESTIONS, Annotations, Decision, Span, SpanKind
from annotator.store import Store

ORIGIN = "lexicon"
#: rejections of a string with a label (more than its accepts) after which model suggestions
#: of it stop
REJECTIONS_TO_SILENCE = 3
#: a phrase needs a letter or digit and this many characters ("a", "-" teach nothing)
MIN_LENGTH = 2
_WORDY = re.compile(r"\w")


def _now() -> str:
    """The time as `spans.updated_at` holds it, so the two compare as strings."""
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


@dataclass
class Entry:
    """One string: accepts and rejections per label, and what the lexicon makes of them."""

    phrase: str
    accepted: Counter = field(default_factory=Counter)
    rejected: Counter = field(default_factory=Counter)
    #: labels added by hand
    added: set[str] = field(default_factory=set)

    @property
    def label(self) -> str | None:
        """The label it is suggested with: a hand-added one, else the majority of accepts
        (ties: the label that sorts first) if accepts outnumber its rejections."""
        if self.added:
            return sorted(self.added)[0]
        if not self.accepted:
            return None
        label = min(self.accepted, key=lambda lab: (-self.accepted[lab], lab))
        return label if self.accepted[label] > self.rejected[label] else None

    @property
    def score(self) -> float:
        """Net evidence for the suggested label (at least 1)."""
        label = self.label
        if label is None:
            return 0.0
        return float(max(1, self.accepted[label] - self.rejected[label]))

    def silenced(self) -> set[str]:
        """Labels this string must no longer be suggested with."""
        return {label for label, n in self.rejected.items()
                if n >= REJECTIONS_TO_SILENCE and n > self.accepted[label]
                and label not in self.added}

    @property
    def split(self) -> str:
        """"PERSON 5, ORG 1; rejected ORG 3": every label's evidence, majority first."""
        parts = ", ".join(f"{lab} {n}" for lab, n in sorted(
            self.accepted.items(), key=lambda item: (-item[1], item[0])))
        if self.added:
            parts = ", ".join(filter(None, [f"{lab} (added)" for lab in sorted(self.added)]
                                     + [parts]))
        against = ", ".join(f"{lab} {n}" for lab, n in sorted(self.rejected.items()))
        return "; ".join(filter(None, [parts, f"rejected {against}" if against else ""]))


def _usable(phrase: str) -> bool:
    return len(phrase) >= MIN_LENGTH and bool(_WORDY.search(phrase))


def _forgetting(store: Store) -> dict[str, tuple[str, int]]:
    """phrase ('' = all) -> (time, highest span id then): evidence up to it is ignored."""
    return {phrase: (at, span_id) for phrase, at, span_id in store.db.execute(
        "SELECT phrase, forgotten_at, last_span_id FROM lexicon_forgotten").fetchall()}


def entries(store: Store) -> dict[str, Entry]:
    """Every phrase with evidence or added by hand, read from the project now."""
    forgotten = _forgetting(store)
    everything = forgotten.get("")
    rows = store.db.execute(
        "SELECT substr(d.text, s.start_char + 1, s.end_char - s.start_char), s.label, "
        "s.decision, s.id, s.updated_at FROM spans s JOIN documents d ON d.id = s.document_id "
        "WHERE s.layer != ? AND s.kind = ?",
        [SUGGESTIONS, SpanKind.ENTITY.value]).fetchall()

    def current() -> Iterable[tuple[str, str, str]]:
        for phrase, label, decision, span_id, updated_at in rows:
            phrase = " ".join(phrase.split())
            cut = [c for c in (everything, forgotten.get(phrase)) if c is not None]
            # a span written before a forgetting (same id or older, not updated since) is old
            if not any(span_id <= last_id and updated_at <= at for at, last_id in cut):
                yield phrase, label, decision

    found = entries_from(current())
    for phrase, label in store.db.execute("SELECT phrase, label FROM lexicon_added").fetchall():
        found.setdefault(phrase, Entry(phrase)).added.add(label)
    return found


def entries_from(decisions: Iterable[tuple[str, str, str]]) -> dict[str, Entry]:
    """A lexicon from (text, label, decision) triples: accepted and edited spans are evidence
    for, rejected ones against; suggestions and unusable phrases are skipped."""
    found: dict[str, Entry] = {}
    for text, label, decision in decisions:
        phrase = " ".join(text.split())
        if not _usable(phrase) or decision in (Decision.SUGGESTED, Decision.SUGGESTED.value):
            continue
        entry = found.setdefault(phrase, Entry(phrase))
        rejected = decision in (Decision.REJECTED, Decision.REJECTED.value)
        (entry.rejected if rejected else entry.accepted)[label] += 1
    return found


def add(store: Store, phrase: str, label: str) -> None:
    """Suggest `phrase` with `label` from now on, whatever the evidence says."""
    phrase = " ".join(phrase.split())
    if not _usable(phrase):
        raise ValueError(f"{phrase!r} is too short to suggest")
    if label not in store.schema.entities:
        raise ValueError(f"{label!r} is not an entity label of this project")
    with store.atomic():
        store.db.execute("INSERT OR REPLACE INTO lexicon_added (phrase, label, added_at) "
                         "VALUES (?, ?, ?)", [phrase, label, _now()])


def remove(store: Store, phrase: str) -> bool:
    """Forget `phrase`: hand-added labels and the evidence so far (new decisions count again).
    False when the lexicon did not know it."""
    phrase = " ".join(phrase.split())
    known = phrase in entries(store)
    with store.atomic():
        store.db.execute("DELETE FROM lexicon_added WHERE phrase = ?", [phrase])
        _forget(store, phrase)
    return known


def clear(store: Store) -> int:
    """Forget every phrase (as `remove` does); returns how many there were."""
    known = len(entries(store))
    with store.atomic():
        store.db.execute("DELETE FROM lexicon_added")
        store.db.execute("DELETE FROM lexicon_forgotten")
        _forget(store, "")
    return known


def _forget(store: Store, phrase: str) -> None:
    last = store.db.execute("SELECT coalesce(max(id), 0) FROM spans").fetchone()[0]
    store.db.execute("INSERT OR REPLACE INTO lexicon_forgotten (phrase, forgotten_at, "
                     "last_span_id) VALUES (?, ?, ?)", [phrase, _now(), last])


class Matcher:
    """Finds the lexicon's phrases in a text, longest first, on word boundaries."""

    def __init__(self, phrases: Iterable[str]):
        ordered = sorted(set(phrases), key=lambda p: (-len(p), p))
        self.pattern = (re.compile(r"(?<!\w)(?:" + "|".join(map(re.escape, ordered)) + r")(?!\w)")
                        if ordered else None)

    def __call__(self, text: str) -> Iterable[tuple[int, int, str]]:
        if self.pattern is None:
            return
        for match in self.pattern.finditer(text):
            yield match.start(), match.end(), match.group()


#: what a model's entity may have around a lexicon phrase that the phrase is still better
#: without: an article ("the White House", where annotators keep the name alone)
ARTICLES = frozenset({"the", "a", "an"})


class Containers:
    """The model's entity suggestions by label, to ask whether a lexicon match lies inside a
    longer one of its own label: "Kim" inside "Kim Yong-chol", "February" inside "late
    February". The longer one is the better suggestion there and the nested one noise, not a
    disagreement worth a look, unless all the longer one adds is an article ("the White
    House"), which annotators leave out and the lexicon has learned to. (A match inside a
    suggestion of another label is a disagreement and stays.) The model's entities do not
    overlap one another, so the one that could hold a match is found by bisection."""

    def __init__(self, text: str, spans: Iterable[Span]):
        self.text = text
        by_label: dict[str, list[tuple[int, int]]] = {}
        for span in spans:
            if span.kind is SpanKind.ENTITY and span.origin != ORIGIN:
                by_label.setdefault(span.label, []).append((span.start, span.end))
        self.starts = {label: [start for start, _ in sorted(found)]
                       for label, found in by_label.items()}
        self.ends = {label: [end for _, end in sorted(found)]
                     for label, found in by_label.items()}

    def inside(self, start: int, end: int, label: str) -> bool:
        starts = self.starts.get(label)
        if not starts:
            return False
        i = bisect_right(starts, start) - 1
        if i < 0 or self.ends[label][i] < end or (starts[i], self.ends[label][i]) == (start, end):
            return False
        around = self.text[starts[i]:start].split() + self.text[end:self.ends[label][i]].split()
        return not all(word.lower() in ARTICLES for word in around)


@dataclass
class RefreshReport:
    documents: int = 0
    #: lexicon suggestions in the refreshed documents after the refresh
    suggested: int = 0
    #: undecided suggestions taken out because their string and label were silenced
    silenced: int = 0
    #: documents whose suggestions the refresh rewrote (the others were already right)
    written: int = 0
    #: event arguments suggested for the lexicon suggestions it added
    arguments: int = 0
    #: the lexicon it suggested from (each phrase's evidence: what a suggestion's split is)
    entries: dict[str, Entry] = field(default_factory=dict)


def refresh(store: Store, doc_ids: Iterable[int],
            known: dict[str, Entry] | None = None) -> RefreshReport:
    """Bring the lexicon's suggestions in `doc_ids` up to date (see the module docstring).

    Undecided `lexicon` suggestions that are no longer wanted go, new ones come (with their
    event arguments, see `_link`), the others stay as they are; a phrase whose label another
    undecided suggestion already gives at the same place is not suggested twice; decided
    suggestions are never touched. A document whose lexicon suggestions are already right is
    not written (opening it takes no write lock); the others are written one transaction each,
    at a cost that follows what changed rather than the length of the document.
    """
    known = entries(store) if known is None else known
    labels = {phrase: entry.label for phrase, entry in known.items()}
    labels = {phrase: label for phrase, label in labels.items() if label is not None}
    silenced = {phrase: entry.silenced() for phrase, entry in known.items()}
    silenced = {phrase: found for phrase, found in silenced.items() if found}
    matcher = Matcher(labels)
    report = RefreshReport(entries=known)
    now = _now()
    for doc_id in doc_ids:
        report.documents += 1
        text = store.document(doc_id).text
        spans = store.spans(doc_id)
        decided = {s.suggestion_id for s in spans if s.layer != SUGGESTIONS}
        open_ = [s for s in spans if s.layer == SUGGESTIONS and s.id not in decided]
        ours = [s for s in open_ if s.origin == ORIGIN]
        silence = [s.id for s in open_ if s.kind is SpanKind.ENTITY and s.origin != ORIGIN
                   and s.label in silenced.get(" ".join(s.text_in(text).split()), ())]
        present = {s.key for s in spans if s.layer == SUGGESTIONS and s.origin != ORIGIN
                   and s.id not in silence}
        present |= {s.key for s in spans if s.layer == SUGGESTIONS and s.id in decided}
        # where someone marked, edited or rejected an entity, the lexicon stays out
        # (one byte per character, so a match's test costs its length, not the marks' count)
        marked = bytearray(len(text))
        for s in spans:
            if s.layer != SUGGESTIONS and s.kind is SpanKind.ENTITY:
                marked[s.start:s.end] = b"\1" * (s.end - s.start)
        longer = Containers(text, (s for s in open_ if s.id not in silence))
        wanted = {(start, end, labels[phrase], known[phrase].score)
                  for start, end, phrase in matcher(text)
                  if (start, end, labels[phrase], SpanKind.ENTITY) not in present
                  and marked.find(1, start, end) == -1
                  and not longer.inside(start, end, labels[phrase])}
        report.suggested += len(wanted)
        kept = {(s.start, s.end, s.label, s.score): s for s in ours}
        if not silence and wanted == set(kept):
            continue  # nothing changed: no write, so opening a document takes no lock
        report.written += 1
        stale = [s.id for s in ours if kept[s.start, s.end, s.label, s.score] is not s
                 or (s.start, s.end, s.label, s.score) not in wanted]
        with store.atomic():
            undecided = "NOT EXISTS (SELECT 1 FROM spans m WHERE m.suggestion_id = spans.id)"
            for span_id in stale:
                store.db.execute(f"DELETE FROM spans WHERE id = ? AND {undecided}", [span_id])
            for span_id in silence:
                report.silenced += store.db.execute(
                    f"DELETE FROM spans WHERE id = ? AND {undecided}", [span_id]).rowcount
            new = []
            for start, end, label, score in sorted(wanted - set(kept)):
                # what was read came before this transaction: another connection (the window
                # opening this document while a background refresh runs) may have added the
                # same suggestion since, and it is not added twice
                cursor = store.db.execute(
                    "INSERT INTO spans (document_id, layer, kind, start_char, end_char, label, "
                    "origin, decision, score, updated_at) SELECT ?, ?, ?, ?, ?, ?, ?, ?, ?, ? "
                    "WHERE NOT EXISTS (SELECT 1 FROM spans WHERE document_id = ? AND layer = ? "
                    "AND start_char = ? AND end_char = ? AND label = ? AND origin = ?)",
                    [doc_id, SUGGESTIONS, SpanKind.ENTITY.value, start, end, label, ORIGIN,
                     Decision.SUGGESTED.value, score, now,
                     doc_id, SUGGESTIONS, start, end, label, ORIGIN])
                if not cursor.rowcount:
                    continue
                span_id = cursor.lastrowid
                new.append(Span(doc_id, start, end, label, SUGGESTIONS, SpanKind.ENTITY, ORIGIN,
                                Decision.SUGGESTED, score, id=span_id))
            gone = {*stale, *silence}
            report.arguments += _link(store, doc_id, new, [s for s in open_ if s.id not in gone])
    return report


def _link(store: Store, doc_id: int, new: list[Span], open_: list[Span]) -> int:
    """Suggest the event arguments the document's stored parse supports between its open
    trigger suggestions and the `new` lexicon suggestions (the rules pre-annotation links the
    model's entities with); returns how many. Nothing without a stored parse (an analysis
    made before parses were kept: re-analysing brings it). The arguments go with their
    suggestion when a later refresh replaces it (foreign key cascade)."""
    triggers = any(s.kind is SpanKind.TRIGGER for s in open_)
    parse = store.parse(doc_id) if new and triggers else None
    if parse is None:
        return 0
    # imported here, not with the module: spaCy takes most of a second to load and the GUI,
    # which refreshes the lexicon on every open, has no other use for it
    from annotator.nlp.arguments import ARGUMENT_ORIGIN
    from annotator.nlp.stored_parse import link_new_entities

    ids = {s.id for s in open_}
    arguments = [a for a in store.arguments(doc_id, SUGGESTIONS)
                 if a.trigger_id in ids and a.argument_id in ids]
    links = link_new_entities(store, doc_id, parse, Annotations(open_ + new, arguments), new)
    for trigger_id, role, entity_id in links:
        store.db.execute(
            "INSERT INTO arguments (trigger_id, role, argument_id, origin, decision, score, "
            "frame) VALUES (?, ?, ?, ?, ?, NULL, 0)",
            [trigger_id, role, entity_id, ARGUMENT_ORIGIN, Decision.SUGGESTED.value])
    return len(links)
