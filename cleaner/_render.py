"""The whole visible text of an HTML tree, a block a line, menus and footers and all.

What a browser would show, roughly: a block element (paragraph, heading, list
item, table cell, div) starts and ends a line, inline elements run on. When the
extractor finds little main content, the HTML pipeline cleans this as whole-page
text too, so an article the extractor missed is not lost.
"""

from __future__ import annotations

from lxml import etree
from lxml import html as lxml_html

# Elements that break the line before and after them (html-text's list, which
# the whole-page text of the benchmarks was rendered with).
BLOCK_TAGS = frozenset({
    "address", "article", "aside", "blockquote", "body", "dd", "details", "dialog", "div", "dl", "dt",
    "fieldset", "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header",
    "hr", "li", "main", "nav", "ol", "p", "pre", "section", "summary", "table", "td", "th", "tr", "ul",
    "br", "option",
})
# Their text is code or metadata, not shown.
HIDDEN_TAGS = frozenset({"script", "style", "template", "head", "title", "noscript"})


def visible_lines(tree: lxml_html.HtmlElement) -> list[str]:
    """The tree's visible text as stripped, non-empty lines, in document order."""
    parts: list[str] = []
    hidden = 0  # depth inside hidden elements
    for event, element in etree.iterwalk(tree, events=("start", "end")):
        tag = element.tag if isinstance(element.tag, str) else ""  # comments and PIs have no name
        if event == "start":
            if tag in HIDDEN_TAGS:
                hidden += 1
            elif not hidden:
                if tag in BLOCK_TAGS:
                    parts.append("\n")
                if tag and element.text:
                    parts.append(element.text)
            continue
        if tag in HIDDEN_TAGS:
            hidden -= 1
        elif not hidden and tag in BLOCK_TAGS:
            parts.append("\n")
        if not hidden and element.tail:
            parts.append(element.tail)
    return [line for line in (" ".join(raw.split()) for raw in "".join(parts).split("\n")) if line]
