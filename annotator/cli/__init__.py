"""The `annotator` command: thin commands over the core functions the GUI calls too.

Each command module registers its commands on `app`; this module only assembles them. A
command checks its arguments, calls one core function, and prints; bad input becomes a clear
message on stderr and exit status 1.
"""

from __future__ import annotations

from annotator.cli import (
    corpus,  # noqa: F401  (registers stats)
    exchange,  # noqa: F401  (registers import, export)
    gui,  # noqa: F401  (registers gui, and the GUI as default)
    history,  # noqa: F401  (registers history)
    lexicon,  # noqa: F401  (registers lexicon)
    model_loop,  # noqa: F401  (registers train, evaluate, models, queue)
    nlp,  # noqa: F401  (registers preannotate)
    team,  # noqa: F401  (registers agreement, split, merge, adjudicate)
    telemetry,  # noqa: F401  (registers report, experiment)
)
from annotator.cli.app import app


def main() -> None:
    app()


__all__ = ["app", "main"]
