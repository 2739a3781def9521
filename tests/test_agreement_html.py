"""The HTML report: self-contained, every project string escaped, degenerate reports render."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from layers_support import annotate, find

from annotator.agreement.html import render_html
from annotator.agreement.report import project_agreement
from annotator.model import Document

HOSTILE = ('Officials said <script>alert("x")</script> & "quoted" <b>bold</b> '
           "while Mike Pompeo met Kim in Pyongyang.")


@pytest.fixture
def hostile_report(store) -> dict:
    doc = store.add_documents([Document('<img src=x onerror="alert(1)">', HOSTILE)]).added[0]
    annotate(store, doc, "ann<i>", [(*find(HOSTILE, "<script>"), "ORG"),
                                    (*find(HOSTILE, "Pompeo"), "PERSON")])
    annotate(store, doc, "bob", [(*find(HOSTILE, "<script>"), "GPE"),
                                 (*find(HOSTILE, "Pyongyang"), "GPE")])
    return project_agreement(store)


def test_every_project_string_is_escaped(hostile_report):
    page = render_html(hostile_report, colours={"GPE": '"><script>alert(2)</script>'})
    assert page.count("<script") == 1  # the page's own sorting script, nothing else
    assert "&lt;script&gt;<sup>" in page  # the highlighted span, escaped
    assert "alert(&quot;x&quot;)&lt;/script&gt;" in page
    assert "<b>bold" not in page and "&lt;b&gt;bold&lt;/b&gt;" in page
    assert "<img" not in page and "ann<i>" not in page and "ann&lt;i&gt;" in page


def test_page_is_self_contained(hostile_report):
    page = render_html(hostile_report)
    assert not re.search(r"""(src|href)=["']?(https?:|//)""", page)
    assert "<svg" in page and 'class="sortable"' in page
    assert "NaN" not in page.split("<script>")[0]


def browser_dom(page: str, tmp_path: Path) -> str:
    """The page's DOM after its scripts ran, from headless chromium."""
    path = tmp_path / "report.html"
    path.write_text(page, encoding="utf-8")
    return subprocess.run(
        ["chromium", "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         f"--user-data-dir={tmp_path / 'profile'}", "--dump-dom", path.as_uri()],
        capture_output=True, text=True, timeout=60, check=True).stdout


needs_chromium = pytest.mark.skipif(shutil.which("chromium") is None,
                                    reason="chromium is not installed")


@needs_chromium
def test_browser_shows_the_script_as_text(hostile_report, tmp_path: Path):
    dom = browser_dom(render_html(hostile_report), tmp_path)
    # The article's markup arrives as text nodes (escaped again in the dumped DOM) and no
    # element was created from it.
    assert "&lt;script&gt;<sup>ORG</sup></mark>alert(\"x\")&lt;/script&gt;" in dom
    assert "<b>bold</b>" not in dom and "<img" not in dom


def test_degenerate_reports_render(store):
    empty = project_agreement(store, [])
    assert "No annotator pairs" in render_html(empty)
    doc = store.add_documents([Document("solo", HOSTILE)]).added[0]
    annotate(store, doc, "ann", [])
    annotate(store, doc, "bob", [])
    page = render_html(project_agreement(store))
    assert "n/a" in page and "No disagreements." in page
    assert "NaN" not in page.split("<script>")[0]


@needs_chromium
def test_document_table_sorts_on_click(store, tmp_path: Path):
    for name, extra in (("calm", 0), ("busy", 3), ("mild", 1)):
        doc = store.add_documents([Document(name, f"{HOSTILE} {name}")]).added[0]
        places = [(*find(HOSTILE, w), "GPE") for w in ("Pyongyang", "Pompeo", "Kim", "bold")]
        annotate(store, doc, "ann", places)
        annotate(store, doc, "bob", places[extra:])
    page = render_html(project_agreement(store)).replace(
        "</body>", '<script>document.querySelectorAll("table.sortable th")[8].click();'
                   "</script></body>")
    table = browser_dom(page, tmp_path).split('class="sortable"')[1].split("</table>")[0]
    assert re.findall(r'<tr><td class="t">(\w+)</td>', table) == ["busy", "mild", "calm"]


@pytest.mark.parametrize("colour", [
    "red; background-image: url(file:///etc/passwd)",
    "#fff;background:url(http://example.com/x.png)",
    "url(x)", "expression(alert(1))", "", "#12", None,
])
def test_schema_colours_that_are_not_colours_never_reach_a_style(hostile_report, colour):
    page = render_html(hostile_report, colours={"GPE": colour, "ORG": colour})
    assert "url(" not in page and "expression(" not in page
    assert 'mark style="background:#ffe08a"' in page


@pytest.mark.parametrize("colour", ["#a1b2c3", "#abc", "#a1b2c3d4", "lightgreen"])
def test_schema_colours_that_are_colours_are_used(hostile_report, colour):
    page = render_html(hostile_report, colours={"GPE": colour, "ORG": colour})
    assert f'mark style="background:{colour}"' in page


def test_page_forbids_loading_anything(hostile_report):
    page = render_html(hostile_report)
    assert "Content-Security-Policy" in page and "default-src 'none'" in page
