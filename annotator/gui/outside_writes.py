"""Noticing that another connection (a second window, the CLI, a job) wrote to the project.

SQLite's `PRAGMA data_version` moves when another connection commits, never for this one's own
writes; but other programs also write bookkeeping (a window's heartbeat, activity rows) that
changes nothing the window shows. So a move of the version is news only when the fingerprint of
what matters moved too. `Session` looks on a short timer and before every edit.
"""

from __future__ import annotations

import sqlite3

from annotator.store import Store


class OutsideWrites:
    """What this window last saw of the project file, and whether someone else wrote since."""

    def __init__(self, store: Store):
        self.store = store
        #: SQLite's `PRAGMA data_version` as last seen: it moves when another connection
        #: commits, never for this one's own writes
        self._data_version = self._read_data_version()
        self._fingerprint = self._read_fingerprint()

    def _read_data_version(self) -> int | None:
        try:
            return self.store.data_version()
        except sqlite3.Error:  # closed, or busy at this instant: look again later
            return None

    def _read_fingerprint(self) -> tuple | None:
        """The newest journal row, span, argument and document: what another program's edit,
        import or pre-annotation moves, and a heartbeat or an activity row does not."""
        try:
            return self.store.db.execute(
                "SELECT (SELECT max(id) FROM journal), (SELECT max(id) FROM spans), "
                "(SELECT max(id) FROM arguments), (SELECT max(id) FROM documents)").fetchone()
        except sqlite3.Error:
            return None

    def own_write_seen(self) -> None:
        """This window wrote: what it wrote is no news from elsewhere. (If another program
        wrote too since the last look, the next look still reloads.)"""
        if self._read_data_version() == self._data_version:
            self._fingerprint = self._read_fingerprint()

    def seen(self) -> None:
        """Everything in the file now counts as seen (the window re-read it itself)."""
        self._data_version = self._read_data_version()
        self._fingerprint = self._read_fingerprint()

    def changed(self) -> bool:
        """Whether another connection wrote something that matters since the last look; the
        look itself counts as seeing it."""
        version = self._read_data_version()
        if version is None or version == self._data_version:
            return False
        self._data_version = version
        fingerprint = self._read_fingerprint()
        if fingerprint == self._fingerprint:
            return False  # bookkeeping only (another window's heartbeat, activity rows)
        self._fingerprint = fingerprint
        return True
