"""The main text comes from trafilatura's extraction cascade run on our own tree
(bare_extraction would copy it first): it must be the text bare_extraction gives."""

from __future__ import annotations

from pathlib import Path

import pytest
import trafilatura

from cleaner import _html
from cleaner._html_parse import parse

FIXTURES = Path(__file__).parent / "fixtures" / "html"
PARAGRAPH = "<p>The council voted on Tuesday to approve the new budget for the coming year, after a long debate.</p>"
PAGES = {
    **{path.stem: path.read_text(encoding="utf-8") for path in sorted(FIXTURES.glob("*.html"))},
    "comments-section": f"<html><body><article>{PARAGRAPH * 3}</article><div id='comments'>"
                        "<p>Great article, thanks for writing it up so clearly.</p></div></body></html>",
    "table": f"<html><body>{PARAGRAPH}<table><tr><td>Roads</td><td>4.2m</td></tr></table>{PARAGRAPH}</body></html>",
    "nothing": "<html><body><div><span>Menu</span></div></body></html>",
}


def _tree(html: str) -> _html.lxml_html.HtmlElement:
    tree = parse(html)
    assert tree is not None
    _html._meta_tags(tree, html)
    _html._drop_no_text(tree)
    return tree


def test_the_cascade_runs_without_the_copy() -> None:
    assert _html._HAS_SEQUENCE, "trafilatura_sequence changed: main_text falls back to bare_extraction (slower)"


@pytest.mark.parametrize("name", sorted(PAGES))
def test_main_text_is_bare_extractions_text(name: str) -> None:
    html = PAGES[name]
    doc = trafilatura.bare_extraction(_tree(html), with_metadata=False, include_comments=False,
                                      include_tables=True, deduplicate=False)
    expected = "" if doc is None else doc.as_dict()["text"] or ""
    assert _html.main_text(_tree(html), None) == expected
