"""spaCy's binary training format, `.spacy` (a `DocBin`), both ways.

Each document becomes a `Doc` on the project's tokens (or spaCy's English tokenizer) with:
- `doc.ents`: the entities one label per token can hold (longest first; the export reports the
  overlapping/nested ones left out, which stay in `doc.spans["sc"]`), for the `ner` component;
- `doc.spans["sc"]`: every entity span, overlaps included, for `spancat`;
- `doc.spans["events"]`: the event triggers, labelled with the event type;
- `doc.user_data["events"]`: the event frames, `[{"trigger": [start_char, end_char], "type":
  "Contact:Meet", "arguments": [{"role": "Participant", "start": 0, "end": 11, "label":
  "PERSON"}, ...]}, ...]`, and `doc.user_data["name"]`, `["meta"]`, `["layer"]` (the DocBin is
  written with `store_user_data=True`).
Sentence starts are set from the stored sentences.

`--split` adds a `config.cfg` made offline by `spacy init config` (English, `ner`, optimised for
efficiency) with `paths.train` and `paths.dev` set to the written files, so
`python -m spacy train config.cfg` runs as written.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path

from annotator.errors import InputError
from annotator.formats.context import ExportContext, ImportContext
from annotator.formats.records import Mention, Record, non_overlapping
from annotator.formats.tokens import aligned, blank_vocab
from annotator.importing import shown
from annotator.model import Sentence, SpanKind

ENTITY_GROUP = "sc"
EVENT_GROUP = "events"


def to_doc(record: Record, context: ExportContext):
    """A record as a spaCy Doc (see the module docstring for where everything goes)."""
    from spacy.tokens import Doc, Span

    record, tokens = aligned(record, context.notes)
    doc = Doc(blank_vocab(), words=tokens.words(record.text),
              spaces=tokens.spaces, sent_starts=tokens.sent_starts)

    def span(mention: Mention) -> Span:
        return Span(doc, *tokens.locate(mention), label=mention.label)

    entities, left = non_overlapping(record.entities, len(record.text))
    doc.ents = [span(m) for m in entities]
    context.notes.add('overlapping or nested entity spans left out of doc.ents (kept in '
                      'doc.spans["sc"])', record.name, len(left))
    doc.spans[ENTITY_GROUP] = [span(m) for m in record.entities]
    doc.spans[EVENT_GROUP] = [span(m) for m in record.triggers]
    doc.user_data["events"] = [
        {"trigger": [trigger.start, trigger.end], "type": trigger.label,
         "arguments": [{"role": role, "start": arg.start, "end": arg.end, "label": arg.label}
                       for role, arg in arguments]}
        for trigger, arguments in record.events()
    ]
    doc.user_data.update(name=record.name, meta=record.meta, layer=record.layer)
    return doc


def write(records: Iterable[Record], path: Path, context: ExportContext) -> None:
    from spacy.tokens import DocBin

    docs = DocBin(store_user_data=True)
    for record in records:
        docs.add(to_doc(record, context))
    docs.to_disk(path)


def write_config(folder: Path, parts: dict[str, Path]) -> None:
    """`config.cfg` for `python -m spacy train`, pointing at the written train and dev files."""
    from spacy.cli.init_config import init_config

    config = init_config(lang="en", pipeline=["ner"], optimize="efficiency", gpu=False,
                         silent=True)
    config["paths"]["train"] = str(parts["train"].resolve())
    config["paths"]["dev"] = str(parts["dev"].resolve())
    config.to_disk(folder / "config.cfg")


# --- reading -----------------------------------------------------------------------------
def read(path: Path, context: ImportContext) -> Iterator[Record]:
    from spacy.tokens import DocBin

    try:
        docs = list(DocBin().from_disk(path).get_docs(blank_vocab()))
    except Exception as exc:  # msgpack, zlib and spaCy's own errors all mean "not a DocBin"
        raise InputError(f"not a spaCy DocBin ({type(exc).__name__}: {exc})", path) from exc
    if not docs:
        raise InputError("no documents in this DocBin", path)
    for number, doc in enumerate(docs, 1):
        yield _record(doc, path, number, context)


def _record(doc, path: Path, number: int, context: ImportContext) -> Record:
    data = doc.user_data
    where = f"{path}: document {number}"
    meta = data.get("meta") if isinstance(data.get("meta"), dict) else {}
    layer = data.get("layer") or None
    if layer is not None and not isinstance(layer, str):
        raise InputError(f'doc.user_data["layer"] must be a string, not {shown(layer)}', where)
    frames = data.get("events") or []
    # msgpack hands lists back as tuples
    if not isinstance(frames, list | tuple) or not all(isinstance(f, dict) for f in frames):
        raise InputError(f'doc.user_data["events"] must be a list of objects, not '
                         f"{shown(frames)}", where)
    record = Record(str(data.get("name") or f"{path.stem}-{number}"), doc.text, dict(meta),
                    tokens=[(t.idx, t.idx + len(t), bool(t.whitespace_)) for t in doc],
                    annotated=True, layer=layer, source=where)
    if doc.has_annotation("SENT_START"):
        record.sentences = [Sentence(s.start_char, s.end_char) for s in doc.sents]
    for span in [*doc.ents, *doc.spans.get(ENTITY_GROUP, [])]:
        record.add(Mention(span.start_char, span.end_char, span.label_))
    for span in doc.spans.get(EVENT_GROUP, []):
        record.add(Mention(span.start_char, span.end_char, span.label_, SpanKind.TRIGGER))
    for group in doc.spans:
        if group not in (ENTITY_GROUP, EVENT_GROUP):
            context.notes.add(f'spans of group "{group}" not imported (only "sc" and "events")',
                              f"{path.name}: document {number}", len(doc.spans[group]))
    events: dict[int, int] = {}
    for frame in frames:
        _frame(record, frame, events, where)
    return record


def _offset(value: object) -> int:
    if not isinstance(value, int) or isinstance(value, bool):
        raise TypeError("an offset must be an integer")
    return value


def _frame(record: Record, frame: dict, frames: dict[int, int], where: str) -> None:
    """One event frame; a second frame on the same trigger is that trigger's next event
    (`frames` counts them per trigger)."""
    try:
        (start, end), label = frame["trigger"], frame["type"]
        trigger = Mention(_offset(start), _offset(end), str(label), SpanKind.TRIGGER)
        arguments = [(str(a["role"]), Mention(_offset(a["start"]), _offset(a["end"]),
                                              str(a["label"])))
                     for a in frame.get("arguments", [])]
    except (KeyError, TypeError, ValueError) as exc:
        raise InputError(f'malformed event frame in doc.user_data["events"]: {shown(frame)}',
                         where) from exc
    entities = set(record.entities)
    index = record.add(trigger)
    number = frames[index] = frames.get(index, -1) + 1
    for role, argument in arguments:
        if argument not in entities:
            raise InputError(f"event argument {role} at {argument.start}..{argument.end} is not "
                             'among the doc.spans["sc"] entities', where)
        record.link(index, role, record.add(argument), number)
