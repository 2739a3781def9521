"""The report as flat tables: one CSV file per table, for spreadsheets and pandas.

Each table is a list of rows with the same columns; nested figures are spread into columns
(`rate_accepted`, `ci_low`, ...). Values are written as they are in the JSON report; an
undefined figure is an empty cell.
"""

from __future__ import annotations

import csv
from pathlib import Path

from annotator.telemetry.outcomes import OUTCOMES


def _outcome_rows(rows: list[dict], key: str) -> list[dict]:
    out = []
    for row in rows:
        flat = {key: row[key], **{o: row[o] for o in OUTCOMES}, "suggested": row["suggested"],
                "decided": row["decided"], "accept_rate": row["accept_rate"]}
        flat.update({f"rate_{o}": v for o, v in row["rates"].items()})
        out.append(flat)
    return out


def _scores(block: dict, **first) -> list[dict]:
    return [{**first, "label": label, **{k: c[k] for k in ("p", "r", "f1", "support", "tp",
                                                            "fp", "fn")}}
            for label, c in block["per_label"].items()]


def report_tables(report: dict) -> dict[str, list[dict]]:
    """Table name -> rows."""
    outcomes = report["outcomes"]
    cards = report["scorecards"]["per_annotator"]
    tables: dict[str, list[dict]] = {
        "time_per_annotator": report["time"]["per_annotator"],
        "time_per_document": report["time"]["per_document"],
        "throughput": report["throughput"],
        "outcomes_per_origin": _outcome_rows(outcomes["per_origin"], "origin"),
        "outcomes_per_label": _outcome_rows(outcomes["per_label"], "label"),
        "outcomes_per_annotator": _outcome_rows(outcomes["per_annotator"], "annotator"),
        "suggestions_judged": _scores(outcomes["judged"]),
        "rubber_stamp": report["rubber_stamp"]["per_annotator"],
        "warnings": report["rubber_stamp"]["warnings"],
        "scorecards": [row for card in cards for what in ("entities", "event_types", "roles")
                       for row in _scores(card[what], annotator=card["annotator"], kind=what)],
        "scorecards_over_time": [
            {"annotator": card["annotator"], "by": by, "period": p["period"],
             "documents": p["documents"], "entity_f1": p["entity_f1"],
             "event_f1": p["event_f1"], "role_f1": p["role_f1"]}
            for card in cards for by, key in (("week", "by_week"), ("documents", "by_documents"))
            for p in card[key]],
    }
    experiment = report.get("experiment")
    rows = []
    if experiment:
        for measure in ("seconds_per_document", "f1"):
            for arm, value in experiment[measure].items():
                ci = value.get("ci") or [None, None]
                rows.append({"measure": measure, "arm": arm, "value": value["value"],
                             "n": value.get("n"), "ci_low": ci[0], "ci_high": ci[1]})
    tables["experiment"] = rows
    return tables


def write_csv(report: dict, folder: Path) -> list[Path]:
    """Write every table into `folder` (made if missing) as NAME.csv; returns the paths."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, rows in report_tables(report).items():
        path = folder / f"{name}.csv"
        columns: list[str] = []
        for row in rows:
            columns += [c for c in row if c not in columns]
        with path.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.DictWriter(handle, fieldnames=columns or ["empty"])
            writer.writeheader()
            writer.writerows(rows)
        written.append(path)
    return written
