"""What the app does as its window first shows."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_gui_spacy_for_linking_is_imported_off_the_gui_thread():
    """Opening a document may link lexicon suggestions to events, which needs spaCy: the app
    imports it in a thread once the window shows, so the first document does not freeze."""
    probe = ("import sys\n"
             "from annotator.gui import app\n"
             "assert 'spacy' not in sys.modules\n"
             "thread = app.warm_up()\n"
             "thread.join(60)\n"
             "assert not thread.is_alive() and 'annotator.nlp.stored_parse' in sys.modules\n")
    subprocess.run([sys.executable, "-c", probe], check=True, cwd=ROOT,
                   env={**os.environ, "QT_QPA_PLATFORM": "offscreen"})
