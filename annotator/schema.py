"""The label schema: which entity labels and event types exist, their roles, colours and keys.

Read from a TOML file people edit by hand (`resources/schemas/news.toml`), kept in the project
database as JSON so it travels with the data, and convertible to and from brat's
`annotation.conf`, the schema form other tools already read.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import tomllib

from annotator.paths import DEFAULT_SCHEMA


class SchemaError(ValueError):
    pass


@dataclass(frozen=True)
class EntityType:
    label: str
    color: str = "#dddddd"
    key: str = ""
    description: str = ""


@dataclass(frozen=True)
class EventType:
    label: str
    #: role -> allowed entity labels (empty tuple: any entity label)
    roles: dict[str, tuple[str, ...]] = field(default_factory=dict)
    required: tuple[str, ...] = ()
    color: str = "#bbbbbb"
    key: str = ""
    description: str = ""
    #: role -> how many fillers one event may give it, in brat's marks: "" exactly one, "?" at
    #: most one, "*" any number, "+" one or more, "{n}", "{n-m}". A role not listed may repeat
    #: (at least once when required).
    cardinality: dict[str, str] = field(default_factory=dict)

    def limits(self, role: str) -> tuple[int, int | None]:
        """(fewest, most or None for no limit) fillers of `role` in one event."""
        from annotator.brat_conf import limits

        if role in self.cardinality:
            return limits(self.cardinality[role])
        return (1 if role in self.required else 0), None

    def roles_for(self, entity_label: str) -> list[str]:
        """Roles an entity of this label may fill, in schema order."""
        return [r for r, allowed in self.roles.items() if not allowed or entity_label in allowed]


@dataclass(frozen=True)
class Schema:
    name: str
    entities: dict[str, EntityType]
    events: dict[str, EventType]

    def color(self, label: str) -> str:
        found = self.entities.get(label) or self.events.get(label)
        return found.color if found else "#dddddd"

    def check_argument(self, event_type: str, role: str, entity_label: str) -> str | None:
        """Why an argument breaks the schema, or None when it fits."""
        event = self.events.get(event_type)
        if event is None:
            return f"unknown event type {event_type!r}"
        if role not in event.roles:
            return f"{event_type} has no role {role!r}"
        allowed = event.roles[role]
        if allowed and entity_label not in allowed:
            return f"{role} of {event_type} takes {', '.join(allowed)}, not {entity_label}"
        return None

    def missing_roles(self, event_type: str, filled: set[str]) -> list[str]:
        event = self.events.get(event_type)
        return [r for r in event.required if r not in filled] if event else []

    # --- serialisation -------------------------------------------------------------------
    def to_dict(self) -> dict:
        return {
            "name": self.name,
            "entities": {
                e.label: {"color": e.color, "key": e.key, "description": e.description}
                for e in self.entities.values()
            },
            "events": {
                e.label: {
                    "color": e.color,
                    "key": e.key,
                    "description": e.description,
                    "roles": {r: list(v) for r, v in e.roles.items()},
                    "required": list(e.required),
                    **({"cardinality": dict(e.cardinality)} if e.cardinality else {}),
                }
                for e in self.events.values()
            },
        }

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False)

    @classmethod
    def from_dict(cls, data: dict, source: str = "schema") -> Schema:
        try:
            entities = {
                label: EntityType(
                    label, spec.get("color", "#dddddd"), spec.get("key", ""),
                    spec.get("description", ""),
                )
                for label, spec in data.get("entities", {}).items()
            }
            events = {
                label: EventType(
                    label,
                    {r: tuple(v) for r, v in spec.get("roles", {}).items()},
                    tuple(spec.get("required", ())),
                    spec.get("color", "#bbbbbb"),
                    spec.get("key", ""),
                    spec.get("description", ""),
                    {r: str(c) for r, c in spec.get("cardinality", {}).items()},
                )
                for label, spec in data.get("events", {}).items()
            }
        except (AttributeError, TypeError) as exc:
            raise SchemaError(f"{source}: malformed schema ({exc})") from exc
        if not entities:
            raise SchemaError(f"{source}: a schema needs at least one entity label")
        both = sorted(set(entities) & set(events))
        if both:
            raise SchemaError(f"{source}: {', '.join(both)} is both an entity label and an "
                              "event type; a label has one kind")
        for event in events.values():
            for role, allowed in event.roles.items():
                unknown = [a for a in allowed if a not in entities]
                if unknown:
                    raise SchemaError(
                        f"{source}: role {role} of {event.label} allows unknown labels {unknown}"
                    )
        return cls(data.get("name", "custom"), entities, events)

    @classmethod
    def from_json(cls, text: str) -> Schema:
        return cls.from_dict(json.loads(text))

    @classmethod
    def load(cls, path: Path | str = DEFAULT_SCHEMA) -> Schema:
        path = Path(path)
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
            raise SchemaError(f"{path}: cannot read schema: {exc}") from exc
        return cls.from_dict(data, str(path))

    # --- brat annotation.conf ------------------------------------------------------------
    def to_brat_conf(self) -> str:
        """brat's annotation.conf (see `annotator.brat_conf.write_conf`)."""
        from annotator.brat_conf import write_conf

        return write_conf(self)

    @classmethod
    def from_brat_conf(cls, text: str, source: str = "annotation.conf") -> Schema:
        """The schema an annotation.conf defines, read as brat reads it
        (`annotator.brat_conf.read_conf`)."""
        from annotator.brat_conf import read_conf

        return read_conf(text, source).schema


def brat_event_name(event_type: str) -> str:
    """`Contact:Meet` -> `Contact-Meet`: brat allows neither ':' nor spaces in type names."""
    return event_type.replace(":", "-").replace(" ", "_")


def default_schema() -> Schema:
    return Schema.load(DEFAULT_SCHEMA)
