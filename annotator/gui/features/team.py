"""File → Split for Annotators… and Merge Annotator Files…: the team workflow across desktops
(the dialogs and their jobs live in `team_dialogs`)."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtGui import QAction

from annotator.gui import team_dialogs
from annotator.gui.context import WindowContext


@dataclass
class TeamCommands:
    act_split: QAction
    act_merge: QAction


def install(ctx: WindowContext) -> TeamCommands:
    return TeamCommands(
        ctx.add_action("&Split for Annotators…", lambda: team_dialogs.split_dialog(ctx),
                       section="file/data"),
        ctx.add_action("&Merge Annotator Files…", lambda: team_dialogs.merge_dialog(ctx),
                       section="file/data"))
