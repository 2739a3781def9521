"""brat's own checks of a collection, ported for the tests (not vendored): what brat's
`server/src/projectconfig.py` requires of an annotation.conf, what `annotation.py` requires of
`.ann` lines, and the checks of `verify_annotations.py` (unknown types, overlapping entities
without `<OVERLAP>`, triggers no event uses, missing, disallowed and too many arguments).

Written from brat's source (github.com/nlplab/brat, read 2026-12): independent of our reader
in `annotator.brat_conf`, so our conf is checked against brat's rules, not against itself.
`validate(folder)` returns the issues as (file, id, kind, message), kind being brat's
"AnnotationError", "AnnotationIncomplete" or "AnnotationWarning"; a conf brat refuses raises
`ConfError`.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

RESERVED = ["ANY", "ENTITY", "RELATION", "EVENT", "NONE", "EMPTY", "REL-TYPE", "URL", "URLBASE",
            "UNICODE", "GLYPH-POS", "DEFAULT", "NORM", "OVERLAP", "OVL-TYPE", "INHERIT"]
RESERVED_STRINGS = [f"<{n}>" for n in RESERVED]
SPECIAL_RELATIONS = {"ENTITY-NESTING", "<OVERLAP>"}


class ConfError(Exception):
    pass


@dataclass
class Node:
    """brat's TypeHierarchyNode: terms, arguments with min/max counts, keys by type."""

    terms: list[str]
    unused: bool = False
    arguments: dict[str, list[str]] = field(default_factory=dict)
    special: dict[str, list[str]] = field(default_factory=dict)
    arg_list: list[str] = field(default_factory=list)
    min_count: dict[str, int] = field(default_factory=dict)
    max_count: dict[str, int] = field(default_factory=dict)
    keys_by_type: dict[str, list[str]] = field(default_factory=dict)

    @property
    def storage_form(self) -> str:
        return self.terms[0]


def _node(terms: list[str], args: list[str]) -> Node:
    if not terms or any(t == "" for t in terms):
        raise ConfError("empty term")
    node = Node(list(terms))
    for i, term in enumerate(node.terms):
        if term.startswith("!"):
            node.terms[i] = term[1:]
            node.unused = True
    first = node.terms[0]
    if first not in SPECIAL_RELATIONS and re.sub(r"[^a-zA-Z0-9_-]", "_",
                                                  first.replace(" ", "_")) != first:
        # brat rewrites the name (with a warning), so .ann files using it would not match
        raise ConfError(f"term {first!r} is not in storage form")
    for arg in args:
        found = re.match(r"^(\S*?):(\S*)$", arg.strip())
        if not found:
            raise ConfError(f"failed to parse argument {arg!r}")
        key, types = found.groups()
        if key in RESERVED_STRINGS:
            node.special[key] = types.split("|") if key == "<NORM>" else [types]
            continue
        found = re.match(r"^(\S+?)(\{\S+\}|\?|\*|\+|)$", key)
        if not found:
            raise ConfError(f"error parsing argument {key!r}")
        key, rep = found.groups()
        low, high = {"": (1, 1), "?": (0, 1), "*": (0, sys.maxsize),
                     "+": (1, sys.maxsize)}.get(rep, (None, None))
        if low is None:
            ranged = re.match(r"\{(\d+)(?:-(\d+))?\}$", rep)
            if not ranged:
                raise ConfError(f"error parsing range {rep!r}")
            low = int(ranged.group(1))
            high = int(ranged.group(2)) if ranged.group(2) is not None else low
            if ranged.group(2) is None and low == 0:
                raise ConfError("cannot have exactly 0 repetitions")
            if low > high:
                raise ConfError(f"invalid range {rep}")
        if high > 1 and key[-1].isdigit():
            raise ConfError(f"arguments ending with a digit cannot be repeated: {key}{rep}")
        if key in node.arguments:
            raise ConfError(f"argument {key} appears multiple times")
        node.min_count[key], node.max_count[key] = low, high
        node.arg_list.append(key)
        for atype in types.split("|"):
            if atype.strip() == "":
                raise ConfError(f"empty type for argument {arg!r}")
            node.arguments.setdefault(key, []).append(atype)
            node.keys_by_type.setdefault(atype, []).append(key)
    return node


def _hierarchy(lines: list[str]) -> list[Node]:
    """Every node of one section (brat's __read_term_hierarchy, flattened as its type lists)."""
    nodes: list[Node] = []
    last_args: dict[int, list[str]] = {}
    macros: dict[str, str] = {}
    for line in lines:
        if line.strip() == "" or re.match(r"^\s*#", line) or re.match(r"^\s*-+\s*$", line):
            continue
        macro = re.match(r"^<([a-zA-Z_-]+)>=\s*(.*?)\s*$", line)
        if macro:
            if macro.group(1) in RESERVED:
                raise ConfError(f"cannot redefine <{macro.group(1)}>")
            macros[f"<{macro.group(1)}>"] = macro.group(2)
            continue
        for name, value in macros.items():
            line = line.replace(name, value)
        for used in re.findall(r"(<.*?>)", line):
            if used not in RESERVED_STRINGS:
                raise ConfError(f"undefined macro {used}")
        found = re.match(r"^(\s*)(\S+)(?:\s+(.*))?$", line)
        if not found:
            raise ConfError(f"error parsing line {line!r}")
        indent, terms, args = found.groups()
        terms = [t.strip() for t in terms.split("|") if t.strip() != ""]
        args = [a.strip() for a in (args or "").split(",") if a.strip() != ""]
        if any(re.search(r"\s", a) for a in args) and "\t" in line:
            indent, terms, args = re.match(r"^(\s*)([^\t]+)(?:\t(.*))?$", line).groups()
            terms = [t.strip() for t in terms.split("|") if t.strip() != ""]
            args = [a.strip() for a in (args or "").split(",") if a.strip() != ""]
        depth = len(indent)
        expanded = []
        for arg in args:
            if arg != "<INHERIT>":
                expanded.append(arg)
            elif depth - 1 not in last_args:
                raise ConfError(f"no parent for {line!r}")
            else:
                expanded.extend(last_args[depth - 1])
        if depth and depth - 1 not in last_args:
            raise ConfError(f"no parent for {line!r}")
        last_args[depth] = expanded
        nodes.append(_node(terms, expanded))
    return nodes


@dataclass
class Conf:
    entities: list[Node]
    events: list[Node]
    relations: list[Node]

    @classmethod
    def parse(cls, text: str) -> Conf:
        sections: dict[str, list[str]] = {"general": []}
        section = "general"
        for line in text.split("\n"):
            header = re.match(r"^\s*\[(.*)\]\s*$", line)
            if header:
                section = {"spans": "entities"}.get(header.group(1), header.group(1))
                sections.setdefault(section, [])
            else:
                sections[section].append(line)
        parsed = {name: _hierarchy(lines) for name, lines in sections.items()}
        return cls(parsed.get("entities", []), parsed.get("events", []),
                   parsed.get("relations", []))

    @property
    def entity_types(self) -> list[str]:
        return [n.storage_form for n in self.entities]

    @property
    def event_types(self) -> list[str]:
        return [n.storage_form for n in self.events]

    def node(self, name: str) -> Node | None:
        return {n.storage_form: n for n in self.entities + self.events}.get(name)

    def _relations(self, position: int, atype: str) -> list[Node]:
        found = []
        for relation in self.relations:
            if len(relation.arg_list) != 2:
                continue
            for t in relation.arguments[relation.arg_list[position]]:
                if (t == atype or t == "<ANY>" or atype == "<ANY>"
                        or (t in self.entity_types and atype == "<ENTITY>")
                        or (t in self.event_types and atype == "<EVENT>")
                        or (atype in self.entity_types and t == "<ENTITY>")
                        or (atype in self.event_types and t == "<EVENT>")):
                    found.append(relation)
        return found

    def overlap_types(self, inner: str, outer: str) -> set[str]:
        second = self._relations(1, outer)
        types: set[str] = set()
        for relation in self._relations(0, inner):
            if relation.storage_form == "<OVERLAP>" and relation in second:
                for value in relation.special.get("<OVL-TYPE>", []):
                    types |= set(value.split("|"))
            elif relation.storage_form == "ENTITY-NESTING" and relation in second:
                types.add("contain")
        return types

    def allows(self, kind: str, a: str, b: str) -> bool:
        return any(kind in t or "<ANY>" in t
                   for t in (self.overlap_types(a, b), self.overlap_types(b, a)))

    def arc_types_from_to(self, source: str, target: str) -> list[str]:
        node = self.node(source)
        if node is None:
            return []
        types = list(node.keys_by_type.get(target, [])) + node.keys_by_type.get("<ANY>", [])
        if target in self.event_types:
            types += node.keys_by_type.get("<EVENT>", [])
        if target in self.entity_types and target not in self.event_types:
            types += node.keys_by_type.get("<ENTITY>", [])
        return types


@dataclass
class Textbound:
    id: str
    type: str
    spans: list[tuple[int, int]]


@dataclass
class Event:
    id: str
    type: str
    trigger: str
    args: list[tuple[str, str]]


def parse_ann(ann: str, text: str) -> tuple[list[Textbound], list[Event], list[str]]:
    """T and E lines as brat's annotation.py parses them; lines it cannot parse are returned
    as errors (brat keeps them as unparsed annotations)."""
    textbounds, events, errors = [], [], []
    seen: set[str] = set()
    for number, line in enumerate(ann.splitlines(), 1):
        if not line:
            continue
        try:
            ident, tail = line.split("\t", 1)
        except ValueError:
            errors.append(f"line {number}: no tab after the id")
            continue
        if ident.startswith("*"):  # equivalences: brat's ids "*" may repeat
            continue
        if ident in seen:
            errors.append(f"line {number}: duplicate id {ident}")
        seen.add(ident)
        if not re.match(r"^([A-Za-z]+|#[A-Za-z]*)([0-9]+)(.*?)$", ident):
            errors.append(f"line {number}: invalid id {ident}")
            continue
        data, _, data_tail = tail.partition("\t")
        if ident[0] == "T":
            try:
                atype, rest = data.split(" ", 1)
                spans = []
                for piece in rest.split(";"):
                    start, end = piece.split(" ", 2)
                    spans.append((int(start), int(end.rstrip())))
            except ValueError:
                errors.append(f"line {number}: cannot parse text-bound {data!r}")
                continue
            if any(s > e or s < 0 or e > len(text) for s, e in spans):
                errors.append(f"line {number}: offsets outside the text")
                continue
            reference = " ".join(text[s:e] for s, e in spans)
            if data_tail[:len(reference)] != reference:
                errors.append(f"line {number}: text {data_tail!r} does not match {reference!r}")
                continue
            textbounds.append(Textbound(ident, atype, spans))
        elif ident[0] == "E":
            head, _, args = data.partition(" ")
            if head.count(":") != 1:
                errors.append(f"line {number}: cannot parse event {data!r}")
                continue
            atype, trigger = head.split(":")
            pairs = [tuple(a.split(":")) for a in args.split()]
            if any(len(p) != 2 for p in pairs):
                errors.append(f"line {number}: cannot parse event arguments {args!r}")
                continue
            events.append(Event(ident, atype, trigger, pairs))
    return textbounds, events, errors


def _nonum(role: str) -> str:
    return re.match(r"^(.*?)\d*$", role).group(1)


def verify(conf: Conf, textbounds: list[Textbound], events: list[Event]) -> list[tuple]:
    """verify_annotations.py's checks that apply to T and E lines: (id, kind, message)."""
    issues = []
    error, incomplete, warning = "AnnotationError", "AnnotationIncomplete", "AnnotationWarning"
    by_id = {t.id: t for t in textbounds}
    for e in events:
        if e.type not in conf.event_types:
            issues.append((e.id, error, f"{e.type} is not a known event type"))
        if e.trigger not in by_id:
            issues.append((e.id, error, f"trigger {e.trigger} not found"))
    for t in textbounds:
        if t.type not in conf.event_types + conf.entity_types:
            issues.append((t.id, error, f"{t.type} is not a known textbound type"))
    physical = [t for t in textbounds if t.type in conf.entity_types
                and t.type not in conf.event_types]
    for a in physical:
        for b in physical:
            if a is b:
                continue
            a0, a1 = a.spans[0][0], a.spans[-1][1]
            b0, b1 = b.spans[0][0], b.spans[-1][1]
            if not (b0 < a1 and b1 > a0):
                continue
            if (a0, a1) == (b0, b1):
                ok, what = conf.allows("equal", a.type, b.type), "identical span"
            elif b0 <= a0 and a1 <= b1:
                ok, what = conf.allows("contain", a.type, b.type), "contained"
            elif a0 <= b0 and b1 <= a1:
                ok, what = conf.allows("contain", b.type, a.type), "containing"
            else:
                ok, what = conf.allows("cross", a.type, b.type), "crossing"
            if not ok:
                issues.append((a.id, error, f"{what} overlap with {b.id} not allowed"))
    used = {e.trigger for e in events}
    for t in textbounds:
        if t.type in conf.event_types and t.id not in used:
            issues.append((t.id, incomplete, f"trigger {t.id} is not referenced from any event"))
    for e in events:
        node = conf.node(e.type)
        if node is None:
            continue
        counts: dict[str, int] = {}
        for role, _ in e.args:
            counts[_nonum(role)] = counts.get(_nonum(role), 0) + 1
        for role in node.arg_list:
            if node.min_count[role] > counts.get(role, 0):
                issues.append((e.id, incomplete, f"at least {node.min_count[role]} {role} "
                               "required"))
        for role, target in e.args:
            role = _nonum(role)
            if role not in node.arguments:
                issues.append((e.id, error, f"{e.type} cannot take a {role} argument"))
            elif target in by_id and role not in conf.arc_types_from_to(e.type,
                                                                         by_id[target].type):
                issues.append((e.id, error, f"{e.type} argument {role} cannot be of type "
                               f"{by_id[target].type}"))
        for role, n in counts.items():
            if n > 1 and role in node.arguments:
                if node.max_count[role] <= 1:
                    issues.append((e.id, error, f"{e.type} cannot take multiple {role}"))
                elif n > node.max_count[role]:
                    issues.append((e.id, error, f"{e.type} takes at most "
                                   f"{node.max_count[role]} {role}"))
    spans = {}
    for t in textbounds:
        if t.type in conf.event_types:
            spans.setdefault((tuple(t.spans), t.type), []).append(t.id)
    issues += [(ids[0], warning, "triggers with identical span and type")
               for ids in spans.values() if len(ids) > 1]
    return issues


def validate(folder: Path) -> list[tuple[str, str, str, str]]:
    """brat's checks on every .ann of a collection folder with its annotation.conf."""
    conf = Conf.parse((folder / "annotation.conf").read_bytes().decode("utf-8"))
    issues = []
    for ann in sorted(folder.rglob("*.ann")):
        # brat reads both through codecs: no newline translation, lines as str.splitlines
        text = ann.with_suffix(".txt").read_bytes().decode("utf-8")
        textbounds, events, errors = parse_ann(ann.read_bytes().decode("utf-8"), text)
        issues += [(ann.name, "", "AnnotationError", e) for e in errors]
        issues += [(ann.name, *issue) for issue in verify(conf, textbounds, events)]
    return issues


def errors(folder: Path) -> list[tuple[str, str, str, str]]:
    return [issue for issue in validate(folder) if issue[2] == "AnnotationError"]
