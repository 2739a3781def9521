"""Who else has this project open: one row per running program, so a second window of the same
annotator on the same project can be told so at start.

A program that edits registers (`Presence.register`), beats its heart every
`HEARTBEAT_SECONDS` while it runs (the GUI on a timer) and releases its row when it closes. A
program killed with `kill -9` cannot release it: a row counts as live only while its heartbeat is
younger than `STALE_SECONDS` and, on this machine, while its process still exists; so a crash
never blocks anyone, and a copied project's rows (another machine, old heartbeats) mean nothing.
"""

from __future__ import annotations

import os
import socket
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from annotator.store import Store

HEARTBEAT_SECONDS = 20
STALE_SECONDS = 90


@dataclass(frozen=True)
class Instance:
    id: str
    annotator: str
    pid: int
    host: str
    started_at: datetime
    heartbeat_at: datetime

    def describe(self) -> str:
        return (f"{self.annotator} in process {self.pid} on {self.host}, open since "
                f"{self.started_at.astimezone():%H:%M}")


def _now() -> datetime:
    return datetime.now(timezone.utc)


def _process_exists(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process
        return True
    except OSError:
        return False
    return True


def is_live(instance: Instance, now: datetime | None = None) -> bool:
    now = now or _now()
    if now - instance.heartbeat_at > timedelta(seconds=STALE_SECONDS):
        return False
    return instance.host != socket.gethostname() or _process_exists(instance.pid)


def live_instances(store: Store, annotator: str | None = None) -> list[Instance]:
    """The programs that have the project open now (for `annotator`, if given)."""
    sql = "SELECT id, annotator, pid, host, started_at, heartbeat_at FROM instances"
    params: list = []
    if annotator is not None:
        sql += " WHERE annotator = ?"
        params.append(annotator)
    rows = store.db.execute(sql + " ORDER BY started_at", params).fetchall()
    found = [Instance(r[0], r[1], r[2], r[3], datetime.fromisoformat(r[4]),
                      datetime.fromisoformat(r[5])) for r in rows]
    now = _now()
    return [i for i in found if is_live(i, now)]


class Presence:
    """This program's row in `instances`."""

    def __init__(self, store: Store, annotator: str):
        self.store, self.annotator = store, annotator
        self.id = uuid.uuid4().hex
        self.started_at = _now().isoformat(timespec="milliseconds")

    @classmethod
    def register(cls, store: Store, annotator: str) -> tuple[Presence, list[Instance]]:
        """Announce this program; returns its presence and the other live programs with the
        same annotator on the project (warn the user when there are any). Rows of programs
        that died are removed on the way."""
        presence = cls(store, annotator)
        with store.atomic():
            others = [i for i in live_instances(store) if i.id != presence.id]
            live = {i.id for i in others}
            stale = [r[0] for r in store.db.execute("SELECT id FROM instances").fetchall()
                     if r[0] not in live]
            for row_id in stale:
                store.db.execute("DELETE FROM instances WHERE id = ?", [row_id])
            presence.heartbeat()
        return presence, [i for i in others if i.annotator == annotator]

    def others(self) -> list[Instance]:
        """The other live programs with the same annotator, now."""
        return [i for i in live_instances(self.store, self.annotator) if i.id != self.id]

    def heartbeat(self, annotator: str | None = None) -> None:
        """Still here (and, after a change of name, as `annotator`). The row comes back if
        another program took it for a dead one's (after the computer slept, say)."""
        if annotator is not None:
            self.annotator = annotator
        with self.store.atomic():
            self.store.db.execute(
                "INSERT INTO instances (id, annotator, pid, host, started_at, heartbeat_at) "
                "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT(id) DO UPDATE SET "
                "heartbeat_at = excluded.heartbeat_at, annotator = excluded.annotator",
                [self.id, self.annotator, os.getpid(), socket.gethostname(), self.started_at,
                 _now().isoformat(timespec="milliseconds")])

    def release(self) -> None:
        with self.store.atomic():
            self.store.db.execute("DELETE FROM instances WHERE id = ?", [self.id])
