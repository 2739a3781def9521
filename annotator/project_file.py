"""Opening a project file safely: recognise it before writing, back it up before migrating,
leave it self-contained when done.

What `Store` relies on here:
- `inspect_file` reads a file without changing it (the header's bytes, then a read-only,
  lock-free look at its tables) and says what it is: missing, empty, a project (of which schema
  version), or someone else's SQLite file, which is refused untouched;
- a project restored from an `sqlite3 .dump` has lost `PRAGMA user_version`: its version is
  read from the `schema_version` setting the migrations also write, or from its tables;
- `backup_before_migrating` copies a project to `NAME.vN-backup.db` beside it before a
  migration rewrites it;
- `close_connection` checkpoints the write-ahead log into the file (`wal_checkpoint(TRUNCATE)`)
  before closing, so a copy of the `.db` alone holds every edit; `Store` also runs it when a
  program ends without closing its store;
- `describe_error` turns SQLite's errors about the file (disk full, read-only, locked,
  damaged) into one line a person can act on.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path

from annotator.changes import StoreError

SQLITE_HEADER = b"SQLite format 3\x00"
#: the tables every annotator project has had since the first version
PROJECT_TABLES = frozenset({"documents", "spans", "arguments", "settings", "document_status"})
#: the setting that repeats `PRAGMA user_version`, which `.dump` does not keep
VERSION_SETTING = "schema_version"


@dataclass
class FileState:
    path: Path
    exists: bool = False
    size: int = 0
    #: the schema version (0: not a project yet)
    version: int = 0
    #: the version came from the tables, not from `PRAGMA user_version` (a restored dump)
    restored: bool = False
    tables: set[str] = field(default_factory=set)
    wal: bool = False

    @property
    def is_empty(self) -> bool:
        """Nothing there yet: no file, a 0-byte file, or a SQLite file without tables."""
        return not self.exists or self.size == 0 or not self.tables

    @property
    def is_project(self) -> bool:
        return self.tables >= PROJECT_TABLES


def read_only_uri(path: Path, *, immutable: bool = False) -> str:
    uri = path.resolve().as_uri() + "?mode=ro"
    return uri + "&immutable=1" if immutable else uri


#: one read-only descriptor per file whose header was read, open for the life of the process.
#: Closing any descriptor of a file drops every POSIX lock the process holds on it, SQLite's
#: included: a header read by open()/close() beside this process's live connection let another
#: program think it was the last one and checkpoint and delete the write-ahead log under it
#: (SQLite's "How To Corrupt", 2.2). So the descriptor is never closed.
_HEADER_READERS: dict[tuple[int, int], int] = {}


def _read_header(path: Path) -> bytes:
    """The first 100 bytes of `path`, read without ever closing a descriptor of it."""
    if not hasattr(os, "pread"):  # Windows: its file locks do not go with another handle
        with path.open("rb") as handle:
            return handle.read(100)
    stat = path.stat()
    key = (stat.st_dev, stat.st_ino)
    fd = _HEADER_READERS.get(key)
    if fd is None:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_CLOEXEC", 0))
        opened = os.fstat(fd)
        # keyed by what was opened: a file replaced in between is the new file's entry
        fd = _HEADER_READERS.setdefault((opened.st_dev, opened.st_ino), fd)
    return os.pread(fd, 100, 0)


def inspect_file(path: Path) -> FileState:
    """What `path` holds, found without writing to it or beside it (see the module docstring).
    Raises StoreError for a file that is not SQLite or cannot be read."""
    state = FileState(path)
    try:
        stat = path.stat()
    except FileNotFoundError:
        return state
    except OSError as exc:
        raise StoreError(f"{path}: cannot read it ({exc.strerror})") from None
    state.exists, state.size = True, stat.st_size
    if path.is_dir():
        raise StoreError(f"{path}: is a folder, not a project file")
    if state.size == 0:
        return state
    try:
        header = _read_header(path)
    except OSError as exc:
        raise StoreError(f"{path}: cannot read it ({exc.strerror})") from None
    if not header.startswith(SQLITE_HEADER):
        raise StoreError(f"{path}: not an annotator project (not a SQLite database); "
                         "it was left untouched")
    state.wal = len(header) > 19 and header[18] == 2
    # A WAL file without its -wal has nothing outside the main file: read it without locks, so
    # not even a -shm file appears beside someone else's database.
    wal_file = path.with_name(path.name + "-wal")
    immutable = state.wal and not wal_file.exists()
    try:
        conn = sqlite3.connect(read_only_uri(path, immutable=immutable), uri=True)
    except sqlite3.Error as exc:
        raise StoreError(f"{path}: cannot open it ({exc})") from None
    try:
        state.tables = {r[0] for r in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table'")}
        state.version = conn.execute("PRAGMA user_version").fetchone()[0]
        if state.version == 0 and state.is_project:
            state.version, state.restored = _version_from_tables(conn, state.tables), True
    except sqlite3.DatabaseError as exc:
        raise StoreError(f"{path}: {describe_error(exc)}") from None
    finally:
        conn.close()
    return state


def _version_from_tables(conn: sqlite3.Connection, tables: set[str]) -> int:
    """The version of a project that lost `user_version` (an `sqlite3 .dump` restored)."""
    from annotator.migrations import version_of_tables

    rows = conn.execute("SELECT value FROM settings WHERE key = ?", [VERSION_SETTING]).fetchall()
    if rows and str(rows[0][0]).isdigit():
        return int(rows[0][0])
    names = {r[0] for r in conn.execute("SELECT name FROM sqlite_master")}
    for table in tables:
        names |= {f"{table}.{r[1]}" for r in conn.execute(f"PRAGMA table_info('{table}')")}
    return version_of_tables(names)


def check_writable(path: Path) -> None:
    """Refuse, in one line, a project that cannot be written: a read-only file or folder (the
    write-ahead log lives beside the file)."""
    folder = path.resolve().parent
    if not folder.is_dir():
        raise StoreError(f"{path}: no such folder {folder}")
    if path.exists() and not os.access(path, os.W_OK):
        raise StoreError(f"{path}: the file is read-only; nothing can be saved to it (copy it "
                         "somewhere writable, or make it writable)")
    if not os.access(folder, os.W_OK):
        raise StoreError(f"{path}: the folder {folder} is read-only; a project needs to write "
                         "beside its file (copy it somewhere writable)")


def backup_before_migrating(path: Path, version: int) -> Path:
    """A self-contained copy of the project as it is, before a migration changes it."""
    target = path.with_name(f"{path.stem}.v{version}-backup{path.suffix or '.db'}")
    n = 1
    while target.exists():
        n += 1
        target = path.with_name(f"{path.stem}.v{version}-backup-{n}{path.suffix or '.db'}")
    partial = target.with_name(target.name + ".part")
    source = sqlite3.connect(read_only_uri(path), uri=True)
    try:
        copy = sqlite3.connect(partial)
        try:
            source.backup(copy)
        finally:
            copy.close()
        os.replace(partial, target)
    except (sqlite3.Error, OSError) as exc:
        partial.unlink(missing_ok=True)
        raise StoreError(f"{path}: could not back it up before upgrading it "
                         f"({describe_error(exc)}); nothing was changed") from None
    finally:
        source.close()
    return target


def checkpoint(conn: sqlite3.Connection) -> bool:
    """Copy the write-ahead log into the database file and empty it; False if another
    connection's reader or writer kept part of it there (the next checkpoint finishes)."""
    try:
        busy, _log, _done = conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
    except sqlite3.Error:
        return False
    return busy == 0


def close_connection(conn: sqlite3.Connection, writable: bool, path: Path | None = None) -> None:
    """Checkpoint (when this connection may write) and close; safe to call twice.

    A read-only connection cannot remove the `-wal` and `-shm` files SQLite makes beside a WAL
    file: given `path`, a plain connection is opened and closed after it, which removes them
    when no other program has the project open (and otherwise does nothing, without waiting).
    """
    with contextlib.suppress(sqlite3.Error):
        if writable and not conn.in_transaction:
            checkpoint(conn)
        conn.close()
    if not writable and path is not None:
        tidy_log(path)


def tidy_log(path: Path) -> None:
    """Remove the `-wal`/`-shm` beside `path` if no program has it open (see above)."""
    log = path.with_name(path.name + "-wal")
    if not log.exists() or not os.access(path.resolve().parent, os.W_OK) \
            or not os.access(path, os.W_OK):
        return
    with contextlib.suppress(sqlite3.Error):
        conn = sqlite3.connect(path, timeout=0)
        try:
            conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        finally:
            conn.close()


def describe_error(exc: BaseException) -> str:
    """One line for an SQLite error about the file itself."""
    text = str(exc)
    lowered = text.lower()
    if "disk is full" in lowered or "disk full" in lowered or \
            getattr(exc, "sqlite_errorname", "") == "SQLITE_FULL":
        return "the disk is full; nothing was saved (free some space and try again)"
    if "readonly" in lowered or "read-only" in lowered:
        return "the project is read-only here; nothing was saved"
    if "locked" in lowered or "busy" in lowered:
        return ("another program is writing to the project (database is locked); nothing "
                "was saved, try again when it has finished")
    if "malformed" in lowered or "not a database" in lowered or "corrupt" in lowered:
        return (f"the project file is damaged ({text}); restore a backup (a .vN-backup.db "
                "beside it, or your own), or recover it with `sqlite3 FILE .recover`")
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror
    return text
