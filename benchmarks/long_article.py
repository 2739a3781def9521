"""The long article the GUI benchmarks open: the sample corpus repeated to a number of words."""

from __future__ import annotations

from annotator.paths import CORPUS


def article(words: int) -> str:
    """The sample corpus repeated to `words` words, paragraphs kept."""
    paragraphs = [p for path in sorted(CORPUS.glob("*.txt"))
                  for p in path.read_text(encoding="utf-8").split("\n") if p.strip()]
    out, count, i = [], 0, 0
    while count < words:
        paragraph = paragraphs[i % len(paragraphs)]
        out.append(paragraph)
        count += len(paragraph.split())
        i += 1
    return "\n\n".join(out)
