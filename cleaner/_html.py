"""Stage 2 (HTML input): the main text as lines, and what the page says of itself.

trafilatura finds the main content and the metadata; the line cleaner then
runs on its text as on any scraped text, so both modes agree. The "fast"
engine uses resiliparse's main-content extractor (an optional extra).
Nothing here fetches anything: the url only labels the page.
"""

from __future__ import annotations

import inspect
import json
import re
from dataclasses import dataclass, field
from typing import Any

import trafilatura
from lxml import etree
from lxml import html as lxml_html

from ._errors import InputError, OptionsError
from ._html_parse import DEEP_SELECTOR, MAX_DEPTH, flatten, parse
from ._render import visible_lines

try:  # trafilatura's extraction cascade, an internal function: used only with the signature it was written for
    from trafilatura.core import trafilatura_sequence
    from trafilatura.settings import Extractor
    from trafilatura.xml import xmltotxt
    _HAS_SEQUENCE = list(inspect.signature(trafilatura_sequence).parameters) == ["tree", "options", "url"]
except ImportError:
    _HAS_SEQUENCE = False

# Bounds on JSON-LD walking, so a hostile page cannot make it expensive.
MAX_JSON_LD_SCRIPTS = 8
MAX_JSON_LD_ITEMS = 50
# Elements that hold no visible text, removed before extraction: trafilatura drops them
# too, but only after copying and walking them in each of its passes (readability's
# included). JSON scripts stay: trafilatura reads JSON-LD (articleBody, forum markup).
# <noscript> stays: some pages put their article there. (The parser already drops comments.)
_NO_TEXT_TAGS = ("style", "svg", "iframe", "link")  # and <script>, but JSON
# In the extracted main text, a line longer than this is a paragraph, not a leftover
# (rules for longer lines exist for scraped text; on extracted main text they change nothing measured).
LEFTOVER_MAX_CHARS = 300
# An extraction of fewer words than this may have missed the article: the whole page's text
# is kept beside it, for the pipeline to compare (trafilatura finds nothing in an <aside> or a
# <footer>, even when the article is all the page holds).
SMALL_EXTRACTION_WORDS = 150
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
    # the whole page's visible text, a block a line, when the extracted main text is short
    # (under SMALL_EXTRACTION_WORDS): the extractor may have missed the article
    page_lines: list[str] | None = None


def extract(html: str, url: str | None, engine: str) -> HtmlPage:
    if engine == "fast":
        return _extract_fast(html)
    try:
        tree = parse(html)
    except (ValueError, etree.ParserError) as exc:  # lxml refuses some inputs outright ("Document is empty")
        raise InputError(f"cannot parse HTML: {exc}") from None
    if tree is None:
        raise InputError("cannot parse HTML: no document element")
    # Read before _drop_no_text, which removes the head and <link rel="author">.
    page = _meta_tags(tree, html)
    _drop_no_text(tree)
    text = main_text(tree, url)
    page.lines = _nonblank_lines(text)
    if _is_small(page.lines):
        page.page_lines = visible_lines(tree)  # less what the extractor pruned: comment sections
    return page


def main_text(tree: lxml_html.HtmlElement, url: str | None) -> str:
    """trafilatura's main text of the tree, "" when it finds none; may prune the tree.

    Our own meta-tag reading replaces trafilatura's metadata pass, which costs as much
    again as the extraction (mostly date guessing). bare_extraction() copies any tree it
    is given (0.5 ms a page); its extraction cascade runs on ours when it is there as expected.
    """
    if not _HAS_SEQUENCE:
        doc = trafilatura.bare_extraction(tree, url=url, with_metadata=False, include_comments=False,
                                          include_tables=True, deduplicate=False)
        text = None if doc is None else (doc if isinstance(doc, dict) else doc.as_dict()).get("text")
        return text if isinstance(text, str) else ""
    # bare_extraction's options and checks, with metadata off
    options = Extractor(output_format="python", comments=False, tables=True, dedup=False, url=url)
    try:
        body, text, _, _ = trafilatura_sequence(tree, options, url)
    except (TypeError, ValueError):  # what bare_extraction reports as "discarding data"
        return ""
    if len(text) < options.min_output_size:
        return ""
    return str(xmltotxt(body, options.formatting))


def _nonblank_lines(text: str) -> list[str]:
    return [line for line in map(str.strip, text.split("\n")) if line]


def _is_small(lines: list[str]) -> bool:
    return sum(len(line.split()) for line in lines) < SMALL_EXTRACTION_WORDS


def may_be_leftover(line: str) -> bool:
    """Whether a line of the extracted main text is worth testing against the leftover
    rules: not a paragraph-length line, not a row of a table in the page (rows are
    content, figures, schedules, rankings, not the separated links they look like)."""
    return len(line) <= LEFTOVER_MAX_CHARS and not _is_data_row(line)


def _is_data_row(line: str) -> bool:
    """A table row as trafilatura writes it, "| cell | cell |"; a row of one cell ("| Related articles |")
    is a layout table's, a line like any other."""
    return line[:1] == "|" == line[-1:] and "|" in line[1:-1]


def _drop_no_text(tree: lxml_html.HtmlElement) -> None:
    """Remove what holds no visible text (scripts, styles, SVG, frames) and, once the meta tags
    are read, the head but its JSON-LD, keeping the text after each."""
    # in C, the text after each kept in place (0.3 ms a page less than drop_tree one at a time)
    etree.strip_elements(tree, *_NO_TEXT_TAGS, with_tail=False)
    # listed first: dropping while iterating would end the walk early
    for element in list(tree.iter("script")):
        if element.getparent() is not None and not _is_json_script(element):
            element.drop_tree()
    # The head holds no body: trafilatura only copies and walks it (and on 2 of 1233 pages
    # a fallback of it printed the <title>, site name and all, as body).
    head = tree.find("head")
    if head is not None:
        for element in list(head):
            if not _is_json_script(element):
                element.drop_tree()


def _is_json_script(element: lxml_html.HtmlElement) -> bool:
    return element.tag == "script" and "json" in element.get("type", "")


# What the page says of itself: these elements, found in one walk of the tree
# (iter() by tag costs a fifth of an XPath union of the same).
_META_TAGS = ("meta", "title", "h1", "time", "script")
# rel="author" can be on any element; looked for, in a walk of its own, only when
# JSON-LD and the meta tags name no author.
_REL_AUTHOR = etree.XPath("//*[@rel='author']")


def _first(found: dict[str, list[str]], *keys: str) -> str:
    """The first usable value under the first key that has one (a URL is not a value)."""
    for key in keys:
        for value in found.get(key, ()):
            text = " ".join(value.split())
            if text and not text.startswith(("http://", "https://")):
                return text
    return ""


def _json_ld(scripts: list[str]) -> dict[str, str]:
    """author and datePublished from schema.org JSON-LD (most news sites have it)."""
    found: dict[str, str] = {}
    for script in scripts[:MAX_JSON_LD_SCRIPTS]:
        try:
            data = json.loads(script)
        except ValueError:
            continue
        stack = [data]
        while stack and len(found) < 2:
            item = stack.pop()
            if isinstance(item, list):
                stack.extend(item[:MAX_JSON_LD_ITEMS])
            elif isinstance(item, dict):
                if "datePublished" in item and isinstance(item["datePublished"], str):
                    found.setdefault("published", item["datePublished"])
                author = item.get("author")
                names = [a.get("name") for a in (author if isinstance(author, list) else [author])
                         if isinstance(a, dict)]
                if any(isinstance(n, str) for n in names):
                    found.setdefault("author", "; ".join(n for n in names if isinstance(n, str)))
                graph = item.get("@graph")
                if isinstance(graph, list):
                    stack.extend(graph[:MAX_JSON_LD_ITEMS])
    return found


def _meta_tags(tree: lxml_html.HtmlElement, html: str) -> HtmlPage:
    """What the page says of itself in its <head> (Open Graph, article:*, JSON-LD, <title>)."""
    found: dict[str, list[str]] = {}
    headings: list[str] = []
    scripts: list[str] = []
    for element in tree.iter(*_META_TAGS):
        tag = element.tag
        if tag == "meta":
            content = element.get("content")
            if content is not None:
                for attr in ("property", "name", "itemprop"):
                    key = element.get(attr)
                    if key is not None:
                        found.setdefault(f"{attr}={key}", []).append(content)
        elif tag == "title":
            texts = [str(t) for t in element.xpath("text()")]
            found.setdefault("title", []).extend(texts)
            parent = element.getparent()
            if parent is not None and parent.tag == "head":
                found.setdefault("head-title", []).extend(texts)
        elif tag == "h1":
            if heading := _text(element):
                headings.append(heading)
        elif tag == "time":
            if (datetime := element.get("datetime")) is not None:
                found.setdefault("time", []).append(datetime)
        elif element.text and element.get("type") == "application/ld+json":
            scripts.append(element.text)
    ld = _json_ld(scripts)
    author = ld.get("author") or _first(found, "name=author", "property=article:author")
    if not author:
        found["rel-author"] = [str(t) for element in _REL_AUTHOR(tree) for t in element.xpath("text()")]
        author = _first(found, "rel-author", "name=byl")
    lang = tree.get("lang", "") or _lang_attr(html) or _first(found, "property=og:locale")
    return HtmlPage(
        lines=[],
        page_title=_first(found, "property=og:title", "name=twitter:title", "head-title", "title"),
        headings=headings,
        author=author,
        published=ld.get("published") or _first(found, "property=article:published_time", "name=date",
                                                 "name=pubdate", "itemprop=datePublished", "time"),
        site_name=_first(found, "property=og:site_name", "name=application-name"),
        language=lang[:2].lower(),
    )


def _extract_fast(html: str) -> HtmlPage:
    try:
        from resiliparse.extract.html2text import extract_plain_text
        from resiliparse.parse.html import HTMLTree
    except ImportError:
        raise OptionsError("html_engine", "the fast engine needs resiliparse: pip install 'cleaner[fast]'") from None
    tree = HTMLTree.parse(html)
    if tree.document is not None and tree.document.query_selector(DEEP_SELECTOR) is not None:
        tree = HTMLTree.parse(flatten(html, MAX_DEPTH))  # its extractor is quadratic in depth
    text = extract_plain_text(tree, main_content=True, alt_texts=False, links=False, list_bullets=False)
    lines = _nonblank_lines(text)
    page_lines = None
    if _is_small(lines):
        whole = extract_plain_text(tree, main_content=False, alt_texts=False, links=False, list_bullets=False)
        page_lines = _nonblank_lines(whole)
    headings = [_node_text(h) for h in tree.body.get_elements_by_tag_name("h1")] if tree.body else []
    og = tree.head.query_selector('meta[property="og:title"]') if tree.head else None
    title = (og.getattr("content") or "") if og is not None else (tree.title or "")
    site = tree.head.query_selector('meta[property="og:site_name"]') if tree.head else None
    return HtmlPage(
        lines=lines,
        page_title=(title or "").strip(),
        headings=[h for h in headings if h],
        site_name=((site.getattr("content") or "") if site is not None else "").strip(),
        language=_lang_attr(html)[:2].lower(),
        page_lines=page_lines,
    )


_CODE_TAGS = frozenset({"script", "style", "template", "noscript"})
# The visible text of an element: what script, style and template hold is code, not text.
_VISIBLE_TEXT = (
    "descendant::text()[not(ancestor::script or ancestor::style or ancestor::template or ancestor::noscript)]"
)


def _node_text(node: Any) -> str:
    """The visible text of a resiliparse node (script, style and template skipped)."""
    parts: list[str] = []
    stack = [node]
    while stack:
        current = stack.pop()
        if current.tag in _CODE_TAGS:
            continue
        if current.tag == "#text":
            parts.append(current.text or "")
        else:
            stack.extend(reversed(list(current.child_nodes)))
    return " ".join(" ".join(parts).split())


def _text(element: lxml_html.HtmlElement) -> str:
    return " ".join(" ".join(element.xpath(_VISIBLE_TEXT)).split())


def _lang_attr(html: str) -> str:
    m = LANG_ATTR.search(html[:4096])
    return m.group(1) if m else ""
