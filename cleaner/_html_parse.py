"""Parse HTML into an lxml tree without losing text to the parser's depth limit.

libxml2 stops parsing at 256 nested elements ("Excessive depth in document")
and drops everything after that point, the rest of the page included. Broken
pages reach that depth with unclosed inline tags, hostile ones on purpose.
When the parser reports it, the tags nested deeper than MAX_DEPTH are removed
(their text stays, in place) and the page is parsed again.

This is trafilatura's `load_html` for text input (its repair, its parser
options), with a parser of our own per thread, so that the depth error read
back belongs to this parse, and two savings that change no tree: element
classes chosen in C, and the repair's pass over the characters libxml2
refuses skipped when the page's bytes hold none.
"""

from __future__ import annotations

import re
import threading

from lxml import etree
from lxml import html as lxml_html
from trafilatura.utils import is_dubious_html, repair_faulty_html

try:  # the patterns of repair_faulty_html's markup steps (see _repair_markup)
    from trafilatura.utils import DOCTYPE_TAG, FAULTY_HTML, INVALID_XML_CHARS
    _HAS_MARKUP_REPAIR = INVALID_XML_CHARS.pattern == "[\\x00-\\x08\\x0b\\x0c\\x0e-\\x1f\\ufffe\\uffff]"
except ImportError:
    _HAS_MARKUP_REPAIR = False

# Below libxml2's limit of 256, with room for the elements the parser adds (html, body).
MAX_DEPTH = 200
# Elements that never have content, so never open a level.
VOID_ELEMENTS = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta",
                           "param", "source", "track", "wbr"})
# Matches an element nested deeper than MAX_DEPTH (CSS, for resiliparse's selector engine).
DEEP_SELECTOR = " > ".join(["*"] * (MAX_DEPTH + 1))
# A comment, a script or style element whole (its code is never split into tags), or one tag.
_TOKEN = re.compile(r"<!--.*?(?:-->|$)|<(script|style)\b[^>]*>.*?(?:</\1\s*>|$)"
                    r"|<(/?)([A-Za-z][A-Za-z0-9:-]*)[^>]*?(/?)>", re.DOTALL | re.IGNORECASE)
_DEPTH_ERROR = "Excessive depth"
# The characters repair_faulty_html removes (its INVALID_XML_CHARS), in UTF-8.
_REFUSED_BYTES = bytes([*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20)])
_REFUSED_UTF8 = ("\ufffe".encode(), "\uffff".encode())

_local = threading.local()


def _parser() -> lxml_html.HTMLParser:
    parser: lxml_html.HTMLParser | None = getattr(_local, "parser", None)
    if parser is None:  # the options of trafilatura's own parser
        parser = lxml_html.HTMLParser(collect_ids=False, default_doctype=False, encoding="utf-8",
                                      remove_comments=True, remove_pis=True)
        # Every element is an HtmlElement, chosen in C: lxml.html's own lookup runs Python code
        # for each element object made (thousands a page in trafilatura's passes) only to give
        # form fields their own classes, which nothing here uses. 2-2.6 ms a page, same output.
        parser.set_element_class_lookup(etree.ElementDefaultClassLookup(
            element=lxml_html.HtmlElement, comment=lxml_html.HtmlComment,
            pi=lxml_html.HtmlProcessingInstruction, entity=lxml_html.HtmlEntity))
        _local.parser = parser
    return parser


def parse(html: str) -> lxml_html.HtmlElement | None:
    """The page's tree, or None when it is not HTML at all; raises ValueError or lxml's
    ParserError ("Document is empty") when lxml refuses it."""
    beginning = html[:50].lower()
    data = _repaired(html, beginning)
    tree, too_deep = _parse(data)
    if too_deep:
        tree, _ = _parse(_utf8(flatten(data.decode("utf-8", "surrogatepass"), MAX_DEPTH)))
    if tree is not None and is_dubious_html(beginning) and len(tree) < 2:
        return None
    return tree


def _utf8(html: str) -> bytes:
    # lxml parses UTF-8 bytes faster than the str, by more than encoding costs
    # (3.0 against 3.6 ms on wcxb pages), and takes an encoding declaration in them
    return html.encode("utf-8", "surrogatepass")


def _repaired(html: str, beginning: str) -> bytes:
    """The page as trafilatura's repair_faulty_html leaves it, in UTF-8. Its first step, a regex
    pass over the whole page for the control characters libxml2 refuses, costs 1.2 ms on a
    180 KB page; most pages have none, as a scan of the bytes (which the parser needs anyway) tells."""
    if _HAS_MARKUP_REPAIR:
        data = _utf8(html)
        if not _has_refused_chars(data):
            markup = _repair_markup(html, beginning)
            return data if markup is html else _utf8(markup)
    return _utf8(repair_faulty_html(html, beginning))


def _has_refused_chars(data: bytes) -> bool:
    return len(data.translate(None, _REFUSED_BYTES)) != len(data) or any(c in data for c in _REFUSED_UTF8)


def _repair_markup(html: str, beginning: str) -> str:
    """repair_faulty_html (trafilatura 2.3) but its character pass; tests hold the two equal."""
    if "doctype" in beginning:  # libxml2/lxml issue: https://bugs.launchpad.net/lxml/+bug/1955915
        end = html.find("\n")
        if end < 0:  # trafilatura's way, which adds a line break
            html = DOCTYPE_TAG.sub("", html, count=1) + "\n"
        elif DOCTYPE_TAG.match(html, 0, end):  # else the page stays the same string, not a copy
            html = DOCTYPE_TAG.sub("", html[:end], count=1) + html[end:]
    for line in html[:4096].splitlines()[:4]:  # a self-closing <html/> in the first lines
        if "<html" in line and line.endswith("/>"):
            return FAULTY_HTML.sub(r"\1>", html, count=1)
    return html


def _parse(data: bytes) -> tuple[lxml_html.HtmlElement | None, bool]:
    parser = _parser()
    tree = lxml_html.fromstring(data, parser=parser)
    too_deep = any(_DEPTH_ERROR in entry.message for entry in parser.error_log)
    return tree, too_deep


def flatten(html: str, max_depth: int) -> str:
    """`html` without the tags nested deeper than `max_depth`; all text kept, in order.

    Depth is counted as a browser nests: a closing tag closes its open element and
    those opened inside it; a stray closing tag closes nothing (and is kept: the
    parser ignores it). Comments, scripts and styles open no level; too deep,
    they go whole (their text is not the page's). A fallback for pages the
    parser cannot take whole, not a full tokenizer.
    """
    out: list[str] = []
    stack: list[str] = []  # open elements' names
    where: dict[str, list[int]] = {}  # name -> its stack indices, so closing is not a search
    last = 0
    for match in _TOKEN.finditer(html):
        closing, name, self_closing = match.group(2), (match.group(3) or "").lower(), match.group(4)
        if not name:  # a comment, script or style
            keep = len(stack) < max_depth
        elif closing:
            indices = where.get(name)
            keep = not indices or indices[-1] < max_depth
            if indices:
                del_from = indices[-1]
                while len(stack) > del_from:
                    where[stack.pop()].pop()
        else:
            keep = len(stack) < max_depth
            if not self_closing and name not in VOID_ELEMENTS:
                where.setdefault(name, []).append(len(stack))
                stack.append(name)
        if not keep:
            out.append(html[last:match.start()])
            last = match.end()
    out.append(html[last:])
    return "".join(out)
