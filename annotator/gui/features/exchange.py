"""File → Import Documents… and Export…: training data in and out through the formats core
(the dialogs and their jobs live in `exchange_dialogs`)."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtGui import QAction

from annotator.gui import exchange_dialogs
from annotator.gui.context import WindowContext


@dataclass
class ExchangeCommands:
    act_import: QAction
    act_export: QAction


def install(ctx: WindowContext) -> ExchangeCommands:
    return ExchangeCommands(
        ctx.add_action("&Import Documents…", lambda: exchange_dialogs.import_dialog(ctx),
                       ("Ctrl+I",), section="file/data"),
        ctx.add_action("&Export…", lambda: exchange_dialogs.export_dialog(ctx),
                       ("Ctrl+Shift+E",), section="file/data"))
