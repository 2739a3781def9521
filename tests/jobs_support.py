"""Jobs for the worker tests: module-level, so a child process can import them."""

from __future__ import annotations

import time

from annotator.errors import Cancelled, InputError


def count_to(total: int, progress) -> int:
    for done in range(1, total + 1):
        if progress(done, total) is False:
            raise Cancelled()
    return total


def bad_line(path: str, progress) -> None:
    progress(0, 1)
    raise InputError("not JSON", path, 7)


def never_stops(progress) -> None:
    while True:  # ignores Cancel: the process must be ended for it
        progress(0, 0)
        time.sleep(0.02)
