"""brat's `annotation.conf`, read as brat reads it and written so brat's own checks pass.

What brat reads (its `server/src/projectconfig.py`), and what we make of it::

    [spans]
    !Organization
     Company
    Person|Human_being
    [relations]
    <OVERLAP>  Arg1:<ENTITY>, Arg2:<ENTITY>, <OVL-TYPE>:<ANY>
    [events]
    <POG>=Person|Company|GPE
    Transfer-ownership  Giver-Arg?:<POG>, Recipient-Arg*:<POG>, Thing{1-2}:<ENTITY>
     Merge-org  Org-Arg+:Company

`[spans]` is brat's other name for `[entities]`; a line starting with `#` is a comment (only
there: `#` inside a line is text); `!` marks an abstract type, there only to group its
children; indentation (one space or tab per level) is the hierarchy, and a child declares its
own roles, separated from its name by any whitespace; the first `|` term is the type's name in
`.ann` files, the others aliases; `<NAME>=...` defines a macro for the rest of its section.

- entity types: every term that is not abstract; event types the same, with their roles;
- a role's argument types: entity labels; `<ENTITY>` and `<ANY>` mean any entity (our empty
  list); `<EVENT>` and event types (events as arguments) are reported, as are types the conf
  does not define; `<INHERIT>` takes the parent's roles, as in brat;
- a role's cardinality (`?` at most one, `*` any number, `+` one or more, `{n}`, `{n-m}`) is
  kept in `EventType.cardinality` and `required`;
- relations (including `<OVERLAP>`) and attributes are read past, reported once;
- a type whose alias is our name for it (`Contact-Meet|Contact:Meet`) is known by that alias:
  brat names hold no ':', and this is how an exported `Type:Subtype` comes home.

A conf brat would refuse (an undefined macro, a role without types, a bad range ...) is a
`SchemaError` naming the file and line.

Writing (`write_conf`) declares every label in use: event types with the roles and argument
types the data holds as well as the schema's, and a role filled more than once in an event as
repeatable, so brat's validator (`verify_annotations.py`) accepts our `.ann` files.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

from annotator.schema import EntityType, EventType, Schema, SchemaError, brat_event_name

SECTION_ALIASES = {"spans": "entities"}
SECTIONS = ("entities", "relations", "events", "attributes")
#: brat's reserved names (`<ENTITY>` ...), which a macro may not redefine
RESERVED = ("ANY", "ENTITY", "RELATION", "EVENT", "NONE", "EMPTY", "REL-TYPE", "URL", "URLBASE",
            "UNICODE", "GLYPH-POS", "DEFAULT", "NORM", "OVERLAP", "OVL-TYPE", "INHERIT")
RESERVED_STRINGS = frozenset(f"<{name}>" for name in RESERVED)
ANY_ENTITY = frozenset({"<ENTITY>", "<ANY>"})
#: how brat stores a type name: letters, digits, '_' and '-'
STORAGE = re.compile(r"[^A-Za-z0-9_-]")
MACRO = re.compile(r"^<([a-zA-Z_-]+)>=\s*(.*?)\s*$")
REPETITION = re.compile(r"^(\S+?)(\{\S+\}|\?|\*|\+|)$")
OVERLAP_LINE = "<OVERLAP>\tArg1:<ENTITY>, Arg2:<ENTITY>, <OVL-TYPE>:<ANY>"


def storage_form(label: str) -> str:
    """The name brat stores for `label` (its `normalize_to_storage_form`): `Contact:Meet` ->
    `Contact-Meet` for event types (as `schema.brat_event_name`), other characters -> `_`."""
    return STORAGE.sub("_", brat_event_name(label))


def limits(cardinality: str) -> tuple[int, int | None]:
    """(minimum, maximum or None for unbounded) of a brat repetition mark."""
    if cardinality in ("", "?", "*", "+"):
        return {"": (1, 1), "?": (0, 1), "*": (0, None), "+": (1, None)}[cardinality]
    found = re.fullmatch(r"\{(\d+)(?:-(\d+))?\}", cardinality)
    if not found:
        raise ValueError(f"not a brat cardinality: {cardinality!r} (use ?, *, +, {{n}} or "
                         "{n-m})")
    low = int(found.group(1))
    high = int(found.group(2)) if found.group(2) is not None else low
    return low, high


def mark(low: int, high: int | None) -> str:
    """The brat repetition mark for (minimum, maximum or None)."""
    simple = {(1, 1): "", (0, 1): "?", (0, None): "*", (1, None): "+"}
    if (low, high) in simple:
        return simple[(low, high)]
    if high is None:  # brat has no "n or more" beyond `+`
        return "+" if low else "*"
    return f"{{{low}}}" if low == high else f"{{{low}-{high}}}"


@dataclass
class BratConf:
    """An annotation.conf as read: the schema it defines, the brat name -> our label of each
    type, and what it holds that we do not (notes: (what, line))."""

    schema: Schema
    labels: dict[str, str] = field(default_factory=dict)
    notes: list[tuple[str, int]] = field(default_factory=list)


@dataclass
class _Node:
    terms: list[str]
    args: list[tuple[str, str, list[str]]]
    abstract: bool
    line: int


def read_conf(text: str, source: str = "annotation.conf") -> BratConf:
    """Parse an annotation.conf the way brat does (see the module docstring)."""
    sections: dict[str, list[tuple[int, str]]] = {}
    section = "general"
    notes: list[tuple[str, int]] = []
    for number, line in enumerate(text.split("\n"), 1):
        line = line.rstrip("\r")
        header = re.match(r"^\s*\[(.*)\]\s*$", line)
        if header:
            section = SECTION_ALIASES.get(header.group(1), header.group(1))
            if section not in SECTIONS:
                notes.append((f"annotation.conf section [{section}] not read (brat ignores it)",
                              number))
            continue
        sections.setdefault(section, []).append((number, line))
    nodes = {name: _hierarchy(sections.get(name, []), source)
             for name in ("entities", "events")}
    for name in ("relations", "attributes"):
        if _hierarchy(sections.get(name, []), source):
            notes.append((f"brat {name} in annotation.conf not read (no {name} layer)",
                          sections[name][0][0]))
    labels: dict[str, str] = {}
    for node in nodes["entities"] + nodes["events"]:
        labels[node.terms[0]] = _our_name(node.terms)
    entity_names = {n.terms[0] for n in nodes["entities"] if not n.abstract}
    event_names = {n.terms[0] for n in nodes["events"]}
    entities = {labels[n]: EntityType(labels[n]) for n in
                (n.terms[0] for n in nodes["entities"] if not n.abstract)}
    events: dict[str, EventType] = {}
    for node in nodes["events"]:
        if node.abstract:
            continue
        roles: dict[str, tuple[str, ...]] = {}
        cardinality: dict[str, str] = {}
        for role, repetition, types in node.args:
            allowed: list[str] = []
            for kind in types:
                if kind in ANY_ENTITY:
                    allowed = []
                    break
                if kind == "<EVENT>" or kind in event_names:
                    notes.append(("annotation.conf roles taking events (events as arguments) "
                                  "not held", node.line))
                elif kind in entity_names:
                    allowed.append(labels[kind])
                else:
                    notes.append(("annotation.conf argument types that are no entity type "
                                  "left out", node.line))
            else:
                if not allowed:  # only events or undefined types: nothing we can hold
                    continue
            roles[role] = tuple(allowed)
            cardinality[role] = repetition
        label = labels[node.terms[0]]
        events[label] = EventType(
            label, roles, tuple(r for r, c in cardinality.items() if limits(c)[0] > 0),
            cardinality=cardinality)
    if not entities:
        raise SchemaError(f"{source}: no entity types in [entities]")
    return BratConf(Schema(Path(source).parent.name or "brat", entities, events), labels, notes)


def _our_name(terms: list[str]) -> str:
    """Our label for a brat type: the alias brat's name was made from (`Contact-Meet|
    Contact:Meet` -> `Contact:Meet`), else brat's name."""
    return next((t for t in terms[1:] if t != terms[0] and storage_form(t) == terms[0]),
                terms[0])


def _hierarchy(lines: list[tuple[int, str]], source: str) -> list[_Node]:
    """The type lines of one section, with macros expanded, as brat's `__read_term_hierarchy`
    reads them; every node (children included) in file order."""
    nodes: list[_Node] = []
    parents: dict[int, list[tuple[str, str, list[str]]]] = {}
    raw_parents: dict[int, list[str]] = {}
    macros: dict[str, str] = {}
    for number, line in lines:
        if not line.strip() or re.match(r"^\s*#", line) or re.match(r"^\s*-+\s*$", line):
            continue
        where = f"{source}:{number}"
        macro = MACRO.match(line)
        if macro:
            name, value = macro.groups()
            if name in RESERVED:
                raise SchemaError(f"{where}: <{name}> is reserved by brat and cannot be "
                                  "redefined")
            macros[f"<{name}>"] = value
            continue
        for name, value in macros.items():
            line = line.replace(name, value)
        for undefined in re.findall(r"<.*?>", line):
            if undefined not in RESERVED_STRINGS:
                raise SchemaError(f"{where}: undefined macro {undefined} (brat's macros are "
                                  "defined per section, before use)")
        found = re.match(r"^(\s*)(\S+)(?:\s+(.*))?$", line)
        indent, terms_text, args_text = found.groups()
        args = [a.strip() for a in (args_text or "").split(",") if a.strip()]
        if "\t" in line and any(re.search(r"\s", a) for a in args):
            # brat's fallback for old confs whose type names hold spaces: tab separates
            indent, terms_text, args_text = re.match(r"^(\s*)([^\t]+)(?:\t(.*))?$",
                                                     line).groups()
            args = [a.strip() for a in (args_text or "").split(",") if a.strip()]
        depth = len(indent)
        if depth and depth - 1 not in raw_parents:
            raise SchemaError(f"{where}: indented {depth} levels with no parent type above")
        expanded: list[str] = []
        for arg in args:
            expanded += raw_parents[depth - 1] if arg == "<INHERIT>" and depth else [arg]
        raw_parents[depth] = expanded
        for deeper in [d for d in raw_parents if d > depth]:
            del raw_parents[deeper]
        terms = [t.strip() for t in terms_text.split("|") if t.strip()]
        abstract = any(t.startswith("!") for t in terms)
        terms = [t.lstrip("!") for t in terms]
        if not terms or not all(terms):
            raise SchemaError(f"{where}: a type line needs a type name")
        if not terms[0].startswith("<"):
            terms[0] = STORAGE.sub("_", terms[0].replace(" ", "_"))
        parents[depth] = _arguments(expanded, where)
        nodes.append(_Node(terms, parents[depth], abstract, number))
    return nodes


def _arguments(args: list[str], where: str) -> list[tuple[str, str, list[str]]]:
    """(role, repetition mark, types) of each `Role?:Type1|Type2`; brat's special arguments
    (`<OVL-TYPE>:...`, `<REL-TYPE>:...`) are left out."""
    found: list[tuple[str, str, list[str]]] = []
    seen: set[str] = set()
    for arg in args:
        parsed = re.match(r"^(\S*?):(\S*)$", arg)
        if not parsed:
            raise SchemaError(f"{where}: cannot read argument {arg!r} (expected Role:Type)")
        key, types = parsed.groups()
        if key in RESERVED_STRINGS:
            continue
        repeated = REPETITION.match(key)
        if not repeated:
            raise SchemaError(f"{where}: cannot read argument name {key!r}")
        role, repetition = repeated.groups()
        try:
            low, high = limits(repetition)
        except ValueError as exc:
            raise SchemaError(f"{where}: {exc}") from None
        if repetition.startswith("{") and (high == 0 or (high is not None and low > high)):
            raise SchemaError(f"{where}: invalid range {repetition} for {role}")
        if (high is None or high > 1) and role[-1].isdigit():
            raise SchemaError(f"{where}: {role} ends with a digit and cannot be repeated "
                              "(brat numbers repeats: Arg1, Arg12 would be ambiguous)")
        if role in seen:
            raise SchemaError(f"{where}: argument {role} appears twice")
        seen.add(role)
        kinds = types.split("|")
        if any(not k.strip() for k in kinds):
            raise SchemaError(f"{where}: empty type for argument {role}")
        found.append((role, repetition, kinds))
    return found


# --- writing -----------------------------------------------------------------------------
@dataclass
class SeenEvents:
    """What a collection's events hold, for the conf to declare: per event type, each role's
    argument labels and the most fillers one event gave it."""

    roles: dict[str, dict[str, set[str]]] = field(default_factory=dict)
    most: dict[str, dict[str, int]] = field(default_factory=dict)

    def add(self, event_type: str, fillers: Iterable[tuple[str, str]]) -> None:
        """One event: its (role, argument label) pairs."""
        roles = self.roles.setdefault(event_type, {})
        counts: dict[str, int] = {}
        for role, label in fillers:
            roles.setdefault(role, set()).add(label)
            counts[role] = counts.get(role, 0) + 1
        most = self.most.setdefault(event_type, {})
        for role, n in counts.items():
            most[role] = max(most.get(role, 0), n)


def declared(schema: Schema, seen: SeenEvents) -> tuple[Schema, list[str]]:
    """`schema` widened to hold `seen`: roles and argument labels the data uses that the schema
    lacks are added, and a role filled more often than its cardinality allows is widened.
    Returns the schema and what was widened (for the export's report)."""
    events = dict(schema.events)
    entities = dict(schema.entities)
    widened: list[str] = []
    for event_type, roles in seen.roles.items():
        event = events.get(event_type) or EventType(event_type)
        new_roles = dict(event.roles)
        cardinality = dict(event.cardinality)
        for role, labels in roles.items():
            allowed = new_roles.get(role)
            if allowed is None:
                new_roles[role] = tuple(sorted(labels))
                if event_type in schema.events:
                    widened.append(f"role {role} of {event_type} added (used in the data)")
            elif allowed and not labels <= set(allowed):
                new_roles[role] = (*allowed, *sorted(labels - set(allowed)))
                widened.append(f"{role} of {event_type} also takes "
                               f"{', '.join(sorted(labels - set(allowed)))} (as in the data)")
            for label in labels:
                entities.setdefault(label, EntityType(label))
            low, high = event.limits(role)
            most = seen.most[event_type].get(role, 0)
            if high is not None and most > high:
                cardinality[role] = mark(low, None)
                if role in event.cardinality:
                    widened.append(f"{role} of {event_type} repeatable (filled {most} times "
                                   "in one event)")
        events[event_type] = replace(event, roles=new_roles, cardinality=cardinality)
    return replace(schema, entities=entities, events=events), widened


def write_conf(schema: Schema) -> str:
    """brat's annotation.conf for `schema` (widen it with `declared` first): entity and event
    types in brat's storage form with our name as an alias where they differ, roles with their
    cardinality, and `<OVERLAP>` allowing entities to nest and cross, as our layers do."""
    lines = ["[entities]", *(_terms(label) for label in schema.entities), "",
             "[relations]", OVERLAP_LINE, "", "[events]"]
    for event in schema.events.values():
        args = []
        for role, allowed in event.roles.items():
            low, high = event.limits(role)
            if role[-1:].isdigit():
                high = 1  # brat cannot repeat such a role (see _arguments)
            types = "|".join(storage_form(a) for a in allowed) if allowed else "<ENTITY>"
            args.append(f"{role}{mark(low, high)}:{types}")
        lines.append(f"{_terms(event.label)}\t{', '.join(args)}".rstrip())
    lines += ["", "[attributes]", ""]
    return "\n".join(lines)


def known_by_alias(label: str) -> bool:
    """Whether `label` comes back from a brat collection as itself: it is brat's name for it,
    or it can stand in the conf as an alias of that name (no whitespace, '|', ',', '<', '>')."""
    return storage_form(label) == label or not re.search(r"[\s|,<>]", label)


def _terms(label: str) -> str:
    """`Contact-Meet|Contact:Meet`: brat's name, and ours as an alias when it differs."""
    name = storage_form(label)
    return f"{name}|{label}" if name != label and known_by_alias(label) else name


def brat_names(schemas: Iterable[Schema], confs: Iterable[BratConf] = ()) -> Mapping[str, str]:
    """brat name -> our label, from the project's schemas and the collection's confs (a conf's
    alias wins: it says what the file meant; a conf name without one maps as the project's)."""
    names: dict[str, str] = {}
    for schema in schemas:
        for label in [*schema.entities, *schema.events]:
            names.setdefault(storage_form(label), label)
    for conf in confs:
        for name, label in conf.labels.items():
            if label != name or name not in names:
                names[name] = label
    return names
