"""Parsing HTML (cleaner/_html_parse.py): pages nested past the parser's depth limit lose no text, in
bounded time; the tree and the repaired page are what trafilatura's own loading would give."""

from __future__ import annotations

import importlib.util
import time

import pytest
from hypothesis import given
from hypothesis import strategies as st
from lxml import html as lxml_html
from trafilatura.utils import repair_faulty_html

from cleaner import Options, clean
from cleaner._html import main_text
from cleaner._html_parse import MAX_DEPTH, _repaired, flatten, parse

NO_RESILIPARSE = pytest.mark.skipif(importlib.util.find_spec("resiliparse") is None, reason="resiliparse not installed")
ENGINES = ["trafilatura", pytest.param("fast", marks=NO_RESILIPARSE)]


def depth(html: str) -> int:
    """The deepest element of the parsed page, counted from <html>."""
    tree = parse(html)
    assert tree is not None
    return max(sum(1 for _ in el.iterancestors()) for el in tree.iter())


def test_flatten_keeps_text_and_shallow_tags() -> None:
    html = "<div>" * 5 + "deep <b>bold</b> text" + "</div>" * 5 + "<p>after</p>"
    flat = flatten(html, 3)
    assert flat == "<div>" * 3 + "deep bold text" + "</div>" * 3 + "<p>after</p>"
    assert flatten(html, 10) == html  # shallow enough: unchanged


def test_flatten_closes_like_a_browser() -> None:
    # </div> closes the unclosed <span>s inside it; a stray </em> closes nothing; void elements open nothing
    html = "<div><span><span>a</div><br><img src=x></em><div><i>b</i></div>"
    assert flatten(html, 1) == "<div>a</div><br><img src=x></em><div>b</div>"


def test_flatten_takes_scripts_styles_and_comments_whole() -> None:
    html = "<div><script>var s = '<p>x</p>';</script><!-- <div> --><style>p { }</style>text</div>"
    assert flatten(html, 2) == html  # no tag inside them counted or removed
    assert flatten(html, 1) == "<div>text</div>"  # too deep: gone whole, their contents never become text
    assert flatten(html, 0) == "text"


def test_the_parser_limit_is_real() -> None:
    # Without the fallback libxml2 drops everything past depth 256, the rest of the page included:
    # this test fails if a future lxml lifts the limit (then the fallback can go).
    page = "<html><body>" + "<div>" * 300 + "deep" + "</div>" * 300 + "<p>after</p></body></html>"
    assert "after" not in lxml_html.fromstring(page).text_content()
    tree = parse(page)
    assert tree is not None and "deep" in tree.text_content() and "after" in tree.text_content()
    assert depth(page) <= MAX_DEPTH + 2


def test_ordinary_pages_parse_unchanged() -> None:
    page = "<html><body>" + "<div>" * 50 + "<p>deep</p>" + "</div>" * 50 + "</body></html>"
    assert depth(page) == 52  # body + 50 divs + p: no tag dropped


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("levels", [300, 100_000])
def test_deep_pages_lose_no_text(engine: str, levels: int) -> None:
    page = ("<html><head><title>Deep</title></head><body>" + "<div><span>" * levels
            + "<p>The council met on Tuesday to vote on the harbour plan, which passed.</p>"
            + "</span></div>" * levels + "<p>A second paragraph follows the nest, with more of the story.</p>"
            + "</body></html>")
    started = time.monotonic()
    article = clean(page, options=Options(html_engine=engine))
    assert time.monotonic() - started < 30  # resiliparse alone is quadratic in depth: minutes at 100k
    assert "The council met on Tuesday" in article.body
    assert "A second paragraph follows the nest" in article.body


FORM_PAGE = ("<html><body><article><h1>Council approves budget</h1>"
             "<p>The council voted on Tuesday to approve the new budget for the coming year, after a long debate.</p>"
             "<form><label for=q>Search</label><input id=q name=q value='roads'><select><option>All</option>"
             "</select><textarea>Your comment</textarea></form>"
             "<p>Spending on roads rises by a tenth, the first rise in four years, the treasurer said.</p>"
             "</article></body></html>")


def test_elements_are_html_elements_made_in_c() -> None:
    # The parser's element class lookup is lxml's C one: every element, form fields included, is a
    # plain HtmlElement, with lxml.html's methods (drop_tree, text_content) that trafilatura uses.
    tree = parse(FORM_PAGE)
    assert tree is not None
    assert {type(el) for el in tree.iter()} == {lxml_html.HtmlElement}
    assert "Spending on roads" in tree.text_content()


def test_extraction_matches_lxml_html_own_classes() -> None:
    # What trafilatura extracts from our tree is what it extracts from lxml.html's own tree of the page.
    own = lxml_html.fromstring(FORM_PAGE.encode(), parser=lxml_html.HTMLParser(encoding="utf-8"))
    ours = parse(FORM_PAGE)
    assert ours is not None
    assert type(own.find(".//input")) is not lxml_html.HtmlElement  # lxml.html's lookup: its InputElement
    assert main_text(ours, None) == main_text(own, None) != ""


_PIECES = st.sampled_from(["<!DOCTYPE html>", "<!doctype html PUBLIC \"-//W3C//DTD XHTML 1.0//EN\" />", "\n", "\r\n",
                           "<html lang=en/>", "<html>", "<p>text</p>", "\x0c", "\x00", "\ufffe", "é", " "])


@given(st.lists(st.one_of(_PIECES, st.text(max_size=20)), max_size=12).map("".join))
def test_repair_is_trafilaturas(html: str) -> None:
    # _repaired skips repair_faulty_html's character pass on pages that need none: the result must not differ
    beginning = html[:50].lower()
    assert _repaired(html, beginning) == repair_faulty_html(html, beginning).encode("utf-8", "surrogatepass")
