"""Training-data exchange: spaCy DocBin, Prodigy JSONL, CoNLL, brat and doccano, in and out.

The entry points, for the CLI and the GUI alike, are `export_project` and `import_files`
(`annotator.formats.exchange`); the formats are registered in `annotator.formats.registry`.
The names below load their module on first use, so listing the formats (`annotator --help`)
does not import the project store.
"""

from __future__ import annotations

import importlib

_HOMES = {
    "FORMATS": "annotator.formats.registry",
    "Cancelled": "annotator.formats.exchange",
    "ExportReport": "annotator.formats.exchange",
    "ImportReport": "annotator.formats.exchange",
    "export_project": "annotator.formats.exchange",
    "import_files": "annotator.formats.exchange",
}

__all__ = list(_HOMES)


def __getattr__(name: str) -> object:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(home), name)
