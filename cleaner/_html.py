"""Stage 2 (HTML input): the main text as lines, and what the page says of itself.

trafilatura finds the main content and the metadata; the line cleaner then
runs on its text as on any scraped text, so both modes agree. The "fast"
engine uses resiliparse's main-content extractor (an optional extra).
Nothing here fetches anything: the url only labels the page.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import trafilatura
from lxml import html as lxml_html

from ._errors import InputError, OptionsError

LANG_ATTR = re.compile(r"""<html[^>]*\slang\s*=\s*["']?([A-Za-z]{2,3})""", re.I)


@dataclass(slots=True)
class HtmlPage:
    lines: list[str]
    page_title: str = ""          # <title> or og:title, site name and all
    headings: list[str] = field(default_factory=list)  # the <h1>s, in order
    author: str = ""
    published: str = ""
    site_name: str = ""
    language: str = ""


def extract(html: str, url: str | None, engine: str) -> HtmlPage:
    if engine == "fast":
        return _extract_fast(html)
    try:
        tree = trafilatura.load_html(html)
    except ValueError as exc:  # lxml refuses some inputs outright
        raise InputError(f"cannot parse HTML: {exc}") from None
    if tree is None:
        raise InputError("cannot parse HTML: no document element")
    headings = [_text(h) for h in tree.iterfind(".//h1")]
    lang = tree.get("lang", "") or _lang_attr(html)
    doc = trafilatura.bare_extraction(tree, url=url, with_metadata=True, include_comments=False,
                                      include_tables=True, deduplicate=False)
    if doc is None:
        return HtmlPage(lines=[], headings=[h for h in headings if h], language=lang[:2].lower())
    fields = doc if isinstance(doc, dict) else doc.as_dict()

    def field_text(name: str) -> str:
        value = fields.get(name)
        return value if isinstance(value, str) else ""

    return HtmlPage(
        lines=[ln.strip() for ln in field_text("text").split("\n") if ln.strip()],
        page_title=field_text("title"),
        headings=[h for h in headings if h],
        author=field_text("author"),
        published=field_text("date"),
        site_name=field_text("sitename"),
        language=(field_text("language") or lang)[:2].lower(),
    )


def _extract_fast(html: str) -> HtmlPage:
    try:
        from resiliparse.extract.html2text import extract_plain_text
        from resiliparse.parse.html import HTMLTree
    except ImportError:
        raise OptionsError("html_engine", "the fast engine needs resiliparse: pip install 'cleaner[fast]'") from None
    tree = HTMLTree.parse(html)
    text = extract_plain_text(tree, main_content=True, alt_texts=False, links=False, list_bullets=False)
    headings = [(h.text or "").strip() for h in tree.body.get_elements_by_tag_name("h1")] if tree.body else []
    og = tree.head.query_selector('meta[property="og:title"]') if tree.head else None
    title = (og.getattr("content") or "") if og is not None else (tree.title or "")
    site = tree.head.query_selector('meta[property="og:site_name"]') if tree.head else None
    return HtmlPage(
        lines=[ln.strip() for ln in text.split("\n") if ln.strip()],
        page_title=(title or "").strip(),
        headings=[h for h in headings if h],
        site_name=((site.getattr("content") or "") if site is not None else "").strip(),
        language=_lang_attr(html)[:2].lower(),
    )


def _text(element: lxml_html.HtmlElement) -> str:
    return " ".join(element.text_content().split())


def _lang_attr(html: str) -> str:
    m = LANG_ATTR.search(html[:4096])
    return m.group(1) if m else ""
