"""Invertible edits: every change a person makes to annotations, as a small object.

An edit's first `apply` runs its own logic against a `Store` in one transaction while the store
records every row it writes (`annotator.changes.Effect`). From then on the edit is that effect:
`revert` replays its inverse and a second `apply` (redo) replays it, each checked first against
the file as it is now, so a revert that no longer fits (the span was relabelled, its id taken,
its suggestion replaced) is refused with a `StoreError` before anything moves. Deleted rows come
back with their ids, so later edits in an undo history still point at the right spans.

`to_json()` gives an applied edit as stable JSON and `from_json` rebuilds it (a `Recorded` edit),
which is how undo history outlives the program (`annotator.journal`). Every writer of annotator
edits (GUI, CLI, adjudication) runs them through `annotator.journal.perform`, which writes the
journal row in the same transaction and returns the `ChangeSet` views refresh from.

`annotator.operations` turns an annotator's intent ("accept this suggestion", "relabel that
span") into the right edit for the layer the span lives in.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

from annotator.changes import ChangeSet, Effect
from annotator.model import (
    MANUAL,
    Argument,
    Decision,
    Span,
    Status,
)
from annotator.store import Store, StoreError


class Edit(Protocol):
    description: str
    #: what the edit did once applied (None before)
    effect: Effect | None

    def apply(self, store: Store) -> None: ...

    def revert(self, store: Store) -> None: ...

    def span_ids(self) -> set[int]:
        """The spans that applying or reverting wrote, so a view re-reads only those."""
        ...

    def changes(self) -> ChangeSet: ...

    def to_json(self) -> dict: ...


class _Recorded:
    """The shared half of every edit: the first apply records, later ones replay."""

    effect: Effect | None = None
    #: the intent, as the journal names it (`annotator.journal.operation_of` infers it if empty)
    operation: str = ""

    def _apply_first(self, store: Store) -> None:
        raise NotImplementedError

    def apply(self, store: Store) -> None:
        if self.effect is not None:  # redo
            self.effect.replay(store)
            return
        with store.atomic(), store.recording() as effect:
            self._apply_first(store)
        self.effect = effect

    def revert(self, store: Store) -> None:
        if self.effect is None:
            raise StoreError(f"{self.description}: not applied, nothing to undo")
        self.effect.inverse().replay(store)

    def forget(self) -> None:
        """Back to unapplied, after the transaction of a first apply was rolled back."""
        self.effect = None

    def changes(self) -> ChangeSet:
        return self.effect.change_set() if self.effect is not None else ChangeSet()

    def span_ids(self) -> set[int]:
        return set(self.changes().spans)

    def to_json(self) -> dict:
        """The applied edit as stable JSON: description, operation and the effect's rows."""
        if self.effect is None:
            raise StoreError(f"{self.description}: only an applied edit has a record")
        return {"description": self.description, "operation": self.operation,
                **self.effect.to_json()}


class Recorded(_Recorded):
    """An edit rebuilt from its JSON record: applied already; undo and redo replay it."""

    def __init__(self, effect: Effect, description: str, operation: str = ""):
        self.effect, self.description, self.operation = effect, description, operation

    def _apply_first(self, store: Store) -> None:  # pragma: no cover - effect is always set
        raise StoreError("a recorded edit only replays")

    def __repr__(self) -> str:
        return f"Recorded({self.description!r}, {self.operation!r})"


def from_json(data: dict) -> Recorded:
    """The edit `Edit.to_json()` wrote, ready to revert (undo) or re-apply (redo)."""
    return Recorded(Effect.from_json(data), data.get("description", "Edit"),
                    data.get("operation", ""))


@dataclass
class AddSpan(_Recorded):
    span: Span
    description: str = "Add span"
    #: the stored span (with its id) once applied
    added: Span | None = None

    def _apply_first(self, store: Store) -> None:
        self.added = store.add_span(self.span)


@dataclass
class RemoveSpan(_Recorded):
    span_id: int
    description: str = "Delete span"
    removed: Span | None = None
    removed_arguments: list[Argument] = field(default_factory=list)

    def _apply_first(self, store: Store) -> None:
        self.removed, self.removed_arguments = store.delete_span(self.span_id)


class UpdateSpan(_Recorded):
    """Change some fields of a stored span (`values`: field name -> new value)."""

    def __init__(self, span_id: int, values: dict, description: str = "Change span"):
        self.span_id, self.values, self.description = span_id, values, description
        self.before: dict = {}

    def _apply_first(self, store: Store) -> None:
        old = store.get_span(self.span_id)
        self.before = {name: getattr(old, name) for name in self.values}
        store.update_span(self.span_id, **self.values)

    def __repr__(self) -> str:
        return f"UpdateSpan({self.span_id}, {self.values!r}, {self.description!r})"


@dataclass
class AddArgument(_Recorded):
    argument: Argument
    description: str = "Add argument"
    added: Argument | None = None

    def _apply_first(self, store: Store) -> None:
        self.added = store.add_argument(self.argument)


@dataclass
class RemoveArgument(_Recorded):
    argument_id: int
    description: str = "Remove argument"
    removed: Argument | None = None

    def _apply_first(self, store: Store) -> None:
        self.removed = store.delete_argument(self.argument_id)


@dataclass
class SetStatus(_Recorded):
    doc_id: int
    annotator: str
    status: Status
    description: str = "Set document status"
    before: Status | None = None

    def _apply_first(self, store: Store) -> None:
        self.before = store.status(self.doc_id, self.annotator)
        store.set_status(self.doc_id, self.annotator, self.status)


@dataclass
class Compound(_Recorded):
    """Several edits as one step: applied in one transaction, reverted as one."""

    edits: list
    description: str = "Edit"

    def _apply_first(self, store: Store) -> None:
        for edit in self.edits:
            edit.apply(store)

    def forget(self) -> None:
        super().forget()
        for edit in self.edits:
            edit.forget()


class LateArgument(_Recorded):
    """An argument between spans that earlier edits of the same compound create.

    Their ids are only known once those edits have run, so the argument resolves them then.
    """

    def __init__(self, trigger: AddSpan | int, role: str, argument: AddSpan | int,
                 origin: str = MANUAL, decision: Decision = Decision.ACCEPTED,
                 score: float | None = None, frame: int = 0):
        self.trigger, self.role, self.argument = trigger, role, argument
        self.origin, self.decision, self.score, self.frame = origin, decision, score, frame
        self.description = f"Set {role}"
        self.added: Argument | None = None

    @staticmethod
    def _id(ref: AddSpan | int) -> int:
        return ref if isinstance(ref, int) else ref.added.id

    def _apply_first(self, store: Store) -> None:
        self.added = store.add_argument(Argument(
            self._id(self.trigger), self.role, self._id(self.argument), self.origin,
            self.decision, self.score, frame=self.frame))
