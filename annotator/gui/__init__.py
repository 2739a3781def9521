"""The PySide6 workbench. Everything that imports Qt lives in this package; it changes data only
through `annotator.edits` (wrapped in undo commands by `session.Session`) and the core functions
the CLI calls too."""

import ctypes
import sys

if sys.version_info < (3, 12):
    # PySide6 6.12 (abi3 wheels) returns None from every void method without taking a reference,
    # as if None were immortal, which it is only from Python 3.12 (PEP 683). On 3.11 each
    # `setPen`, `setAlpha`, `setVisible` ... drains None's count, and after a few thousand calls
    # the interpreter aborts ("none_dealloc: deallocating None"). Give None the immortal
    # count 3.12 gives it, so the GUI survives a working day.
    ctypes.c_ssize_t.from_address(id(None)).value += 1 << 40
