"""Entity labels from a pipeline, mapped onto the project schema; what does not fit is counted.

Pipelines trained on other corpora name the same things differently (WikiNER's PER is
OntoNotes' PERSON). A label map in `resources/label_maps/*.json` says how, for the pipelines
its `applies_to` globs match:

    {"description": "...", "applies_to": ["xx_ent_wiki_*"],
     "labels": {"PER": "PERSON", "LOC": "GPE", "MISC": null}}

A label the map sends to null, or that is not in the project schema after mapping, is dropped
and counted under the pipeline's own label, so a summary can say what was lost and why.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from fnmatch import fnmatchcase
from pathlib import Path

from annotator.errors import InputError
from annotator.paths import RESOURCES

LABEL_MAPS = RESOURCES / "label_maps"


@dataclass(frozen=True)
class LabelMap:
    name: str = "identity"
    #: pipeline label -> schema label, or None to drop; labels not listed pass unchanged
    labels: dict[str, str | None] = field(default_factory=dict)

    def map(self, label: str) -> str | None:
        return self.labels.get(label, label)


def _read_map(path: Path) -> tuple[list[str], LabelMap]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        globs, labels = data["applies_to"], data["labels"]
    except (OSError, UnicodeDecodeError, json.JSONDecodeError, KeyError, TypeError) as exc:
        raise InputError(f"not a label map ({exc})", path) from exc
    if not (isinstance(globs, list) and isinstance(labels, dict)
            and all(v is None or isinstance(v, str) for v in labels.values())):
        raise InputError("a label map needs a list `applies_to` and an object `labels` of "
                         "strings or null", path)
    return globs, LabelMap(path.stem, labels)


def label_map_for(pipeline_name: str, directory: Path = LABEL_MAPS) -> LabelMap:
    """The first map (by file name) whose `applies_to` matches the pipeline, else identity."""
    for path in sorted(directory.glob("*.json")):
        globs, label_map = _read_map(path)
        if any(fnmatchcase(pipeline_name, g) for g in globs):
            return label_map
    return LabelMap()


@dataclass
class EntityMapper:
    """Maps entity labels onto the schema's and keeps count of what it had to drop."""

    label_map: LabelMap
    schema_labels: frozenset[str]
    dropped: Counter = field(default_factory=Counter)

    def map(self, label: str) -> str | None:
        mapped = self.label_map.map(label)
        if mapped is None or mapped not in self.schema_labels:
            self.dropped[label] += 1
            return None
        return mapped

    @classmethod
    def for_pipeline(cls, pipeline_name: str, schema_labels: Iterable[str]) -> EntityMapper:
        return cls(label_map_for(pipeline_name), frozenset(schema_labels))
