"""The title: the page's heading, found by agreement with the page's <title>.

A page's <title> (or og:title, or a scraper's first line) names the article
but often carries the site name ("Story - Site"); the <h1> above the body is
the article's own title. So: prefer a heading line that shares most of its
words with the <title>, nearest the body; else the <title> without its site
name.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from . import _phrases

WORD = re.compile(r"\w+")
# A heading counts as "the same title" when this share of its words is in the <title>...
MIN_CONTAINMENT = 0.5
# ...and it covers this share of the <title>'s words.
MIN_COVERAGE = 0.3
# Most words a title has; longer lines are prose.
MAX_TITLE_WORDS = 40
# How many lines above the body to look for the heading in text input.
LOOKBACK_LINES = 40
SITE_SEPARATOR = re.compile(r"\s+(?:[|｜·•»~/]|-{1,2}|–|—|::)\s+")


def _words(s: str) -> set[str]:
    return set(WORD.findall(s.lower()))


def _agreement(heading: str, page_title: str) -> float:
    """How much `heading` looks like the article title named by `page_title` (0 when not)."""
    h, t = _words(heading), _words(page_title)
    if len(h) < 1 or not t:
        return 0.0
    common = len(h & t)
    containment, coverage = common / len(h), common / len(t)
    if containment < MIN_CONTAINMENT or coverage < MIN_COVERAGE:
        return 0.0
    return containment + coverage


def strip_site_name(title: str, site_name: str = "") -> str:
    """'Story - Site' -> 'Story'; keeps the title whole when no part looks like a site name."""
    parts = SITE_SEPARATOR.split(title.strip())
    if len(parts) < 2:
        return title.strip()
    site = site_name.strip().lower()
    if site:
        kept = [p for p in parts if p.strip().lower() != site]
        if len(kept) < len(parts) and kept:
            return _rejoin(title, kept)
    # otherwise drop short trailing (or leading) parts: "Story | Site | Section"
    longest = max(parts, key=lambda p: len(p.split()))
    if len(longest.split()) >= 3 and all(len(p.split()) <= 4 for p in parts if p is not longest):
        return longest.strip()
    return title.strip()


def _rejoin(title: str, kept: Sequence[str]) -> str:
    """The span of `title` from the first kept part to the last (keeps the original separators)."""
    start = title.find(kept[0])
    end = title.rfind(kept[-1]) + len(kept[-1])
    return title[start:end].strip() if 0 <= start < end else kept[0].strip()


def looks_like_title(line: str) -> bool:
    return 0 < len(line.split()) <= MAX_TITLE_WORDS and _phrases.match(line) is None


def from_html(page_title: str, headings: Sequence[str], site_name: str) -> str:
    scored = [(_agreement(h, page_title), i, h) for i, h in enumerate(headings) if looks_like_title(h)]
    best = max(scored, default=(0.0, 0, ""))
    if best[0] > 0:
        return best[2]
    if page_title:
        return strip_site_name(page_title, site_name)
    return next((h for h in headings if looks_like_title(h)), "")


def title_line(lines: Sequence[str], body_start: int) -> int | None:
    """Index of the title line in text input, or None.

    Line 0 is a scraper's title or the page's <title>; the heading nearest
    above the body that agrees with it wins, else line 0 itself.
    """
    if not lines or not looks_like_title(lines[0]):
        return None
    best: tuple[float, int] = (0.0, 0)
    for i in range(max(1, body_start - LOOKBACK_LINES), max(1, body_start + 1)):
        if i < len(lines) and looks_like_title(lines[i]):
            score = _agreement(lines[i], lines[0])
            if score > 0 and (score, i) > best:
                best = (score, i)
    return best[1]
