"""`annotator report` and `annotator experiment` end to end: the terminal, JSON, CSV and the
HTML page (escaped, self-contained, its charts drawn in a real headless Chromium)."""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path

import pytest
from journal_support import Journal, suggest
from layers_support import annotate, find
from test_agreement_html import browser_dom, needs_chromium
from typer.testing import CliRunner

from annotator.cli import app
from annotator.model import GOLD, Document
from annotator.telemetry import project_report
from annotator.telemetry.html import render_html

runner = CliRunner()
TEXT = ('Officials said <script>alert("x")</script> while Mike Pompeo met Kim in Pyongyang '
        "on Thursday.")
HOSTILE = "<img src=x onerror=alert(1)>"
MARKUP = "[b]m[/b]"


@pytest.fixture
def team(store):
    """Two annotators (one with a hostile name) over six documents, half of them in the
    withheld arm, with gold, suggestions from a hostile origin, decisions and a journal."""
    docs = store.add_documents([Document(f'{HOSTILE} {i}', f"{TEXT} {i}")
                                for i in range(6)]).added
    store.set_experiment_arms({d: "withheld" if n % 2 else "shown" for n, d in enumerate(docs)})
    j = Journal(store)
    truth = [(*find(TEXT, "Mike Pompeo"), "PERSON"), (*find(TEXT, "Kim"), "PERSON"),
             (*find(TEXT, "Pyongyang"), "GPE")]
    for n, doc in enumerate(docs):
        annotate(store, doc, GOLD, truth)
        made = [suggest(store, doc, *find(TEXT, "Mike Pompeo"), "PERSON",
                        origin=f"model:{MARKUP}"),
                suggest(store, doc, *find(TEXT, "<script>"), "ORG<b>")]
        for who, pace in (("ann", 20), (f"bob{HOSTILE}", 35)):
            base = n * 3600 + (0 if who == "ann" else 1800)
            j.window(who, doc, base, "open")
            if n % 2 == 0:  # suggestions shown
                j.accept(who, made[0], base + pace)
                j.reject(who, made[1], base + 2 * pace)
            else:
                j.add(who, doc, *find(TEXT, "Mike Pompeo"), "PERSON", base + 2 * pace)
            j.add(who, doc, *find(TEXT, "Kim"), "PERSON", base + 3 * pace)
            if who == "ann":
                j.add(who, doc, *find(TEXT, "Pyongyang"), "GPE", base + 4 * pace)
            j.status(who, doc, base + 5 * pace)
    return docs


def test_telemetry_report_command_writes_every_file(store, team, project_path, tmp_path):
    out_json, out_html, out_csv = tmp_path / "r.json", tmp_path / "r.html", tmp_path / "csv"
    result = runner.invoke(app, ["report", str(project_path), "--json", str(out_json),
                                 "--csv", str(out_csv), "--html", str(out_html)])
    assert result.exit_code == 0, result.output
    assert "suggestion outcomes per origin" in result.output
    assert f"model:{MARKUP}" in result.output  # data printed as it is, not as markup
    assert "A/B experiment" in result.output
    report = json.loads(out_json.read_text(encoding="utf-8"))
    assert set(report) >= {"time", "throughput", "outcomes", "rubber_stamp", "scorecards",
                           "experiment", "summary"}
    cards = {c["annotator"]: c for c in report["scorecards"]["per_annotator"]}
    assert cards["ann"]["entity_f1"] == 1.0
    assert cards[f"bob{HOSTILE}"]["entity_f1"] == pytest.approx(0.8)
    time = report["experiment"]["seconds_per_document"]
    assert time["shown"]["value"] == pytest.approx((5 * 20 + 5 * 35) / 2)
    assert time["withheld"]["value"] == time["shown"]["value"]
    with (out_csv / "outcomes_per_origin.csv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert {r["origin"] for r in rows} == {f"model:{MARKUP}", "model:en_test@1.0", "manual"}
    assert sorted(p.name for p in out_csv.iterdir()) == sorted(
        f"{name}.csv" for name in ("time_per_annotator", "time_per_document", "throughput",
                                   "outcomes_per_origin", "outcomes_per_label",
                                   "outcomes_per_annotator", "suggestions_judged",
                                   "rubber_stamp", "warnings", "scorecards",
                                   "scorecards_over_time", "experiment"))
    assert out_html.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


def test_telemetry_experiment_command(store, project_path):
    store.add_documents([Document(f"d{i}", f"{TEXT} {i}") for i in range(10)])
    result = runner.invoke(app, ["experiment", str(project_path), "--withhold", "0.2",
                                 "--seed", "3"])
    assert result.exit_code == 0, result.output
    assert "2 documents without suggestions, 8 with (seed 3)" in result.output
    assert sum(1 for arm in store.experiment_arms().values() if arm == "withheld") == 2
    again = runner.invoke(app, ["experiment", str(project_path), "--withhold", "0.5"])
    assert "replaced" in again.output and "5 documents without" in again.output
    bad = runner.invoke(app, ["experiment", str(project_path), "--withhold", "2"])
    assert bad.exit_code == 1 and "between 0 and 1" in bad.output
    missing = runner.invoke(app, ["report", str(project_path.with_name("none.db"))])
    assert missing.exit_code == 1


def test_telemetry_html_escapes_every_project_string(store, team):
    page = render_html(project_report(store))
    assert page.count("<script") == 1  # the page's own sorting script
    assert "<img" not in page and "<b>" not in page
    assert "bob&lt;img src=x onerror=alert(1)&gt;" in page
    assert "ORG&lt;b&gt;" in page
    assert not re.search(r"""(src|href)=["']?(https?:|//)""", page)
    body = page.split("<script>")[0]
    assert not re.search(r"\bNaN\b|\bNone\b|\binf\b|Infinity", body)


#: run in the browser after the page: what it laid out, written into the DOM for the test
PROBE = """<script>
const svgs = Array.from(document.querySelectorAll('svg'));
document.body.dataset.marks = svgs.map(svg =>
  svg.querySelectorAll('rect, circle, polyline, path').length).join(',');
document.body.dataset.widths = svgs.map(svg =>
  Math.round(svg.getBoundingClientRect().width)).join(',');
</script></body>"""


@needs_chromium
def test_telemetry_html_charts_render_in_chromium(store, team, tmp_path: Path):
    dom = browser_dom(render_html(project_report(store)).replace("</body>", PROBE), tmp_path)
    marks = [int(n) for n in re.search(r'data-marks="([\d,]+)"', dom).group(1).split(",")]
    widths = [int(n) for n in re.search(r'data-widths="([\d,]+)"', dom).group(1).split(",")]
    # throughput (2), time per document, outcomes per label, F1 per entity label, F1 per week
    # and per 50 documents, A/B time and F1: each drawn, with something in it
    assert len(marks) == 9 and min(marks) > 0 and min(widths) > 200
    for heading in ("Documents done per day", "Outcome rates per label",
                    "Active time per document", "F1 against gold: Entity labels",
                    "Entity F1 per week", "Active minutes per document"):
        assert heading in dom
    assert "<img" not in dom and "alert(1)&gt;" in dom
