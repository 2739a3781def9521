"""Annotation telemetry: active time (`worktime`), what became of the suggestions (`outcomes`),
the rubber-stamp monitor (`stamps`), scorecards against gold (`scorecards`), the A/B experiment
on suggestions (`experiment`), gathered in one report dict (`report`) and written as JSON, CSV
and a self-contained HTML page (`files`, `html`). Read from the edit journal and the activity
table (`sources`); Qt-free like the rest of the core."""

from annotator.telemetry.report import active_seconds, project_report

__all__ = ["active_seconds", "project_report"]
