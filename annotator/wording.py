"""How counts are written in messages and summaries, the same in the CLI and the GUI."""

from __future__ import annotations


def plural(n: int, word: str, many: str | None = None) -> str:
    """'1 document', '2 documents', '1,200 entities' (with `many`)."""
    return f"{n:,} {word if n == 1 else many or word + 's'}"
