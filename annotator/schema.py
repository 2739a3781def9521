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
                )
                for label, spec in data.get("events", {}).items()
            }
        except (AttributeError, TypeError) as exc:
            raise SchemaError(f"{source}: malformed schema ({exc})") from exc
        if not entities:
            raise SchemaError(f"{source}: a schema needs at least one entity label")
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
        """brat's annotation.conf; brat type names cannot hold ':' so the subtype stands alone."""
        lines = ["[entities]", *self.entities, "", "[relations]", "", "[events]"]
        for event in self.events.values():
            args = [
                f"{role}?:{'|'.join(allowed) if allowed else '<ENTITY>'}"
                if role not in event.required
                else f"{role}:{'|'.join(allowed) if allowed else '<ENTITY>'}"
                for role, allowed in event.roles.items()
            ]
            lines.append(f"{brat_event_name(event.label)}\t{', '.join(args)}".rstrip())
        lines += ["", "[attributes]", ""]
        return "\n".join(lines)

    @classmethod
    def from_brat_conf(cls, text: str, source: str = "annotation.conf") -> Schema:
        section = None
        entities: dict[str, dict] = {}
        events: dict[str, dict] = {}
        for number, raw in enumerate(text.splitlines(), 1):
            line = raw.split("#", 1)[0].rstrip()
            if not line.strip():
                continue
            if line.startswith("[") and line.endswith("]"):
                section = line[1:-1].strip()
                continue
            name, _, rest = line.strip().partition("\t") if "\t" in line else (
                line.strip().partition(" ")
            )
            name = name.lstrip("!")
            if section == "entities":
                entities[name] = {}
            elif section == "events":
                roles: dict[str, list[str]] = {}
                required = []
                for part in filter(None, (p.strip() for p in rest.split(","))):
                    if ":" not in part:
                        raise SchemaError(
                            f"{source}:{number}: event argument without type: {part!r}"
                        )
                    role, types = part.split(":", 1)
                    optional = role.endswith(("?", "*"))
                    role = role.rstrip("?*+{}0123456789-")
                    roles[role] = [t for t in types.split("|") if t != "<ENTITY>"]
                    if not optional:
                        required.append(role)
                events[name] = {"roles": roles, "required": required}
        return cls.from_dict({"name": Path(source).stem, "entities": entities, "events": events},
                             source)


def brat_event_name(event_type: str) -> str:
    """`Contact:Meet` -> `Contact-Meet`: brat allows neither ':' nor spaces in type names."""
    return event_type.replace(":", "-").replace(" ", "_")


def default_schema() -> Schema:
    return Schema.load(DEFAULT_SCHEMA)
