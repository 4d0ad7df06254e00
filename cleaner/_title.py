"""The title: the page's heading, found by agreement with the page's <title>.

A page's <title> (or og:title, or a scraper's first line) names the article
but often carries the site name ("Story - Site"); the <h1> above the body is
the article's own title. So: prefer a heading that shares most of its words
with the <title> (less a kicker glued before it: "Politics | Story"); else the
<title> without its site name.

Text input does not say what its line 0 is: a scraper's title (the article
region follows at once) or the page's <title> (menus follow). `title_line`
only trades line 0 for a heading on evidence that line 0 is a <title>: it has
a site name, or the heading stands past the menus.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from functools import lru_cache
from itertools import pairwise

from . import _phrases
from ._features import BULLET_START, CLOSING_CHARS
from ._model import Category

WORD = re.compile(r"\w+")
# Most words a title has; longer lines are prose.
MAX_TITLE_WORDS = 40

# --- agreement of a heading with a <title>
# A heading counts as "the same title" when this share of its words is in the <title>...
MIN_CONTAINMENT = 0.5
# ...and it covers this share of the <title>'s words.
MIN_COVERAGE = 0.3

# --- site names: "Story | Site", "Story - Section - Site", "Story » Blog"
SITE_SEPARATOR = re.compile(r"\s+(?:[|｜·•»«~/]|-{1,2}|–|—|::)\s+")
# A site name or section label has at most this many words...
MAX_SITE_WORDS = 4
# ...none lower-case but these joiners ("Bank of America", "Zeit für Kinder", "Le Monde").
SITE_JOINERS = frozenset(["of", "the", "and", "for", "in", "on", "at", "de", "du", "des", "la", "le", "el", "y",
                          "für", "und", "der", "die", "das", "von", "van", "di", "da", "&", "+"])
DOMAIN = re.compile(r"\b[\w-]+\.[a-z]{2,6}\b", re.IGNORECASE)
# An author credit as the last part ("Story - by Jane Doe"), or a byline line.
BYLINE = re.compile(r"(?:by|von|par|por|door|di)\s", re.IGNORECASE)
# Left at either end of a title by a breadcrumb or a site name: "/ Story", "Story ⋆".
EDGE_MARKS = " |｜/>·•⋆~"
# Soft hyphen, zero-width space/joiners, word joiner, BOM: invisible, but they split words.
INVISIBLE_CHARS = "\u00ad\u200b\u200c\u200d\u2060\ufeff"
INVISIBLE = dict.fromkeys(map(ord, INVISIBLE_CHARS))

# --- headings
# A kicker or date glued before the title in a heading ("Politics | Story", "Dec 18 2025
# Story") has at most this many words, fewer than the title...
MAX_KICKER_WORDS = 5
# ...and a word of at least this many letters (or a figure): "The" is no kicker.
MIN_KICKER_WORD = 4
OPENING_QUOTES = "\"'«»„“‚‘"
# A headline has this many words at least (shorter, a lone <h1> unrelated to the
# <title> is a section label: "VPN Services")...
MIN_HEADLINE_WORDS = 4
# ...and at most this many.
MAX_HEADLINE_WORDS = 20
# A sentence or a teaser cut short is no heading (also when a closing quote or bracket follows).
NOT_HEADING_ENDS = (".", "…", "...")

# --- text input: where to look for the heading
# How many lines above the article's start to look, and below it (the line model
# may keep the heading as body).
LOOKBACK_LINES = 40
LOOKAHEAD_LINES = 2
# The article begins with two paragraphs of this many words within this many lines
# (the line model may keep a cookie notice or a menu first).
PARAGRAPH_WORDS = 20
PARAGRAPH_GAP = 3
# A line of this many words is prose: headings after it are the article's sections.
PROSE_WORDS = 30
# A heading this far below line 0 is past a page's menus: line 0 was the <title>
# (a scraper's region puts the article's head within a few lines of its title line,
# so a heading that agrees with line 0 there means line 0 is the title)...
MIN_MENU_LINES = 12
# ...when it agrees this well with line 0 (agreement runs from 0 to 2).
MIN_FAR_AGREEMENT = 1.0
# ...or when one of the two begins with the other and the heading has this many words.
MIN_SHARED_START_WORDS = 2
# What may end a title before its label ("Story? | Site"), and the marks that set a label off.
TITLE_END = "?!.…\"'’”»)]"
LABEL_MARKS = frozenset("|｜-–—:·•»«/~⋆*([{,@")
# The marks that set a site's name off before the title ("Site - Story", "Site | Story").
LEADING_LABEL_ENDS = frozenset("|｜-–—·•»/~")
# A byline or date line (what follows a headline, within CREDIT_DISTANCE lines) has at
# most this many words.
MAX_CREDIT_WORDS = 12
CREDIT_DISTANCE = 2
DATE = re.compile(r"\b(?:19|20)\d\d\b|\b\d{1,2}[./-]\d{1,2}[./-]\d{2,4}\b")


def _clean(text: str) -> str:
    """Entities decoded ("&#x26;" -> "&"), soft hyphens and zero-width marks dropped, white space collapsed."""
    return " ".join(html.unescape(text).translate(INVISIBLE).split())


def _words(s: str) -> set[str]:
    return set(WORD.findall(s.lower()))


def _squash(s: str) -> str:
    """Letters and digits only, lower-cased: compares titles across punctuation and spacing."""
    return "".join(WORD.findall(s.lower())).replace("_", "")


def _agreement(heading: str, page_title: str) -> float:
    """How much `heading` looks like the article title named by `page_title` (0 when not)."""
    h, t = _words(heading), _words(page_title)
    if not h or not t:
        return 0.0
    common = len(h & t)
    containment, coverage = common / len(h), common / len(t)
    if containment < MIN_CONTAINMENT or coverage < MIN_COVERAGE:
        return 0.0
    return containment + coverage


def looks_like_title(line: str) -> bool:
    return 0 < len(line.split()) <= MAX_TITLE_WORDS and _phrases.match(line) is None


def _names_site(part: str, site_name: str) -> bool:
    """Whether `part` is the site's known name (or holds it, or is held by it) or a bare domain."""
    p, site = _squash(part), _squash(site_name)
    return bool(p) and ((bool(site) and (p in site or site in p)) or bool(DOMAIN.fullmatch(part.strip())))


def _label_like(part: str) -> bool:
    """Whether a title part reads like a site name, section or author: a few capitalised
    words without figures ("Tech", "The Motley Fool"), a domain, or "by Jane Doe"."""
    words = part.split()
    if not words or len(words) > MAX_SITE_WORDS:
        return False
    if DOMAIN.search(part) or BYLINE.match(part):
        return True
    if any(ch.isdigit() for ch in part):
        # a year or a count ("Guide 2025", "Top 10") is no label; a one-word brand may hold figures ("EM360Tech")
        return len(words) == 1 and len(part) >= MIN_KICKER_WORD and any(map(str.isupper, part))
    return not any(w[0].islower() and w.lower() not in SITE_JOINERS for w in words)


def strip_site_name(title: str, site_name: str = "") -> str:
    """'Story - Site' -> 'Story', 'Story | Section | Site' -> 'Story'.

    Edge parts go while they name the site, or, at the end, read like a label
    and are shorter than what is left; at one kind of separator only:
    "Story – Until Now | Site" keeps "Story – Until Now".
    """
    title = _clean(title).strip(EDGE_MARKS)
    seps = list(SITE_SEPARATOR.finditer(title))
    if not seps:
        return title
    parts = SITE_SEPARATOR.split(title)
    start, end = 0, len(parts)
    kind: str | None = None

    def droppable(i: int, sep: str, at_end: bool) -> bool:
        if kind is not None and sep != kind:
            return False
        if _names_site(parts[i], site_name):
            return True
        n, rest = len(parts[i].split()), " ".join(p for k, p in enumerate(parts[start:end], start) if k != i)
        # shorter in words, or in characters for scripts written without spaces ("大熊猫回家了 | 新华网")
        shorter = n < len(rest.split()) or (n == len(rest.split()) == 1 and len(parts[i]) < len(rest))
        return at_end and shorter and _label_like(parts[i])

    while end - start > 1:
        if droppable(end - 1, seps[end - 2].group().strip(), True):
            kind, end = seps[end - 2].group().strip(), end - 1
        elif droppable(start, seps[start].group().strip(), False):
            kind, start = seps[start].group().strip(), start + 1
        else:
            break
    if (start, end) != (0, len(parts)):
        title = title[seps[start - 1].end() if start else 0:seps[end - 1].start() if end < len(parts) else None]
    return title.strip(EDGE_MARKS)


def _trim_kicker(heading: str, titles: Sequence[str]) -> str:
    """`heading` less a kicker or date glued before one of `titles` ("Politics | Story",
    "Dec 18 2025 Story", "Open ProgressStory"), when that rest is short and more than "The"."""
    positions = [i for i, ch in enumerate(heading) if ch.isalnum()]
    flat = "".join(heading[i].lower() for i in positions)
    for title in sorted(titles, key=len, reverse=True):
        t = _squash(title)
        if not t or t == flat or not flat.endswith(t):
            continue
        cut = positions[len(flat) - len(t)]
        while cut > 0 and heading[cut - 1] in OPENING_QUOTES:
            cut -= 1
        kicker, kept = WORD.findall(heading[:cut]), WORD.findall(heading[cut:])
        if len(kicker) <= MAX_KICKER_WORDS and len(kicker) < len(kept) and any(
                len(w) >= MIN_KICKER_WORD or w.isdigit() for w in kicker):
            return heading[cut:].strip()
    return heading


def from_html(page_title: str, headings: Sequence[str], site_name: str) -> str:
    """The title of an HTML page from its metadata title, its <h1>s and its site name.

    The <h1> that agrees best with the metadata title (less a kicker glued before
    it); else the only <h1> when it reads like a headline; else the metadata
    title without its site name.
    """
    page_title = _clean(page_title)
    main = strip_site_name(page_title, site_name)
    if main and _squash(main) in _squash(site_name):
        page_title = main = ""  # the metadata title is only the site's name
    heads = [h for h in (_clean(h) for h in headings)
             if looks_like_title(h) and not (site_name and _squash(h) == _squash(site_name))]
    scored = [(max(_agreement(h, main), _agreement(h, page_title)), -i, h) for i, h in enumerate(heads)]
    best, _, heading = max(scored, default=(0.0, 0, ""))
    if best > 0:
        # a heading that holds the whole title may only lose a kicker before it
        titles = [page_title, main]
        if _squash(main) not in _squash(heading):
            titles += SITE_SEPARATOR.split(page_title)
        return _trim_kicker(heading, titles)
    if heads and (not main or (len(heads) == 1 and len(heads[0].split()) >= MIN_HEADLINE_WORDS)):
        return heads[0]
    return main


def _first_line_title(line: str) -> bool:
    """Line 0 is the title unless it is empty, prose, or a short known label ("Skip to content"):
    a long title may look like a byline or a breadcrumb to the phrase rules ("Von der Leyen ...")."""
    words = len(line.split())
    return 0 < words <= MAX_TITLE_WORDS and (words > MAX_SITE_WORDS or _phrases.match(line) is None)


def _article_start(lines: Sequence[str]) -> int:
    """The first of two paragraphs close together: where the article begins, whatever
    the line model kept before it (a cookie notice is one paragraph among buttons)."""
    long = (i for i, ln in enumerate(lines) if i and len(ln.split()) >= PARAGRAPH_WORDS)  # read up to the pair
    return next((a for a, b in pairwise(long) if b - a <= PARAGRAPH_GAP), len(lines) - 1)


@lru_cache(maxsize=16)
def _alnum(line: str) -> tuple[tuple[int, ...], str]:
    """The positions of the line's letters and digits, and those lower-cased: `title_line` asks
    about line 0 once per heading."""
    positions = tuple(i for i, ch in enumerate(line) if ch.isalnum())
    return positions, "".join(line[i].lower() for i in positions)


def _label_around(line: str, heading: str) -> bool:
    """Whether `line` is `heading` plus a site name or label set off by punctuation:
    "Story | Site", "Story (Author)", "Blog: Story", "site.com Story" (not "Story: Subtitle")."""
    positions, flat = _alnum(line)
    own = _squash(heading)
    if not own or len(own) >= len(flat):
        return False
    if flat.startswith(own):
        after = line[positions[len(own) - 1] + 1:]
        rest = after.lstrip(TITLE_END).lstrip()
        # "Story: Subtitle" goes on; "Story : NPR" (a space before the colon) ends in a label
        return rest[:1] in LABEL_MARKS and (not rest.startswith(":") or (
            after.startswith(" :") and _label_like(rest[1:].strip())))
    if flat.endswith(own):  # a label before the title is a blog's or a site's name
        rest = line[:positions[len(flat) - len(own)]].rstrip(OPENING_QUOTES).rstrip()
        if rest.endswith(":") or DOMAIN.fullmatch(rest):
            return True
        # "Site - Story": either side may be the site's name; the label is the one that reads like one
        return rest[-1:] in LEADING_LABEL_ENDS and _label_like(rest[:-1]) and not all(
            map(_label_like, SITE_SEPARATOR.split(heading)))
    return False


def _one_begins_the_other(a: str, b: str) -> bool:
    return bool(a) and bool(b) and (a.startswith(b) or b.startswith(a))


def _headline_above_credit(lines: Sequence[str], i: int) -> bool:
    """Whether line `i` is shaped like a headline and a byline or a date follows it."""
    if not MIN_HEADLINE_WORDS <= len(lines[i].split()) <= MAX_HEADLINE_WORDS:
        return False
    for line in lines[i + 1:i + 1 + CREDIT_DISTANCE]:
        found = _phrases.match(line)
        if len(line.split()) <= MAX_CREDIT_WORDS and (
                (found and found[0] is Category.BYLINE) or BYLINE.match(line) or DATE.search(line)):
            return True
    return False


def title_line(lines: Sequence[str], body_start: int) -> int | None:
    """Index of the title line in text input, or None.

    Among the lines above the article, in order: line 0 printed again means
    line 0 is the title (in the heading's own punctuation when it stands past
    the menus: "Story: Sub" for "Story - Sub"); a heading that is line 0 less a
    label ("Story | Site") is the title; past the menus, a heading that line 0
    (less its site name) begins, or that begins with it, is; when line 0 has no
    site name, a heading that agrees with it right below it means line 0 is the
    title; the heading that agrees best with line 0 is the title when line 0
    has a site name or the heading stands past the menus; when line 0 has a
    site name, a headline followed by a byline or date is; else line 0.
    """
    if not lines or not _first_line_title(lines[0]):
        return None
    main = strip_site_name(lines[0])
    has_site = main != lines[0].strip()
    # above where the body starts and above where its paragraphs do (the line model may keep a
    # page's blurb first; the pair of paragraphs may stand further down)
    starts = {body_start, max(body_start, _article_start(lines))}
    near = sorted({i for start in starts
                   for i in range(max(1, start - LOOKBACK_LINES), min(len(lines), start + LOOKAHEAD_LINES))})
    # the site's name printed near the top is no heading ("Story | web.dev" ... "web.dev")
    kept = set(map(_squash, SITE_SEPARATOR.split(main)))
    labels = tuple(p for p in map(_squash, SITE_SEPARATOR.split(lines[0])) if p and p not in kept)
    heads = [i for i in near
             if looks_like_title(lines[i]) and not lines[i].rstrip(CLOSING_CHARS).endswith(NOT_HEADING_ENDS)
             and not BULLET_START.match(lines[i])  # "3. Step three": a list's item or section
             and not (len(lines[i].split()) <= MAX_SITE_WORDS and _squash(lines[i]).startswith(labels))]
    first = _squash(lines[0])
    same = [i for i in heads if _squash(lines[i]) == first]
    if same:  # line 0 printed again; past the menus, as the page's heading, in the article's punctuation
        i = same[-1]
        return i if i >= MIN_MENU_LINES and lines[i] != lines[0] else 0
    parts = [i for i in heads if _label_around(lines[0], lines[i])]
    if parts:
        return max(parts, key=lambda i: (len(lines[i]), i))
    # past the menus, a heading that line 0 begins (less a subtitle) or that begins with line 0
    # (a shortened <title>): the page's own heading
    own = _squash(main)
    started = [i for i in heads if i >= MIN_MENU_LINES and len(lines[i].split()) >= MIN_SHARED_START_WORDS
               and _one_begins_the_other(_squash(lines[i]), own)]
    if started:
        return started[-1]
    prose = next((i for i, ln in enumerate(lines) if i and len(ln.split()) >= PROSE_WORDS), len(lines))
    best: tuple[float, int] = (0.0, 0)
    fallback = 0
    for i in heads:
        if not has_site and i < MIN_MENU_LINES and _agreement(lines[i], lines[0]) > 0:
            return 0  # the article's head follows line 0 at once: a scraper's title line
        if has_site or MIN_MENU_LINES <= i <= prose:
            score = max(_agreement(lines[i], main), _agreement(lines[i], lines[0]))
            if score > (0 if has_site else MIN_FAR_AGREEMENT) and (score, i) > best:
                best = (score, i)
            elif has_site and i <= prose and _headline_above_credit(lines, i):
                fallback = i
    return best[1] or fallback
