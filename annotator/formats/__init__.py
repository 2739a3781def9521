"""Training-data exchange: spaCy DocBin, Prodigy JSONL, CoNLL, brat and doccano, in and out.

The entry points, for the CLI and the GUI alike, are `export_project` and `import_files`
(`annotator.formats.exchange`); the formats are registered in `annotator.formats.registry`.
"""

from annotator.formats.exchange import (
    Cancelled,
    ExportReport,
    ImportReport,
    export_project,
    import_files,
)
from annotator.formats.registry import FORMATS

__all__ = ["FORMATS", "Cancelled", "ExportReport", "ImportReport", "export_project",
           "import_files"]
