"""What an edit did to a project's rows, as data: the `Effect` that undo, redo and the journal use.

While an edit runs, the store reports every row it writes (`Store.recording`) into an `Effect`:
the net spans and arguments added, removed and changed, and the statuses set. An effect is
enough to replay the edit (redo) and, inverted, to revert it (undo), and it reads as stable
JSON (`to_json`), which is what the journal stores:

    {"spans_added": [SPAN...], "spans_removed": [SPAN...],
     "spans_changed": [{"id", "before": SPAN, "after": SPAN}...],
     "arguments_added": [ARGUMENT...], "arguments_removed": [ARGUMENT...],
     "status": {"document_id", "annotator", "before", "after"}}

SPAN is `{"id", "document_id", "layer", "kind", "start", "end", "label", "origin", "decision",
"score", "suggestion_id"}`, ARGUMENT is `{"id", "trigger_id", "role", "argument_id", "frame",
"origin", "decision", "score"}`; empty lists are left out, and an effect that set several
statuses lists them under `statuses` instead of `status`.

Replaying is checked first (`Effect.check`) against the file as it is now, not as it was when
the edit was made: another window, another program or a later edit may have changed what the
edit wrote. A replay that no longer fits is refused with a `StoreError` saying why, before any
row moves.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from enum import Enum
from typing import TYPE_CHECKING

from annotator.model import Argument, Decision, Span, SpanKind, Status

if TYPE_CHECKING:
    from annotator.store import Store


class StoreError(RuntimeError):
    """A write the project refuses (the message says why); nothing was changed."""


# --- rows as JSON ------------------------------------------------------------------------------
def span_to_json(span: Span) -> dict:
    return {"id": span.id, "document_id": span.doc_id, "layer": span.layer,
            "kind": span.kind.value, "start": span.start, "end": span.end, "label": span.label,
            "origin": span.origin, "decision": span.decision.value, "score": span.score,
            "suggestion_id": span.suggestion_id}


def span_from_json(data: dict) -> Span:
    return Span(data["document_id"], data["start"], data["end"], data["label"], data["layer"],
                SpanKind(data["kind"]), data["origin"], Decision(data["decision"]),
                data["score"], data["suggestion_id"], data["id"])


_ARGUMENT_FIELDS = {f.name for f in dataclasses.fields(Argument)}


def argument_to_json(argument: Argument) -> dict:
    return {"id": argument.id, "trigger_id": argument.trigger_id, "role": argument.role,
            "argument_id": argument.argument_id, "frame": getattr(argument, "frame", 0),
            "origin": argument.origin, "decision": argument.decision.value,
            "score": argument.score}


def argument_from_json(data: dict) -> Argument:
    values = {k: v for k, v in data.items() if k in _ARGUMENT_FIELDS}
    values["decision"] = Decision(values["decision"])
    return Argument(**values)


@dataclass(frozen=True)
class ChangeSet:
    """What an edit (or its undo or redo) touched, so a view reloads only that."""

    spans: frozenset[int] = frozenset()
    arguments: frozenset[int] = frozenset()
    documents: frozenset[int] = frozenset()
    #: (document id, annotator)
    statuses: frozenset[tuple[int, str]] = frozenset()

    def __or__(self, other: ChangeSet) -> ChangeSet:
        return ChangeSet(self.spans | other.spans, self.arguments | other.arguments,
                         self.documents | other.documents, self.statuses | other.statuses)

    def __bool__(self) -> bool:
        return bool(self.spans or self.arguments or self.documents or self.statuses)


@dataclass
class Effect:
    """The net row changes of one edit (see the module docstring). Keys are row ids."""

    spans_added: dict[int, Span] = field(default_factory=dict)
    spans_removed: dict[int, Span] = field(default_factory=dict)
    #: id -> (before, after)
    spans_changed: dict[int, tuple[Span, Span]] = field(default_factory=dict)
    arguments_added: dict[int, Argument] = field(default_factory=dict)
    arguments_removed: dict[int, Argument] = field(default_factory=dict)
    #: (document id, annotator) -> (before, after)
    statuses: dict[tuple[int, str], tuple[Status, Status]] = field(default_factory=dict)

    # --- recording (the store calls these as it writes) ------------------------------------
    def span_added(self, span: Span) -> None:
        removed = self.spans_removed.pop(span.id, None)
        if removed is not None:  # SQLite reuses the highest id once it is free
            self.span_changed(removed, span)
        else:
            self.spans_added[span.id] = span

    def span_changed(self, before: Span, after: Span) -> None:
        if after.id in self.spans_added:
            self.spans_added[after.id] = after
        elif after.id in self.spans_changed:
            first = self.spans_changed[after.id][0]
            if first == after:
                del self.spans_changed[after.id]
            else:
                self.spans_changed[after.id] = (first, after)
        elif before != after:
            self.spans_changed[after.id] = (before, after)

    def span_removed(self, span: Span, arguments: list[Argument]) -> None:
        for argument in arguments:
            self.argument_removed(argument)
        if self.spans_added.pop(span.id, None) is not None:
            return
        changed = self.spans_changed.pop(span.id, None)
        self.spans_removed[span.id] = changed[0] if changed else span

    def argument_added(self, argument: Argument) -> None:
        removed = self.arguments_removed.pop(argument.id, None)
        if removed is not None and removed == argument:
            return
        if removed is not None:
            self.arguments_removed[argument.id] = removed
        self.arguments_added[argument.id] = argument

    def argument_removed(self, argument: Argument) -> None:
        if self.arguments_added.pop(argument.id, None) is None:
            self.arguments_removed[argument.id] = argument

    def status_set(self, doc_id: int, annotator: str, before: Status, after: Status) -> None:
        key = (doc_id, annotator)
        first = self.statuses.get(key, (before, after))[0]
        if first == after:
            self.statuses.pop(key, None)
        else:
            self.statuses[key] = (first, after)

    # --- reading -------------------------------------------------------------------------------
    def __bool__(self) -> bool:
        return bool(self.spans_added or self.spans_removed or self.spans_changed
                    or self.arguments_added or self.arguments_removed or self.statuses)

    def inverse(self) -> Effect:
        return Effect(
            dict(self.spans_removed), dict(self.spans_added),
            {i: (after, before) for i, (before, after) in self.spans_changed.items()},
            dict(self.arguments_removed), dict(self.arguments_added),
            {k: (after, before) for k, (before, after) in self.statuses.items()})

    def documents(self) -> set[int]:
        docs = {s.doc_id for s in (*self.spans_added.values(), *self.spans_removed.values())}
        docs |= {after.doc_id for _, after in self.spans_changed.values()}
        docs |= {doc for doc, _ in self.statuses}
        return docs

    def change_set(self) -> ChangeSet:
        return ChangeSet(
            frozenset({*self.spans_added, *self.spans_removed, *self.spans_changed}),
            frozenset({*self.arguments_added, *self.arguments_removed}),
            frozenset(self.documents()), frozenset(self.statuses))

    def to_json(self) -> dict:
        out: dict = {}
        lists = {
            "spans_added": [span_to_json(s) for _, s in sorted(self.spans_added.items())],
            "spans_removed": [span_to_json(s) for _, s in sorted(self.spans_removed.items())],
            "spans_changed": [{"id": i, "before": span_to_json(b), "after": span_to_json(a)}
                              for i, (b, a) in sorted(self.spans_changed.items())],
            "arguments_added": [argument_to_json(a)
                                for _, a in sorted(self.arguments_added.items())],
            "arguments_removed": [argument_to_json(a)
                                  for _, a in sorted(self.arguments_removed.items())],
        }
        out.update((key, value) for key, value in lists.items() if value)
        statuses = [{"document_id": doc, "annotator": who, "before": b.value, "after": a.value}
                    for (doc, who), (b, a) in sorted(self.statuses.items())]
        if len(statuses) == 1:
            out["status"] = statuses[0]
        elif statuses:
            out["statuses"] = statuses
        return out

    @classmethod
    def from_json(cls, data: dict) -> Effect:
        statuses = data.get("statuses") or ([data["status"]] if data.get("status") else [])
        return cls(
            {s["id"]: span_from_json(s) for s in data.get("spans_added", ())},
            {s["id"]: span_from_json(s) for s in data.get("spans_removed", ())},
            {c["id"]: (span_from_json(c["before"]), span_from_json(c["after"]))
             for c in data.get("spans_changed", ())},
            {a["id"]: argument_from_json(a) for a in data.get("arguments_added", ())},
            {a["id"]: argument_from_json(a) for a in data.get("arguments_removed", ())},
            {(s["document_id"], s["annotator"]): (Status(s["before"]), Status(s["after"]))
             for s in statuses})

    # --- replaying -----------------------------------------------------------------------------
    def check(self, store: Store) -> None:
        """Refuse (StoreError) unless this effect applies to the file as it is now: what it
        removes or changes is still as recorded, the ids it adds are free, and what it adds
        still has its document, suggestion, trigger and argument spans."""
        current = {s.id: s for s in store.spans_by_id(
            {*self.spans_added, *self.spans_removed, *self.spans_changed})}
        for span in self.spans_removed.values():
            _same(current.get(span.id), span, span.id)
        for span_id, (before, _after) in self.spans_changed.items():
            _same(current.get(span_id), before, span_id)
        for span in self.spans_added.values():
            if span.id in current:
                raise StoreError(f"span id {span.id} is taken by another span now")
            store.document(span.doc_id)  # raises if the document is gone
        touched = {*self.spans_removed, *self.spans_changed}
        args = {a.id: a for a in store.arguments_of_spans(touched | set(self.spans_added))}
        args.update((a.id, a) for a in store.arguments_by_id(
            {*self.arguments_removed, *self.arguments_added}))
        for argument in self.arguments_removed.values():
            _same_argument(args.get(argument.id), argument)
        for argument in args.values():
            if argument.id in self.arguments_removed:
                continue
            if argument.trigger_id in self.spans_removed or \
                    argument.argument_id in self.spans_removed:
                raise StoreError(f"span {argument.trigger_id} has an argument ({argument.role}) "
                                 "made since; undo or remove that first")
        final = {**current, **self.spans_added,
                 **{i: after for i, (_b, after) in self.spans_changed.items()}}
        for span_id in self.spans_removed:
            final.pop(span_id, None)
        self._check_suggestions(store, final)
        self._check_arguments(store, args, final)
        for (doc_id, annotator), (before, _after) in self.statuses.items():
            now = store.status(doc_id, annotator)
            if now is not before:
                raise StoreError(f"the status of document {doc_id} for {annotator} is "
                                 f"{now.value} now, not {before.value}")

    def _check_suggestions(self, store: Store, final: dict[int, Span]) -> None:
        for span in (*self.spans_added.values(), *(a for _b, a in self.spans_changed.values())):
            if span.suggestion_id is None or span.suggestion_id in final:
                continue
            if not store.spans_by_id([span.suggestion_id]):
                raise StoreError(f"the suggestion {span.label} (span {span.suggestion_id}) was "
                                 "removed since, by a new pre-annotation run")
            other = store.decision_on(span.suggestion_id, span.layer)
            if other is not None and other != span.id and other not in self.spans_removed:
                raise StoreError(f"{span.layer} has decided on suggestion {span.suggestion_id} "
                                 f"since (span {other}), perhaps in another window")

    def _check_arguments(self, store: Store, args: dict[int, Argument],
                         final: dict[int, Span]) -> None:
        for argument in self.arguments_added.values():
            if argument.id in args:
                raise StoreError(f"argument id {argument.id} is taken by another argument now")
            ends = [final.get(i) or next(iter(store.spans_by_id([i])), None)
                    for i in (argument.trigger_id, argument.argument_id)]
            for span_id, span in zip((argument.trigger_id, argument.argument_id), ends,
                                     strict=True):
                if span is None or span_id in self.spans_removed:
                    raise StoreError(f"span {span_id} of the {argument.role} argument is gone")
            trigger, filler = ends
            if trigger.kind is not SpanKind.TRIGGER:
                raise StoreError(f"span {trigger.id} ({trigger.label}) is not an event trigger "
                                 f"any more, so it cannot take its {argument.role} back")
            if trigger.layer != filler.layer or trigger.doc_id != filler.doc_id:
                raise StoreError("an argument must be in the same document and layer as its "
                                 "trigger")
        for span_id, (_before, after) in self.spans_changed.items():
            if after.kind is SpanKind.TRIGGER:
                continue
            used = [a for a in args.values() if a.trigger_id == span_id
                    and a.id not in self.arguments_removed]
            if used:
                raise StoreError(f"span {span_id} has arguments; it must stay an event trigger")

    def replay(self, store: Store) -> None:
        """Apply this effect after `check`, in one transaction (an undo replays the inverse)."""
        with store.atomic():
            self.check(store)
            for argument_id in sorted(self.arguments_removed):
                store.delete_argument(argument_id)
            for span_id in sorted(self.spans_removed):
                store.delete_span(span_id)
            for span_id, (before, after) in sorted(self.spans_changed.items()):
                store.update_span(span_id, **_differences(before, after))
            for _, span in sorted(self.spans_added.items()):
                store.add_span(span)
            for _, argument in sorted(self.arguments_added.items()):
                store.add_argument(argument)
            for (doc_id, annotator), (_before, after) in sorted(self.statuses.items()):
                store.set_status(doc_id, annotator, after)


_SPAN_WHAT = ("label", "kind", "start", "end", "decision", "origin", "score", "suggestion_id",
              "layer", "doc_id")


def _differences(before: Span, after: Span) -> dict:
    return {name: getattr(after, name) for name in _SPAN_WHAT
            if getattr(before, name) != getattr(after, name)}


def _shown(value: object) -> str:
    return str(value.value if isinstance(value, Enum) else value)


def _same(now: Span | None, recorded: Span, span_id: int) -> None:
    if now is None:
        raise StoreError(f"span {span_id} ({recorded.label}) was deleted since")
    if now != recorded:
        what = ", ".join(f"{k} {_shown(getattr(recorded, k))} -> {_shown(getattr(now, k))}"
                         for k in _differences(recorded, now))
        raise StoreError(f"span {span_id} ({recorded.label}) has changed since ({what})")


def _same_argument(now: Argument | None, recorded: Argument) -> None:
    if now is None:
        raise StoreError(f"the {recorded.role} argument {recorded.id} was removed since")
    if now != recorded:
        raise StoreError(f"the {recorded.role} argument {recorded.id} has changed since")
