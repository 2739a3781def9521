"""GUI: how much longer a project of 100,000 documents takes to open than one of 4.

    QT_QPA_PLATFORM=offscreen python benchmarks/gui_open.py [--documents 100000] [--repeat 5]

Builds two throwaway projects (the sample corpus's paragraphs as documents: 4 of them, and
`--documents` of them) and times, for each, building the main window with every feature on the
project, showing it and painting it once: what a user waits for between the command and a
window they can use. Median of `--repeat` alternating runs; the first run of each is a warm-up.
Target (issue 12, item 15): < 0.3 s more for 100,000 documents.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QSettings  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from annotator.gui import styles  # noqa: E402
from annotator.gui.windows import build_window  # noqa: E402
from annotator.model import Document  # noqa: E402
from annotator.paths import CORPUS  # noqa: E402
from annotator.store import Store  # noqa: E402


def build(path: Path, count: int) -> Path:
    paragraphs = [p for f in sorted(CORPUS.glob("*.txt"))
                  for p in f.read_text(encoding="utf-8").split("\n") if len(p) > 80]
    with Store(path) as store:
        store.add_documents(Document(f"article-{n:06d}",
                                     f"{paragraphs[n % len(paragraphs)]} ({n})")
                            for n in range(count))
    return path


def open_seconds(app: QApplication, path: Path, settings: QSettings) -> float:
    start = time.perf_counter()
    window = build_window(Store(path), "bench", settings)
    window.show()
    window.repaint()
    app.processEvents()
    elapsed = time.perf_counter() - start
    window.close()
    window.session.store.close()
    window.deleteLater()
    app.processEvents()
    return elapsed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--documents", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    app = QApplication.instance() or QApplication(sys.argv[:1])
    styles.apply_theme(app, "light")
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        started = time.perf_counter()
        small = build(root / "small.db", 4)
        big = build(root / "big.db", args.documents)
        print(f"built projects of 4 and {args.documents:,} documents in "
              f"{time.perf_counter() - started:.1f} s", flush=True)
        settings = QSettings(str(root / "settings.ini"), QSettings.IniFormat)
        times: dict[Path, list[float]] = {small: [], big: []}
        for run in range(args.repeat + 1):
            for path in (small, big):
                seconds = open_seconds(app, path, settings)
                if run:
                    times[path].append(seconds)
        small_s, big_s = statistics.median(times[small]), statistics.median(times[big])
        print(f"open 4 documents: median {small_s * 1000:.0f} ms "
              f"({', '.join(f'{t * 1000:.0f}' for t in times[small])})")
        print(f"open {args.documents:,} documents: median {big_s * 1000:.0f} ms "
              f"({', '.join(f'{t * 1000:.0f}' for t in times[big])})")
        print(f"extra for {args.documents:,} documents: {(big_s - small_s) * 1000:.0f} ms "
              "(target < 300 ms)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
