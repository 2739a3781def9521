"""Adjudication: settling several annotators' layers into the `gold` layer.

The curation flow the GUI drives (and `annotator adjudicate` runs in bulk for its first step):

1. `plan_agreed` / `merge_agreed`: everything every annotator marked identically (spans by
   position, label and kind; arguments by trigger, role and argument span) goes into gold, with
   origin `agreed`.
2. `differences`: what is left, as `Difference` objects to show one at a time: a region where
   the annotators' spans of one kind differ (each annotator's `Version` of it, possibly empty),
   or an agreed event whose arguments differ.
3. `resolution` / `resolve`: the curator takes one annotator's version (or drops them all: choice
   `None`). Chosen spans enter gold with origin `adjudicated`; the versions not taken leave
   *tombstones* in gold (decision `rejected`), which record the decision without being
   annotations (`Store.annotations(..., effective=True)` and exports skip them). "Edit" in the
   GUI is simply editing the gold layer; a hand-made gold span (origin `manual`) settles the
   region it overlaps just like a resolution does.

Everything that writes is an invertible edit from `annotator.edits`; the `plan_*`/`resolution`
functions return it unapplied so the GUI can push it on its undo stack, the others apply it.
A region counts as settled once a gold span not made by `merge_agreed` overlaps it, and an
agreed event's arguments once its gold trigger is no longer `agreed`.

Events that share a trigger stay apart: arguments are compared, merged and settled per frame
(frame 0 is a trigger's first event), and the frames of different annotators correspond by
number, as an import from brat or Prodigy numbers them (in file order).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from annotator.edits import (
    AddSpan,
    Compound,
    LateArgument,
    RemoveArgument,
    UpdateSpan,
)
from annotator.errors import Progress
from annotator.journal import perform
from annotator.model import GOLD, Annotations, Decision, Span, SpanKind
from annotator.store import Store

AGREED = "agreed"
ADJUDICATED = "adjudicated"


@dataclass(frozen=True)
class Version:
    """One annotator's take on a difference: spans in the region, or an event's arguments."""

    annotator: str
    spans: tuple[Span, ...] = ()
    #: (role, argument span) pairs, for argument differences
    arguments: tuple[tuple[str, Span], ...] = ()

    def describe(self, text: str) -> str:
        """A one-line summary for lists and tooltips."""
        if self.arguments:
            return "; ".join(f"{role}: {span.text_in(text)} [{span.label}]"
                             for role, span in self.arguments)
        if self.spans:
            return "; ".join(f"{span.text_in(text)} [{span.label}]" for span in self.spans)
        return "(nothing)"


@dataclass(frozen=True)
class Difference:
    """A place where the annotators disagree, with each annotator's version of it."""

    doc_id: int
    #: "entity", "trigger", or "arguments" (of the agreed event whose gold trigger is `trigger`)
    kind: str
    start: int
    end: int
    versions: tuple[Version, ...]
    trigger: Span | None = None
    #: for "arguments": which of the events on `trigger` (0: its first)
    frame: int = 0

    def version(self, annotator: str) -> Version:
        for version in self.versions:
            if version.annotator == annotator:
                return version
        raise KeyError(f"{annotator} is not among the compared annotators")


def _gold_span(span: Span, origin: str, decision: Decision = Decision.ACCEPTED) -> Span:
    return Span(span.doc_id, span.start, span.end, span.label, GOLD, span.kind, origin=origin,
                decision=decision)


class _GoldTargets:
    """Finds or creates the gold entity span an argument should point at, once per extent."""

    def __init__(self, gold: Annotations, origin: str):
        self.origin = origin
        self.by_extent: dict[tuple[int, int], AddSpan | int] = {}
        for span in gold.entities:
            if span.is_effective:
                self.by_extent.setdefault((span.start, span.end), span.id)
        self.by_key: dict[tuple, AddSpan | int] = {
            s.key: s.id for s in gold.spans if s.is_effective}

    def add(self, span: Span, edits: list) -> AddSpan | int:
        """A gold span for `span`, reusing one with the same key; new ones go into `edits`."""
        if span.key not in self.by_key:
            edit = AddSpan(_gold_span(span, self.origin), f"Gold {span.label}")
            edits.append(edit)
            self.by_key[span.key] = edit
            if span.kind is SpanKind.ENTITY:
                self.by_extent.setdefault((span.start, span.end), edit)
        return self.by_key[span.key]

    def argument(self, span: Span, edits: list) -> AddSpan | int:
        """The gold span at the argument's extent (any label), or a new copy of it."""
        found = self.by_extent.get((span.start, span.end))
        return found if found is not None else self.add(span, edits)


def _argument_pairs(layer: Annotations, trigger: Span, frame: int = 0) -> list[tuple[str, Span]]:
    """(role, argument span) of the event (`trigger`, `frame`) in `layer`."""
    return [(role, span) for f, role, span in _framed_arguments(layer, trigger) if f == frame]


def _framed_arguments(layer: Annotations, trigger: Span) -> list[tuple[int, str, Span]]:
    """(frame, role, argument span) of every event on `trigger` in `layer`."""
    by_id = layer.span_by_id()
    return sorted(((a.frame, a.role, by_id[a.argument_id]) for a in layer.arguments
                   if a.trigger_id == trigger.id and a.argument_id in by_id),
                  key=lambda p: (p[0], p[1], p[2].start, p[2].end))


def _frames(layer: Annotations, trigger: Span | None) -> set[int]:
    """The frames of `trigger` in `layer` that hold arguments."""
    if trigger is None:
        return set()
    return {a.frame for a in layer.arguments if a.trigger_id == trigger.id}


def _argument_keys(pairs: Sequence[tuple[str, Span]]) -> set[tuple[str, int, int]]:
    return {(role, span.start, span.end) for role, span in pairs}


def _layers(store: Store, doc_id: int, annotators: Sequence[str]) -> dict[str, Annotations]:
    if len(annotators) < 2:
        raise ValueError("adjudication needs two or more annotators")
    return {a: store.annotations(doc_id, a, effective=True) for a in annotators}


def plan_agreed(store: Store, doc_id: int, annotators: Sequence[str]) -> Compound:
    """The edit that puts into gold what every annotator agrees on and gold lacks.

    Spans agree when position, label and kind are equal; an argument when the trigger, role
    and argument extent are. Running it again adds nothing new (it skips what gold holds,
    tombstones included), so it is safe to run whenever a document is opened for curation.
    """
    layers = _layers(store, doc_id, annotators)
    gold = store.annotations(doc_id, GOLD)
    present = {s.key for s in gold.spans}
    agreed = Counter(s.key for s in layers[annotators[0]].spans)
    for layer in list(layers.values())[1:]:
        agreed &= Counter(s.key for s in layer.spans)
    edits: list = []
    targets = _GoldTargets(gold, AGREED)
    first = layers[annotators[0]]
    for span in first.spans:
        if span.key in agreed and span.key not in present:
            targets.add(span, edits)
    triggers = {s.key: s for s in first.triggers}
    gold_arguments = {(t.key, frame, role, s.start, s.end)
                      for t in gold.triggers for frame, role, s in _framed_arguments(gold, t)}
    # Events a curator has settled (origin no longer `agreed`) keep their arguments as set.
    curated = {t.key for t in gold.triggers if t.origin != AGREED}
    for key, trigger in triggers.items():
        if key not in targets.by_key or key in curated:
            continue
        for frame in sorted(_frames(first, trigger)):
            shared = None
            for layer in layers.values():
                mine = [t for t in layer.triggers if t.key == key]
                keys = _argument_keys(_argument_pairs(layer, mine[0], frame)) if mine else set()
                shared = keys if shared is None else shared & keys
            for role, span in _argument_pairs(first, trigger, frame):
                if (role, span.start, span.end) in shared and \
                        (key, frame, role, span.start, span.end) not in gold_arguments:
                    target = targets.by_extent.get((span.start, span.end))
                    if target is not None:
                        gold_arguments.add((key, frame, role, span.start, span.end))
                        edits.append(LateArgument(targets.by_key[key], role, target, AGREED,
                                                  frame=frame))
    return Compound(edits, f"Merge {len(edits)} agreed annotations into gold")


def merge_agreed(store: Store, doc_id: int, annotators: Sequence[str]) -> Compound:
    """`plan_agreed`, applied; returns the applied edit (revert it to undo)."""
    edit = plan_agreed(store, doc_id, annotators)
    if edit.edits:
        perform(store, edit, annotator=GOLD, document_id=doc_id, operation="adjudicate")
    return edit


def differences(store: Store, doc_id: int, annotators: Sequence[str]) -> list[Difference]:
    """What is still to settle on a document, in text order (span regions, then events)."""
    layers = _layers(store, doc_id, annotators)
    gold = store.annotations(doc_id, GOLD)
    out: list[Difference] = []
    for kind in (SpanKind.ENTITY, SpanKind.TRIGGER):
        curated = [s for s in gold.spans if s.kind is kind and s.origin != AGREED]
        for group in _disputed_regions(layers, kind):
            if any(c.start < group[1] and group[0] < c.end for c in curated):
                continue
            start, end, keys = group
            versions = tuple(
                Version(a, tuple(s for s in layer.spans if s.key in keys)) for a, layer in
                layers.items())
            out.append(Difference(doc_id, kind.value, start, end, versions))
    for trigger in gold.triggers:
        if trigger.origin != AGREED or not trigger.is_effective:
            continue
        theirs = {annotator: next((t for t in layer.triggers if t.key == trigger.key), None)
                  for annotator, layer in layers.items()}
        frames = _frames(gold, trigger).union(
            *(_frames(layers[a], t) for a, t in theirs.items())) or {0}
        settled_frames = {a.frame for a in gold.arguments
                          if a.trigger_id == trigger.id and a.origin == ADJUDICATED}
        for frame in sorted(frames - settled_frames):
            versions = [Version(annotator, (mine,) if mine else (), tuple(
                _argument_pairs(layers[annotator], mine, frame) if mine else ()))
                for annotator, mine in theirs.items()]
            settled = _argument_keys(_argument_pairs(gold, trigger, frame))
            if any(_argument_keys(v.arguments) != settled for v in versions):
                out.append(Difference(doc_id, "arguments", trigger.start, trigger.end,
                                      tuple(versions), trigger, frame))
    out.sort(key=lambda d: (d.start, d.end, d.kind, d.frame))
    return out


def _disputed_regions(layers: dict[str, Annotations],
                      kind: SpanKind) -> list[tuple[int, int, set[tuple]]]:
    """Overlapping clusters of the spans not every annotator has: (start, end, their keys)."""
    held = [{s.key for s in layer.spans if s.kind is kind} for layer in layers.values()]
    everyone = set.intersection(*held)
    disputed = sorted(set.union(*held) - everyone)
    regions: list[tuple[int, int, set[tuple]]] = []
    for key in disputed:
        start, end = key[0], key[1]
        if regions and start < regions[-1][1]:
            last = regions[-1]
            regions[-1] = (last[0], max(last[1], end), last[2] | {key})
        else:
            regions.append((start, end, {key}))
    return regions


def resolution(store: Store, difference: Difference, choice: str | None) -> Compound:
    """The edit that settles `difference` with `choice`'s version (None: drop every version)."""
    chosen = difference.version(choice) if choice is not None else Version("")
    gold = store.annotations(difference.doc_id, GOLD)
    targets = _GoldTargets(gold, ADJUDICATED)
    edits: list = []
    if difference.kind == "arguments":
        _take_arguments(store, difference, chosen, gold, targets, edits)
        what = "arguments"
    else:
        source = (store.annotations(difference.doc_id, choice, effective=True)
                  if choice is not None else Annotations())
        taken = {s.key for s in chosen.spans}
        for span in chosen.spans:
            head = targets.add(span, edits)
            for frame, role, argument in _framed_arguments(source, span):
                edits.append(LateArgument(head, role, targets.argument(argument, edits),
                                          ADJUDICATED, frame=frame))
        rejected = {s.key: s for v in difference.versions for s in v.spans
                    if s.key not in taken}
        for span in rejected.values():
            edits.append(AddSpan(_gold_span(span, ADJUDICATED, Decision.REJECTED),
                                 f"Reject {span.label}"))
        what = difference.kind
    name = f"Take {choice}'s" if choice is not None else "Drop"
    return Compound(edits, f"{name} {what} at {difference.start}–{difference.end}")


def _take_arguments(store: Store, difference: Difference, chosen: Version, gold: Annotations,
                    targets: _GoldTargets, edits: list) -> None:
    """Gold's arguments of the event (trigger, frame) become the chosen version's, all with
    origin `adjudicated` (which marks the frame settled); the trigger is marked adjudicated
    once no other frame of it is left to settle. The new arguments are made before the old
    ones go, so no argument id is reused within the edit (its undo restores the old ids).
    (Dropping every version of a frame leaves no mark: it settles with the trigger's last.)"""
    trigger = difference.trigger
    have = set()
    for role, span in chosen.arguments:
        if (role, span.start, span.end) not in have:
            have.add((role, span.start, span.end))
            edits.append(LateArgument(trigger.id, role, targets.argument(span, edits),
                                      ADJUDICATED, frame=difference.frame))
    for argument in gold.arguments:
        if argument.trigger_id == trigger.id and argument.frame == difference.frame:
            edits.append(RemoveArgument(argument.id, f"Remove {argument.role}"))
    annotators = [v.annotator for v in difference.versions]
    others = [d for d in differences(store, difference.doc_id, annotators)
              if d.kind == "arguments" and d.trigger is not None
              and d.trigger.id == trigger.id and d.frame != difference.frame]
    if not others:
        edits.append(UpdateSpan(trigger.id, {"origin": ADJUDICATED}, "Mark event adjudicated"))


def resolve(store: Store, difference: Difference, choice: str | None) -> Compound:
    """`resolution`, applied; returns the applied edit (revert it to undo)."""
    edit = resolution(store, difference, choice)
    perform(store, edit, annotator=GOLD, document_id=difference.doc_id, operation="adjudicate")
    return edit


@dataclass
class AdjudicationSummary:
    documents: int = 0
    #: spans and arguments added to gold
    merged: int = 0
    #: differences left for a curator
    differences: int = 0


def adjudicate_documents(store: Store, annotators: Sequence[str], doc_ids: Sequence[int], *,
                         progress: Progress | None = None) -> AdjudicationSummary:
    """Merge what everyone agrees on into gold for many documents, and count what is left.

    Each document is one transaction; returning False from `progress` stops after the
    current document (the finished ones stay merged).
    """
    summary = AdjudicationSummary()
    for done, doc_id in enumerate(doc_ids, 1):
        summary.merged += len(merge_agreed(store, doc_id, annotators).edits)
        summary.differences += len(differences(store, doc_id, annotators))
        summary.documents += 1
        if progress is not None and progress(done, len(doc_ids)) is False:
            break
    return summary
