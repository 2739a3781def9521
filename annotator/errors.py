"""The errors and the progress callback that every long core function shares, so the CLI and
the GUI report problems and cancel jobs the same way."""

from __future__ import annotations

from collections.abc import Callable

#: `progress(done, total)`, called as a long job goes; returning False asks it to stop (it then
#: raises `Cancelled` once what it was writing is rolled back)
Progress = Callable[[int, int], "bool | None"]


class InputError(ValueError):
    """Input that cannot be imported. The message names the file (and line, where there is one);
    raising it means nothing from the call was written."""

    def __init__(self, message: str, path: object = None, line: int | None = None):
        where = f"{path}:{line}: " if path is not None and line else f"{path}: " if path else ""
        super().__init__(where + message)
        self.message, self.path, self.line = message, path, line

    def __reduce__(self):
        # a job in a child process hands its failure back pickled: keep path and line apart
        return type(self), (self.message, self.path, self.line)


class Cancelled(Exception):
    """A long job stopped because its `progress` callback returned False (the user cancelled)."""
