"""The window's features, one module each, installed on a `WindowContext` by `install(ctx)`.

A feature adds its commands to the window's named menus and opens its own dialogs; the main
window (layout, the annotator's keys, menus) imports none of them. To add one: write
`features/<name>.py` with `install(ctx) -> object` (the object it returns is kept as
`window.features[name]`, for its tests) and list it in `FEATURES`, in menu order.
"""

from __future__ import annotations

#: module names under `annotator.gui.features`, installed in this order
FEATURES = ("project", "exchange", "nlp", "model_loop", "review", "team", "telemetry",
            "preferences")
