"""The PySide6 workbench. Everything that imports Qt lives in this package; it changes data only
through `annotator.edits` (wrapped in undo commands by `session.Session`) and the core functions
the CLI calls too."""
