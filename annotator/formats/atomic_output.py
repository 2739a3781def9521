"""Writing an output file or folder all or nothing, even when the program is killed.

`replacing(output, folder=...)` hands out a hidden sibling (`.NAME.part`) to write into; when the
block ends normally the new output is flushed to disk (fsync) and moved into place by rename
only:
- a file: one atomic `os.replace`;
- a folder over an existing one: exchanged in one step where the system can (Linux
  `renameat2(RENAME_EXCHANGE)`), else the old one is set aside (`.NAME.old`), the new one moved
  in, and the old one removed last.
At every instant `output` is the previous output or the new one, never missing or mixed, except
for the moment between the two renames of the fallback, which the next run repairs. A run
killed part-way leaves at most `.NAME.part` / `.NAME.old`; the next run on the same output
puts a set-aside old output back if the new one never arrived, and removes both.

Ctrl+C is honoured until the renames begin (the old output stays, the temporary goes) and
held back from then on: the renames take microseconds, and an interrupt that broke in between
would leave the new output in place while the program said that nothing was written.
"""

from __future__ import annotations

import ctypes
import errno
import os
import shutil
import signal
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

_AT_FDCWD = -100
_RENAME_EXCHANGE = 2


def exchange(a: Path, b: Path) -> bool:
    """Swap two existing paths in one atomic step; False where the system cannot."""
    try:
        renameat2 = ctypes.CDLL(None, use_errno=True).renameat2
    except (OSError, AttributeError):
        return False
    if renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE) == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.ENOSYS, errno.EINVAL, errno.EOPNOTSUPP, errno.ENOTSUP):
        return False
    raise OSError(code, os.strerror(code), str(b))


@contextmanager
def _held_interrupts() -> Iterator[list[int]]:
    """SIGINT is noted, not raised, inside the block (main thread only: no other thread gets
    signals); the block's caller decides what a late Ctrl+C means."""
    noted: list[int] = []
    if threading.current_thread() is not threading.main_thread():
        yield noted
        return
    previous = signal.signal(signal.SIGINT, lambda number, _frame: noted.append(number))
    try:
        yield noted
    finally:
        signal.signal(signal.SIGINT, previous)


def sync_tree(path: Path) -> None:
    """fsync a file, or every file and folder under `path`, so a rename that follows publishes
    complete data even after a power cut."""
    if path.is_dir():
        for child in path.rglob("*"):
            if child.is_file():
                _fsync(child)
        for folder in [*(p for p in path.rglob("*") if p.is_dir()), path]:
            _fsync_dir(folder)
    elif path.exists():
        _fsync(path)


def _fsync(path: Path) -> None:
    with open(path, "rb+") as handle:
        os.fsync(handle.fileno())


def _fsync_dir(path: Path) -> None:
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:  # some systems cannot open a folder: nothing to sync there
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path)
    elif path.exists() or path.is_symlink():
        path.unlink()


class replacing:  # noqa: N801 - used as a context manager, like open()
    """See the module docstring. `check(output)` runs before anything is written when a folder
    is about to be replaced (to refuse replacing a folder that is not an earlier export)."""

    def __init__(self, output: Path, *, folder: bool,
                 check: Callable[[Path], None] | None = None):
        self.output, self.folder, self.check = Path(output), folder, check
        self.temp = self.output.parent / f".{self.output.name}.part"
        self.aside = self.output.parent / f".{self.output.name}.old"

    def __enter__(self) -> Path:
        self.output.parent.mkdir(parents=True, exist_ok=True)
        self.recover()
        if self.folder and self.output.exists() and self.check is not None:
            self.check(self.output)
        if self.folder:
            self.temp.mkdir()
        return self.temp

    def recover(self) -> None:
        """Clean up after a killed run: put back an old output set aside whose replacement
        never arrived, and remove the temporaries."""
        if self.aside.exists():
            if not self.output.exists():
                os.replace(self.aside, self.output)
            else:
                _remove(self.aside)
        _remove(self.temp)

    def __exit__(self, kind, value, traceback) -> None:
        if kind is not None:
            _remove(self.temp)
            return
        try:
            sync_tree(self.temp)
        except BaseException:  # Ctrl+C or a failing disk before the swap: nothing written
            _remove(self.temp)
            raise
        # from here on the new output is published: a Ctrl+C now is too late to stop it, and
        # the export ends as written (the interrupt is dropped, not turned into a failure)
        with _held_interrupts():
            self._publish()

    def _publish(self) -> None:
        if self.folder and self.output.exists():
            if exchange(self.temp, self.output):
                _fsync_dir(self.output.parent)
                _remove(self.temp)  # the old output, swapped out
                return
            os.replace(self.output, self.aside)
            os.replace(self.temp, self.output)
            _fsync_dir(self.output.parent)
            _remove(self.aside)
            return
        os.replace(self.temp, self.output)
        _fsync_dir(self.output.parent)
