"""Team work across desktops: split a project into one file per annotator, merge their layers back.

`split_project` gives each annotator a project file with their share of the documents plus an
overlap share that everyone gets (so agreement can be measured), with the schema, tokens,
suggestions and any work the annotator already did. `merge_projects` brings each annotator's
layer home, matching documents by content hash (names may have been changed; text may not).

Merging is idempotent: for every document in a file, the project's copy of that annotator's
layer (spans, arguments, status) is replaced by the file's, and the window activity the file
recorded (telemetry) is added where the project does not hold it yet. No other layer is
touched. A file holding a document whose text is not in the project is refused before anything
is written. A split file carries the A/B experiment's arms of its documents (`telemetry`).
"""

from __future__ import annotations

import json
import random
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from annotator.errors import Cancelled, InputError, Progress
from annotator.journal import copy_entries
from annotator.model import RESERVED_LAYERS, SUGGESTIONS, Argument, Document
from annotator.store import Store, StoreError

#: The setting a split file carries: who it is for and where it came from.
TEAM_SETTING = "team"


@dataclass
class SplitReport:
    #: annotator -> the project file made for them
    files: dict[str, Path] = field(default_factory=dict)
    #: annotator -> ids (in the source project) of their documents
    documents: dict[str, list[int]] = field(default_factory=dict)
    #: ids every annotator got
    overlap: list[int] = field(default_factory=list)


@dataclass
class MergedFile:
    path: Path
    layers: list[str]
    documents: int
    spans: int


def copy_layer(source: Store, source_doc: int, target: Store, target_doc: int, layer: str,
               suggestion_ids: dict[int, int]) -> dict[int, int]:
    """Copy a layer's spans and arguments on one document; returns old -> new span ids.

    `suggestion_ids` maps the source's suggestion span ids to the target's, so decisions stay
    linked to their suggestions; a decision whose suggestion has no counterpart keeps its
    content and loses only the link.
    """
    ids: dict[int, int] = {}
    for span in source.spans(source_doc, layer):
        link = suggestion_ids.get(span.suggestion_id) if span.suggestion_id is not None else None
        ids[span.id] = target.add_span(
            span.with_(doc_id=target_doc, id=None, suggestion_id=link)).id
    for argument in source.arguments(source_doc, layer):
        target.add_argument(Argument(ids[argument.trigger_id], argument.role,
                                     ids[argument.argument_id], argument.origin,
                                     argument.decision, argument.score,
                                     frame=argument.frame))
    return ids


def _file_name(stem: str, annotator: str) -> str:
    return f"{stem}-{re.sub(r'[^A-Za-z0-9_.-]+', '_', annotator)}.db"


def assign_documents(doc_ids: Sequence[int], annotators: Sequence[str], overlap: float,
                     seed: int) -> tuple[list[int], dict[str, list[int]]]:
    """Shuffle (reproducibly with `seed`), give `overlap` of the documents to everyone and deal
    the rest round-robin. Returns (overlap ids, annotator -> ids), ids sorted."""
    order = list(doc_ids)
    random.Random(seed).shuffle(order)
    shared = order[:round(overlap * len(order))]
    rest = order[len(shared):]
    shares = {a: sorted(shared + rest[i::len(annotators)]) for i, a in enumerate(annotators)}
    return sorted(shared), shares


def split_project(store: Store, annotators: Sequence[str], overlap: float, output_dir: Path,
                  seed: int = 0, *, progress: Progress | None = None) -> SplitReport:
    """Write one project file per annotator into `output_dir` (see the module docstring).

    All or nothing: on an error or a cancel (`progress` returning False raises `Cancelled`)
    the files written so far are removed.
    """
    annotators = list(annotators)
    if not annotators:
        raise InputError("name at least one annotator")
    if len(set(annotators)) != len(annotators):
        raise InputError(f"annotators named twice: {', '.join(annotators)}")
    reserved = [a for a in annotators if a in RESERVED_LAYERS or not a.strip()]
    if reserved:
        raise InputError(f"not an annotator name: {', '.join(map(repr, reserved))}")
    if not 0.0 <= overlap <= 1.0:
        raise InputError(f"overlap must be between 0 and 1, got {overlap}")
    output_dir = Path(output_dir)
    output_dir.mkdir(parents=True, exist_ok=True)
    report = SplitReport()
    report.overlap, report.documents = assign_documents(store.document_ids(), annotators,
                                                        overlap, seed)
    for annotator in annotators:
        path = output_dir / _file_name(store.path.stem, annotator)
        if path.exists():
            raise InputError("already exists; remove it or choose another output folder", path)
        report.files[annotator] = path
    total = sum(len(ids) for ids in report.documents.values())
    done = 0
    try:
        for annotator in annotators:
            with Store(report.files[annotator], schema=store.schema) as target:
                with target.atomic():
                    target.set_setting(TEAM_SETTING, json.dumps({
                        "annotator": annotator, "source": str(store.path), "seed": seed,
                        "overlap": overlap, "shared_documents": len(report.overlap)}))
                    documents: dict[int, int] = {}
                    spans: dict[int, int] = {}
                    for doc_id in report.documents[annotator]:
                        documents[doc_id], copied = _copy_document(store, doc_id, target,
                                                                   annotator)
                        spans.update(copied)
                        done += 1
                        if progress is not None and progress(done, total) is False:
                            raise Cancelled()
                    _copy_telemetry(store, target, annotator, documents)
                    copy_entries(store, target, documents=documents, spans=spans,
                                 annotators={annotator}, origin=str(store.path))
                target.hand_on()  # the file is mailed on its own: nothing left in a -wal
    except BaseException:
        for path in report.files.values():
            for leftover in (path, path.with_name(path.name + "-wal"),
                             path.with_name(path.name + "-shm")):
                leftover.unlink(missing_ok=True)
        raise
    return report


def _copy_document(store: Store, doc_id: int, target: Store,
                   annotator: str) -> tuple[int, dict[int, int]]:
    """Copy one document with its analysis, suggestions and `annotator`'s layer; returns the
    copy's id and the span ids of the source -> those of the copy."""
    doc = store.document(doc_id)
    new_id = target.add_documents([Document(doc.name, doc.text, doc.meta)]).added[0]
    tokens = store.tokens(doc_id)
    if tokens:
        target.set_tokens(new_id, store.analysis_model(doc_id) or "unknown", tokens,
                          store.sentences(doc_id), store.parse(doc_id))
    suggestions = copy_layer(store, doc_id, target, new_id, SUGGESTIONS, {})
    mine = copy_layer(store, doc_id, target, new_id, annotator, suggestions)
    target.set_status(new_id, annotator, store.status(doc_id, annotator))
    return new_id, {**suggestions, **mine}



def _copy_telemetry(store: Store, target: Store, annotator: str,
                    documents: dict[int, int]) -> None:
    """What telemetry needs in a split file: the annotator's window activity (on these
    documents, and on none), and the A/B experiment's arms of these documents, so that their
    window hides the suggestions where the experiment says so."""
    target.add_activity(store.activity(annotator), documents)
    arms = store.experiment_arms(list(documents))
    target.set_experiment_arms({documents[d]: arm for d, arm in arms.items()})


def _open_file(path: Path) -> Store:
    try:
        return Store(path, readonly=True)
    except (StoreError, RuntimeError) as exc:
        raise InputError(f"cannot open as a project: {exc}", path) from exc


def _matches(store: Store, source: Store, path: Path) -> dict[int, int]:
    """File document id -> project document id; refuses a document the project lacks."""
    matches = {}
    for doc in source.iter_documents():
        found = store.document_by_hash(doc.hash)
        if found is None:
            raise InputError(
                f"document {doc.name!r} is not in {store.path.name}: its text differs from "
                f"every project document (merge only files split from this project)", path)
        matches[doc.id] = found.id
    return matches


def merge_projects(store: Store, files: Sequence[Path], *,
                   progress: Progress | None = None) -> list[MergedFile]:
    """Bring each file's annotator layers into the project, all files in one transaction.

    Every file is checked first; any refusal leaves the project untouched, and so does
    cancelling (`progress` returning False raises `Cancelled` and rolls everything back).
    """
    opened: list[Store] = []
    try:
        checked = []
        for path in map(Path, files):
            source = _open_file(path)
            opened.append(source)
            checked.append((path, source, _matches(store, source, path)))
        merged = []
        total = sum(len(matches) for _, _, matches in checked)
        done = 0
        with store.atomic():
            for path, source, matches in checked:
                layers = source.annotators()
                spans = 0
                ids: dict[int, int] = {}
                for file_doc, project_doc in matches.items():
                    links = _suggestion_links(source, file_doc, store, project_doc)
                    ids.update(links)
                    for layer in layers:
                        store.clear_layer(project_doc, layer)
                        copied = copy_layer(source, file_doc, store, project_doc, layer, links)
                        spans += len(copied)
                        ids.update(copied)
                        store.set_status(project_doc, layer, source.status(file_doc, layer))
                    done += 1
                    if progress is not None and progress(done, total) is False:
                        raise Cancelled()
                store.add_activity([a for a in source.activity() if a.annotator in layers],
                                   matches)
                copy_entries(source, store, documents=matches, spans=ids,
                             annotators=set(layers), origin=str(path))
                merged.append(MergedFile(path, layers, len(matches), spans))
        return merged
    finally:
        for source in opened:
            source.close()


def _suggestion_links(source: Store, source_doc: int, target: Store,
                      target_doc: int) -> dict[int, int]:
    """Suggestion ids of the file -> the project's suggestion at the same place and label."""
    theirs = {s.key: s.id for s in target.spans(target_doc, SUGGESTIONS)}
    return {s.id: theirs[s.key] for s in source.spans(source_doc, SUGGESTIONS)
            if s.key in theirs}
