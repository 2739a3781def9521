"""The one error type for bad input, so every reader reports problems the same way."""

from __future__ import annotations


class InputError(ValueError):
    """Input that cannot be imported. The message names the file (and line, where there is one);
    raising it means nothing from the call was written."""

    def __init__(self, message: str, path: object = None, line: int | None = None):
        where = f"{path}:{line}: " if path is not None and line else f"{path}: " if path else ""
        super().__init__(where + message)
        self.path, self.line = path, line


class Cancelled(Exception):
    """A long job stopped because its `progress` callback returned False (the user cancelled)."""
